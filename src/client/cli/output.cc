#include "client/cli/output.h"

#include <algorithm>
#include <map>
#include <vector>

#include "client/json_dump.h"

namespace chime::client::cli {
namespace {

std::string Scalar(const rapidjson::Value& v) {
  if (v.IsString()) return {v.GetString(), v.GetStringLength()};
  if (v.IsBool()) return v.GetBool() ? "True" : "False";  // as Python prints them
  if (v.IsNull()) return "None";
  if (v.IsNumber()) return DumpJson(v);
  return "";
}

bool IsScalar(const rapidjson::Value& v) { return !v.IsObject() && !v.IsArray(); }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// ---- text --------------------------------------------------------------------------------

void Text(const rapidjson::Value& v, const std::string& ident, std::ostream& out);

void TextObject(const rapidjson::Value& obj, const std::string& ident, std::ostream& out) {
  std::vector<std::pair<std::string, const rapidjson::Value*>> members;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    members.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()), &it->value);
  }
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string line = ident;
  bool any = false;
  for (const auto& [name, value] : members) {
    if (!IsScalar(*value)) continue;
    if (!line.empty()) line += '\t';
    line += Scalar(*value);
    any = true;
  }
  if (any) out << line << "\n";
  for (const auto& [name, value] : members) {
    if (!IsScalar(*value)) Text(*value, Upper(name), out);
  }
}

void Text(const rapidjson::Value& v, const std::string& ident, std::ostream& out) {
  if (v.IsObject()) return TextObject(v, ident, out);
  if (v.IsArray()) {
    bool scalars = std::all_of(v.Begin(), v.End(), IsScalar);
    if (scalars) {
      if (v.Empty()) return;
      std::string line = ident;
      for (const auto& e : v.GetArray()) line += (line.empty() ? "" : "\t") + Scalar(e);
      out << line << "\n";
      return;
    }
    for (const auto& e : v.GetArray()) Text(e, ident, out);
    return;
  }
  out << Scalar(v) << "\n";
}

// ---- table -------------------------------------------------------------------------------

void Rule(const std::vector<size_t>& widths, std::ostream& out) {
  out << '+';
  for (size_t w : widths) out << std::string(w + 2, '-') << '+';
  out << "\n";
}

void Row(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
         std::ostream& out) {
  out << '|';
  for (size_t i = 0; i < widths.size(); ++i) {
    std::string c = i < cells.size() ? cells[i] : "";
    out << ' ' << c << std::string(widths[i] - std::min(widths[i], c.size()), ' ') << " |";
  }
  out << "\n";
}

void Grid(std::string_view title, const std::vector<std::string>& header,
          const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<size_t> widths(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) widths[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], r[i].size());
    }
  }
  size_t total = 0;
  for (size_t w : widths) total += w + 3;
  if (total > 0) --total;
  if (title.size() > total) widths.back() += title.size() - total;
  total = std::max(total, title.size());
  out << '+' << std::string(total + 2, '-') << "+\n";
  out << "| " << title << std::string(total - title.size(), ' ') << " |\n";
  Rule(widths, out);
  Row(header, widths, out);
  Rule(widths, out);
  for (const auto& r : rows) Row(r, widths, out);
  Rule(widths, out);
}

void Table(const rapidjson::Value& v, std::string_view title, std::ostream& out);

void TableObject(const rapidjson::Value& obj, std::string_view title, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (IsScalar(it->value)) rows.push_back({it->name.GetString(), Scalar(it->value)});
  }
  if (!rows.empty()) Grid(title, {"Key", "Value"}, rows, out);
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (!IsScalar(it->value)) Table(it->value, it->name.GetString(), out);
  }
}

void Table(const rapidjson::Value& v, std::string_view title, std::ostream& out) {
  if (v.IsObject()) return TableObject(v, title, out);
  if (!v.IsArray()) return Grid(title, {"Value"}, {{Scalar(v)}}, out);
  bool objects =
      !v.Empty() && std::all_of(v.Begin(), v.End(), [](const auto& e) { return e.IsObject(); });
  if (!objects) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : v.GetArray()) rows.push_back({IsScalar(e) ? Scalar(e) : DumpJson(e)});
    return Grid(title, {"Value"}, rows, out);
  }
  // One column per scalar member seen in any item, in first-seen order.
  std::vector<std::string> columns;
  for (const auto& e : v.GetArray()) {
    for (auto it = e.MemberBegin(); it != e.MemberEnd(); ++it) {
      std::string name = it->name.GetString();
      if (IsScalar(it->value) && std::find(columns.begin(), columns.end(), name) == columns.end()) {
        columns.push_back(name);
      }
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : v.GetArray()) {
    std::vector<std::string> row;
    for (const auto& c : columns) {
      auto it = e.FindMember(c.c_str());
      row.push_back(it == e.MemberEnd() ? "" : Scalar(it->value));
    }
    rows.push_back(std::move(row));
  }
  Grid(title, columns, rows, out);
}

}  // namespace

bool IsOutputFormat(std::string_view f) { return f == "json" || f == "text" || f == "table"; }

void PrintDocument(const rapidjson::Value& doc, std::string_view format, std::string_view title,
                   std::ostream& out) {
  if (doc.IsObject() && doc.MemberCount() == 0) return;
  if (format == "text") {
    Text(doc, "", out);
  } else if (format == "table") {
    bool has_scalar =
        doc.IsObject() && std::any_of(doc.MemberBegin(), doc.MemberEnd(),
                                      [](const auto& m) { return IsScalar(m.value); });
    if (doc.IsObject() && !has_scalar) {
      out << '+' << std::string(title.size() + 2, '-') << "+\n| " << title << " |\n";
    }
    Table(doc, title, out);
  } else {
    out << DumpJson(doc, {.indent = 4, .ensure_ascii = false}) << "\n";
  }
}

}  // namespace chime::client::cli
