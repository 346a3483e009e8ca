// import-users and reset-personal-pins against a fake service that remembers users.
#include "client/cli/bulk.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <mutex>

#include "client/test_fakes.h"

namespace chime::client::cli {
namespace {

// A tiny in-memory Chime: ListUsers, CreateUser (409 on a duplicate email, 400 for emails at
// "reject.example"), InviteUsers, ResetPersonalPIN.
class FakeChime final : public HttpTransport {
 public:
  Result<http::Response> Send(const Endpoint&, const http::Request& req,
                              const TransportOptions&) override {
    std::lock_guard lock(mu_);
    ++calls[req.method + " " + req.target.substr(0, req.target.find('?')) +
            (req.target.find("operation=") != std::string::npos
                 ? "?" + req.target.substr(req.target.find("operation="))
                 : "")];
    if (req.method == "GET") {
      std::string body = R"({"Users":[)";
      bool first = true;
      for (const auto& [email, id] : users) {
        body += std::string(first ? "" : ",") + R"({"UserId":")" + id + R"(","PrimaryEmail":")" +
                email + "\"}";
        first = false;
      }
      return testing::FakeTransport::Json(200, body + "]}");
    }
    rapidjson::Document doc;
    doc.Parse(req.body.c_str());
    if (req.target.find("operation=create") != std::string::npos) {
      std::string email = doc["Email"].GetString();
      if (email.find("reject.example") != std::string::npos) {
        return testing::FakeTransport::ErrorResponse(400, "BadRequestException", "BadRequest");
      }
      if (users.count(email)) {
        return testing::FakeTransport::ErrorResponse(409, "ConflictException", "Conflict");
      }
      users[email] = "id-" + std::to_string(users.size());
      return testing::FakeTransport::Json(201, R"({"User":{"UserId":")" + users[email] + "\"}}");
    }
    if (req.target.find("operation=add") != std::string::npos) {
      std::string body = R"({"Invites":[)";
      for (const auto& e : doc["UserEmailList"].GetArray()) {
        std::string email = e.GetString();
        users[email] = "id-" + std::to_string(users.size());
        body += std::string(body.back() == '[' ? "" : ",") + R"({"EmailAddress":")" + email +
                R"(","Status":"Pending"})";
      }
      return testing::FakeTransport::Json(201, body + "]}");
    }
    if (req.target.find("reset-personal-pin") != std::string::npos) {
      if (req.target.find("/users/id-1?") != std::string::npos) {
        return testing::FakeTransport::ErrorResponse(404, "NotFoundException", "NotFound");
      }
      return testing::FakeTransport::Json(200, R"({"User":{"UserId":"x","PersonalPIN":"1"}})");
    }
    return testing::FakeTransport::Json(400, "{}");
  }

  std::mutex mu_;
  std::map<std::string, std::string> users;  // email -> id
  std::map<std::string, int> calls;
};

class BulkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientOptions o = setup_.Options();
    o.transport = chime_;
    o.max_attempts = 1;
    client_ = setup_.Make(o);
  }
  testing::FakeClientSetup setup_;
  std::shared_ptr<FakeChime> chime_ = std::make_shared<FakeChime>();
  std::unique_ptr<Client> client_;
};

TEST_F(BulkTest, ImportCreatesThenSkipsOnSecondRun) {
  std::string csv = "email,username,user_type\n";
  for (int i = 0; i < 120; ++i)
    csv += "user" + std::to_string(i) + "@x.com,u" + std::to_string(i) + ",\n";
  int started = -1, done = 0;
  ProgressHooks hooks{[&](int n) { started = n; }, [&](std::string_view) { ++done; }};
  auto first = ImportUsers(*client_, csv, {"acct", false, 8}, hooks);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->rows, 120);
  EXPECT_EQ(first->created, 120);
  EXPECT_TRUE(first->failures.empty());
  EXPECT_EQ(started, 120);
  EXPECT_EQ(done, 120);
  auto second = ImportUsers(*client_, csv, {"acct", false, 8}, {});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(second->skipped, 120);
  EXPECT_EQ(chime_->calls["POST /accounts/acct/users?operation=create"], 120);
}

TEST_F(BulkTest, BadRowsAreReportedWithTheirLines) {
  std::string csv =
      "Email,User Type\n"
      "good1@x.com,PrivateUser\n"       // 2
      "not-an-email,\n"                 // 3
      ",PrivateUser\n"                  // 4
      "good2@x.com,Robot\n"             // 5
      "good1@X.com,\n"                  // 6 duplicate
      "extra@x.com,PrivateUser,more\n"  // 7
      "server@reject.example.com,\n"    // 8 rejected by the service
      "good3@x.com,SharedDevice\n";     // 9
  auto r = ImportUsers(*client_, csv, {"acct", false, 4}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows, 8);
  EXPECT_EQ(r->created, 2);
  std::vector<int> lines;
  for (const auto& f : r->failures) lines.push_back(f.line);
  EXPECT_EQ(lines, (std::vector<int>{3, 4, 5, 6, 7, 8}));
  EXPECT_NE(r->failures[0].reason.find("invalid email"), std::string::npos);
  EXPECT_NE(r->failures[3].reason.find("duplicate of line 2"), std::string::npos);
  EXPECT_NE(r->failures[5].reason.find("BadRequestException"), std::string::npos);
}

TEST_F(BulkTest, BadHeaderStopsBeforeAnyCall) {
  auto r = ImportUsers(*client_, "mail,name\na@x.com,b\n", {"acct", false, 4}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().name, "CsvError");
  EXPECT_TRUE(chime_->calls.empty());
}

TEST_F(BulkTest, InviteModeBatchesByFifty) {
  std::string csv = "email\n";
  for (int i = 0; i < 120; ++i) csv += "inv" + std::to_string(i) + "@x.com\n";
  auto r = ImportUsers(*client_, csv, {"acct", true, 4}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->invited, 120);
  EXPECT_EQ(chime_->calls["POST /accounts/acct/users?operation=add"], 3);
}

TEST_F(BulkTest, ResetPinsByEmailFileAndAll) {
  chime_->users = {{"a@x.com", "id-0"}, {"b@x.com", "id-1"}, {"c@x.com", "id-2"}};
  ResetPinsOptions o{"acct", std::string("# header\nA@x.com\n\nnobody@x.com\nc@x.com\na@x.com\n"),
                     2};
  auto r = ResetPersonalPins(*client_, o, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->targets, 3);
  EXPECT_EQ(r->reset, 2);
  ASSERT_EQ(r->failures.size(), 1u);
  EXPECT_EQ(r->failures[0].line, 4);
  auto all = ResetPersonalPins(*client_, {"acct", std::nullopt, 2}, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->targets, 3);
  EXPECT_EQ(all->reset, 2);  // id-1 answers NotFound in the fake
  EXPECT_NE(all->failures[0].reason.find("NotFoundException"), std::string::npos);
}

TEST(EmailTest, ModelPattern) {
  EXPECT_TRUE(LooksLikeEmail("a@b.c"));
  EXPECT_TRUE(LooksLikeEmail("a b@c d.e"));
  EXPECT_FALSE(LooksLikeEmail("a@b"));
  EXPECT_FALSE(LooksLikeEmail("@b.c"));
  EXPECT_FALSE(LooksLikeEmail("a@.c"));
  EXPECT_FALSE(LooksLikeEmail("a@b."));
}

}  // namespace
}  // namespace chime::client::cli
