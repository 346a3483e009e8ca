#include "model/validation.h"

#include <charconv>

namespace chime::model {

bool IsNonEmptyString(std::string_view s) {
  bool non_space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r') return false;
    if (c != ' ' && c != '\t' && c != '\f' && c != '\v') non_space = true;
  }
  return non_space;
}

bool IsEmailAddress(std::string_view s) {
  if (s.find_first_of("\r\n") != std::string_view::npos) return false;
  size_t at = s.find('@');
  size_t dot = s.rfind('.');
  return at != std::string_view::npos && at >= 1 && dot != std::string_view::npos &&
         dot >= at + 2 && dot + 1 < s.size();
}

bool IsE164PhoneNumber(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.size() < 2 || s.size() > 15 || s[0] < '1' || s[0] > '9') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status RequireNonEmpty(std::string_view field, std::string_view value) {
  if (value.empty()) return InvalidArgument(std::string(field) + " is required and must not be empty.");
  if (!IsNonEmptyString(value)) {
    return InvalidArgument(std::string(field) + " must contain a non-whitespace character.");
  }
  return OkStatus();
}

Status ValidateAccountName(std::string_view field, std::string_view name) {
  if (name.empty() || name.size() > 100) {
    return InvalidArgument(std::string(field) + " must be 1 to 100 characters long.");
  }
  return RequireNonEmpty(field, name);
}

Status ValidateEmail(std::string_view field, std::string_view email) {
  if (!IsEmailAddress(email)) {
    return InvalidArgument(std::string(field) + " is not a valid email address.");
  }
  return OkStatus();
}

StatusOr<int> ParseMaxResults(const std::optional<std::string>& text) {
  if (!text) return 100;
  int v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < 1 || v > 200) {
    return InvalidArgument("MaxResults must be an integer from 1 to 200.");
  }
  return v;
}

}  // namespace chime::model
