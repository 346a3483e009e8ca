#include "http/response_bytes.h"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <sstream>

namespace chime::http {
namespace {

namespace bhttp = boost::beast::http;

// What chimed's session wrote through Beast before ResponseBytes existed.
std::string ThroughBeast(const Response& in, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(in.status), version};
  for (const auto& [k, v] : in.headers) out.insert(k, v);
  out.set(bhttp::field::server, "chimed");
  out.body() = in.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  std::ostringstream os;
  os << out;
  return os.str();
}

TEST(ResponseBytesTest, SameBytesAsBeast) {
  Response r;
  r.SetHeader("Content-Type", "application/json");
  r.SetHeader("x-amzn-RequestId", "0f0e0d0c-0000-4000-8000-000000000000");
  r.SetHeader("Date", "Sun, 29 Nov 2026 02:00:00 GMT");
  r.SetHeader("Retry-After", "1");
  for (int status = 100; status < 600; ++status) {
    r.status = status;
    bool empty_only = status < 200 || status == 204 || status == 304;
    r.body = empty_only ? "" : R"({"User":{"UserId":"u"}})";
    for (unsigned version : {10u, 11u}) {
      for (bool keep_alive : {false, true}) {
        EXPECT_EQ(ResponseBytes(r, version, keep_alive), ThroughBeast(r, version, keep_alive))
            << status << " " << version << " " << keep_alive;
      }
    }
  }
}

TEST(ResponseBytesTest, NoHeadersAndAnEmptyBody) {
  Response r;
  r.status = 204;
  EXPECT_EQ(ResponseBytes(r, 11, true), ThroughBeast(r, 11, true));
  EXPECT_EQ(ResponseBytes(r, 11, true),
            "HTTP/1.1 204 No Content\r\nServer: chimed\r\nContent-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace chime::http
