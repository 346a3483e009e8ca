#include "client/cli/csv.h"

namespace chime::client::cli {
namespace {

Error CsvError(int line, const std::string& why) {
  return MakeLocalError(ErrorKind::kInvalidParameter, "CsvError",
                        "line " + std::to_string(line) + ": " + why);
}

}  // namespace

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text) {
  std::vector<CsvRecord> records;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM from spreadsheets
  size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool quoted_field = false;
    bool end_of_record = false;
    while (!end_of_record) {
      if (i >= text.size()) {
        end_of_record = true;
        break;
      }
      char c = text[i];
      if (c == '"' && field.empty() && !quoted_field) {
        quoted_field = true;
        ++i;
        for (;;) {
          if (i >= text.size()) return CsvError(rec.line, "unterminated quoted field");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field.push_back(text[i++]);
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          return CsvError(line, "unexpected text after a closing quote");
        }
        continue;
      }
      if (c == '"') return CsvError(line, "quote inside an unquoted field");
      if (c == ',') {
        rec.fields.push_back(std::move(field));
        field.clear();
        quoted_field = false;
        ++i;
        continue;
      }
      if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        end_of_record = true;
        break;
      }
      field.push_back(c);
      ++i;
    }
    rec.fields.push_back(std::move(field));
    bool blank = rec.fields.size() == 1 && rec.fields[0].empty() && !quoted_field;
    if (!blank) records.push_back(std::move(rec));
  }
  return records;
}

}  // namespace chime::client::cli
