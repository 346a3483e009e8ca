#include "auth/policy.h"

#include <gtest/gtest.h>

namespace chime::auth {
namespace {

Policy Parsed(std::string_view json) {
  auto p = Policy::Parse(json);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : Policy();
}

const std::optional<std::string> kGlobal;

TEST(WildcardMatchTest, Basics) {
  EXPECT_TRUE(WildcardMatch("*", "", false));
  EXPECT_TRUE(WildcardMatch("*", "anything", false));
  EXPECT_TRUE(WildcardMatch("chime:List*", "chime:ListUsers", false));
  EXPECT_TRUE(WildcardMatch("chime:list*", "CHIME:ListUsers", true));
  EXPECT_FALSE(WildcardMatch("chime:list*", "chime:ListUsers", false));
  EXPECT_TRUE(WildcardMatch("chime:Get?ser", "chime:GetUser", false));
  EXPECT_FALSE(WildcardMatch("chime:Get?ser", "chime:GetUUser", false));
  EXPECT_TRUE(WildcardMatch("a*b*c", "aXbYbZc", false));
  EXPECT_FALSE(WildcardMatch("a*b*c", "aXbYbZ", false));
  EXPECT_FALSE(WildcardMatch("abc", "abcd", false));
  EXPECT_FALSE(WildcardMatch("abcd", "abc", false));
  EXPECT_TRUE(WildcardMatch("**", "x", false));
  EXPECT_FALSE(WildcardMatch("acc-1", "*", false));  // a literal '*' in text is just a char
  // Hostile patterns stay cheap.
  EXPECT_FALSE(WildcardMatch(std::string(200, '*') + "b", std::string(5000, 'a'), false));
}

TEST(PolicyTest, DefaultDenyAndEmptyPolicy) {
  Policy empty = Parsed("");
  EXPECT_EQ(empty.Evaluate("chime:GetUser", "acc"), Decision::kDefaultDeny);
  EXPECT_EQ(empty.Evaluate("chime:CreateAccount", kGlobal), Decision::kDefaultDeny);
  Policy none = Parsed(R"({"Statement":[]})");
  EXPECT_EQ(none.Evaluate("chime:GetUser", "acc"), Decision::kDefaultDeny);
}

TEST(PolicyTest, AllowAllCoversAccountsAndGlobal) {
  Policy p = Parsed(Policy::AllowAllJson());
  EXPECT_EQ(p.Evaluate("chime:ResetPersonalPIN", "any"), Decision::kAllow);
  EXPECT_EQ(p.Evaluate("chime:CreateAccount", kGlobal), Decision::kAllow);
  EXPECT_TRUE(p.MayAllowSomewhere("chime:ListAccounts"));
}

TEST(PolicyTest, AccountScopedKeyStaysInItsAccount) {
  Policy p = Parsed(Policy::AllowAccountsJson({"acc-a"}));
  EXPECT_EQ(p.Evaluate("chime:GetUser", "acc-a"), Decision::kAllow);
  EXPECT_EQ(p.Evaluate("chime:GetUser", "acc-b"), Decision::kDefaultDeny);
  EXPECT_EQ(p.Evaluate("chime:GetUser", "acc-a "), Decision::kDefaultDeny);
  EXPECT_EQ(p.Evaluate("chime:GetUser", "ACC-A"), Decision::kDefaultDeny);  // ids are exact
  EXPECT_EQ(p.Evaluate("chime:CreateAccount", kGlobal), Decision::kDefaultDeny);
  EXPECT_EQ(p.Evaluate("chime:GetAccount", std::string("*")), Decision::kDefaultDeny);
  EXPECT_TRUE(p.MayAllowSomewhere("chime:ListAccounts"));
}

TEST(PolicyTest, ActionsMatchCaseInsensitivelyWithWildcards) {
  Policy p = Parsed(R"({"Statement":{"Effect":"Allow","Action":["chime:list*","CHIME:getuser"],
                        "Resource":"*"}})");
  EXPECT_EQ(p.Evaluate("chime:ListUsers", "a"), Decision::kAllow);
  EXPECT_EQ(p.Evaluate("chime:ListAccounts", kGlobal), Decision::kAllow);
  EXPECT_EQ(p.Evaluate("chime:GetUser", "a"), Decision::kAllow);
  EXPECT_EQ(p.Evaluate("chime:GetUserSettings", "a"), Decision::kDefaultDeny);
  EXPECT_EQ(p.Evaluate("chime:ResetPersonalPIN", "a"), Decision::kDefaultDeny);
}

TEST(PolicyTest, GetUserOnlyCannotResetPin) {
  Policy p =
      Parsed(R"({"Statement":[{"Effect":"Allow","Action":"chime:GetUser","Resource":"*"}]})");
  EXPECT_EQ(p.Evaluate("chime:GetUser", "a"), Decision::kAllow);
  EXPECT_EQ(p.Evaluate("chime:ResetPersonalPIN", "a"), Decision::kDefaultDeny);
  EXPECT_FALSE(p.MayAllowSomewhere("chime:ListAccounts"));
}

TEST(PolicyTest, ExplicitDenyWinsWhateverTheOrder) {
  for (const char* json : {
           R"({"Statement":[{"Effect":"Allow","Action":"chime:*","Resource":"*"},
                            {"Effect":"Deny","Action":"chime:ResetPersonalPIN","Resource":"acc-b"}]})",
           R"({"Statement":[{"Effect":"Deny","Action":"chime:ResetPersonalPIN","Resource":"acc-b"},
                            {"Effect":"Allow","Action":"chime:*","Resource":"*"}]})"}) {
    Policy p = Parsed(json);
    EXPECT_EQ(p.Evaluate("chime:ResetPersonalPIN", "acc-b"), Decision::kExplicitDeny);
    EXPECT_EQ(p.Evaluate("chime:ResetPersonalPIN", "acc-a"), Decision::kAllow);
    EXPECT_EQ(p.Evaluate("chime:GetUser", "acc-b"), Decision::kAllow);
    // An account-specific Deny does not touch account-less operations...
    EXPECT_EQ(p.Evaluate("chime:CreateAccount", kGlobal), Decision::kAllow);
    EXPECT_TRUE(p.MayAllowSomewhere("chime:ListAccounts"));
  }
  // ...but a Deny on "*" does.
  Policy global = Parsed(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
                                          {"Effect":"Deny","Action":"chime:*Account*","Resource":"*"}]})");
  EXPECT_EQ(global.Evaluate("chime:CreateAccount", kGlobal), Decision::kExplicitDeny);
  EXPECT_EQ(global.Evaluate("chime:DeleteAccount", "x"), Decision::kExplicitDeny);
  EXPECT_FALSE(global.MayAllowSomewhere("chime:ListAccounts"));
  EXPECT_EQ(global.Evaluate("chime:GetUser", "x"), Decision::kAllow);
}

TEST(PolicyTest, ResourceWildcards) {
  Policy p =
      Parsed(R"({"Statement":[{"Effect":"Allow","Action":"chime:*","Resource":["team-*"]}]})");
  EXPECT_EQ(p.Evaluate("chime:GetAccount", "team-1"), Decision::kAllow);
  EXPECT_EQ(p.Evaluate("chime:GetAccount", "other"), Decision::kDefaultDeny);
  EXPECT_EQ(p.Evaluate("chime:CreateAccount", kGlobal), Decision::kDefaultDeny);
}

TEST(PolicyTest, RefusesWhatItDoesNotUnderstand) {
  for (const char* json : {
           "{",
           "[]",
           "1",
           R"({"Statement":1})",
           R"({"Statement":[1]})",
           R"({"Statements":[]})",
           R"({"Statement":[{"Action":"chime:*","Resource":"*"}]})",
           R"({"Statement":[{"Effect":"allow","Action":"chime:*","Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"chime:*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":[""],"Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"chime:","Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"chime:*","Resource":[1]}]})",
           R"({"Statement":[{"Effect":"Deny","NotAction":"chime:*","Resource":"*"}]})",
           R"({"Statement":[{"Effect":"Allow","Action":"chime:*","Resource":"*",
                             "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})",
       }) {
    auto p = Policy::Parse(json);
    EXPECT_FALSE(p.ok()) << json;
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
      EXPECT_FALSE(p.status().message().empty());
    }
  }
  auto condition = Policy::Parse(
      R"({"Statement":[{"Effect":"Allow","Action":"chime:*","Resource":"*","Condition":{}}]})");
  ASSERT_FALSE(condition.ok());
  EXPECT_NE(condition.status().message().find("Condition"), std::string::npos);
}

TEST(PolicyTest, GeneratedDocumentsParse) {
  Policy p = Parsed(Policy::AllowAccountsJson({"a", "b\"c"}));
  EXPECT_EQ(p.Evaluate("chime:GetUser", "b\"c"), Decision::kAllow);
  EXPECT_EQ(p.Evaluate("chime:GetUser", "c"), Decision::kDefaultDeny);
}

}  // namespace
}  // namespace chime::auth
