// Where libprotobuf's own log lines go: through spdlog, and those a client's bytes cause
// (invalid UTF-8 in a binary body's string) only at debug level, so no client can fill the
// server's log with them. Not the server's own logging setup.
#pragma once

namespace gridcare::app {

// Installs the handler; call once, before any thread parses a message.
void RouteProtobufLogs();

}  // namespace gridcare::app
