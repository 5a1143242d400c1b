// RouteProtobufLogs: libprotobuf's log handler, into spdlog.
#include "app/protobuf_log.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <string>

namespace gridcare::app {
namespace {

void LogFromProtobuf(google::protobuf::LogLevel level, const char* file, int line,
                     const std::string& message) {
  // A client that sends a string field with invalid UTF-8 gets a 400; libprotobuf also says
  // so at ERROR on every such request. That line is the client's doing, not the server's.
  const bool clients_doing = message.find("invalid UTF-8") != std::string::npos;
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO:
      spdlog::debug("protobuf: {} ({}:{})", message, file, line);
      break;
    case google::protobuf::LOGLEVEL_WARNING:
    case google::protobuf::LOGLEVEL_ERROR:
      if (clients_doing) {
        spdlog::debug("protobuf: {} ({}:{})", message, file, line);
      } else {
        spdlog::warn("protobuf: {} ({}:{})", message, file, line);
      }
      break;
    case google::protobuf::LOGLEVEL_FATAL:
      spdlog::critical("protobuf: {} ({}:{})", message, file, line);
      break;
  }
}

}  // namespace

void RouteProtobufLogs() { google::protobuf::SetLogHandler(&LogFromProtobuf); }

}  // namespace gridcare::app
