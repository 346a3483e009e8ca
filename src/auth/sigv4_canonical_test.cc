#include "auth/sigv4_canonical.h"

#include <gtest/gtest.h>

#include "auth/signing_key_cache.h"
#include "auth/sigv4_auth_params.h"
#include "auth/sigv4_signer.h"
#include "common/encoding.h"
#include "common/time_format.h"

namespace chime::auth {
namespace {

TEST(SigV4NormalizePathTest, RemovesDotSegmentsAndEmptySegmentsLikeBotocore) {
  EXPECT_EQ(NormalizePath(""), "/");
  EXPECT_EQ(NormalizePath("/"), "/");
  EXPECT_EQ(NormalizePath("//"), "/");
  EXPECT_EQ(NormalizePath("//example//"), "/example/");
  EXPECT_EQ(NormalizePath("/example/.."), "/");
  EXPECT_EQ(NormalizePath("/a/b/../../.."), "/");
  EXPECT_EQ(NormalizePath("/./example"), "/example");
  EXPECT_EQ(NormalizePath("/a/./b/."), "/a/b");
  EXPECT_EQ(NormalizePath("/a/%2e%2e/b"), "/a/%2e%2e/b");  // encoded dots are data, not segments
  EXPECT_EQ(NormalizePath("/a%2Fb/c"), "/a%2Fb/c");
}

TEST(SigV4CanonicalUriTest, EncodesTheRawPathOnceMore) {
  EXPECT_EQ(CanonicalUri("/accounts/a%20b"), "/accounts/a%2520b");
  EXPECT_EQ(CanonicalUri("/accounts/a%2Fb"), "/accounts/a%252Fb");
  EXPECT_EQ(CanonicalUri("/x%25y~z+w"), "/x%2525y~z%2Bw");
  EXPECT_EQ(CanonicalUri("/\xE1\x88\xB4"), "/%E1%88%B4");
  EXPECT_EQ(CanonicalUri("/example space/"), "/example%20space/");
  EXPECT_EQ(CanonicalUri("/a/../b//", /*normalize=*/false), "/a/../b//");
  EXPECT_EQ(CanonicalUri(""), "/");
}

TEST(SigV4ParseQueryTest, DecodesAndKeepsEmptyValues) {
  StatusOr<std::vector<QueryParam>> q = ParseQuery("a=1&b&&c=%20x+y&=v&d=");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 5u);
  EXPECT_EQ((*q)[1].name, "b");
  EXPECT_EQ((*q)[1].value, "");
  EXPECT_EQ((*q)[2].value, " x+y");
  EXPECT_EQ((*q)[3].name, "");
  EXPECT_EQ(CanonicalQueryString(*q), "=v&a=1&b=&c=%20x%2By&d=");
}

TEST(SigV4ParseQueryTest, RejectsMalformedEscapes) {
  for (const char* bad : {"a=%", "a=%2", "a=%zz", "%g0=1"}) {
    EXPECT_EQ(ParseQuery(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(SigV4CanonicalQueryStringTest, SortsByEncodedNameThenValue) {
  std::vector<QueryParam> q = {
      {"Param-3", "Value3"}, {"Param", "b"}, {"Param", "a"}, {"\xE1\x88\xB4", "Value1"}};
  EXPECT_EQ(CanonicalQueryString(q), "%E1%88%B4=Value1&Param=a&Param=b&Param-3=Value3");
}

TEST(SigV4CanonicalHeadersTest, TrimsCollapsesAndJoinsRepeats) {
  http::HeaderList h = {{"Host", "example.com"},
                        {"My-Header", "  a   b \t c  "},
                        {"my-header", "second"},
                        {"Unsigned", "x"}};
  StatusOr<CanonicalHeaderBlock> b = CanonicalHeaders(h, {"host", "my-header"});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->headers, "host:example.com\nmy-header:a b c,second\n");
  EXPECT_EQ(b->signed_headers, "host;my-header");
}

TEST(SigV4CanonicalHeadersTest, RejectsBadSignedHeaderLists) {
  http::HeaderList h = {{"Host", "example.com"}, {"X-A", "1"}};
  EXPECT_FALSE(CanonicalHeaders(h, {"x-a", "host"}).ok());   // unsorted
  EXPECT_FALSE(CanonicalHeaders(h, {"host", "host"}).ok());  // duplicate
  EXPECT_FALSE(CanonicalHeaders(h, {"Host"}).ok());          // not lowercase
  EXPECT_FALSE(CanonicalHeaders(h, {"host", "x-b"}).ok());   // absent
  EXPECT_FALSE(CanonicalHeaders(h, {""}).ok());              // empty name
  http::HeaderList folded = {{"Host", "example.com\r\n  more"}};
  EXPECT_FALSE(CanonicalHeaders(folded, {"host"}).ok());
}

TEST(SigV4CryptoTest, KnownAnswers) {
  EXPECT_EQ(Sha256Hex(""), kEmptyPayloadSha256);
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256("", "").size(), 32u);
}

TEST(SigV4CryptoTest, SigningKeyOfTheAwsDocumentationExample) {
  // docs.aws.amazon.com "Examples of how to derive a signing key for Signature Version 4".
  EXPECT_EQ(HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                       "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4CryptoTest, PreparedHmacKeys) {
  // RFC 4231 test case 6: a key longer than the block is hashed first.
  HmacSha256Key long_key(std::string(131, '\xaa'));
  EXPECT_EQ(HexEncode(long_key.Mac("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // A prepared key gives the same MAC on every use.
  HmacSha256Key jefe("Jefe");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(HexEncode(jefe.Mac("what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}

TEST(SigV4SigningKeyCacheTest, ReturnsDerivedKeysAndStaysBounded) {
  SigningKeyCache cache(2);
  auto mac = [](const std::shared_ptr<const HmacSha256Key>& key) { return key->Mac("sts"); };
  auto k1 = cache.Get("A", "s1", "20261128", "us-east-1", "chime");
  EXPECT_EQ(mac(k1), HmacSha256(DeriveSigningKey("s1", "20261128", "us-east-1", "chime"), "sts"));
  EXPECT_EQ(cache.Get("A", "s1", "20261128", "us-east-1", "chime"), k1);
  // A rotated secret under the same key id never returns the stale key, nor does rotating back.
  EXPECT_EQ(mac(cache.Get("A", "s2", "20261128", "us-east-1", "chime")),
            HmacSha256(DeriveSigningKey("s2", "20261128", "us-east-1", "chime"), "sts"));
  EXPECT_EQ(mac(cache.Get("A", "s1", "20261128", "us-east-1", "chime")), mac(k1));
  cache.Get("B", "s1", "20261128", "us-east-1", "chime");
  cache.Get("C", "s1", "20261129", "us-east-1", "chime");
  EXPECT_EQ(cache.size(), 2u);
  // An evicted key stays usable by whoever still holds it.
  EXPECT_EQ(mac(k1), HmacSha256(DeriveSigningKey("s1", "20261128", "us-east-1", "chime"), "sts"));
}

TEST(SigV4ImfFixdateTest, ParsesAndRejects) {
  EXPECT_EQ(ParseImfFixdate("Sun, 30 Aug 2015 12:36:00 GMT"), ParseAmzDate("20150830T123600Z"));
  EXPECT_FALSE(ParseImfFixdate("Sun, 31 Feb 2015 12:36:00 GMT"));
  EXPECT_FALSE(ParseImfFixdate("Sun, 30 Aug 2015 12:36:00 UTC"));
  EXPECT_FALSE(ParseImfFixdate("Sun, 30 Xyz 2015 12:36:00 GMT"));
  EXPECT_FALSE(ParseImfFixdate("Sun, 30 ugS 2015 12:36:00 GMT"));  // misaligned month match
  EXPECT_FALSE(ParseImfFixdate(""));
}

// Golden values from botocore 1.43's SigV4Auth (service "chime", 20261128T102400Z): the path
// is signed double-encoded.
TEST(SigV4BotocoreGoldenTest, DoubleEncodedPaths) {
  struct Golden {
    const char* method;
    const char* target;
    const char* body;
    const char* canonical;
    const char* signature;
  };
  const Golden goldens[] = {
      {"POST", "/accounts/a%20b?operation=reset-personal-pin", "",
       "POST\n/accounts/a%2520b\noperation=reset-personal-pin\ncontent-type:application/json\n"
       "host:chime.example.com\nx-amz-date:20261128T102400Z\n\ncontent-type;host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "5ab82acf86d7567d486a7772bf65d131622cfbedc61a3a1a324b3d49913fe5b9"},
      {"GET", "/accounts/a%2Fb/users/x%25y~z%2Bw%C3%A9", "",
       "GET\n/accounts/a%252Fb/users/x%2525y~z%252Bw%25C3%25A9\n\ncontent-type:application/json\n"
       "host:chime.example.com\nx-amz-date:20261128T102400Z\n\ncontent-type;host;x-amz-date\n"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
       "16765a0fb78df9cdc1fe6590cc4f313003ab22cdfdd9e0a0b8a26df655fc333a"},
      {"POST", "/accounts/acc-1/users/u1?operation=reset-personal-pin", "{\"x\":1}",
       "POST\n/accounts/acc-1/users/u1\noperation=reset-personal-pin\ncontent-type:application/"
       "json\n"
       "host:chime.example.com\nx-amz-date:20261128T102400Z\n\ncontent-type;host;x-amz-date\n"
       "5041bf1f713df204784353e82f6a4a535931cb64f1f4b4a5aeaffcb720918b22",
       "eca6ea31dcd2f0c8847bb532fd909add2826fe48ec2d019a0126157e982af6a4"},
  };
  Credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", std::nullopt};
  SigningOptions opts;
  opts.time_ms = *ParseAmzDate("20261128T102400Z");
  for (const Golden& g : goldens) {
    http::Request req;
    req.method = g.method;
    req.target = g.target;
    req.headers = {{"Content-Type", "application/json"}, {"Host", "chime.example.com"}};
    req.body = g.body;
    StatusOr<SigningResult> r = SignRequest(creds, opts, &req);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->canonical_request, g.canonical) << g.target;
    EXPECT_EQ(r->signature, g.signature) << g.target;
  }
}

}  // namespace
}  // namespace chime::auth
