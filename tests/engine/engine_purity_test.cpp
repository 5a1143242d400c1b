// The arrows point one way: engine/ includes no I/O library and never reads a clock.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

TEST_CASE("engine sources include no Boost, SQLite, protobuf or file I/O and read no clock",
          "[engine]") {
  const std::vector<std::string> forbidden = {
      "boost/",        "sqlite3",        "google/protobuf", "toml++",    "<fstream>",
      "system_clock",  "steady_clock",   "high_resolution_clock", "fopen(", "std::time(",
      "gettimeofday",  "clock_gettime",  "getenv",          "sodium.h",  "spdlog",
  };
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(GRIDCARE_SOURCE_DIR) + "/engine")) {
    const auto ext = entry.path().extension();
    if (ext != ".h" && ext != ".cpp") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& word : forbidden) {
      INFO(entry.path().filename().string() << " contains " << word);
      CHECK(text.str().find(word) == std::string::npos);
    }
  }
  CHECK(files > 10);
}
