// The credential/config chain and the shared-file parser, against a temporary HOME.
#include "client/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "client/ini_file.h"

namespace chime::client {
namespace {

namespace fs = std::filesystem;

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chime-client-home-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    home_ = tmpl;
    fs::create_directories(home_ / ".aws");
    env_.Set("HOME", home_.string());
  }
  void TearDown() override { fs::remove_all(home_); }

  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(home_ / rel) << text;
  }

  fs::path home_;
  MapEnvironment env_;
};

TEST_F(CredentialsTest, ExplicitWinsOverEverything) {
  env_.Set("AWS_ACCESS_KEY_ID", "ENVKEY");
  env_.Set("AWS_SECRET_ACCESS_KEY", "envsecret");
  Write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
  ChainInput in;
  in.credentials = auth::Credentials{"EXPLICIT", "x", {}};
  auto r = ResolveSettings(in, env_);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->credentials.access_key_id, "EXPLICIT");
  EXPECT_EQ(r->credential_source, "explicit");
}

TEST_F(CredentialsTest, EnvironmentBeforeFilesWithSessionToken) {
  env_.Set("AWS_ACCESS_KEY_ID", "ENVKEY");
  env_.Set("AWS_SECRET_ACCESS_KEY", "envsecret");
  env_.Set("AWS_SESSION_TOKEN", "tok");
  Write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
  auto r = ResolveSettings({}, env_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credentials.access_key_id, "ENVKEY");
  EXPECT_EQ(r->credentials.session_token, "tok");
  EXPECT_EQ(r->credential_source, "env");
}

TEST_F(CredentialsTest, HalfAnEnvironmentKeyIsAnError) {
  env_.Set("AWS_ACCESS_KEY_ID", "ENVKEY");
  auto r = ResolveSettings({}, env_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kCredentials);
  EXPECT_NE(r.error().message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST_F(CredentialsTest, SharedCredentialsFileDefaultProfile) {
  Write(".aws/credentials",
        "# comment\n; other comment\n[default]\n  aws_access_key_id=FILEKEY  \n"
        "AWS_Secret_Access_Key = file/secret+x\naws_session_token = t1\n");
  auto r = ResolveSettings({}, env_);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->credentials.access_key_id, "FILEKEY");
  EXPECT_EQ(r->credentials.secret_access_key, "file/secret+x");
  EXPECT_EQ(r->credentials.session_token, "t1");
  EXPECT_EQ(r->credential_source, "shared-credentials-file");
  EXPECT_EQ(r->region, "us-east-1");
  EXPECT_EQ(r->endpoint.ToString(), "https://service.chime.aws.amazon.com");
  EXPECT_EQ(r->max_attempts, 3);
}

TEST_F(CredentialsTest, AwsProfileSelectsSectionsInBothFiles) {
  Write(".aws/credentials", "[default]\naws_access_key_id=D\naws_secret_access_key=d\n");
  Write(".aws/config",
        "[default]\nregion = eu-west-1\n[profile admin]\nregion = us-west-2\n"
        "endpoint_url = http://127.0.0.1:9999\nmax_attempts = 7\n"
        "aws_access_key_id = ADMIN\naws_secret_access_key = a\ns3 =\n  max_concurrent_requests = "
        "4\n");
  env_.Set("AWS_PROFILE", "admin");
  auto r = ResolveSettings({}, env_);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->profile, "admin");
  EXPECT_EQ(r->credentials.access_key_id, "ADMIN");
  EXPECT_EQ(r->credential_source, "config-file");
  EXPECT_EQ(r->region, "us-west-2");
  EXPECT_EQ(r->endpoint.ToString(), "http://127.0.0.1:9999");
  EXPECT_EQ(r->max_attempts, 7);
}

TEST_F(CredentialsTest, ExplicitProfileSkipsEnvironmentKeys) {
  env_.Set("AWS_ACCESS_KEY_ID", "ENVKEY");
  env_.Set("AWS_SECRET_ACCESS_KEY", "envsecret");
  Write(".aws/credentials", "[ops]\naws_access_key_id=OPS\naws_secret_access_key=o\n");
  ChainInput in;
  in.profile = "ops";
  auto r = ResolveSettings(in, env_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credentials.access_key_id, "OPS");
}

TEST_F(CredentialsTest, UnknownProfileIsProfileNotFound) {
  ChainInput in;
  in.profile = "nope";
  auto r = ResolveSettings(in, env_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().name, "ProfileNotFound");
}

TEST_F(CredentialsTest, NoCredentialsAnywhere) {
  auto r = ResolveSettings({}, env_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kCredentials);
  EXPECT_EQ(r.error().name, "NoCredentialsError");
}

TEST_F(CredentialsTest, FileLocationsFromEnvironment) {
  Write("creds", "[default]\naws_access_key_id=ALT\naws_secret_access_key=alt\n");
  Write("cfg", "[default]\nregion = ap-south-1\n");
  env_.Set("AWS_SHARED_CREDENTIALS_FILE", (home_ / "creds").string());
  env_.Set("AWS_CONFIG_FILE", (home_ / "cfg").string());
  auto r = ResolveSettings({}, env_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->credentials.access_key_id, "ALT");
  EXPECT_EQ(r->region, "ap-south-1");
}

TEST_F(CredentialsTest, RegionAndEndpointPrecedence) {
  env_.Set("AWS_ACCESS_KEY_ID", "K");
  env_.Set("AWS_SECRET_ACCESS_KEY", "S");
  Write(".aws/config", "[default]\nregion = eu-west-1\nendpoint_url = http://profile:1\n");
  env_.Set("AWS_DEFAULT_REGION", "eu-central-1");
  env_.Set("AWS_ENDPOINT_URL", "http://generic:2");
  auto r = ResolveSettings({}, env_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->region, "eu-central-1");
  EXPECT_EQ(r->endpoint.ToString(), "http://generic:2");

  env_.Set("AWS_REGION", "us-west-1");
  env_.Set("AWS_ENDPOINT_URL_CHIME", "https://chime-specific");
  r = ResolveSettings({}, env_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->region, "us-west-1");
  EXPECT_EQ(r->endpoint.ToString(), "https://chime-specific");

  ChainInput in;
  in.region = "explicit-1";
  in.endpoint_url = "http://[::1]:8080/base/";
  r = ResolveSettings(in, env_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->region, "explicit-1");
  EXPECT_EQ(r->endpoint.HostHeader(), "[::1]:8080");
  EXPECT_EQ(r->endpoint.base_path, "/base");
}

TEST_F(CredentialsTest, MaxAttemptsFromEnvironmentIsValidated) {
  env_.Set("AWS_ACCESS_KEY_ID", "K");
  env_.Set("AWS_SECRET_ACCESS_KEY", "S");
  env_.Set("AWS_MAX_ATTEMPTS", "5");
  auto r = ResolveSettings({}, env_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->max_attempts, 5);
  env_.Set("AWS_MAX_ATTEMPTS", "five");
  r = ResolveSettings({}, env_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidParameter);
}

TEST_F(CredentialsTest, MalformedFileNamesLineButNotSecrets) {
  Write(".aws/credentials", "[default]\naws_secret_access_key = TOPSECRET\nthis line is junk\n");
  auto r = ResolveSettings({}, env_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(":3:"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("TOPSECRET"), std::string::npos);
}

TEST(IniFileTest, SectionsKeysAndNestedBlocks) {
  auto f = ParseIni("[profile x]\nKey1 = v1\nkey2: v2\ns3 =\n    a = 1\n    b = 2\nk3=\n", "t");
  ASSERT_TRUE(f.ok());
  const IniSection& s = f->at("profile x");
  EXPECT_EQ(s.at("key1"), "v1");
  EXPECT_EQ(s.at("key2"), "v2");
  EXPECT_EQ(s.at("s3.a"), "1");
  EXPECT_EQ(s.at("s3.b"), "2");
  EXPECT_EQ(s.at("k3"), "");
  EXPECT_FALSE(ParseIni("key = outside\n", "t").ok());
  EXPECT_FALSE(ParseIni("[unterminated\n", "t").ok());
}

TEST(EndpointTest, ParsesAndRejects) {
  auto e = ParseEndpointUrl("HTTPS://example.com");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(e->HostHeader(), "example.com");
  e = ParseEndpointUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->HostHeader(), "127.0.0.1:8080");
  EXPECT_FALSE(ParseEndpointUrl("ftp://x").ok());
  EXPECT_FALSE(ParseEndpointUrl("http://x:0").ok());
  EXPECT_FALSE(ParseEndpointUrl("http://x:99999").ok());
  EXPECT_FALSE(ParseEndpointUrl("http://user@x").ok());
  EXPECT_FALSE(ParseEndpointUrl("http://x/?q").ok());
  EXPECT_FALSE(ParseEndpointUrl("example.com").ok());
}

}  // namespace
}  // namespace chime::client
