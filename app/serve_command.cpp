// `gridcare serve`: interim until the HTTP server is wired (see server_app.*).
#include "app/serve_command.h"

#include <iostream>

#include "app/demo_command.h"
#include "app/runtime.h"

namespace gridcare::app {

int RunServe(const ServeOptions& options) {
  if (options.demo) {
    const int rc = RunDemo(options.db_path, options.config_path);
    if (rc != 0) return rc;
  }
  std::cerr << "serve: the HTTP API is not wired yet (issue 4)\n";
  return 3;
}

}  // namespace gridcare::app
