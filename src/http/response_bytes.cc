#include "http/response_bytes.h"

#include <boost/beast/http/status.hpp>

namespace chime::http {
namespace {

bool IsWrittenHere(std::string_view name) {
  return HeaderNameEquals(name, "Server") || HeaderNameEquals(name, "Connection") ||
         HeaderNameEquals(name, "Content-Length");
}

}  // namespace

std::string ResponseBytes(const Response& response, unsigned version, bool keep_alive) {
  const unsigned code = static_cast<unsigned>(response.status);
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(code));
  size_t size = 64 + reason.size() + response.body.size();
  for (const auto& [name, value] : response.headers) size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size);
  // Beast writes the version and the status code digit by digit, whatever their range.
  const char start[] = {'H',
                        'T',
                        'T',
                        'P',
                        '/',
                        static_cast<char>('0' + version / 10),
                        '.',
                        static_cast<char>('0' + version % 10),
                        ' ',
                        static_cast<char>('0' + code / 100),
                        static_cast<char>('0' + code / 10 % 10),
                        static_cast<char>('0' + code % 10),
                        ' '};
  out.append(start, sizeof start).append(reason.data(), reason.size()).append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (IsWrittenHere(name)) continue;
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("Server: chimed\r\n");
  if (version >= 11 && !keep_alive) out.append("Connection: close\r\n");
  if (version < 11 && keep_alive) out.append("Connection: keep-alive\r\n");
  out.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n\r\n");
  out.append(response.body);
  return out;
}

}  // namespace chime::http
