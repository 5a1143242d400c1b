// `gridcare serve`: run the HTTP server on a database until a signal stops it.
// Not the wiring of store, scheduler and server: server_app.h does that.
#pragma once

#include <optional>
#include <string>

namespace gridcare::app {

struct ServeOptions {
  std::string db_path;
  std::string listen;       // HOST:PORT (listen_address.h); empty: the config's [server] listen
  std::string config_path;  // TOML; empty = built-in defaults
  bool demo = false;        // seed a demo org tree, users and cases first
  // --console DIR: the web console's directory instead of [console] dir; "" = none.
  std::optional<std::string> console_dir = std::nullopt;
};

// Returns the process exit code: 0 after a clean shutdown, 2 on a usage or start-up error.
int RunServe(const ServeOptions& options);

}  // namespace gridcare::app
