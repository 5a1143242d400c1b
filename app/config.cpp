// Reads and validates the TOML config file into Config through one table of keys; all checks
// happen here, once, at start-up. Not the meaning of the values: the engine, server and store
// own what they do with them.
#include "app/config.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

// pkg-config normally passes this; without it toml++ would compile its parser inline here
// and clash with the shared library we link.
#ifndef TOML_HEADER_ONLY
#define TOML_HEADER_ONLY 0
#endif
#include <toml++/toml.h>

#include "app/listen_address.h"
#include "app/webhook_client.h"

namespace gridcare::app {
namespace {

using engine::InvalidArgument;
using engine::Result;
using engine::SlaDuration;
using engine::Status;

// One reader per file so that every message carries the file name without threading it
// through each call.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  Status Error(const toml::node& node, std::string_view key, std::string_view why) const {
    return InvalidArgument(Where(node.source()) + ": " + std::string(key) + " = " +
                           ValueText(node) + ": " + std::string(why));
  }
  Status UnknownKey(const toml::key& key, std::string_view table, std::string_view expected) const {
    std::string m = Where(key.source()) + ": unknown key \"";
    m.append(table);
    if (!table.empty()) m += ".";
    m.append(key.str());
    m += "\" (expected ";
    m.append(expected);
    m += ")";
    return InvalidArgument(std::move(m));
  }
  Status NotATable(const toml::node& node, std::string_view key) const {
    return InvalidArgument(Where(node.source()) + ": " + std::string(key) + " must be a table [" +
                           std::string(key) + "]");
  }

  Result<std::string> String(const toml::node& node, std::string_view key) const {
    if (const auto* s = node.as_string()) return s->get();
    return Error(node, key, "must be a string");
  }

  Result<bool> Boolean(const toml::node& node, std::string_view key) const {
    if (const auto* b = node.as_boolean()) return b->get();
    return Error(node, key, "must be true or false");
  }

  Result<std::int64_t> Integer(const toml::node& node, std::string_view key, std::int64_t min,
                               std::int64_t max) const {
    const auto* i = node.as_integer();
    if (i == nullptr) return Error(node, key, "must be a whole number");
    if (i->get() < min || i->get() > max) {
      return Error(node, key,
                   "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    return i->get();
  }

  Result<SlaDuration> Duration(const toml::node& node, std::string_view key) const {
    const auto* s = node.as_string();
    if (s == nullptr) return Error(node, key, "must be a string such as \"48h\" or \"15wd\"");
    auto d = engine::ParseSlaDuration(s->get());
    if (!d.ok()) return Error(node, key, d.status().message());
    return *d;
  }

  // Timeouts and token lifetimes run on the wall clock; working days make no sense there.
  Result<engine::Millis> NaturalDuration(const toml::node& node, std::string_view key) const {
    GC_ASSIGN_OR_RETURN(const SlaDuration d, Duration(node, key));
    if (d.unit != SlaDuration::Unit::kMillis) {
      return Error(node, key, "working days are not allowed here; use s, m, h or d");
    }
    return engine::Millis(d.amount);
  }

  Result<double> Fraction(const toml::node& node, std::string_view key) const {
    const std::optional<double> v = node.is_number() ? node.value<double>() : std::nullopt;
    if (!v) return Error(node, key, "must be a number between 0 and 1, e.g. 0.75");
    if (!(*v > 0.0 && *v < 1.0)) {
      return Error(node, key, "must be greater than 0 and less than 1, e.g. 0.75");
    }
    return *v;
  }

  const std::string& path() const { return path_; }

 private:
  std::string Where(const toml::source_region& src) const {
    return path_ + ":" + std::to_string(src.begin.line);
  }
  // As the administrator wrote it, near enough: toml++ would print strings in single quotes.
  static std::string ValueText(const toml::node& node) {
    if (const auto* s = node.as_string()) return "\"" + s->get() + "\"";
    std::ostringstream os;
    node.visit([&](const auto& v) { os << v; });
    return os.str();
  }

  std::string path_;
};

// A relative path in the file is taken from the file's own directory.
std::string FromConfigDir(const Reader& r, const std::string& file) {
  std::filesystem::path p(file);
  if (p.is_relative()) p = std::filesystem::path(r.path()).parent_path() / p;
  return p.string();
}

template <typename Target>
using ReadFn = Status (*)(const Reader& r, const toml::node& node, const std::string& key,
                          Target& out);

// A key and how to read it into `Target`: Config for most, one SlaOverride for the [sla]
// keys (the same in [sla] and in every override table), one webhook for its keys.
template <typename Target>
struct Row {
  ConfigKey key;
  ReadFn<Target> read;
};

// The [sla] keys. ReadSla applies what [sla] sets over the built-in windows.
const Row<engine::SlaOverride> kSlaRows[] = {
    {{"sla", "response", R"("48h")", "case created -> first accepted; then overdue and moved up"},
     [](const Reader& r, const toml::node& n, const std::string& k, engine::SlaOverride& o) {
       GC_ASSIGN_OR_RETURN(o.response, r.Duration(n, k));
       return Status::Ok();
     }},
    {{"sla", "escalated_response", R"("24h")", "the response window after each escalation"},
     [](const Reader& r, const toml::node& n, const std::string& k, engine::SlaOverride& o) {
       GC_ASSIGN_OR_RETURN(o.escalated_response, r.Duration(n, k));
       return Status::Ok();
     }},
    {{"sla", "resolve", R"("15wd")", "accepted -> resolved"},
     [](const Reader& r, const toml::node& n, const std::string& k, engine::SlaOverride& o) {
       GC_ASSIGN_OR_RETURN(o.resolve, r.Duration(n, k));
       return Status::Ok();
     }},
    {{"sla", "follow_up", R"("7d")", "resolved -> follow-up visit"},
     [](const Reader& r, const toml::node& n, const std::string& k, engine::SlaOverride& o) {
       GC_ASSIGN_OR_RETURN(o.follow_up, r.Duration(n, k));
       return Status::Ok();
     }},
    {{"sla", "warn_at", "0.75", "fraction of a window at which SLA_WARNING fires"},
     [](const Reader& r, const toml::node& n, const std::string& k, engine::SlaOverride& o) {
       GC_ASSIGN_OR_RETURN(o.warn_at, r.Fraction(n, k));
       return Status::Ok();
     }},
    {{"sla", "escalate_resolve_breach", "false", "also move a case up when resolving is late"},
     [](const Reader& r, const toml::node& n, const std::string& k, engine::SlaOverride& o) {
       GC_ASSIGN_OR_RETURN(o.escalate_resolve_breach, r.Boolean(n, k));
       return Status::Ok();
     }},
};

// Keys in a table of their own: [calendar], [console], [cases], [server], [store], [audit],
// [privacy], [notify].
const Row<Config> kRows[] = {
    {{"calendar", "file", "", "the statutory working-day calendar for \"Nwd\" windows"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::string file, r.String(n, k));
       if (file.empty()) return r.Error(n, k, "must not be empty");
       c.calendar_file = FromConfigDir(r, file);
       return Status::Ok();
     }},
    {{"console", "dir", "", "the built web console answered at /; \"\" = none"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::string dir, r.String(n, k));
       c.console.dir = dir.empty() ? dir : FromConfigDir(r, dir);
       return Status::Ok();
     }},
    {{"cases", "number_prefix", R"("NA")", "prefix of case numbers, 1 to 8 letters A-Z"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::string prefix, r.String(n, k));
       bool ok = !prefix.empty() && prefix.size() <= 8;
       for (const char ch : prefix) ok = ok && ch >= 'A' && ch <= 'Z';
       if (!ok) return r.Error(n, k, "must be 1 to 8 letters A-Z");
       c.case_number_prefix = prefix;
       return Status::Ok();
     }},
    {{"server", "listen", R"("127.0.0.1:8080")", "HOST:PORT; --listen wins"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::string listen, r.String(n, k));
       // Port 0 (any free port) is for tests, on the command line; a service needs a known one.
       const auto parsed = ParseListen(listen);
       if (!parsed.ok() || parsed->port == 0) {
         return r.Error(n, k, "must be HOST:PORT, e.g. \"127.0.0.1:8080\" or \"[::1]:8080\"");
       }
       c.server.listen = listen;
       return Status::Ok();
     }},
    {{"server", "max_body_bytes", "1048576", "largest request body (413 above)"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(n, k, 1, std::int64_t{1} << 30));
       c.server.max_body_bytes = static_cast<std::size_t>(v);
       return Status::Ok();
     }},
    {{"server", "max_header_bytes", "16384", "largest request line plus headers"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(n, k, 1, std::int64_t{1} << 20));
       c.server.max_header_bytes = static_cast<std::size_t>(v);
       return Status::Ok();
     }},
    {{"server", "read_timeout", R"("30s")", "time for a whole request, from its first byte"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.server.read_timeout, r.NaturalDuration(n, k));
       return Status::Ok();
     }},
    {{"server", "idle_timeout", R"("60s")", "how long a kept-alive connection may idle"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.server.idle_timeout, r.NaturalDuration(n, k));
       return Status::Ok();
     }},
    {{"server", "max_connections", "1024", "most simultaneous connections (503 above)"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(n, k, 1, 1000000));
       c.server.max_connections = static_cast<int>(v);
       return Status::Ok();
     }},
    {{"server", "session_ttl", R"("12h")", "how long a sign-in token stays valid"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.server.session_ttl, r.NaturalDuration(n, k));
       return Status::Ok();
     }},
    {{"server", "stream_heartbeat", R"("15s")", "keep-alive comment on a live stream"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.server.stream_heartbeat, r.NaturalDuration(n, k));
       if (c.server.stream_heartbeat.count() <= 0) return r.Error(n, k, "must be positive");
       return Status::Ok();
     }},
    {{"server", "client_address_header", R"("")", "header naming the client behind a proxy"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.server.client_address_header, r.String(n, k));
       return Status::Ok();
     }},
    {{"server", "io_threads", "0", "threads serving connections; 0 = one per core"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(n, k, 0, 1024));
       c.server.io_threads = static_cast<int>(v);
       return Status::Ok();
     }},
    {{"server", "batch_io_threads", "", "ran the I/O threads under SCHED_BATCH; no effect measured",
      /*ignored=*/true},
     [](const Reader& r, const toml::node& n, const std::string& k, Config&) {
       GC_ASSIGN_OR_RETURN(const bool ignored, r.Boolean(n, k));
       (void)ignored;
       spdlog::warn(
           "{}: {} is ignored: the I/O threads run under the usual scheduling policy; "
           "delete the line",
           r.path(), k);
       return Status::Ok();
     }},
    {{"server", "worker_threads", "64", "threads for requests that block: reads, sign-in"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(n, k, 1, 4096));
       c.server.worker_threads = static_cast<int>(v);
       return Status::Ok();
     }},
    {{"server", "tls_cert_file", R"("")", "PEM certificate and chain for TLS; \"\" = plain HTTP"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::string file, r.String(n, k));
       c.server.tls_cert_file = file.empty() ? file : FromConfigDir(r, file);
       return Status::Ok();
     }},
    {{"server", "tls_key_file", R"("")", "PEM private key of tls_cert_file"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::string file, r.String(n, k));
       c.server.tls_key_file = file.empty() ? file : FromConfigDir(r, file);
       return Status::Ok();
     }},
    {{"store", "cache_mib", "64", "page cache of the write connection, MiB"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(n, k, 1, 65536));
       c.store.cache_mib = static_cast<int>(v);
       return Status::Ok();
     }},
    {{"store", "mmap_mib", "16384", "memory map of the write connection, MiB; 0 = off"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.store.mmap_mib, r.Integer(n, k, 0, std::int64_t{1} << 24));
       return Status::Ok();
     }},
    {{"store", "checkpoint_frames", "8000", "WAL pages that wake the checkpoint thread"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(n, k, 0, 1000000));
       c.store.checkpoint_frames = static_cast<int>(v);
       return Status::Ok();
     }},
    {{"store", "checkpoint_flush_kib", "256", "checkpoint waits for writeback every this many KiB"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.store.checkpoint_flush_kib, r.Integer(n, k, 0, 1 << 20));
       return Status::Ok();
     }},
    {{"store", "gather_wal_writes", "true", "a commit's WAL frames in one write"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.store.gather_wal_writes, r.Boolean(n, k));
       return Status::Ok();
     }},
    {{"audit", "anchor_file", R"("")", "file the audit chain's anchors are appended to; \"\" = none"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::string file, r.String(n, k));
       c.audit.anchor_file = file.empty() ? file : FromConfigDir(r, file);
       return Status::Ok();
     }},
    {{"audit", "anchor_key_file", R"("")", "key file for the anchors' MAC, not in the database"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::string file, r.String(n, k));
       c.audit.anchor_key_file = file.empty() ? file : FromConfigDir(r, file);
       return Status::Ok();
     }},
    {{"audit", "anchor_interval", R"("10m")", "how often an anchor is written"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.audit.anchor_interval, r.NaturalDuration(n, k));
       if (c.audit.anchor_interval < std::chrono::seconds(1)) {
         return r.Error(n, k, "must be at least 1s");
       }
       return Status::Ok();
     }},
    {{"privacy", "key_file", R"("")",
      "keys sealing personal data at rest; \"\" = $GRIDCARE_DATA_KEYS or <database>.keys"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::string file, r.String(n, k));
       c.privacy.key_file = file.empty() ? file : FromConfigDir(r, file);
       return Status::Ok();
     }},
    {{"privacy", "minimise_after", R"("1095d")",
      "erase a finished case's personal data this long after its last change, or \"never\""},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       if (const auto text = n.value<std::string>(); text && *text == "never") {
         c.privacy.minimise_after = engine::Millis::zero();
         return Status::Ok();
       }
       GC_ASSIGN_OR_RETURN(c.privacy.minimise_after, r.NaturalDuration(n, k));
       if (c.privacy.minimise_after < std::chrono::hours(24)) {
         return r.Error(n, k, "must be at least 1d, or \"never\"");
       }
       return Status::Ok();
     }},
    {{"notify", "log", "true", "write each notification to the server log"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.notify.log, r.Boolean(n, k));
       return Status::Ok();
     }},
    {{"notify", "max_attempts", "8", "failed deliveries before one is DEAD"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(n, k, 1, 100));
       c.notify.max_attempts = static_cast<int>(v);
       return Status::Ok();
     }},
    {{"notify", "retry_base", R"("2s")", "first retry delay; doubles per attempt"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.notify.retry_base, r.NaturalDuration(n, k));
       return Status::Ok();
     }},
    {{"notify", "retry_max", R"("10m")", "longest delay between retries"},
     [](const Reader& r, const toml::node& n, const std::string& k, Config& c) {
       GC_ASSIGN_OR_RETURN(c.notify.retry_max, r.NaturalDuration(n, k));
       return Status::Ok();
     }},
};

// The keys of each [[notify.webhook]].
const Row<WebhookConfig> kWebhookRows[] = {
    {{"notify.webhook", "name", "", "deliveries are tracked per name"},
     [](const Reader& r, const toml::node& n, const std::string& k, WebhookConfig& hook) {
       GC_ASSIGN_OR_RETURN(hook.name, r.String(n, k));
       if (hook.name.empty() || hook.name == "log") {
         return r.Error(n, k, "must be a non-empty name other than \"log\"");
       }
       return Status::Ok();
     }},
    {{"notify.webhook", "url", "", "http[s]://HOST[:PORT]/PATH of the receiver"},
     [](const Reader& r, const toml::node& n, const std::string& k, WebhookConfig& hook) {
       GC_ASSIGN_OR_RETURN(hook.url, r.String(n, k));
       if (!IsWebhookUrl(hook.url)) {
         return r.Error(n, k, "must be http://HOST[:PORT]/PATH or https://HOST[:PORT]/PATH");
       }
       return Status::Ok();
     }},
    {{"notify.webhook", "timeout", R"("5s")", "connect + response"},
     [](const Reader& r, const toml::node& n, const std::string& k, WebhookConfig& hook) {
       GC_ASSIGN_OR_RETURN(hook.timeout, r.NaturalDuration(n, k));
       return Status::Ok();
     }},
    {{"notify.webhook", "ca_file", R"("")", "PEM CAs for an https receiver; \"\" = the system's"},
     [](const Reader& r, const toml::node& n, const std::string& k, WebhookConfig& hook) {
       GC_ASSIGN_OR_RETURN(const std::string file, r.String(n, k));
       hook.ca_file = file.empty() ? file : FromConfigDir(r, file);
       // Found now, not at the first delivery hours later.
       if (!hook.ca_file.empty() && !std::ifstream(hook.ca_file)) {
         return r.Error(n, k, "cannot open " + hook.ca_file);
       }
       return Status::Ok();
     }},
};

// The names `rows` accept in `table`, then `extra`, for an "unknown key" message.
template <typename Target, size_t N>
std::string Expected(const Row<Target> (&rows)[N], std::string_view table,
                     std::string_view extra = {}) {
  std::string out;
  for (const auto& row : rows) {
    if (row.key.table != table || row.key.ignored) continue;
    if (!out.empty()) out += ", ";
    out.append(row.key.name);
  }
  if (!extra.empty()) out.append(", ").append(extra);
  return out;
}

// Reads every key of `table` named `name` with the rows for `table_of_rows`; `other` takes
// the keys that are sub-tables and returns false for unknown ones.
template <typename Target, size_t N, typename Other>
Status ReadTable(const Reader& r, const toml::node& node, const std::string& name,
                 std::string_view table_of_rows, const Row<Target> (&rows)[N], Target& out,
                 std::string_view other_names, Other other) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return r.NotATable(node, name);
  for (const auto& [key, child] : *table) {
    const std::string full = name + "." + std::string(key.str());
    const Row<Target>* row = nullptr;
    for (const auto& candidate : rows) {
      if (candidate.key.table == table_of_rows && candidate.key.name == key.str()) row = &candidate;
    }
    if (row != nullptr) {
      GC_RETURN_IF_ERROR(row->read(r, child, full, out));
      continue;
    }
    GC_ASSIGN_OR_RETURN(const bool handled, other(key, child));
    if (!handled) return r.UnknownKey(key, name, Expected(rows, table_of_rows, other_names));
  }
  return Status::Ok();
}

Result<bool> NoSubtables(const toml::key&, const toml::node&) { return false; }

template <typename E>
std::string AllNames() {
  std::string out;
  for (const E v : engine::AllValues<E>()) {
    if (!out.empty()) out += ", ";
    out.append(engine::Name(v));
  }
  return out;
}

// [sla.category.X] / [sla.priority.X]: X must be a contract enum name.
template <typename E>
Status ReadOverrides(const Reader& r, const toml::node& node, const std::string& name,
                     std::map<E, engine::SlaOverride>& out) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return r.NotATable(node, name);
  for (const auto& [key, child] : *table) {
    const auto value = engine::ParseEnum<E>(key.str());
    if (!value) return r.UnknownKey(key, name, AllNames<E>());
    engine::SlaOverride o;
    GC_RETURN_IF_ERROR(ReadTable(r, child, name + "." + std::string(key.str()), "sla", kSlaRows, o,
                                 {}, NoSubtables));
    out[*value] = o;
  }
  return Status::Ok();
}

Status ReadSla(const Reader& r, const toml::node& node, Config& config) {
  engine::SlaOverride base;
  GC_RETURN_IF_ERROR(ReadTable(
      r, node, "sla", "sla", kSlaRows, base, "or tables category, priority",
      [&](const toml::key& key, const toml::node& child) -> Result<bool> {
        if (key.str() == "category") {
          GC_RETURN_IF_ERROR(ReadOverrides(r, child, "sla.category", config.sla_by_category));
          return true;
        }
        if (key.str() == "priority") {
          GC_RETURN_IF_ERROR(ReadOverrides(r, child, "sla.priority", config.sla_by_priority));
          return true;
        }
        return false;
      }));
  if (base.response) config.sla.response = *base.response;
  if (base.escalated_response) config.sla.escalated_response = *base.escalated_response;
  if (base.resolve) config.sla.resolve = *base.resolve;
  if (base.follow_up) config.sla.follow_up = *base.follow_up;
  if (base.warn_at) config.sla.warn_at = *base.warn_at;
  if (base.escalate_resolve_breach) {
    config.sla.escalate_resolve_breach = *base.escalate_resolve_breach;
  }
  return Status::Ok();
}

Status ReadWebhooks(const Reader& r, const toml::node& node, const std::string& name,
                    NotifyConfig& notify) {
  const toml::array* hooks = node.as_array();
  if (hooks == nullptr) return r.Error(node, name, "must be an array of tables [[notify.webhook]]");
  for (const toml::node& h : *hooks) {
    WebhookConfig hook;
    GC_RETURN_IF_ERROR(
        ReadTable(r, h, name, "notify.webhook", kWebhookRows, hook, {}, NoSubtables));
    if (hook.name.empty() || hook.url.empty()) {
      return r.Error(h, name, "needs both name and url");
    }
    for (const auto& other : notify.webhooks) {
      if (other.name == hook.name) return r.Error(h, name, "two webhooks named " + hook.name);
    }
    notify.webhooks.push_back(std::move(hook));
  }
  return Status::Ok();
}

Status ReadNotify(const Reader& r, const toml::node& node, Config& config) {
  GC_RETURN_IF_ERROR(ReadTable(r, node, "notify", "notify", kRows, config, "webhook",
                               [&](const toml::key& key, const toml::node& child) -> Result<bool> {
                                 if (key.str() != "webhook") return false;
                                 GC_RETURN_IF_ERROR(
                                     ReadWebhooks(r, child, "notify.webhook", config.notify));
                                 return true;
                               }));
  if (config.notify.retry_max < config.notify.retry_base) {
    return r.Error(node, "notify.retry_max", "must not be shorter than retry_base");
  }
  return Status::Ok();
}

// The top-level tables, in the order of kRows, with [sla] first.
std::vector<std::string_view> TopTables() {
  std::vector<std::string_view> out = {"sla"};
  for (const auto& row : kRows) {
    if (std::find(out.begin(), out.end(), row.key.table) == out.end()) out.push_back(row.key.table);
  }
  return out;
}

}  // namespace

Config DefaultConfig() { return Config{}; }

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> kKeys = [] {
    std::vector<ConfigKey> keys;
    for (const auto& row : kSlaRows) keys.push_back(row.key);
    for (const auto& row : kRows) keys.push_back(row.key);
    for (const auto& row : kWebhookRows) keys.push_back(row.key);
    return keys;
  }();
  return kKeys;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot open config file " + path);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read config file " + path);
  return ParseConfig(content.str(), path);
}

Result<Config> ParseConfig(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(path + ":" + std::to_string(e.source().begin.line) +
                           ": not valid TOML: " + std::string(e.description()));
  }

  const Reader r(path);
  Config config = DefaultConfig();
  const std::vector<std::string_view> tables = TopTables();
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    if (name == "sla") {
      GC_RETURN_IF_ERROR(ReadSla(r, node, config));
    } else if (name == "notify") {
      GC_RETURN_IF_ERROR(ReadNotify(r, node, config));
    } else if (std::find(tables.begin(), tables.end(), name) != tables.end()) {
      GC_RETURN_IF_ERROR(ReadTable(r, node, name, name, kRows, config, {}, NoSubtables));
    } else {
      std::string expected = "tables ";
      for (size_t i = 0; i < tables.size(); ++i) {
        expected.append(i == 0 ? "" : ", ").append(tables[i]);
      }
      return r.UnknownKey(key, "", expected);
    }
  }
  if (config.audit.anchor_file.empty() != config.audit.anchor_key_file.empty()) {
    return InvalidArgument(path + ": [audit] anchor_file and anchor_key_file go together: "
                           "set both, or neither");
  }
  if (config.server.tls_cert_file.empty() != config.server.tls_key_file.empty()) {
    return InvalidArgument(path + ": [server] tls_cert_file and tls_key_file go together: "
                                  "set both for TLS, or neither for plain HTTP");
  }
  return config;
}

}  // namespace gridcare::app
