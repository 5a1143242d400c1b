// ApiTypeResolver: google.protobuf.Type and Enum of the API's messages, converted once.
#include "handlers/json_types.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/type.pb.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/error.pb.h"
#include "gridcare/v1/notification.pb.h"
#include "gridcare/v1/org.pb.h"
#include "gridcare/v1/session.pb.h"
#include "gridcare/v1/stats.pb.h"

namespace gridcare::handlers {

namespace {

namespace pb = google::protobuf;

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

std::string UrlOf(const std::string& full_name) {
  return std::string(kTypeUrlPrefix) + "/" + full_name;
}

class PrebuiltTypeResolver final : public pb::util::TypeResolver {
 public:
  // Every message and enum reachable from the messages of `files`.
  explicit PrebuiltTypeResolver(const std::vector<const pb::FileDescriptor*>& files)
      : pool_(pb::util::NewTypeResolverForDescriptorPool(kTypeUrlPrefix,
                                                         pb::DescriptorPool::generated_pool())) {
    for (const pb::FileDescriptor* file : files) {
      for (int i = 0; i < file->message_type_count(); ++i) AddMessage(*file->message_type(i));
      for (int i = 0; i < file->enum_type_count(); ++i) AddEnum(*file->enum_type(i));
    }
  }

  pb::util::Status ResolveMessageType(const std::string& type_url, pb::Type* type) override {
    const auto it = types_.find(type_url);
    if (it == types_.end()) return pool_->ResolveMessageType(type_url, type);
    *type = it->second;
    return pb::util::Status();
  }

  pb::util::Status ResolveEnumType(const std::string& type_url, pb::Enum* enum_type) override {
    const auto it = enums_.find(type_url);
    if (it == enums_.end()) return pool_->ResolveEnumType(type_url, enum_type);
    *enum_type = it->second;
    return pb::util::Status();
  }

 private:
  void AddMessage(const pb::Descriptor& descriptor) {
    const std::string url = TypeUrl(descriptor);
    if (types_.count(url) > 0) return;
    pb::Type type;
    // Only fails for a type missing from the pool, which a generated descriptor is not;
    // such a type would simply be resolved on each call.
    if (!pool_->ResolveMessageType(url, &type).ok()) return;
    // The converter never reads the source file's name; each call would copy it.
    type.clear_source_context();
    types_.emplace(url, std::move(type));
    for (int i = 0; i < descriptor.field_count(); ++i) {
      const pb::FieldDescriptor& field = *descriptor.field(i);
      if (field.message_type() != nullptr) AddMessage(*field.message_type());
      if (field.enum_type() != nullptr) AddEnum(*field.enum_type());
    }
    for (int i = 0; i < descriptor.nested_type_count(); ++i) AddMessage(*descriptor.nested_type(i));
    for (int i = 0; i < descriptor.enum_type_count(); ++i) AddEnum(*descriptor.enum_type(i));
  }

  void AddEnum(const pb::EnumDescriptor& descriptor) {
    const std::string url = UrlOf(descriptor.full_name());
    if (enums_.count(url) > 0) return;
    pb::Enum enum_type;
    if (!pool_->ResolveEnumType(url, &enum_type).ok()) return;
    enum_type.clear_source_context();
    enums_.emplace(url, std::move(enum_type));
  }

  const std::unique_ptr<pb::util::TypeResolver> pool_;
  std::unordered_map<std::string, pb::Type> types_;  // filled by the constructor only
  std::unordered_map<std::string, pb::Enum> enums_;
};

}  // namespace

std::string TypeUrl(const pb::Descriptor& descriptor) { return UrlOf(descriptor.full_name()); }

pb::util::TypeResolver* ApiTypeResolver() {
  // A constant computed on first use (thread-safe static initialisation); never changed.
  static PrebuiltTypeResolver resolver({
      v1::Case::descriptor()->file(),
      v1::ErrorBody::descriptor()->file(),
      v1::Notification::descriptor()->file(),
      v1::OrgUnit::descriptor()->file(),
      v1::Session::descriptor()->file(),
      v1::StatsResponse::descriptor()->file(),
  });
  return &resolver;
}

}  // namespace gridcare::handlers
