// Reads and validates the TOML config file into Config; all checks happen here, once, at start-up.
// Not the meaning of the values: the engine, server and store own what they do with them.
#include "app/config.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>

// pkg-config normally passes this; without it toml++ would compile its parser inline here
// and clash with the shared library we link.
#ifndef TOML_HEADER_ONLY
#define TOML_HEADER_ONLY 0
#endif
#include <toml++/toml.h>

#include "app/http_client.h"

namespace gridcare::app {
namespace {

using engine::InvalidArgument;
using engine::Result;
using engine::SlaDuration;
using engine::Status;

constexpr std::string_view kSlaKeys =
    "response, escalated_response, resolve, follow_up, warn_at, escalate_resolve_breach";

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

// Reads the SLA keys of one table ([sla] itself, or an override) into `out`.
// `subtables` handles keys that are not SLA keys; it returns false for unknown ones.
Status ReadSlaKeys(
    const Reader& r, const toml::table& table, const std::string& name, engine::SlaOverride& out,
    const std::function<Result<bool>(const toml::key&, const toml::node&)>& subtables) {
  for (const auto& [key, node] : table) {
    const std::string_view k = key.str();
    const std::string full = name + "." + std::string(k);
    if (k == "response") {
      GC_ASSIGN_OR_RETURN(out.response, r.Duration(node, full));
    } else if (k == "escalated_response") {
      GC_ASSIGN_OR_RETURN(out.escalated_response, r.Duration(node, full));
    } else if (k == "resolve") {
      GC_ASSIGN_OR_RETURN(out.resolve, r.Duration(node, full));
    } else if (k == "follow_up") {
      GC_ASSIGN_OR_RETURN(out.follow_up, r.Duration(node, full));
    } else if (k == "warn_at") {
      GC_ASSIGN_OR_RETURN(out.warn_at, r.Fraction(node, full));
    } else if (k == "escalate_resolve_breach") {
      GC_ASSIGN_OR_RETURN(out.escalate_resolve_breach, r.Boolean(node, full));
    } else {
      bool handled = false;
      if (subtables) {
        GC_ASSIGN_OR_RETURN(handled, subtables(key, node));
      }
      if (!handled) {
        return r.UnknownKey(key, name,
                            subtables ? std::string(kSlaKeys) + ", or tables category, priority"
                                      : std::string(kSlaKeys));
      }
    }
  }
  return Status::Ok();
}

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
    const std::string full = name + "." + std::string(key.str());
    const toml::table* sub = child.as_table();
    if (sub == nullptr) return r.NotATable(child, full);
    engine::SlaOverride o;
    GC_RETURN_IF_ERROR(ReadSlaKeys(r, *sub, full, o, nullptr));
    out[*value] = o;
  }
  return Status::Ok();
}

Status ReadSla(const Reader& r, const toml::node& node, Config& config) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return r.NotATable(node, "sla");
  engine::SlaOverride base;
  GC_RETURN_IF_ERROR(ReadSlaKeys(
      r, *table, "sla", base, [&](const toml::key& key, const toml::node& child) -> Result<bool> {
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

// A relative path in the file is taken from the file's own directory.
std::string FromConfigDir(const Reader& r, const std::string& file) {
  std::filesystem::path p(file);
  if (p.is_relative()) p = std::filesystem::path(r.path()).parent_path() / p;
  return p.string();
}

// A table whose one key `key` holds a string, e.g. [calendar] file: `take` gets the value
// (and its node, for errors) when the table sets it.
Status ReadOneString(const Reader& r, const toml::node& node, std::string_view table_name,
                     std::string_view key_name,
                     const std::function<Status(const toml::node&, std::string)>& take) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return r.NotATable(node, table_name);
  const std::string full = std::string(table_name) + "." + std::string(key_name);
  for (const auto& [key, child] : *table) {
    if (key.str() != key_name) return r.UnknownKey(key, table_name, key_name);
    GC_ASSIGN_OR_RETURN(std::string value, r.String(child, full));
    GC_RETURN_IF_ERROR(take(child, std::move(value)));
  }
  return Status::Ok();
}

Status ReadCalendar(const Reader& r, const toml::node& node, Config& config) {
  return ReadOneString(r, node, "calendar", "file",
                       [&](const toml::node& child, std::string file) -> Status {
                         if (file.empty()) {
                           return r.Error(child, "calendar.file", "must not be empty");
                         }
                         config.calendar_file = FromConfigDir(r, file);
                         return Status::Ok();
                       });
}

Status ReadConsole(const Reader& r, const toml::node& node, ConsoleConfig& console) {
  return ReadOneString(r, node, "console", "dir", [&](const toml::node&, std::string dir) {
    console.dir = dir.empty() ? dir : FromConfigDir(r, dir);  // "": no console
    return Status::Ok();
  });
}

Status ReadCases(const Reader& r, const toml::node& node, Config& config) {
  return ReadOneString(r, node, "cases", "number_prefix",
                       [&](const toml::node& child, std::string prefix) -> Status {
                         bool ok = !prefix.empty() && prefix.size() <= 8;
                         for (const char c : prefix) ok = ok && c >= 'A' && c <= 'Z';
                         if (!ok) {
                           return r.Error(child, "cases.number_prefix",
                                          "must be 1 to 8 letters A-Z");
                         }
                         config.case_number_prefix = prefix;
                         return Status::Ok();
                       });
}

bool ValidListen(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view host = listen.substr(0, colon);
  const std::string_view port = listen.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return false;  // a bare IPv6 address is ambiguous with the port
  }
  for (const char c : host) {
    if (c == ' ' || c == '\t' || c == '/' || c == '[' || c == ']') return false;
  }
  if (port.empty() || port.size() > 5) return false;
  int n = 0;
  for (const char c : port) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  return n >= 1 && n <= 65535;
}

Status ReadServer(const Reader& r, const toml::node& node, ServerConfig& server) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return r.NotATable(node, "server");
  constexpr std::string_view kKeys =
      "listen, max_body_bytes, max_header_bytes, read_timeout, idle_timeout, max_connections, "
      "session_ttl, io_threads, batch_io_threads, worker_threads";
  for (const auto& [key, child] : *table) {
    const std::string_view k = key.str();
    const std::string full = "server." + std::string(k);
    if (k == "listen") {
      GC_ASSIGN_OR_RETURN(std::string listen, r.String(child, full));
      if (!ValidListen(listen)) {
        return r.Error(child, full, "must be HOST:PORT, e.g. \"127.0.0.1:8080\" or \"[::1]:8080\"");
      }
      server.listen = listen;
    } else if (k == "max_body_bytes") {
      GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(child, full, 1, std::int64_t{1} << 30));
      server.max_body_bytes = static_cast<std::size_t>(v);
    } else if (k == "max_header_bytes") {
      GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(child, full, 1, std::int64_t{1} << 20));
      server.max_header_bytes = static_cast<std::size_t>(v);
    } else if (k == "max_connections") {
      GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(child, full, 1, 1000000));
      server.max_connections = static_cast<int>(v);
    } else if (k == "read_timeout") {
      GC_ASSIGN_OR_RETURN(server.read_timeout, r.NaturalDuration(child, full));
    } else if (k == "idle_timeout") {
      GC_ASSIGN_OR_RETURN(server.idle_timeout, r.NaturalDuration(child, full));
    } else if (k == "session_ttl") {
      GC_ASSIGN_OR_RETURN(server.session_ttl, r.NaturalDuration(child, full));
    } else if (k == "io_threads") {
      GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(child, full, 0, 1024));
      server.io_threads = static_cast<int>(v);
    } else if (k == "batch_io_threads") {
      GC_ASSIGN_OR_RETURN(server.batch_io_threads, r.Boolean(child, full));
    } else if (k == "worker_threads") {
      GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(child, full, 1, 4096));
      server.worker_threads = static_cast<int>(v);
    } else {
      return r.UnknownKey(key, "server", kKeys);
    }
  }
  return Status::Ok();
}

Status ReadStore(const Reader& r, const toml::node& node, StoreConfig& store) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return r.NotATable(node, "store");
  constexpr std::string_view kKeys =
      "cache_mib, mmap_mib, checkpoint_frames, checkpoint_flush_kib, gather_wal_writes";
  for (const auto& [key, child] : *table) {
    const std::string_view k = key.str();
    const std::string full = "store." + std::string(k);
    if (k == "cache_mib") {
      GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(child, full, 1, 65536));
      store.cache_mib = static_cast<int>(v);
    } else if (k == "mmap_mib") {
      GC_ASSIGN_OR_RETURN(store.mmap_mib, r.Integer(child, full, 0, std::int64_t{1} << 24));
    } else if (k == "checkpoint_frames") {
      GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(child, full, 0, 1000000));
      store.checkpoint_frames = static_cast<int>(v);
    } else if (k == "checkpoint_flush_kib") {
      GC_ASSIGN_OR_RETURN(store.checkpoint_flush_kib, r.Integer(child, full, 0, 1 << 20));
    } else if (k == "gather_wal_writes") {
      GC_ASSIGN_OR_RETURN(store.gather_wal_writes, r.Boolean(child, full));
    } else {
      return r.UnknownKey(key, "store", kKeys);
    }
  }
  return Status::Ok();
}

Status ReadWebhook(const Reader& r, const toml::node& node, WebhookConfig& hook) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return r.NotATable(node, "notify.webhook");
  for (const auto& [key, child] : *table) {
    const std::string_view k = key.str();
    const std::string full = "notify.webhook." + std::string(k);
    if (k == "name") {
      GC_ASSIGN_OR_RETURN(hook.name, r.String(child, full));
      if (hook.name.empty() || hook.name == "log") {
        return r.Error(child, full, "must be a non-empty name other than \"log\"");
      }
    } else if (k == "url") {
      GC_ASSIGN_OR_RETURN(hook.url, r.String(child, full));
      std::string host, path;
      int port = 0;
      if (!ParseHttpUrl(hook.url, &host, &port, &path)) {
        return r.Error(child, full, "must be http://HOST[:PORT]/PATH (https: put a local TLS proxy in front)");
      }
    } else if (k == "timeout") {
      GC_ASSIGN_OR_RETURN(hook.timeout, r.NaturalDuration(child, full));
    } else {
      return r.UnknownKey(key, "notify.webhook", "name, url, timeout");
    }
  }
  if (hook.name.empty() || hook.url.empty()) {
    return r.Error(node, "notify.webhook", "needs both name and url");
  }
  return Status::Ok();
}

Status ReadNotify(const Reader& r, const toml::node& node, NotifyConfig& notify) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return r.NotATable(node, "notify");
  constexpr std::string_view kKeys = "log, max_attempts, retry_base, retry_max, webhook";
  for (const auto& [key, child] : *table) {
    const std::string_view k = key.str();
    const std::string full = "notify." + std::string(k);
    if (k == "log") {
      GC_ASSIGN_OR_RETURN(notify.log, r.Boolean(child, full));
    } else if (k == "max_attempts") {
      GC_ASSIGN_OR_RETURN(const std::int64_t v, r.Integer(child, full, 1, 100));
      notify.max_attempts = static_cast<int>(v);
    } else if (k == "retry_base") {
      GC_ASSIGN_OR_RETURN(notify.retry_base, r.NaturalDuration(child, full));
    } else if (k == "retry_max") {
      GC_ASSIGN_OR_RETURN(notify.retry_max, r.NaturalDuration(child, full));
    } else if (k == "webhook") {
      const toml::array* hooks = child.as_array();
      if (hooks == nullptr) return r.Error(child, full, "must be an array of tables [[notify.webhook]]");
      for (const toml::node& h : *hooks) {
        WebhookConfig hook;
        GC_RETURN_IF_ERROR(ReadWebhook(r, h, hook));
        for (const auto& other : notify.webhooks) {
          if (other.name == hook.name) return r.Error(h, full, "two webhooks named " + hook.name);
        }
        notify.webhooks.push_back(std::move(hook));
      }
    } else {
      return r.UnknownKey(key, "notify", kKeys);
    }
  }
  if (notify.retry_max < notify.retry_base) {
    return r.Error(node, "notify.retry_max", "must not be shorter than retry_base");
  }
  return Status::Ok();
}

}  // namespace

Config DefaultConfig() { return Config{}; }

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot open config file " + path);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read config file " + path);

  toml::table root;
  try {
    root = toml::parse(content.str(), path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(path + ":" + std::to_string(e.source().begin.line) +
                           ": not valid TOML: " + std::string(e.description()));
  }

  const Reader r(path);
  Config config = DefaultConfig();
  for (const auto& [key, node] : root) {
    const std::string_view k = key.str();
    if (k == "sla") {
      GC_RETURN_IF_ERROR(ReadSla(r, node, config));
    } else if (k == "calendar") {
      GC_RETURN_IF_ERROR(ReadCalendar(r, node, config));
    } else if (k == "cases") {
      GC_RETURN_IF_ERROR(ReadCases(r, node, config));
    } else if (k == "server") {
      GC_RETURN_IF_ERROR(ReadServer(r, node, config.server));
    } else if (k == "notify") {
      GC_RETURN_IF_ERROR(ReadNotify(r, node, config.notify));
    } else if (k == "store") {
      GC_RETURN_IF_ERROR(ReadStore(r, node, config.store));
    } else if (k == "console") {
      GC_RETURN_IF_ERROR(ReadConsole(r, node, config.console));
    } else {
      return r.UnknownKey(key, "", "tables sla, calendar, cases, server, notify, store, console");
    }
  }
  return config;
}

}  // namespace gridcare::app
