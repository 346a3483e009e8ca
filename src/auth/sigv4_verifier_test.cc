#include "auth/sigv4_verifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <stdexcept>
#include <thread>

#include "auth/sigv4_canonical.h"
#include "auth/sigv4_signer.h"
#include "common/time_format.h"

namespace chime::auth {
namespace {

constexpr char kNow[] = "20261128T102400Z";
constexpr char kSignatureMismatch[] =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method.";
constexpr char kInvalidToken[] = "The security token included in the request is invalid.";

const Credentials kPlain{"AKIDCHIMEPLAIN01", "plainSecret/0123456789+abcdefghijklmnopq",
                         std::nullopt};
const Credentials kTemp{"ASIACHIMETEMP002", "tempSecret/0123456789+abcdefghijklmnopqr",
                        "FwoGZXIvYXdzEXAMPLEsessionToken+/=="};

int64_t NowMs() { return *ParseAmzDate(kNow); }

class SigV4VerifierTest : public ::testing::Test {
 protected:
  SigV4VerifierTest() {
    keys_[kPlain.access_key_id] = {kPlain.secret_access_key, std::nullopt, std::nullopt};
    keys_[kTemp.access_key_id] = {kTemp.secret_access_key, kTemp.session_token, std::nullopt};
  }

  KeyLookup Lookup() {
    return [this](std::string_view akid) -> std::optional<KeyMaterial> {
      auto it = keys_.find(std::string(akid));
      if (it == keys_.end()) return std::nullopt;
      return it->second;
    };
  }

  SigV4Verifier Verifier(VerifierOptions options = {}) {
    return SigV4Verifier(std::move(options), clock_, Lookup());
  }

  static http::Request NewRequest(
      std::string target = "/accounts/acc-1/users/u1?operation=reset-personal-pin") {
    http::Request req;
    req.method = "POST";
    req.target = std::move(target);
    req.headers = {{"Host", "chime.example.com"},
                   {"Content-Type", "application/json"},
                   {"User-Agent", "test/1.0"}};
    req.body = "{}";
    return req;
  }

  static SigningOptions Options(int64_t offset_ms = 0) {
    SigningOptions o;
    o.time_ms = NowMs() + offset_ms;
    return o;
  }

  static http::Request Signed(const Credentials& c, SigningOptions o = Options(),
                              http::Request req = NewRequest()) {
    EXPECT_TRUE(SignRequest(c, o, &req).ok());
    return req;
  }

  static http::Request Presigned(const Credentials& c, SigningOptions o = Options(),
                                 PresignOptions p = {}, http::Request req = NewRequest()) {
    EXPECT_TRUE(PresignRequest(c, o, p, &req).ok());
    return req;
  }

  // Asserts rejection with kUnauthenticated and, when given, a message containing `expected`;
  // also that no secret, token, signature or Authorization value leaks into the message.
  void ExpectRejected(const http::Request& req, std::string_view expected = "",
                      VerifierOptions options = {}) {
    StatusOr<VerifiedCaller> r = Verifier(options).Verify(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
    const std::string& msg = r.status().message();
    EXPECT_NE(msg.find(expected), std::string::npos) << msg;
    for (const Credentials* c : {&kPlain, &kTemp}) {
      EXPECT_EQ(msg.find(c->secret_access_key), std::string::npos) << msg;
      EXPECT_EQ(msg.find(*kTemp.session_token), std::string::npos) << msg;
      // The signature the verifier would have expected from this key.
      http::Request good = req;
      std::erase_if(good.headers, [](const auto& h) { return h.first == "Authorization"; });
      StatusOr<SigningResult> s = SignRequest(*c, Options(), &good);
      if (s.ok()) {
        EXPECT_EQ(msg.find(s->signature), std::string::npos) << msg;
      }
    }
    if (const std::string* auth = req.Header("Authorization"); auth && !auth->empty()) {
      EXPECT_EQ(msg.find(*auth), std::string::npos) << msg;
      size_t sig = auth->find("Signature=");
      if (sig != std::string::npos && auth->size() > sig + 20) {
        EXPECT_EQ(msg.find(auth->substr(sig + 10)), std::string::npos) << msg;
      }
    }
    messages_.push_back(msg);
  }

  void ExpectAccepted(const http::Request& req, VerifierOptions options = {}) {
    StatusOr<VerifiedCaller> r = Verifier(options).Verify(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << " for " << req.target;
  }

  FakeClock clock_{NowMs()};
  std::map<std::string, KeyMaterial> keys_;
  std::vector<std::string> messages_;
};

TEST_F(SigV4VerifierTest, AcceptsHeaderSignedAndPresignedRequests) {
  StatusOr<VerifiedCaller> r = Verifier().Verify(Signed(kPlain));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->access_key_id, kPlain.access_key_id);
  EXPECT_FALSE(r->presigned);
  r = Verifier().Verify(Presigned(kPlain));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->presigned);
}

TEST_F(SigV4VerifierTest, ClockSkewWindowIsFiveMinutesBothWays) {
  for (int64_t s : {-300, -299, 0, 299, 300}) ExpectAccepted(Signed(kPlain, Options(s * 1000)));
  ExpectRejected(Signed(kPlain, Options(-301'000)), "Signature expired: ");
  ExpectRejected(Signed(kPlain, Options(301'000)), "Signature not yet current: ");
}

TEST_F(SigV4VerifierTest, SkewMessagesReadLikeAws) {
  ExpectRejected(Signed(kPlain, Options(-9 * 60'000)),
                 "Signature expired: 20261128T101500Z is now earlier than 20261128T101900Z "
                 "(20261128T102400Z - 5 min.)");
  ExpectRejected(Signed(kPlain, Options(6 * 60'000)),
                 "Signature not yet current: 20261128T103000Z is still later than "
                 "20261128T102900Z (20261128T102400Z + 5 min.)");
}

TEST_F(SigV4VerifierTest, PresignedUrlsExpire) {
  PresignOptions p{.expires_s = 60};
  http::Request req = Presigned(kPlain, Options(), p);
  ExpectAccepted(req);
  clock_.AdvanceMs(60'000);
  ExpectAccepted(req);
  clock_.AdvanceMs(1'000);
  ExpectRejected(req, "Request has expired");
  clock_.SetMs(NowMs());
  // Signed long ago but still within its week: valid (skew does not apply to the past).
  ExpectAccepted(Presigned(kPlain, Options(-6LL * 86400'000), {.expires_s = 604800}));
  // From the future beyond the skew: refused.
  ExpectAccepted(Presigned(kPlain, Options(299'000)));
  ExpectRejected(Presigned(kPlain, Options(301'000)), "Signature not yet current");
  // Longer than the server allows.
  VerifierOptions short_max;
  short_max.max_presign_expires_s = 3600;
  ExpectRejected(Presigned(kPlain, Options(), {.expires_s = 7200}), "X-Amz-Expires", short_max);
}

TEST_F(SigV4VerifierTest, PresignedExpiresMustBeANumberOfAtMostAWeek) {
  for (std::string bad : {"604801", "9999999", "99999999999999999999", "-1", "1e3", ""}) {
    http::Request req = Presigned(kPlain);
    size_t at = req.target.find("X-Amz-Expires=900");
    ASSERT_NE(at, std::string::npos);
    req.target.replace(at, 17, "X-Amz-Expires=" + bad);
    ExpectRejected(req, "X-Amz-Expires");
  }
}

TEST_F(SigV4VerifierTest, SessionTokens) {
  ExpectAccepted(Signed(kTemp));
  SigningOptions unsigned_token = Options();
  unsigned_token.sign_session_token = false;
  ExpectAccepted(Signed(kTemp, unsigned_token));
  ExpectAccepted(Presigned(kTemp));
  ExpectAccepted(Presigned(kTemp, unsigned_token));

  Credentials no_token = kTemp;
  no_token.session_token.reset();
  ExpectRejected(Signed(no_token), kInvalidToken);
  Credentials wrong_token = kTemp;
  wrong_token.session_token = "FwoGZXIvYXdzEXAMPLEsessionToken+/=x";
  ExpectRejected(Signed(wrong_token), kInvalidToken);
  ExpectRejected(Signed(wrong_token, unsigned_token), kInvalidToken);
  Credentials short_token = kTemp;
  short_token.session_token = "F";
  ExpectRejected(Presigned(short_token), kInvalidToken);
  // A token sent with a key that has none.
  Credentials plain_with_token = kPlain;
  plain_with_token.session_token = "whatever";
  ExpectRejected(Signed(plain_with_token), kInvalidToken);
  // An unsigned token changed in transit.
  http::Request req = Signed(kTemp, unsigned_token);
  for (auto& [name, value] : req.headers) {
    if (name == "X-Amz-Security-Token") value += "x";
  }
  ExpectRejected(req, kInvalidToken);
  // Header and query at once.
  http::Request both = Signed(kTemp);
  both.target += "&X-Amz-Security-Token=x";
  ExpectRejected(both, "X-Amz-Security-Token");
}

TEST_F(SigV4VerifierTest, UnknownKeyLooksExactlyLikeAWrongSignature) {
  Credentials wrong_secret = kPlain;
  wrong_secret.secret_access_key[0] ^= 1;
  Credentials unknown{"AKIDDOESNOTEXIST", kPlain.secret_access_key, std::nullopt};
  // Signing with the verifier's internal dummy secret must not help either.
  Credentials dummy{"AKIDDOESNOTEXIST", "chimed/dummy/secret/for/unknown/keys/000", std::nullopt};
  ExpectRejected(Signed(wrong_secret), kSignatureMismatch);
  ExpectRejected(Signed(unknown), kSignatureMismatch);
  ExpectRejected(Signed(dummy), kSignatureMismatch);
  ExpectRejected(Presigned(unknown), kSignatureMismatch);
  ExpectRejected(Presigned(dummy), kSignatureMismatch);
  // A token does not change the answer for an unknown key.
  Credentials unknown_with_token = unknown;
  unknown_with_token.session_token = "t";
  ExpectRejected(Signed(unknown_with_token), kSignatureMismatch);
  ASSERT_EQ(messages_.size(), 6u);
  for (const std::string& m : messages_) EXPECT_EQ(m, kSignatureMismatch);
}

TEST_F(SigV4VerifierTest, DoubleEncodedPathsRoundTrip) {
  for (std::string path :
       {"/accounts/a%20b", "/accounts/a%25b", "/accounts/a%2Fb/users/u", "/accounts/~tilde",
        "/accounts/a%2Bb", "/accounts/a+b", "/accounts/%C3%A9t%C3%A9",
        "/accounts/%E2%82%AC/users/%F0%9F%98%80", "/accounts/a%2520b", "/accounts/%7Etilde"}) {
    ExpectAccepted(Signed(kPlain, Options(), NewRequest(path + "?operation=x")));
    ExpectAccepted(Presigned(kPlain, Options(), {}, NewRequest(path)));
  }
  // The path is signed as sent: a decoded or re-encoded variant is a different request.
  http::Request a = Signed(kPlain, Options(), NewRequest("/accounts/a%20b"));
  a.target = "/accounts/a%2520b";
  ExpectRejected(a, kSignatureMismatch);
  http::Request b = Signed(kPlain, Options(), NewRequest("/accounts/a%2Fb/users/u"));
  b.target = "/accounts/a/b/users/u";
  ExpectRejected(b, kSignatureMismatch);
  http::Request c = Signed(kPlain, Options(), NewRequest("/accounts/~tilde"));
  c.target = "/accounts/%7Etilde";
  ExpectRejected(c, kSignatureMismatch);
}

TEST_F(SigV4VerifierTest, PayloadHash) {
  SigningOptions with_hash = Options();
  with_hash.add_content_sha256_header = true;
  ExpectAccepted(Signed(kPlain, with_hash));
  http::Request tampered = Signed(kPlain, with_hash);
  tampered.body = "{\"evil\":1}";
  ExpectRejected(tampered, "x-amz-content-sha256");
  http::Request no_header_tampered = Signed(kPlain);
  no_header_tampered.body = "{\"evil\":1}";
  ExpectRejected(no_header_tampered, kSignatureMismatch);

  http::Request unsigned_header = NewRequest();
  unsigned_header.headers.emplace_back("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
  ASSERT_TRUE(SignRequest(kPlain, Options(), &unsigned_header).ok());
  // SignRequest replaced it with nothing; put UNSIGNED-PAYLOAD back as a client might.
  unsigned_header.headers.emplace_back("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
  ExpectRejected(unsigned_header, "UNSIGNED-PAYLOAD");

  http::Request presigned = Presigned(kPlain, Options(), {.unsigned_payload = true});
  ExpectAccepted(presigned);
  presigned.body = "anything";
  ExpectAccepted(presigned);
}

// A request signed by hand with the building blocks, for shapes the signer never produces.
http::Request HandSigned(std::vector<std::string> signed_headers, http::HeaderList headers,
                         std::string amz_date, std::string scope_date = "20261128") {
  http::Request req;
  req.method = "GET";
  req.target = "/accounts";
  req.headers = std::move(headers);
  CanonicalRequestInput in{.method = req.method,
                           .raw_path = req.RawPath(),
                           .query = {},
                           .headers = &req.headers,
                           .signed_headers = signed_headers,
                           .payload_hash = kEmptyPayloadSha256};
  std::string creq = *CanonicalRequest(in);
  std::string scope = CredentialScope(scope_date, "us-east-1", "chime");
  std::string sig =
      SignatureHex(DeriveSigningKey(kPlain.secret_access_key, scope_date, "us-east-1", "chime"),
                   StringToSign(amz_date, scope, creq));
  std::string names;
  for (const std::string& n : signed_headers) names += (names.empty() ? "" : ";") + n;
  req.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + kPlain.access_key_id +
                                                "/" + scope + ", SignedHeaders=" + names +
                                                ", Signature=" + sig);
  return req;
}

TEST_F(SigV4VerifierTest, DateHeaderIsAcceptedWhenXAmzDateIsAbsent) {
  ExpectAccepted(HandSigned({"date", "host"},
                            {{"Host", "h"}, {"Date", "Sat, 28 Nov 2026 10:24:00 GMT"}}, kNow));
  ExpectAccepted(
      HandSigned({"host"}, {{"Host", "h"}, {"Date", "Sat, 28 Nov 2026 10:24:00 GMT"}}, kNow));
  ExpectRejected(
      HandSigned({"host"}, {{"Host", "h"}, {"Date", "Sat, 28 Nov 2026 10:24:01 GMT"}}, kNow),
      kSignatureMismatch);
  ExpectRejected(HandSigned({"host"}, {{"Host", "h"}, {"Date", "yesterday"}}, kNow), "Date");
  ExpectRejected(HandSigned({"host"}, {{"Host", "h"}}, kNow),
                 "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
                 "header.");
  ExpectRejected(
      HandSigned({"host"}, {{"Host", "h"}, {"X-Amz-Date", "20261128T102400Z"}}, kNow, "20261127"),
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
      "'20261127' != '20261128', from '20261128T102400Z'.");
}

TEST_F(SigV4VerifierTest, HostMustBeSigned) {
  ExpectAccepted(HandSigned({"host", "x-amz-date"}, {{"Host", "h"}, {"X-Amz-Date", kNow}}, kNow));
  ExpectRejected(HandSigned({"x-amz-date"}, {{"Host", "h"}, {"X-Amz-Date", kNow}}, kNow),
                 "'Host' must be a signed header.");
}

TEST_F(SigV4VerifierTest, SpecificMessagesForMalformedAuthorization) {
  auto with_auth = [](std::string value) {
    http::Request r = NewRequest();
    r.headers.emplace_back("X-Amz-Date", kNow);
    r.headers.emplace_back("Authorization", std::move(value));
    return r;
  };
  const std::string cred = "Credential=AKIDCHIMEPLAIN01/20261128/us-east-1/chime/aws4_request";
  ExpectRejected(NewRequest(), "Missing Authentication Token");
  ExpectRejected(with_auth("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host"),
                 "Authorization header requires 'Signature' parameter.");
  ExpectRejected(with_auth("AWS4-HMAC-SHA256 "),
                 "Authorization header requires 'Credential' parameter.");
  ExpectRejected(with_auth("AWS4-HMAC-SHA512 " + cred), "AWS4-HMAC-SHA256");
  ExpectRejected(with_auth("Bearer abc"), "AWS4-HMAC-SHA256");
  ExpectRejected(with_auth("AWS4-HMAC-SHA256 " + cred + ", " + cred), "malformed");
  ExpectRejected(with_auth("AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/chime, "
                           "SignedHeaders=host, Signature=00"),
                 "Credential is mal-formed");
  ExpectRejected(
      with_auth("AWS4-HMAC-SHA256 Credential=AKID/20261128/eu-west-9/chime/aws4_request, "
                "SignedHeaders=host, Signature=00"),
      "Credential should be scoped to a valid region, not 'eu-west-9'.");
  ExpectRejected(with_auth("AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/s3/aws4_request, "
                           "SignedHeaders=host, Signature=00"),
                 "Credential should be scoped to correct service: 'chime'.");
  ExpectRejected(
      with_auth("AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/chime/aws5_request, "
                "SignedHeaders=host, Signature=00"),
      "valid terminator");
  // Presigned: every missing parameter is named.
  http::Request q = NewRequest("/accounts?X-Amz-Algorithm=AWS4-HMAC-SHA256");
  ExpectRejected(q, "AWS query-string parameters must include 'X-Amz-Credential'.");
  http::Request both = Signed(kPlain);
  both.target += "&X-Amz-Signature=00";
  ExpectRejected(both, "Only one auth mechanism allowed");
  http::Request dup = Signed(kPlain);
  dup.headers.emplace_back("x-amz-date", kNow);
  ExpectRejected(dup, "Multiple values for header 'X-Amz-Date'.");
  http::Request bad_date = Signed(kPlain);
  for (auto& [n, v] : bad_date.headers) {
    if (n == "X-Amz-Date") v = "20261128T102400";
  }
  ExpectRejected(bad_date, "ISO-8601");
}

TEST_F(SigV4VerifierTest, RegionsAreConfigurable) {
  SigningOptions eu = Options();
  eu.region = "eu-central-1";
  ExpectRejected(Signed(kPlain, eu), "not 'eu-central-1'");
  VerifierOptions both;
  both.regions = {"us-east-1", "eu-central-1"};
  ExpectAccepted(Signed(kPlain, eu), both);
}

TEST_F(SigV4VerifierTest, ObsFoldIsRejectedEvenInUnsignedHeaders) {
  http::Request req = Signed(kPlain);
  req.headers.emplace_back("X-Unsigned", "a\r\n b");
  ExpectRejected(req, "line folding");
  http::Request nul = Signed(kPlain);
  nul.headers.emplace_back("X-Unsigned", std::string("a\0b", 3));
  ExpectRejected(nul, "line folding");
}

TEST_F(SigV4VerifierTest, UnsignedHeadersMayChange) {
  http::Request req = Signed(kPlain);
  for (auto& [n, v] : req.headers) {
    if (n == "User-Agent") v = "proxy-rewritten";
  }
  req.headers.emplace_back("X-Forwarded-For", "10.0.0.1");
  ExpectAccepted(req);
}

TEST_F(SigV4VerifierTest, LookupExceptionsBecomeInternal) {
  SigV4Verifier v(VerifierOptions{}, clock_, [](std::string_view) -> std::optional<KeyMaterial> {
    throw std::runtime_error("db down");
  });
  EXPECT_EQ(v.Verify(Signed(kPlain)).status().code(), Code::kInternal);
}

TEST_F(SigV4VerifierTest, ConcurrentVerificationSharesTheKeyCache) {
  SigV4Verifier v = Verifier();
  http::Request good = Signed(kPlain);
  http::Request temp = Signed(kTemp);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (!v.Verify(good).ok() || !v.Verify(temp).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

// Hostile input: random single-byte edits, insertions and truncations of valid requests never
// crash and never yield anything but OK or kUnauthenticated. (A libFuzzer target comes later.)
TEST_F(SigV4VerifierTest, RandomCorruptionIsHandled) {
  std::mt19937 rng(12345);
  SigV4Verifier v = Verifier();
  const std::vector<http::Request> seeds = {
      Signed(kPlain), Signed(kTemp), Presigned(kTemp),
      Presigned(kPlain, Options(), {.unsigned_payload = true})};
  const std::string alphabet = std::string("%/=,;&? \t\r\n\0\xff", 14) + "0aZ";
  int accepted = 0;
  for (int i = 0; i < 5000; ++i) {
    http::Request req = seeds[rng() % seeds.size()];
    for (int edits = 1 + rng() % 3; edits > 0; --edits) {
      size_t which = rng() % (req.headers.size() + 1);
      std::string& s = which == req.headers.size() ? req.target : req.headers[which].second;
      size_t pos = s.empty() ? 0 : rng() % s.size();
      switch (rng() % 4) {
        case 0:
          if (!s.empty()) s[pos] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          s.insert(pos, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 2:
          s.resize(pos);
          break;
        default:
          if (!s.empty()) s.erase(pos, 1 + rng() % 8);
      }
    }
    StatusOr<VerifiedCaller> r = v.Verify(req);
    if (r.ok()) {
      ++accepted;
    } else {
      ASSERT_EQ(r.status().code(), Code::kUnauthenticated) << r.status().ToString();
    }
  }
  // Edits to unsigned parts (User-Agent) may leave a request valid; most must not.
  EXPECT_LT(accepted, 1000);
}

}  // namespace
}  // namespace chime::auth
