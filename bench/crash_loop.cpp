// The crash loop (issue 17): `gridcare serve` under concurrent creates and actions, killed
// with SIGKILL at random moments and restarted, many times; then a last run past every
// deadline and the checks. Prints one summary line; exit 0 only when nothing was lost or
// duplicated, no deadline fired twice or was left unfired, and `audit verify` passes.
// With --power-cut-lib every kill is also a power cut (power_cut_preload.cpp). Not a test
// framework: tests/e2e/CMakeLists.txt runs a short loop as a ctest test.
#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/http_client.h"
#include "gridcare/v1/case.pb.h"
#include "gridcare/v1/session.pb.h"

extern char** environ;

namespace gridcare::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
  std::string gridcare;
  int cycles = 100;
  double seconds = 900;  // the whole run stops cycling after this
  int clients = 6;
  double max_up_seconds = 1.0;  // the kill lands uniformly in [0, this] after the banner
  std::string dir;
  std::string power_cut_lib;  // set: every kill is a power cut too
  bool keep = false;
  unsigned seed = 0;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "crash-loop: %s\n", what.c_str());
  std::exit(2);
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// `gridcare ARGS` to completion; its exit code (output into `log`).
int Run(const std::vector<std::string>& args, const std::string& log) {
  std::string cmd;
  for (const auto& a : args) cmd += "'" + a + "' ";
  cmd += ">>'" + log + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

// One `gridcare serve` process, its output appended to a log file.
class Server {
 public:
  Server(const Options& o, const std::string& db, const std::string& config,
         const std::string& log, bool power_cut)
      : log_(log) {
    const std::vector<std::string> args = {o.gridcare, "serve",  "--db",     db,
                                           "--listen", "127.0.0.1:0", "--config", config};
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    if (power_cut) {
      env_strings.push_back("LD_PRELOAD=" + o.power_cut_lib);
      env_strings.push_back("GRIDCARE_POWERCUT_DB=" + db);
      env_strings.push_back("GRIDCARE_POWERCUT_DIR=" + fs::path(db).parent_path().string() +
                            "/images");
    }
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    start_offset_ = fs::exists(log) ? static_cast<std::int64_t>(fs::file_size(log)) : 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) Die("cannot start " + o.gridcare + ": " + std::strerror(rc));
  }
  ~Server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      Wait(10s);
    }
  }

  // The port from the banner, or 0 if none came within `timeout` (or the process ended).
  int WaitForPort(std::chrono::milliseconds timeout) {
    const std::string banner = "GridCare is serving on http://127.0.0.1:";
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      std::ifstream in(log_);
      in.seekg(start_offset_);
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      if (auto at = s.find(banner); at != std::string::npos) {
        return std::atoi(s.c_str() + at + banner.size());
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return 0;
      }
      std::this_thread::sleep_for(5ms);
    }
    return 0;
  }

  void Kill() { ::kill(pid_, SIGKILL); }
  void Terminate() { ::kill(pid_, SIGTERM); }
  // The wait status, or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      if (Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(2ms);
    }
    return std::nullopt;
  }

 private:
  std::string log_;
  std::int64_t start_offset_ = 0;
  pid_t pid_ = -1;
};

// What the clients were told, kept in memory until the end.
struct Journal {
  std::mutex mu;
  std::map<std::string, std::string> acked_creates;  // requestId -> case id
  std::set<std::string> sent_creates;                // every requestId ever sent
  std::map<std::string, std::string> acked_actions;  // note token -> case id
  std::set<std::string> refused_actions;             // answered with an error: no event
  std::set<std::string> unanswered_actions;          // no answer: at most one event
  std::vector<double> ok_latency_ms;                 // every 2xx request's latency
};

// Where the server is now; clients wait here while it is down.
struct Up {
  std::mutex mu;
  std::condition_variable cv;
  int port = 0;  // 0: down
  int generation = 0;
  bool stop = false;
};

struct Tokens {
  std::string worker;                          // gw111: creates
  std::map<std::string, std::string> staff;    // unit -> federation staff of it
};

std::string ReportJson(const std::string& rid) {
  return R"({"requestId":")" + rid +
         R"(","channel":"GRID_PATROL","category":"LEFT_BEHIND_CHILD","priority":"ROUTINE",)"
         R"("title":"留守儿童无人照看","description":"父母外出务工","address":"梅亭社区3号",)"
         R"("subjects":[{"name":"小明","role":"CHILD","age":9}]})";
}

class Client {
 public:
  Client(int index, const Tokens& tokens, Journal& journal, Up& up, unsigned seed)
      : index_(index), tokens_(tokens), journal_(journal), up_(up), rng_(seed) {}

  void Loop() {
    int seen_generation = 0;
    for (;;) {
      int port = 0;
      {
        std::unique_lock lock(up_.mu);
        up_.cv.wait(lock, [&] { return up_.stop || (up_.port != 0 && up_.generation != seen_generation); });
        if (up_.stop) return;
        port = up_.port;
        seen_generation = up_.generation;
      }
      app::HttpClient http("127.0.0.1", port, 10000);
      while (Step(http)) {
      }
    }
  }

  // Retries every create not yet acknowledged, once the server is up for good.
  void Settle(int port) {
    app::HttpClient http("127.0.0.1", port, 10000);
    for (const std::string& rid : std::vector<std::string>(unacked_.begin(), unacked_.end())) {
      Create(http, rid);
    }
  }

 private:
  // One request; false when the server is gone.
  bool Step(app::HttpClient& http) {
    if (!unacked_.empty()) return Create(http, *unacked_.begin());
    std::uniform_int_distribution<int> pick(0, 99);
    if (mine_.empty() || pick(rng_) < 35) {
      return Create(http, "c" + std::to_string(index_) + "-" + std::to_string(next_++));
    }
    const std::string id = mine_[std::uniform_int_distribution<size_t>(0, mine_.size() - 1)(rng_)];
    app::HttpReply got;
    if (!Timed(http, "GET", "/v1/cases/" + id, "", tokens_.staff.at("C"), &got)) return false;
    v1::Case c;
    if (got.status != 200 || !google::protobuf::util::JsonStringToMessage(got.body, &c).ok()) {
      return true;
    }
    const std::string token = "tok-" + std::to_string(index_) + "-" + std::to_string(next_++);
    std::string action = "comment";
    std::string extra;
    std::string as = tokens_.staff.at("C");
    const bool comment = pick(rng_) < 25;
    const auto staff = tokens_.staff.find(c.assigned_unit_id());
    if (!comment && staff != tokens_.staff.end()) {
      if (c.state() == v1::Case::REPORTED) action = "verify", extra = R"(,"decision":"CONFIRM")";
      if (c.state() == v1::Case::ASSIGNED) action = "accept";
      if (c.state() == v1::Case::IN_PROGRESS) action = "resolve";
      if (action != "comment") as = staff->second;
    }
    const std::string body = R"({"version":)" + std::to_string(c.version()) + R"(,"note":")" +
                             token + "\"" + extra + "}";
    app::HttpReply r;
    const bool answered = Timed(http, "POST", "/v1/cases/" + id + ":" + action, body, as, &r);
    std::lock_guard lock(journal_.mu);
    if (!answered) {
      journal_.unanswered_actions.insert(token);
      return false;
    }
    if (r.status / 100 == 2) {
      journal_.acked_actions[token] = id;
    } else {
      journal_.refused_actions.insert(token);
    }
    return true;
  }

  // By value: `rid` may be an element of unacked_, which this erases.
  bool Create(app::HttpClient& http, const std::string rid) {
    {
      std::lock_guard lock(journal_.mu);
      journal_.sent_creates.insert(rid);
    }
    unacked_.insert(rid);
    app::HttpReply r;
    if (!Timed(http, "POST", "/v1/cases", ReportJson(rid), tokens_.worker, &r)) return false;
    v1::Case c;
    if ((r.status == 200 || r.status == 201) &&
        google::protobuf::util::JsonStringToMessage(r.body, &c).ok()) {
      unacked_.erase(rid);
      mine_.push_back(c.id());
      std::lock_guard lock(journal_.mu);
      journal_.acked_creates[rid] = c.id();
    }
    return true;
  }

  // False when no answer came (the server is gone); a 2xx answer's latency is recorded.
  bool Timed(app::HttpClient& http, const std::string& method, const std::string& target,
             const std::string& body, const std::string& token, app::HttpReply* out) {
    const auto start = Clock::now();
    *out = http.Request(method, target, body, {{"Authorization", token}});
    if (out->status == 0) return false;
    if (out->status / 100 == 2) {
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      std::lock_guard lock(journal_.mu);
      journal_.ok_latency_ms.push_back(ms);
    }
    return true;
  }

  const int index_;
  const Tokens& tokens_;
  Journal& journal_;
  Up& up_;
  std::mt19937 rng_;
  int next_ = 0;
  std::set<std::string> unacked_;  // sent, no answer yet: retried with the same requestId
  std::vector<std::string> mine_;  // acknowledged case ids
};

std::string SignIn(int port, const std::string& user) {
  app::HttpClient http("127.0.0.1", port);
  auto r = http.Request("POST", "/v1/sessions",
                        R"({"username":")" + user + R"(","password":"crash-loop-pw"})");
  v1::Session s;
  if (r.status != 200 || !google::protobuf::util::JsonStringToMessage(r.body, &s).ok()) {
    Die("sign-in of " + user + " failed: " + std::to_string(r.status) + " " + r.body);
  }
  return "Bearer " + s.token();
}

void Seed(const Options& o, const std::string& db, const std::string& log) {
  const std::string orgs = o.dir + "/orgs.csv", users = o.dir + "/users.csv";
  std::ofstream(orgs) << "id,name,level,parent_id\nC,南安市,CITY,\nT1,柳城街道,TOWNSHIP,C\n"
                         "V11,梅亭社区,VILLAGE,T1\nG111,梅亭一网格,GRID,V11\n";
  std::ofstream(users) << "username,display_name,role,org_id,password\n"
                          "gw111,网格员,GRID_WORKER,G111,crash-loop-pw\n"
                          "staffV11,社区妇联,FEDERATION_STAFF,V11,crash-loop-pw\n"
                          "staffT1,街道妇联,FEDERATION_STAFF,T1,crash-loop-pw\n"
                          "staffC,市妇联,FEDERATION_STAFF,C,crash-loop-pw\n";
  if (Run({o.gridcare, "import", "orgs", orgs, "--db", db}, log) != 0 ||
      Run({o.gridcare, "import", "users", users, "--db", db}, log) != 0) {
    Die("seeding failed: see " + log);
  }
}

bool SameBytes(const fs::path& a, const fs::path& b) {
  std::error_code ea, eb;
  if (fs::file_size(a, ea) != fs::file_size(b, eb) || ea || eb) return false;
  std::ifstream x(a, std::ios::binary), y(b, std::ios::binary);
  std::vector<char> bx(1 << 16), by(1 << 16);
  while (x && y) {
    x.read(bx.data(), static_cast<std::streamsize>(bx.size()));
    y.read(by.data(), static_cast<std::streamsize>(by.size()));
    if (x.gcount() != y.gcount() || !std::equal(bx.begin(), bx.begin() + x.gcount(), by.begin())) {
      return false;
    }
  }
  return true;
}

// Each image the power-cut library kept replaces its file; the WAL index is rebuilt. True
// when that dropped something: some write had reached the file but no sync.
bool CutPower(const std::string& db) {
  const fs::path images = fs::path(db).parent_path() / "images";
  bool dropped = false;
  for (const std::string suffix : {"", "-wal", "-journal"}) {
    const fs::path image = images / (fs::path(db).filename().string() + suffix);
    const fs::path file = db + suffix;
    std::error_code ec;
    if (fs::exists(image)) {
      if (!SameBytes(image, file)) dropped = true;
      fs::copy_file(image, file, fs::copy_options::overwrite_existing, ec);
      if (ec) Die("cannot put " + image.string() + " in place: " + ec.message());
    } else if (fs::exists(file)) {
      dropped = true;
      fs::remove(file, ec);
    }
  }
  std::error_code ec;
  fs::remove(db + "-shm", ec);
  return dropped;
}

struct Findings {
  int lost = 0, duplicated = 0, phantom = 0, double_fires = 0, deadlines_lost = 0;
  std::vector<std::string> lines;  // the first few, for the reader
  void Note(const std::string& s) {
    if (lines.size() < 20) lines.push_back(s);
  }
};

sqlite3* OpenReadOnly(const std::string& db) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    Die("cannot open " + db);
  }
  sqlite3_busy_timeout(h, 5000);
  return h;
}

// Rows of a query as text; nullopt (and `error` set) when SQLite failed.
std::optional<std::vector<std::vector<std::string>>> TryQuery(sqlite3* h, const std::string& sql,
                                                               std::string* error) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    *error = sqlite3_errmsg(h);
    return std::nullopt;
  }
  std::vector<std::vector<std::string>> rows;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const auto* t = sqlite3_column_text(st, i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) *error = sqlite3_errmsg(h);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return std::nullopt;
  return rows;
}

std::vector<std::vector<std::string>> Query(sqlite3* h, const std::string& sql) {
  std::string error;
  auto rows = TryQuery(h, sql, &error);
  if (!rows) Die("query failed: " + sql + ": " + error);
  return *rows;
}

// Deadlines due at or before `before_ms`; nullopt when the file could not be read just now
// (the running server may hold it busy: the caller asks again).
std::optional<std::int64_t> TryOverdueDeadlines(const std::string& db, std::int64_t before_ms) {
  sqlite3* h = nullptr;
  std::optional<std::int64_t> n;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 5000);
    std::string error;
    auto rows = TryQuery(
        h, "SELECT count(*) FROM deadlines WHERE due_ms <= " + std::to_string(before_ms), &error);
    if (rows && rows->size() == 1) n = std::stoll(rows->at(0).at(0));
  }
  sqlite3_close(h);
  return n;
}

std::int64_t OverdueDeadlines(const std::string& db, std::int64_t before_ms) {
  auto n = TryOverdueDeadlines(db, before_ms);
  if (!n) Die("cannot count the deadlines in " + db);
  return *n;
}

Findings Check(const std::string& db, const Journal& j, std::int64_t stopped_ms) {
  Findings f;
  sqlite3* h = OpenReadOnly(db);
  std::map<std::string, std::vector<std::string>> cases_by_rid;
  for (const auto& r : Query(h, "SELECT request_id, id FROM cases")) {
    cases_by_rid[r[0]].push_back(r[1]);
  }
  for (const auto& [rid, ids] : cases_by_rid) {
    if (ids.size() > 1) ++f.duplicated, f.Note("requestId " + rid + ": " + std::to_string(ids.size()) + " cases");
    if (!j.sent_creates.count(rid)) ++f.phantom, f.Note("case for unsent requestId " + rid);
  }
  for (const std::string& rid : j.sent_creates) {
    if (cases_by_rid.count(rid)) continue;
    ++f.lost;
    f.Note(j.acked_creates.count(rid) ? "acknowledged create " + rid + " is not there"
                                      : "create " + rid + ", retried to the end, has no case");
  }
  for (const auto& [rid, id] : j.acked_creates) {
    auto it = cases_by_rid.find(rid);
    if (it != cases_by_rid.end() && std::find(it->second.begin(), it->second.end(), id) == it->second.end()) {
      ++f.lost, f.Note("acknowledged case " + id + " of requestId " + rid + " is not there");
    }
  }
  std::map<std::string, std::vector<std::string>> events_by_note;
  for (const auto& r : Query(h, "SELECT note, case_id FROM case_events WHERE note LIKE 'tok-%'")) {
    events_by_note[r[0]].push_back(r[1]);
  }
  for (const auto& [token, id] : j.acked_actions) {
    auto it = events_by_note.find(token);
    if (it == events_by_note.end()) {
      ++f.lost, f.Note("acknowledged action " + token + " on case " + id + " has no event");
    } else if (it->second.size() > 1) {
      ++f.duplicated, f.Note("action " + token + " recorded " + std::to_string(it->second.size()) + " times");
    } else if (it->second[0] != id) {
      ++f.lost, f.Note("action " + token + " recorded on case " + it->second[0] + ", not " + id);
    }
  }
  for (const std::string& token : j.refused_actions) {
    if (events_by_note.count(token)) ++f.phantom, f.Note("refused action " + token + " was recorded");
  }
  for (const std::string& token : j.unanswered_actions) {
    auto it = events_by_note.find(token);
    if (it != events_by_note.end() && it->second.size() > 1) {
      ++f.duplicated, f.Note("unanswered action " + token + " recorded twice");
    }
  }
  // A deadline fires once: its breach or warning event carries the due time it fired for.
  for (const auto& r : Query(h, "SELECT case_id, action, due_ms, count(*) FROM case_events "
                                "WHERE actor_id = 'system' AND action IN ('SLA_WARNING', "
                                "'SLA_BREACHED') GROUP BY 1, 2, 3 HAVING count(*) > 1")) {
    ++f.double_fires;
    f.Note("case " + r[0] + ": " + r[1] + " for due " + r[2] + " fired " + r[3] + " times");
  }
  sqlite3_close(h);
  f.deadlines_lost = static_cast<int>(OverdueDeadlines(db, stopped_ms - 2000));
  if (f.deadlines_lost > 0) f.Note(std::to_string(f.deadlines_lost) + " deadlines past due never fired");
  return f;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

int Main(int argc, char** argv) {
  Options o;
  CLI::App app{"kill -9 `gridcare serve` under load, again and again, then check what it acknowledged"};
  app.add_option("--gridcare", o.gridcare, "the gridcare binary")->required();
  app.add_option("--cycles", o.cycles, "kills (default 100)");
  app.add_option("--seconds", o.seconds, "stop cycling after this long (default 900)");
  app.add_option("--clients", o.clients, "client threads (default 6)");
  app.add_option("--max-up", o.max_up_seconds, "the kill lands uniformly in [0, this] s after start");
  app.add_option("--dir", o.dir, "work directory (default: a new one in the temp dir)");
  app.add_option("--power-cut-lib", o.power_cut_lib, "power_cut_preload.so: each kill is a power cut");
  app.add_flag("--keep", o.keep, "keep the work directory");
  app.add_option("--seed", o.seed, "random seed (default: from the clock)");
  CLI11_PARSE(app, argc, argv);
  if (o.seed == 0) o.seed = static_cast<unsigned>(NowMs());
  const bool made_dir = o.dir.empty();
  if (made_dir) {
    std::string t = (fs::temp_directory_path() / "gridcare-crash-XXXXXX").string();
    if (::mkdtemp(t.data()) == nullptr) Die("mkdtemp failed");
    o.dir = t;
  }
  fs::create_directories(o.dir + "/images");
  const std::string db = fs::absolute(o.dir + "/crash.db").string();
  const std::string log = o.dir + "/server.log";
  const std::string config = o.dir + "/gridcare.toml";
  // Windows of seconds, so that deadlines fall due (and are killed while firing) in the run.
  std::ofstream(config) << "[sla]\nresponse = \"2s\"\nescalated_response = \"2s\"\n"
                           "resolve = \"3s\"\nfollow_up = \"3s\"\n";
  Seed(o, db, log);
  const bool power_cut = !o.power_cut_lib.empty();

  Journal journal;
  Up up;
  Tokens tokens;
  std::mt19937 rng(o.seed);
  std::uniform_real_distribution<double> up_for(0.0, o.max_up_seconds);
  const auto started = Clock::now();
  int cycles = 0;
  int cuts_dropping = 0;  // power cuts that lost unsynced writes
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::thread> threads;
  for (; cycles < o.cycles &&
         Clock::now() - started < std::chrono::duration<double>(o.seconds);
       ++cycles) {
    Server server(o, db, config, log, power_cut);
    const int port = server.WaitForPort(30s);
    if (port == 0) Die("the server did not start after kill " + std::to_string(cycles) + ": see " + log);
    if (cycles == 0) {
      tokens.worker = SignIn(port, "gw111");
      for (const auto& [unit, user] :
           std::map<std::string, std::string>{{"V11", "staffV11"}, {"T1", "staffT1"}, {"C", "staffC"}}) {
        tokens.staff[unit] = SignIn(port, user);
      }
      for (int i = 0; i < o.clients; ++i) {
        clients.push_back(std::make_unique<Client>(i, tokens, journal, up, o.seed + 1 + i));
        threads.emplace_back([c = clients.back().get()] { c->Loop(); });
      }
    }
    {
      std::lock_guard lock(up.mu);
      up.port = port;
      ++up.generation;
    }
    up.cv.notify_all();
    std::this_thread::sleep_for(std::chrono::duration<double>(up_for(rng)));  // the random moment
    server.Kill();
    {
      std::lock_guard lock(up.mu);
      up.port = 0;
    }
    if (!server.Wait(10s)) Die("the server did not die");
    if (power_cut && CutPower(db)) ++cuts_dropping;
  }
  {
    std::lock_guard lock(up.mu);
    up.stop = true;
  }
  up.cv.notify_all();
  for (auto& t : threads) t.join();

  // The last run: every unacknowledged create retried, and long enough for every deadline.
  Server last(o, db, config, log, false);
  const int port = last.WaitForPort(30s);
  if (port == 0) Die("the server did not start for the last run: see " + log);
  for (auto& c : clients) c->Settle(port);
  // With no clients, every chain of windows ends (breaches climb to the city and stop), so
  // the deadlines run out; a deadline still past due at the end was lost.
  const auto drain_deadline = Clock::now() + 60s;
  while (TryOverdueDeadlines(db, std::numeric_limits<std::int64_t>::max()).value_or(1) > 0 &&
         Clock::now() < drain_deadline) {
    std::this_thread::sleep_for(100ms);
  }
  const std::int64_t stopped_ms = NowMs();
  last.Terminate();
  const auto status = last.Wait(30s);
  if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) Die("the last run did not stop cleanly");

  const Findings f = Check(db, journal, stopped_ms);
  const int audit = Run({o.gridcare, "audit", "verify", "--db", db}, log);
  const double p99 = Percentile(journal.ok_latency_ms, 0.99);
  for (const std::string& line : f.lines) std::printf("  %s\n", line.c_str());
  std::printf(
      "cycles=%d acked_creates=%zu acked_actions=%zu lost=%d duplicated=%d phantom=%d "
      "deadline_double_fires=%d deadlines_lost=%d audit=%s p99_ok_request_ms=%.1f "
      "power_cuts=%d cuts_dropping_unsynced_writes=%d seconds=%.0f seed=%u\n",
      cycles, journal.acked_creates.size(), journal.acked_actions.size(), f.lost, f.duplicated,
      f.phantom, f.double_fires, f.deadlines_lost, audit == 0 ? "ok" : "FAILED", p99,
      power_cut ? cycles : 0, cuts_dropping, std::chrono::duration<double>(Clock::now() - started).count(),
      o.seed);
  // The time bound may end the loop before --cycles: the line says how many there were.
  const bool ok = f.lost == 0 && f.duplicated == 0 && f.phantom == 0 && f.double_fires == 0 &&
                  f.deadlines_lost == 0 && audit == 0 && cycles > 0;
  if (!ok) std::printf("work directory kept: %s\n", o.dir.c_str());
  if (ok && made_dir && !o.keep) fs::remove_all(o.dir);
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace gridcare::bench

int main(int argc, char** argv) { return gridcare::bench::Main(argc, argv); }
