#include "client/cli/shorthand.h"

#include <array>
#include <charconv>

namespace chime::client::cli {
namespace {

constexpr std::array<std::string_view, 6> kBooleanMembers = {"IsAlexaForBusinessEnabled",
                                                             "DisableRemoteControl",
                                                             "EnableDialOut",
                                                             "InboundCalling",
                                                             "OutboundCalling",
                                                             "SMS"};
constexpr std::array<std::string_view, 1> kIntegerMembers = {"RetentionDays"};

template <size_t N>
bool In(const std::array<std::string_view, N>& set, std::string_view s) {
  for (auto x : set) {
    if (x == s) return true;
  }
  return false;
}

class Parser {
 public:
  Parser(std::string_view flag, std::string_view text, rapidjson::Document& doc)
      : flag_(flag), text_(text), doc_(doc) {}

  Result<bool> ParseObject(rapidjson::Value* out, bool braced) {
    out->SetObject();
    for (;;) {
      Skip();
      if (braced && Peek() == '}') {
        ++pos_;
        return true;
      }
      size_t eq = text_.find('=', pos_);
      if (eq == std::string_view::npos) return Fail("expected Key=Value");
      std::string key(Trim(text_.substr(pos_, eq - pos_)));
      if (key.empty()) return Fail("empty key");
      pos_ = eq + 1;
      rapidjson::Value value;
      Skip();
      if (Peek() == '{') {
        ++pos_;
        auto nested = ParseObject(&value, true);
        if (!nested.ok()) return nested;
      } else {
        std::string raw = ReadScalar();
        auto converted = Convert(key, raw, &value);
        if (!converted.ok()) return converted;
      }
      out->AddMember(rapidjson::Value(key.c_str(), doc_.GetAllocator()), std::move(value),
                     doc_.GetAllocator());
      Skip();
      if (pos_ >= text_.size()) {
        if (braced) return Fail("missing '}'");
        return true;
      }
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (braced && Peek() == '}') continue;
      return Fail("expected ',' after a value");
    }
  }

  bool AtEnd() {
    Skip();
    return pos_ >= text_.size();
  }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void Skip() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  static std::string_view Trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  }
  std::string ReadScalar() {
    size_t end = text_.find_first_of(",}", pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string v(Trim(text_.substr(pos_, end - pos_)));
    pos_ = end;
    return v;
  }
  Result<bool> Convert(const std::string& key, const std::string& raw, rapidjson::Value* out) {
    if (In(kBooleanMembers, key)) {
      if (raw != "true" && raw != "false") return Fail(key + " must be true or false");
      out->SetBool(raw == "true");
    } else if (In(kIntegerMembers, key)) {
      int n = 0;
      auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), n);
      if (ec != std::errc() || end != raw.data() + raw.size()) {
        return Fail(key + " must be an integer");
      }
      out->SetInt(n);
    } else {
      out->SetString(raw.c_str(), static_cast<rapidjson::SizeType>(raw.size()),
                     doc_.GetAllocator());
    }
    return true;
  }
  Error Fail(const std::string& why) const {
    return MakeLocalError(ErrorKind::kInvalidParameter, "ParamValidationError",
                          "Error parsing parameter '" + std::string(flag_) + "': " + why);
  }

  std::string_view flag_;
  std::string_view text_;
  rapidjson::Document& doc_;
  size_t pos_ = 0;
};

}  // namespace

Result<rapidjson::Document> ParseStructureArg(std::string_view flag, std::string_view text) {
  rapidjson::Document doc;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError()) {
      return MakeLocalError(ErrorKind::kInvalidParameter, "ParamValidationError",
                            "Error parsing parameter '" + std::string(flag) + "': invalid JSON");
    }
    return doc;
  }
  Parser parser(flag, text, doc);
  auto ok = parser.ParseObject(&doc, false);
  if (!ok.ok()) return ok.error();
  return doc;
}

}  // namespace chime::client::cli
