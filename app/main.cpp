// The `gridcare` executable: parses the command line and hands off to one command.
// Not the commands themselves: they live in app/*_command*.cpp and return exit codes.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include "app/admin_commands.h"
#include "app/demo_command.h"
#include "app/privacy_commands.h"
#include "app/protobuf_log.h"
#include "app/serve_command.h"

namespace {

using gridcare::app::kExitError;

int Run(int argc, char** argv) {
  CLI::App app{"gridcare: case workflow for grid-based family service requests"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand");

  std::string db;
  std::string csv;
  std::string to;
  std::string listen;  // empty: the config's [server] listen (default 127.0.0.1:8080)
  std::string config;
  bool demo = false;

  auto* serve = app.add_subcommand("serve", "Run the HTTP server");
  serve->add_option("--db", db, "SQLite database file (created when missing)")->required();
  serve->add_option("--listen", listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--config", config, "TOML configuration file");
  serve->add_flag("--demo", demo, "Seed demo units, users and cases first");
  std::string console;
  auto* console_option = serve->add_option(
      "--console", console,
      "Directory of the built web console to serve at / (instead of [console] dir; \"\" = none)");

  auto* import = app.add_subcommand("import", "Load organisation units or users from CSV");
  import->require_subcommand(1);
  auto* orgs = import->add_subcommand("orgs", "Load units (id,name,level,parent_id)");
  orgs->add_option("file", csv, "orgs.csv")->required();
  orgs->add_option("--db", db, "SQLite database file")->required();
  auto* users =
      import->add_subcommand("users", "Load users (username,display_name,role,org_id,password)");
  users->add_option("file", csv, "users.csv")->required();
  users->add_option("--db", db, "SQLite database file")->required();

  auto* audit = app.add_subcommand("audit", "Check the audit trail");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand(
      "verify",
      "Check every case's hash chain and row, the global audit chain and, with --anchors, the "
      "anchors; exit 1 when tampering is found");
  verify->add_option("--db", db, "SQLite database file")->required();
  std::string anchors;
  std::string anchor_key;
  verify->add_option("--anchors", anchors, "Anchor file the server wrote ([audit] anchor_file)");
  verify->add_option("--anchor-key", anchor_key,
                     "Key file the anchors were made with ([audit] anchor_key_file)");
  auto* keygen = audit->add_subcommand("keygen", "Make a key for the audit anchors (mode 0600)");
  keygen->add_option("--to", to, "Key file to create; an existing file is not overwritten")
      ->required();

  auto* privacy = app.add_subcommand("privacy", "Keys that seal personal data at rest");
  privacy->require_subcommand(1);
  auto* privacy_keygen = privacy->add_subcommand(
      "keygen", "Make a data key file (mode 0600) for [privacy] key_file");
  privacy_keygen->add_option("--to", to, "Key file to create; an existing file is not overwritten")
      ->required();
  auto* rotate = privacy->add_subcommand(
      "rotate",
      "Add a data key to the key file and re-seal every case under it; restart the server after");
  rotate->add_option("--db", db, "SQLite database file")->required();
  rotate->add_option("--config", config, "TOML configuration file (for [privacy] key_file)");
  bool drop_old = false;
  rotate->add_flag("--drop-old", drop_old,
                   "Then remove the older data keys from the file (with the server stopped)");

  auto* backup = app.add_subcommand("backup", "Consistent online backup, safe while serving");
  backup->add_option("--db", db, "SQLite database file")->required();
  backup->add_option("--to", to, "Backup file to write")->required();

  auto* demo_cmd = app.add_subcommand("demo", "Fill a database with demo data");
  demo_cmd->add_option("--db", db, "SQLite database file")->required();
  demo_cmd->add_option("--config", config, "TOML configuration file");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // app.exit prints help (exit 0) or the usage error; every usage error is exit 2.
    return app.exit(e) == 0 ? gridcare::app::kExitOk : kExitError;
  }

  if (serve->parsed()) {
    std::optional<std::string> console_dir;
    if (console_option->count() > 0) console_dir = console;
    return gridcare::app::RunServe({db, listen, config, demo, console_dir});
  }
  if (orgs->parsed()) return gridcare::app::RunImport(gridcare::app::ImportKind::kOrgs, csv, db);
  if (users->parsed()) return gridcare::app::RunImport(gridcare::app::ImportKind::kUsers, csv, db);
  if (verify->parsed()) return gridcare::app::RunAuditVerify(db, anchors, anchor_key);
  if (keygen->parsed()) return gridcare::app::RunAuditKeygen(to);
  if (backup->parsed()) return gridcare::app::RunBackup(db, to);
  if (privacy_keygen->parsed()) return gridcare::app::RunPrivacyKeygen(to);
  if (rotate->parsed()) return gridcare::app::RunPrivacyRotate(db, config, drop_old);
  if (demo_cmd->parsed()) return gridcare::app::RunDemo(db, config);
  std::cerr << app.help();
  return kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  gridcare::app::RouteProtobufLogs();
  // Commands return errors as values; this only keeps a stray exception (e.g. bad_alloc)
  // from ending the process without a word.
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "gridcare: " << e.what() << "\n";
    return kExitError;
  }
}
