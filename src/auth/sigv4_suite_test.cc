// Conformance with the official AWS SigV4 test suite (aws-c-auth's v4 corpus): the canonicalizer
// and the signer reproduce every canonical request, string to sign and signature byte for byte;
// the verifier accepts every signed request at the case's time and rejects every single mutation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "auth/sigv4_canonical.h"
#include "auth/sigv4_signer.h"
#include "auth/sigv4_test_request.h"
#include "auth/sigv4_verifier.h"
#include "common/clock.h"
#include "common/time_format.h"

namespace chime::auth {
namespace {

using testing::JsonField;
using testing::ParseRequestText;
using testing::ReadFileOrEmpty;

constexpr char kObsFoldCase[] = "get-header-value-multiline";

std::string SuiteDir() {
  const char* env = std::getenv("CHIMED_SHARED_DIR");
  std::string shared = env && *env ? env : CHIMED_DEFAULT_SHARED_DIR;
  return shared + "/testdata/aws-sigv4-test-suite/v4";
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(SuiteDir(), ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Case {
  std::string name;
  std::string dir;
  std::string context;
  Credentials credentials;
  SigningOptions options;
  bool omit_session_token = false;

  std::string File(const std::string& file) const { return ReadFileOrEmpty(dir + "/" + file); }
  http::Request Request(const std::string& file, bool unfold = true) const {
    return ParseRequestText(File(file), unfold);
  }
};

Case LoadCase(const std::string& name) {
  Case c;
  c.name = name;
  c.dir = SuiteDir() + "/" + name;
  c.context = ReadFileOrEmpty(c.dir + "/context.json");
  c.credentials.access_key_id = JsonField(c.context, "access_key_id");
  c.credentials.secret_access_key = JsonField(c.context, "secret_access_key");
  std::string token = JsonField(c.context, "token");
  if (!token.empty()) c.credentials.session_token = token;
  c.options.region = JsonField(c.context, "region");
  c.options.service = JsonField(c.context, "service");
  std::string ts = JsonField(c.context, "timestamp");  // 2015-08-30T12:36:00Z
  std::erase_if(ts, [](char ch) { return ch == '-' || ch == ':'; });
  c.options.time_ms = ParseAmzDate(ts).value_or(0);
  c.options.normalize_path = JsonField(c.context, "normalize") != "false";
  c.options.add_content_sha256_header = JsonField(c.context, "sign_body") == "true";
  c.omit_session_token = JsonField(c.context, "omit_session_token") == "true";
  c.options.sign_session_token = !c.omit_session_token;
  return c;
}

std::vector<std::pair<std::string, std::string>> SortedHeaders(const http::Request& r) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : r.headers) {
    std::string lower = name;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.emplace_back(lower, value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The lines of a canonical request file: [..., signed headers, payload hash].
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

std::vector<std::string> SplitSemicolons(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(';', start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

class SigV4SuiteTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { c_ = LoadCase(GetParam()); }

  SigV4Verifier MakeVerifier(std::vector<std::string> regions = {"us-east-1"}) const {
    VerifierOptions options;
    options.regions = std::move(regions);
    options.service = c_.options.service;
    options.normalize_path = c_.options.normalize_path;
    Credentials creds = c_.credentials;
    return SigV4Verifier(options, clock_, [creds](std::string_view akid) {
      std::optional<KeyMaterial> key;
      if (akid == creds.access_key_id)
        key = KeyMaterial{creds.secret_access_key, creds.session_token, std::nullopt};
      return key;
    });
  }

  // Checks canonical request, string to sign and signature from the building blocks, given the
  // signed request and which query parameters the signature does not cover.
  void CheckCanonicalizer(const std::string& prefix,
                          const std::vector<std::string>& unsigned_params) {
    http::Request req = c_.Request(prefix + "-signed-request.txt");
    std::string expected_creq = c_.File(prefix + "-canonical-request.txt");
    std::vector<std::string> lines = Lines(expected_creq);
    ASSERT_GE(lines.size(), 2u);
    StatusOr<std::vector<QueryParam>> query = ParseQuery(req.RawQuery());
    ASSERT_TRUE(query.ok());
    std::erase_if(*query, [&](const QueryParam& p) {
      return std::find(unsigned_params.begin(), unsigned_params.end(), p.name) !=
             unsigned_params.end();
    });
    std::string payload_hash = lines.back();
    EXPECT_EQ(payload_hash, Sha256Hex(req.body));
    CanonicalRequestInput in{.method = req.method,
                             .raw_path = req.RawPath(),
                             .query = *query,
                             .headers = &req.headers,
                             .signed_headers = SplitSemicolons(lines[lines.size() - 2]),
                             .payload_hash = payload_hash,
                             .normalize_path = c_.options.normalize_path};
    StatusOr<std::string> creq = CanonicalRequest(in);
    ASSERT_TRUE(creq.ok()) << creq.status().ToString();
    EXPECT_EQ(*creq, expected_creq);
    std::string date = FormatAmzDate(c_.options.time_ms);
    std::string sts = StringToSign(
        date, CredentialScope(date.substr(0, 8), c_.options.region, c_.options.service), *creq);
    EXPECT_EQ(sts, c_.File(prefix + "-string-to-sign.txt"));
    std::string key = DeriveSigningKey(c_.credentials.secret_access_key, date.substr(0, 8),
                                       c_.options.region, c_.options.service);
    EXPECT_EQ(SignatureHex(key, sts), c_.File(prefix + "-signature.txt"));
  }

  Case c_;
  FakeClock clock_{0};
};

TEST(SigV4SuiteListTest, FindsTheWholeSuite) {
  EXPECT_GE(CaseNames().size(), 38u) << "suite not found at " << SuiteDir();
}

TEST_P(SigV4SuiteTest, CanonicalizerReproducesHeaderSigning) { CheckCanonicalizer("header", {}); }

TEST_P(SigV4SuiteTest, CanonicalizerReproducesQuerySigning) {
  std::vector<std::string> unsigned_params = {"X-Amz-Signature"};
  if (c_.omit_session_token) unsigned_params.push_back("X-Amz-Security-Token");
  CheckCanonicalizer("query", unsigned_params);
}

TEST_P(SigV4SuiteTest, SignerReproducesHeaderSigning) {
  http::Request req = c_.Request("request.txt");
  StatusOr<SigningResult> result = SignRequest(c_.credentials, c_.options, &req);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->canonical_request, c_.File("header-canonical-request.txt"));
  EXPECT_EQ(result->string_to_sign, c_.File("header-string-to-sign.txt"));
  EXPECT_EQ(result->signature, c_.File("header-signature.txt"));
  http::Request expected = c_.Request("header-signed-request.txt");
  EXPECT_EQ(req.method, expected.method);
  EXPECT_EQ(req.target, expected.target);
  EXPECT_EQ(req.body, expected.body);
  EXPECT_EQ(SortedHeaders(req), SortedHeaders(expected));
}

TEST_P(SigV4SuiteTest, SignerReproducesPresigning) {
  http::Request req = c_.Request("request.txt");
  PresignOptions presign;
  presign.expires_s = std::stoi(JsonField(c_.context, "expiration_in_seconds"));
  StatusOr<SigningResult> result = PresignRequest(c_.credentials, c_.options, presign, &req);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->canonical_request, c_.File("query-canonical-request.txt"));
  EXPECT_EQ(result->string_to_sign, c_.File("query-string-to-sign.txt"));
  EXPECT_EQ(result->signature, c_.File("query-signature.txt"));
  http::Request expected = c_.Request("query-signed-request.txt");
  EXPECT_EQ(req.target, expected.target);
  EXPECT_EQ(req.body, expected.body);
  EXPECT_EQ(SortedHeaders(req), SortedHeaders(expected));
}

// ---- Verifier: acceptance and single mutations ----

using Mutation = std::pair<std::string, std::function<void(http::Request&)>>;

http::HeaderList::value_type* FindHeader(http::Request& r, std::string_view name) {
  for (auto& h : r.headers) {
    if (http::HeaderNameEquals(h.first, name)) return &h;
  }
  return nullptr;
}

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

char OtherHex(char c) { return c == '0' ? '1' : '0'; }

// Rewrites the raw value of query parameter `name` (first occurrence).
void EditQueryParam(http::Request& r, const std::string& name,
                    const std::function<std::string(const std::string&)>& edit) {
  size_t q = r.target.find('?');
  ASSERT_NE(q, std::string::npos);
  size_t at = r.target.find(name + "=", q);
  while (at != std::string::npos && r.target[at - 1] != '?' && r.target[at - 1] != '&') {
    at = r.target.find(name + "=", at + 1);
  }
  ASSERT_NE(at, std::string::npos) << name;
  size_t start = at + name.size() + 1;
  size_t end = r.target.find('&', start);
  if (end == std::string::npos) end = r.target.size();
  r.target.replace(start, end - start, edit(r.target.substr(start, end - start)));
}

std::string ShiftAmzDate(const std::string& amz, int64_t delta_ms) {
  return FormatAmzDate(ParseAmzDate(amz).value_or(0) + delta_ms);
}

std::vector<Mutation> CommonMutations(const http::Request& signed_req) {
  std::vector<Mutation> m;
  m.push_back({"path", [](http::Request& r) {
                 size_t q = r.target.find('?');
                 r.target.insert(q == std::string::npos ? r.target.size() : q, "x");
               }});
  m.push_back({"method", [](http::Request& r) { r.method = r.method == "GET" ? "POST" : "GET"; }});
  m.push_back({"add query parameter", [](http::Request& r) {
                 r.target += r.target.find('?') == std::string::npos ? "?x=y" : "&x=y";
               }});
  m.push_back({"append body byte", [](http::Request& r) { r.body += "x"; }});
  if (!signed_req.body.empty()) {
    m.push_back({"flip body byte", [](http::Request& r) { r.body[0] ^= 1; }});
  }
  for (const auto& [name, value] : signed_req.headers) {
    std::string n = name;
    if (http::HeaderNameEquals(n, "authorization")) continue;
    m.push_back({"change header " + n, [n](http::Request& r) { FindHeader(r, n)->second += "x"; }});
    m.push_back({"drop header " + n, [n](http::Request& r) {
                   std::erase_if(r.headers, [&](const auto& h) { return h.first == n; });
                 }});
  }
  std::string raw_query(signed_req.RawQuery());
  if (!raw_query.empty() && raw_query.find('=') != std::string::npos) {
    m.push_back({"change first query value", [](http::Request& r) {
                   size_t eq = r.target.find('=', r.target.find('?'));
                   r.target.insert(eq + 1, "x");
                 }});
  }
  return m;
}

std::vector<Mutation> HeaderMutations(const http::Request& signed_req) {
  std::vector<Mutation> m = CommonMutations(signed_req);
  auto edit_auth = [](std::function<void(std::string&)> f) {
    return [f](http::Request& r) { f(FindHeader(r, "authorization")->second); };
  };
  m.push_back({"signature first digit", edit_auth([](std::string& a) {
                 size_t at = a.find("Signature=") + 10;
                 a[at] = OtherHex(a[at]);
               })});
  m.push_back(
      {"signature last digit", edit_auth([](std::string& a) { a.back() = OtherHex(a.back()); })});
  m.push_back({"scope date +1 day",
               edit_auth([](std::string& a) { ReplaceAll(a, "/20150830/", "/20150831/"); })});
  m.push_back({"scope date -1 day",
               edit_auth([](std::string& a) { ReplaceAll(a, "/20150830/", "/20150829/"); })});
  m.push_back({"scope region",
               edit_auth([](std::string& a) { ReplaceAll(a, "/us-east-1/", "/us-west-2/"); })});
  m.push_back(
      {"scope service", edit_auth([](std::string& a) { ReplaceAll(a, "/service/", "/chime/"); })});
  m.push_back({"access key",
               edit_auth([](std::string& a) { ReplaceAll(a, "AKIDEXAMPLE", "AKIDEXAMPLF"); })});
  m.push_back({"signed headers",
               edit_auth([](std::string& a) { ReplaceAll(a, "host;", "host;x-amz-foo;"); })});
  m.push_back({"drop authorization", [](http::Request& r) {
                 std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization"; });
               }});
  for (int64_t delta : {-1000, 1000}) {
    m.push_back({"x-amz-date " + std::to_string(delta) + " ms", [delta](http::Request& r) {
                   auto* h = FindHeader(r, "x-amz-date");
                   h->second = ShiftAmzDate(h->second, delta);
                 }});
  }
  return m;
}

std::vector<Mutation> QueryMutations(const http::Request& signed_req) {
  std::vector<Mutation> m = CommonMutations(signed_req);
  auto edit = [](std::string name, std::function<std::string(const std::string&)> f) {
    return [name, f](http::Request& r) { EditQueryParam(r, name, f); };
  };
  m.push_back({"signature first digit", edit("X-Amz-Signature", [](const std::string& v) {
                 return std::string(1, OtherHex(v[0])) + v.substr(1);
               })});
  m.push_back({"signature last digit", edit("X-Amz-Signature", [](const std::string& v) {
                 return v.substr(0, v.size() - 1) + OtherHex(v.back());
               })});
  auto credential = [&](std::string from, std::string to) {
    return edit("X-Amz-Credential", [from, to](const std::string& v) {
      std::string s = v;
      ReplaceAll(s, from, to);
      return s;
    });
  };
  m.push_back({"scope date +1 day", credential("%2F20150830%2F", "%2F20150831%2F")});
  m.push_back({"scope date -1 day", credential("%2F20150830%2F", "%2F20150829%2F")});
  m.push_back({"scope region", credential("%2Fus-east-1%2F", "%2Fus-west-2%2F")});
  m.push_back({"scope service", credential("%2Fservice%2F", "%2Fchime%2F")});
  m.push_back({"access key", credential("AKIDEXAMPLE", "AKIDEXAMPLF")});
  m.push_back({"expires", edit("X-Amz-Expires", [](const std::string&) { return "3599"; })});
  m.push_back({"signed headers", edit("X-Amz-SignedHeaders",
                                      [](const std::string& v) { return v + "%3Bx-amz-foo"; })});
  for (int64_t delta : {-1000, 1000}) {
    m.push_back(
        {"x-amz-date " + std::to_string(delta) + " ms",
         edit("X-Amz-Date", [delta](const std::string& v) { return ShiftAmzDate(v, delta); })});
  }
  if (signed_req.target.find("X-Amz-Security-Token=") != std::string::npos) {
    m.push_back({"session token",
                 edit("X-Amz-Security-Token", [](const std::string& v) { return v + "x"; })});
  }
  return m;
}

void ExpectRejected(const SigV4Verifier& verifier, const http::Request& req,
                    const std::string& what, const Case& c) {
  StatusOr<VerifiedCaller> result = verifier.Verify(req);
  ASSERT_FALSE(result.ok()) << "mutation accepted: " << what;
  EXPECT_EQ(result.status().code(), Code::kUnauthenticated) << what;
  const std::string& msg = result.status().message();
  EXPECT_EQ(msg.find(c.credentials.secret_access_key), std::string::npos) << what;
  if (c.credentials.session_token) {
    EXPECT_EQ(msg.find(*c.credentials.session_token), std::string::npos) << what;
  }
  EXPECT_EQ(msg.find(c.File("header-signature.txt")), std::string::npos) << what;
  EXPECT_EQ(msg.find(c.File("query-signature.txt")), std::string::npos) << what;
}

TEST_P(SigV4SuiteTest, VerifierAcceptsHeaderSignedRequestAndRejectsMutations) {
  clock_.SetMs(c_.options.time_ms);
  SigV4Verifier verifier = MakeVerifier();
  http::Request req = c_.Request("header-signed-request.txt", /*unfold=*/false);
  if (c_.name == kObsFoldCase) {
    StatusOr<VerifiedCaller> result = verifier.Verify(req);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), Code::kUnauthenticated);
    EXPECT_NE(result.status().message().find("line folding"), std::string::npos);
    return;
  }
  StatusOr<VerifiedCaller> ok = verifier.Verify(req);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->access_key_id, "AKIDEXAMPLE");
  EXPECT_FALSE(ok->presigned);
  for (const auto& [what, mutate] : HeaderMutations(req)) {
    http::Request mutated = req;
    mutate(mutated);
    ExpectRejected(verifier, mutated, what, c_);
  }
  // With both regions accepted, a region change is caught by the signature itself.
  SigV4Verifier two_regions = MakeVerifier({"us-east-1", "us-west-2"});
  http::Request mutated = req;
  ReplaceAll(FindHeader(mutated, "authorization")->second, "/us-east-1/", "/us-west-2/");
  ExpectRejected(two_regions, mutated, "region, both accepted", c_);
}

TEST_P(SigV4SuiteTest, VerifierAcceptsPresignedRequestAndRejectsMutations) {
  clock_.SetMs(c_.options.time_ms);
  SigV4Verifier verifier = MakeVerifier();
  http::Request req = c_.Request("query-signed-request.txt", /*unfold=*/false);
  if (c_.name == kObsFoldCase) {
    EXPECT_FALSE(verifier.Verify(req).ok());
    return;
  }
  StatusOr<VerifiedCaller> ok = verifier.Verify(req);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->presigned);
  for (const auto& [what, mutate] : QueryMutations(req)) {
    http::Request mutated = req;
    mutate(mutated);
    ExpectRejected(verifier, mutated, what, c_);
  }
  // Still valid at the last second of X-Amz-Expires, refused one second later.
  clock_.SetMs(c_.options.time_ms + 3600 * 1000);
  EXPECT_TRUE(verifier.Verify(req).ok());
  clock_.SetMs(c_.options.time_ms + 3601 * 1000);
  ExpectRejected(verifier, req, "expired", c_);
}

TEST(SigV4SuiteObsFoldTest, UnfoldedMultilineCaseCanonicalizesLikeTheSuite) {
  // Shows the canonicalizer itself agrees with the suite once a (lenient) transport has unfolded
  // the value; the verifier still refuses the folded request, which is what chimed receives.
  Case c = LoadCase(kObsFoldCase);
  http::Request req = c.Request("request.txt", /*unfold=*/true);
  StatusOr<SigningResult> result = SignRequest(c.credentials, c.options, &req);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->canonical_request, c.File("header-canonical-request.txt"));
  http::Request folded = c.Request("request.txt", /*unfold=*/false);
  EXPECT_FALSE(SignRequest(c.credentials, c.options, &folded).ok());
}

std::string CaseTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(AwsSuite, SigV4SuiteTest, ::testing::ValuesIn(CaseNames()), CaseTestName);

}  // namespace
}  // namespace chime::auth
