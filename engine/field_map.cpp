// FieldMap: a sorted vector with map semantics.
#include "engine/field_map.h"

#include <algorithm>
#include <stdexcept>

namespace gridcare::engine {

FieldMap::FieldMap(std::initializer_list<value_type> fields) {
  fields_.reserve(fields.size());
  for (const value_type& f : fields) insert_or_assign(f.first, f.second);
}

namespace {

// The first field whose name is not less than `name`.
template <typename Iterator>
Iterator LowerBound(Iterator first, Iterator last, std::string_view name) {
  return std::lower_bound(first, last, name, [](const FieldMap::value_type& f, std::string_view n) {
    // compare(), not <: clang 14 cannot rewrite string < string_view through libstdc++ 12's
    // operator<=> (the fuzz build's compiler).
    return f.first.compare(n) < 0;
  });
}

}  // namespace

void FieldMap::insert_or_assign(std::string name, std::string value) {
  const auto at = LowerBound(fields_.begin(), fields_.end(), name);
  if (at != fields_.end() && at->first == name) {
    at->second = std::move(value);
  } else {
    fields_.emplace(at, std::move(name), std::move(value));
  }
}

void FieldMap::append_in_order(std::string name, std::string value) {
  if (!fields_.empty() && !(fields_.back().first < name)) {
    return insert_or_assign(std::move(name), std::move(value));
  }
  fields_.emplace_back(std::move(name), std::move(value));
}

const std::string* FieldMap::find(std::string_view name) const {
  const auto at = LowerBound(fields_.begin(), fields_.end(), name);
  return at != fields_.end() && at->first == name ? &at->second : nullptr;
}

const std::string& FieldMap::at(std::string_view name) const {
  const std::string* value = find(name);
  if (value == nullptr) throw std::out_of_range("FieldMap: no field " + std::string(name));
  return *value;
}

}  // namespace gridcare::engine
