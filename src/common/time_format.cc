#include "common/time_format.h"

#include <cstdio>
#include <string_view>

namespace chime {
namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm);
// timegm is avoided because it consults the environment's time zone database.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The UTC calendar fields of an instant. Computed here (Hinnant's civil_from_days) rather than
// with gmtime_r + snprintf: every request formats an X-Amz-Date and every rendered user its
// timestamps, and glibc's gmtime_r takes a process-wide lock and snprintf parses its format,
// both of which showed in the request path's profile.
struct UtcFields {
  int64_t year;
  unsigned month, day;  // 1-12, 1-31
  unsigned hour, minute, second, millis;
  unsigned weekday;  // 0 = Sunday
};

UtcFields ToUtc(int64_t epoch_ms) {
  int64_t days = epoch_ms / 86'400'000;
  int64_t rest = epoch_ms % 86'400'000;
  if (rest < 0) {
    rest += 86'400'000;
    --days;
  }
  UtcFields f;
  f.millis = static_cast<unsigned>(rest % 1000);
  f.second = static_cast<unsigned>(rest / 1000 % 60);
  f.minute = static_cast<unsigned>(rest / 60'000 % 60);
  f.hour = static_cast<unsigned>(rest / 3'600'000);
  f.weekday = static_cast<unsigned>((days % 7 + 11) % 7);  // 1970-01-01 was a Thursday
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  f.day = doy - (153 * mp + 2) / 5 + 1;
  f.month = mp < 10 ? mp + 3 : mp - 9;
  f.year = static_cast<int64_t>(yoe) + era * 400 + (f.month <= 2);
  return f;
}

// Appends `v` as exactly `width` decimal digits (v < 10^width).
void AppendDigits(std::string& out, unsigned v, int width) {
  char buf[4];
  for (int i = width - 1; i >= 0; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  out.append(buf, static_cast<size_t>(width));
}

// Appends the year as printf's "%04d" would: zero-padded to four digits, and the rare year
// outside 0..9999 (a hostile or corrupt timestamp) in full, with its sign.
void AppendYear(std::string& out, int64_t year) {
  if (year >= 0 && year <= 9999) return AppendDigits(out, static_cast<unsigned>(year), 4);
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(year));
  out.append(buf, static_cast<size_t>(n));
}

// ISO 8601 date and time to the second, extended ("2026-11-29T04:36:59") or basic
// ("20261129T043659", SigV4's X-Amz-Date).
void AppendDateTime(std::string& out, const UtcFields& f, bool extended) {
  AppendYear(out, f.year);
  if (extended) out.push_back('-');
  AppendDigits(out, f.month, 2);
  if (extended) out.push_back('-');
  AppendDigits(out, f.day, 2);
  out.push_back('T');
  AppendDigits(out, f.hour, 2);
  if (extended) out.push_back(':');
  AppendDigits(out, f.minute, 2);
  if (extended) out.push_back(':');
  AppendDigits(out, f.second, 2);
}

}  // namespace

std::string FormatIso8601Ms(int64_t epoch_ms) {
  UtcFields f = ToUtc(epoch_ms);
  std::string out;
  out.reserve(24);
  AppendDateTime(out, f, /*extended=*/true);
  out.push_back('.');
  AppendDigits(out, f.millis, 3);
  out.push_back('Z');
  return out;
}

std::string FormatHttpDate(int64_t epoch_ms) {
  static constexpr std::string_view kDays = "SunMonTueWedThuFriSat";
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  UtcFields f = ToUtc(epoch_ms);
  std::string out;
  out.reserve(29);
  out.append(kDays.substr(f.weekday * 3, 3)).append(", ");
  AppendDigits(out, f.day, 2);
  out.push_back(' ');
  out.append(kMonths.substr((f.month - 1) * 3, 3)).push_back(' ');
  AppendYear(out, f.year);
  out.push_back(' ');
  AppendDigits(out, f.hour, 2);
  out.push_back(':');
  AppendDigits(out, f.minute, 2);
  out.push_back(':');
  AppendDigits(out, f.second, 2);
  out.append(" GMT");
  return out;
}

std::string FormatAmzDate(int64_t epoch_ms) {
  UtcFields f = ToUtc(epoch_ms);
  std::string out;
  out.reserve(16);
  AppendDateTime(out, f, /*extended=*/false);
  out.push_back('Z');
  return out;
}

std::optional<int64_t> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(9, 2), mi = num(11, 2),
      se = num(13, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      se < 0 || se > 60) {
    return std::nullopt;
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60'000 + int64_t{se} * 1000;
}

}  // namespace chime
