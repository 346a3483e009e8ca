#include "api/page_token.h"

#include <charconv>

#include "common/encoding.h"

namespace chime::api {

std::string EncodePageToken(std::string_view kind, int64_t after_seq) {
  return Base64UrlEncode("v1:" + std::string(kind) + ":" + std::to_string(after_seq));
}

StatusOr<int64_t> DecodePageToken(std::string_view kind, std::string_view token) {
  const Status invalid = InvalidArgument("NextToken is not valid for this request.");
  if (token.size() > 256) return invalid;
  auto raw = Base64UrlDecode(token);
  std::string prefix = "v1:" + std::string(kind) + ":";
  if (!raw || raw->compare(0, prefix.size(), prefix) != 0) return invalid;
  int64_t seq = 0;
  const char* begin = raw->data() + prefix.size();
  const char* end = raw->data() + raw->size();
  auto [p, ec] = std::from_chars(begin, end, seq);
  if (ec != std::errc() || p != end || begin == end || seq < 0) return invalid;
  return seq;
}

}  // namespace chime::api
