// The server's configuration file (TOML, api.md §1): SLA policy, calendar, case numbers, limits,
// and the one list of its keys. Not the command line (main.cpp) nor the calendar data
// (calendar_file.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/calendar_file.h"
#include "engine/enums.h"
#include "engine/sla_policy.h"
#include "engine/status.h"
#include "engine/time.h"

namespace gridcare::app {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; "[::1]:8080" for IPv6
  std::size_t max_body_bytes = 1048576;
  std::size_t max_header_bytes = 16384;
  engine::Millis read_timeout = std::chrono::seconds(30);
  engine::Millis idle_timeout = std::chrono::seconds(60);
  int max_connections = 1024;
  engine::Millis session_ttl = std::chrono::hours(12);
  // A live stream's keep-alive comment; a stream whose session has expired ends by then.
  engine::Millis stream_heartbeat = std::chrono::seconds(15);
  // The header a reverse proxy sets to the client's address; "" = the TCP peer.
  std::string client_address_header;
  int io_threads = 0;       // threads serving connections (and parsing, rendering); 0 = one per core
  int worker_threads = 64;  // threads for requests that block: reads, sign-in
  // TLS on the listening port: PEM certificate (then its chain) and private key; both or
  // neither; "" = plain HTTP (e.g. behind a TLS-terminating proxy).
  std::string tls_cert_file;
  std::string tls_key_file;

  bool operator==(const ServerConfig&) const = default;
};

// [store]: the SQLite write connection (storage::SqliteStoreOptions).
struct StoreConfig {
  int cache_mib = 64;             // its page cache
  std::int64_t mmap_mib = 16384;  // reads through a memory map this large; 0 = off
  int checkpoint_frames = 8000;   // WAL pages that wake the checkpoint thread; 0 = SQLite's own
  // The checkpoint thread waits for the writeback of every this many KiB it copies; 0 = the
  // kernel's own pace (checkpointer.h).
  std::int64_t checkpoint_flush_kib = 256;
  bool gather_wal_writes = true;  // a commit's WAL frames in one write (store_vfs.h)

  bool operator==(const StoreConfig&) const = default;
};

// [audit]: anchors of the global audit chain (storage/audit_anchor.h), written by the server
// to a file outside the database with a key outside it. Off while both paths are empty.
struct AuditConfig {
  std::string anchor_file;      // appended to; "" = no anchors
  std::string anchor_key_file;  // from `gridcare audit keygen`; "" = no anchors
  engine::Millis anchor_interval = std::chrono::minutes(10);

  bool enabled() const { return !anchor_file.empty(); }
  bool operator==(const AuditConfig&) const = default;
};

// [privacy]: where the keys that seal personal data at rest come from (storage/data_keys.h).
struct PrivacyConfig {
  // "" = the GRIDCARE_DATA_KEYS environment variable if set, else "<database>.keys", made at
  // the first start (with a warning: it belongs away from the database and its backups).
  std::string key_file;
  // A finished case (CLOSED, REJECTED, WITHDRAWN) whose last change is this long ago has its
  // personal data erased, with an event saying so. Zero ("never" in the file): kept.
  engine::Millis minimise_after = std::chrono::hours(24 * 365 * 3);

  bool operator==(const PrivacyConfig&) const = default;
};

struct WebhookConfig {
  std::string name;  // sink name; deliveries are tracked per name
  std::string url;   // http://host:port/path or https://host:port/path
  engine::Millis timeout = std::chrono::seconds(5);
  // PEM file of the CAs an https:// receiver's certificate must chain to, instead of the
  // system's; "" = the system's (/etc/ssl/certs).
  std::string ca_file;

  bool operator==(const WebhookConfig&) const = default;
};

struct NotifyConfig {
  bool log = true;        // write every notification to the server log
  int max_attempts = 8;   // then the delivery is DEAD (dead letter)
  engine::Millis retry_base = std::chrono::seconds(2);
  engine::Millis retry_max = std::chrono::minutes(10);
  std::vector<WebhookConfig> webhooks;  // [[notify.webhook]]

  bool operator==(const NotifyConfig&) const = default;
};

// [console]: the built web console `gridcare serve` answers at /.
struct ConsoleConfig {
  // Read once at start-up. Empty: no console. Missing, or without index.html: no console
  // either, and one log line says so.
  std::string dir = GRIDCARE_CONSOLE_DIR;

  bool operator==(const ConsoleConfig&) const = default;
};

struct Config {
  // [sla] with the built-in defaults for keys the file leaves out.
  engine::SlaWindows sla;
  std::map<engine::Priority, engine::SlaOverride> sla_by_priority;  // [sla.priority.X]
  std::map<engine::Category, engine::SlaOverride> sla_by_category;  // [sla.category.X]
  // [calendar] file; a relative path in the file is resolved against the config file's
  // directory, so a service does not depend on its working directory.
  std::string calendar_file = DefaultCalendarPath();
  std::string case_number_prefix = "NA";  // [cases] number_prefix, 1–8 letters A–Z
  ServerConfig server;                    // [server]
  NotifyConfig notify;                    // [notify]
  StoreConfig store;                      // [store]
  AuditConfig audit;                      // [audit]
  PrivacyConfig privacy;                  // [privacy]
  ConsoleConfig console;                  // [console]

  engine::SlaPolicy MakeSlaPolicy() const {
    return engine::SlaPolicy(sla, sla_by_priority, sla_by_category);
  }

  bool operator==(const Config&) const = default;
};

// Every value has a default; the file only says what differs. Unknown tables and keys are
// errors (a misspelt SLA key must not silently leave the default in force), and every bad
// value is reported with its file, line, key and value.
engine::Result<Config> LoadConfig(const std::string& path);
// The same from the file's text; `path` names it in messages and is where a relative
// [calendar] file is resolved from.
engine::Result<Config> ParseConfig(std::string_view text, const std::string& path);
Config DefaultConfig();

// One key of the file, as the loader reads it and deploy/gridcare.toml documents it.
struct ConfigKey {
  // "sla", "server", ...; "sla" keys are also read in [sla.category.X] and [sla.priority.X],
  // "notify.webhook" keys in each [[notify.webhook]].
  std::string_view table;
  std::string_view name;
  // The built-in value as TOML ("48h" with its quotes, 1024, true); empty when it depends on
  // the build ([calendar] file, [console] dir) or there is none (a webhook's name and url).
  std::string_view default_toml;
  std::string_view help;
  // Still accepted so that old files load, but it does nothing; logged when set.
  bool ignored = false;
};

// Every key the loader accepts, in the order of deploy/gridcare.toml.
const std::vector<ConfigKey>& ConfigKeys();

}  // namespace gridcare::app
