#include "http/framing.h"

#include <gtest/gtest.h>

#include <string>

namespace chime::http {
namespace {

HeadVerdict Verdict(std::string_view head, HeadLimits limits = HeadLimits()) {
  return CheckRequestHead(head, limits).verdict;
}

TEST(RequestHead, AcceptsAWellFormedHeadAndReportsItsLength) {
  std::string head = "POST /accounts?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n";
  HeadCheck c = CheckRequestHead(head + "abcGET / HTTP/1.1\r\n", HeadLimits());
  EXPECT_EQ(c.verdict, HeadVerdict::kOk);
  EXPECT_EQ(c.head_bytes, head.size());
}

TEST(RequestHead, AcceptsChunkedAndHttp10WithoutHost) {
  EXPECT_EQ(Verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"),
            HeadVerdict::kOk);
  EXPECT_EQ(Verdict("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"),
            HeadVerdict::kOk);
  EXPECT_EQ(Verdict("GET / HTTP/1.0\r\n\r\n"), HeadVerdict::kOk);
}

TEST(RequestHead, NeedsMoreUntilTheEmptyLine) {
  EXPECT_EQ(Verdict(""), HeadVerdict::kNeedMore);
  EXPECT_EQ(Verdict("GET / HT"), HeadVerdict::kNeedMore);
  EXPECT_EQ(Verdict("GET / HTTP/1.1\r\nHost: a\r\n"), HeadVerdict::kNeedMore);
  EXPECT_EQ(Verdict("GET / HTTP/1.1\r\nHost: a\r\n\r"), HeadVerdict::kNeedMore);
}

// Each case is a framing error Beast 1.74 accepts or refuses; chimed refuses all with 400.
TEST(RequestHead, RefusesAmbiguousFraming) {
  const char* cases[] = {
      // Content-Length with Transfer-Encoding (Beast refuses).
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      // Duplicate identical Content-Length, and a list (Beast accepts both).
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n",
      // Differing Content-Length (Beast refuses), signed or empty values.
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
      // Last transfer coding not chunked (Beast accepts).
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n",
      // A transfer coding that is not a token, or empty (found by fuzz_http_request).
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\xefh\r\nTransfer-Encoding: "
      "chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked\r\n\r\n",
      // chunked twice (Beast refuses), a Content-Length beyond 64 bits (Beast refuses).
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
      "chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
      // obs-fold (Beast accepts), whitespace before colon (Beast refuses).
      "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
      // Bare LF and bare CR (Beast refuses).
      "GET / HTTP/1.1\nHost: a\n\n",
      "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",
      // HTTP/1.1 without Host or with two (Beast accepts).
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      // Malformed request lines.
      "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
      "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n",
      "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\n: a\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nNoColon\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX: \x01\r\n\r\n",
  };
  for (const char* c : cases) {
    HeadCheck check = CheckRequestHead(c, HeadLimits());
    EXPECT_EQ(check.verdict, HeadVerdict::kBadRequest) << c;
    EXPECT_NE(std::string(check.reason), "") << c;
  }
}

TEST(RequestHead, RefusesNulAnywhereEvenBeforeTheLineEnds) {
  using namespace std::string_literals;
  EXPECT_EQ(Verdict("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"s), HeadVerdict::kBadRequest);
  EXPECT_EQ(Verdict("GET /a\0b HTTP/1.1\r\n"s), HeadVerdict::kBadRequest);
  EXPECT_EQ(Verdict("GET /a\0"s), HeadVerdict::kBadRequest);
  EXPECT_EQ(Verdict("GET / HTTP/1.1\r\nX\0: b\r\n\r\n"s), HeadVerdict::kBadRequest);
}

TEST(RequestHead, EnforcesUriHeaderSizeAndCountLimits) {
  HeadLimits limits;
  limits.max_uri_bytes = 100;
  limits.max_header_bytes = 1000;
  limits.max_header_count = 5;
  std::string long_uri = "/" + std::string(100, 'a');
  EXPECT_EQ(Verdict("GET " + long_uri + " HTTP/1.1\r\nHost: a\r\n\r\n", limits),
            HeadVerdict::kUriTooLong);
  EXPECT_EQ(Verdict("GET " + long_uri.substr(1) + " HTTP/1.1\r\nHost: a\r\n\r\n", limits),
            HeadVerdict::kOk);
  // An endless request line is refused before its end arrives.
  EXPECT_EQ(Verdict("GET /" + std::string(200, 'a'), limits), HeadVerdict::kUriTooLong);

  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 5; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(Verdict(many + "\r\n", limits), HeadVerdict::kHeaderTooLarge);

  std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(1000, 'v') + "\r\n\r\n";
  EXPECT_EQ(Verdict(big, limits), HeadVerdict::kHeaderTooLarge);
  // An endless header value is refused before its end arrives.
  EXPECT_EQ(Verdict(big.substr(0, 1010), limits), HeadVerdict::kHeaderTooLarge);
}

}  // namespace
}  // namespace chime::http
