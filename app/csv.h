// An RFC 4180 CSV reader for the import files: quoted fields, "" escapes, commas and
// newlines inside quotes, CRLF or LF, a UTF-8 BOM. Not a writer, and no type conversion.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace gridcare::app {

struct CsvRecord {
  int line = 0;  // physical line the record starts on; the header is line 1
  std::vector<std::string> fields;
};

// Parses a whole document. Empty physical lines (e.g. the trailing one) are skipped, so
// they never count as records, but they still count for line numbers. A quote that is
// never closed, or stray text after a closing quote, is INVALID_ARGUMENT naming the line.
engine::Result<std::vector<CsvRecord>> ParseCsv(std::string_view text);

// Reads `path` and parses it; a missing or unreadable file is INVALID_ARGUMENT.
engine::Result<std::vector<CsvRecord>> ReadCsvFile(const std::string& path);

}  // namespace gridcare::app
