// A strict RFC 4180 reader for import files: comma-separated, fields optionally in double
// quotes with "" for a quote, CRLF or LF line ends, quoted fields may span lines. Each record
// keeps the line it started on, so that errors point at the line a person sees in an editor.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/result.h"

namespace chime::client::cli {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// Parses the whole text. Blank lines are skipped. A stray quote inside an unquoted field or an
// unterminated quoted field is a kInvalidParameter error naming the line: the file cannot be
// trusted past that point, so nothing is imported.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text);

}  // namespace chime::client::cli
