// The arrows point one way: each layer's sources include only what docs/architecture.md
// allows it. Reads the files themselves; not the engine's other purity rules (clocks, I/O:
// tests/engine/engine_purity_test.cpp).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace gridcare {
namespace {

struct Layer {
  std::string dir;
  // Quoted includes ("engine/status.h") may start with one of these.
  std::vector<std::string> project;
  // Angle includes (<boost/asio.hpp>) beside the C++ standard library may start with one of
  // these; "*" allows any.
  std::vector<std::string> external;
};

// app → handlers → engine ← storage; util/ sits under storage and handlers; nobody includes
// app/, tests/ or bench/.
const std::vector<Layer>& Layers() {
  static const std::vector<Layer> kLayers = {
      {"engine", {"engine/"}, {}},
      {"util", {"util/", "engine/status.h"}, {"sodium.h", "pthread.h"}},
      {"storage", {"storage/", "engine/", "util/"}, {"sqlite3.h", "unistd.h", "fcntl.h"}},
      {"handlers",
       {"handlers/", "engine/", "util/", "gridcare/v1/"},
       {"boost/", "google/protobuf/", "spdlog/", "openssl/", "pthread.h"}},
      {"app", {"app/", "handlers/", "engine/", "storage/", "util/", "gridcare/v1/"}, {"*"}},
  };
  return kLayers;
}

bool StartsWithAny(const std::string& s, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    if (p == "*" || s.rfind(p, 0) == 0) return true;
  }
  return false;
}

// <string>, <cstdint>: no directory, no extension.
bool IsStandardLibrary(const std::string& header) {
  return header.find('/') == std::string::npos && header.find('.') == std::string::npos;
}

// "file:line: #include ..." for every include `layer` may not have.
std::vector<std::string> Violations(const Layer& layer, const std::string& file,
                                    std::istream& text) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  std::vector<std::string> out;
  int line_no = 0;
  for (std::string line; std::getline(text, line);) {
    ++line_no;
    std::smatch m;
    if (!std::regex_search(line, m, kInclude)) continue;
    const std::string header = m[2];
    const bool ok = m[1] == "\""
                        ? StartsWithAny(header, layer.project)
                        : IsStandardLibrary(header) || StartsWithAny(header, layer.external);
    if (!ok) out.push_back(file + ":" + std::to_string(line_no) + ": #include " + header);
  }
  return out;
}

TEST_CASE("each layer includes only the layers and libraries below it", "[layering]") {
  for (const Layer& layer : Layers()) {
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(
             std::string(GRIDCARE_SOURCE_DIR) + "/" + layer.dir)) {
      const auto ext = entry.path().extension();
      if (ext != ".h" && ext != ".cpp") continue;
      ++files;
      std::ifstream in(entry.path());
      REQUIRE(in);
      const auto bad = Violations(layer, layer.dir + "/" + entry.path().filename().string(), in);
      for (const auto& v : bad) FAIL_CHECK(v);
    }
    CAPTURE(layer.dir);
    CHECK(files > 0);
  }
}

TEST_CASE("the layering check names a wrong-way include", "[layering]") {
  const auto layer = [](const std::string& dir) {
    for (const Layer& l : Layers()) {
      if (l.dir == dir) return l;
    }
    FAIL("no layer " << dir);
    return Layer{};
  };
  const auto check = [&](const std::string& dir, const std::string& text) {
    std::istringstream in(text);
    return Violations(layer(dir), "x.cpp", in);
  };
  CHECK(check("handlers", "#include <string>\n#include \"engine/case.h\"\n").empty());
  CHECK(check("handlers", "#include <boost/asio/post.hpp>\n#include \"util/crypto.h\"\n").empty());
  CHECK(check("handlers", "#include <string>\n#include \"storage/sqlite.h\"\n") ==
        std::vector<std::string>{"x.cpp:2: #include storage/sqlite.h"});
  CHECK(check("engine", "  #  include <sqlite3.h>\n").size() == 1);
  CHECK(check("engine", "#include \"handlers/api.h\"\n").size() == 1);
  CHECK(check("storage", "#include \"handlers/auth.h\"\n").size() == 1);
  CHECK(check("storage", "#include <boost/asio.hpp>\n").size() == 1);
  CHECK(check("util", "#include \"engine/case.h\"\n").size() == 1);
  CHECK(check("app", "#include <toml++/toml.h>\n#include \"storage/sqlite_store.h\"\n").empty());
  CHECK(check("app", "#include \"tests/support/eventually.h\"\n").size() == 1);
  CHECK(check("app", "#include \"bench/load_loop.h\"\n").size() == 1);
}

}  // namespace
}  // namespace gridcare
