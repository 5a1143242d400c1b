// `gridcare serve`: seed the demo city if asked, start the server, stop it gracefully on
// SIGTERM or SIGINT.
#include "app/serve_command.h"

#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app/demo_command.h"
#include "app/server_app.h"

namespace gridcare::app {

int RunServe(const ServeOptions& options) {
  // Block the stop signals before any thread starts, so that only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  if (options.demo) {
    const int rc = RunDemo(options.db_path, options.config_path);
    if (rc != 0) return rc;
  }
  auto app =
      ServerApp::Start({options.db_path, options.config_path, options.listen, options.console_dir});
  if (!app.ok()) {
    std::cerr << "serve: " << app.status().ToString() << "\n";
    return 2;
  }
  std::cout << "GridCare is serving on http://127.0.0.1:" << (*app)->port()
            << "/ (Ctrl-C to stop)" << std::endl;
  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("signal {}: finishing in-flight requests and closing the store", signal);
  (*app)->Shutdown();
  app->reset();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace gridcare::app
