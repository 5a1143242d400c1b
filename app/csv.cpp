// RFC 4180 parsing with physical line tracking, so import errors can point at a line.
// Not lenient about broken quoting: a silently mis-split row would import wrong data.
#include "app/csv.h"

#include <fstream>
#include <sstream>

namespace gridcare::app {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

engine::Status LineError(int line, const std::string& what) {
  return engine::InvalidArgument("line " + std::to_string(line) + ": " + what);
}

}  // namespace

engine::Result<std::vector<CsvRecord>> ParseCsv(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  std::vector<CsvRecord> records;
  const size_t n = text.size();
  size_t i = 0;
  int line = 1;

  // Consumes one line ending (CRLF, LF or a lone CR) at i.
  auto consume_line_end = [&] {
    if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
    ++i;
    ++line;
  };

  while (i < n) {
    if (text[i] == '\r' || text[i] == '\n') {  // an empty line: not a record
      consume_line_end();
      continue;
    }
    CsvRecord record;
    record.line = line;
    while (true) {
      std::string field;
      if (i < n && text[i] == '"') {
        const int open_line = line;
        ++i;
        while (true) {
          if (i >= n) return LineError(open_line, "quoted field is never closed");
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          // A CRLF inside quotes is one physical line break, counted at its LF.
          if (c == '\n' || (c == '\r' && (i + 1 >= n || text[i + 1] != '\n'))) ++line;
          field += c;
          ++i;
        }
        if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          return LineError(line, "unexpected text after a closing quote (write \"\" for a quote)");
        }
      } else {
        while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"') {
            return LineError(line, "a quote inside an unquoted field; quote the whole field");
          }
          field += text[i];
          ++i;
        }
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < n) consume_line_end();
      break;
    }
    records.push_back(std::move(record));
  }
  return records;
}

engine::Result<std::vector<CsvRecord>> ReadCsvFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return engine::InvalidArgument(path + ": cannot open file");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return engine::InvalidArgument(path + ": read error");
  auto records = ParseCsv(content.str());
  if (!records.ok()) {
    return engine::InvalidArgument(path + ": " + records.status().message());
  }
  return records;
}

}  // namespace gridcare::app
