// `gridcare serve`: run the HTTP server on a database until a signal stops it.
// Declarations only here; the wiring of store, scheduler and server is serve_command.cpp.
#pragma once

#include <optional>
#include <string>

namespace gridcare::app {

struct ServeOptions {
  std::string db_path;
  std::string listen;       // HOST:PORT; "127.0.0.1:8080" by default (api.md §1)
  std::string config_path;  // TOML; empty = built-in defaults
  bool demo = false;        // seed a demo org tree, users and cases first
  // --console DIR: the web console's directory instead of [console] dir; "" = none.
  std::optional<std::string> console_dir = std::nullopt;
};

// Returns the process exit code: 0 after a clean shutdown, 2 on a usage or start-up error.
int RunServe(const ServeOptions& options);

}  // namespace gridcare::app
