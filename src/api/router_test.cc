#include "api/router.h"

#include <gtest/gtest.h>

namespace chime::api {
namespace {

TEST(Router, SharedPathsDifferByOperation) {
  auto r = MatchRoute("POST", "/accounts/a1/users/u1", "operation=reset-personal-pin");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->op, Op::kResetPersonalPIN);
  EXPECT_EQ(r->labels, (std::vector<std::string>{"a1", "u1"}));
  EXPECT_EQ(MatchRoute("POST", "/accounts/a1/users/u1", "")->op, Op::kUpdateUser);
  EXPECT_EQ(MatchRoute("POST", "/accounts/a1/users/u1", "operation=logout")->op, Op::kLogoutUser);
  EXPECT_EQ(MatchRoute("POST", "/accounts/a1/users", "operation=create")->op, Op::kCreateUser);
  EXPECT_EQ(MatchRoute("POST", "/accounts/a1/users", "")->op, Op::kBatchUpdateUser);
  EXPECT_EQ(MatchRoute("GET", "/accounts", "name=x&max-results=5")->op, Op::kListAccounts);
  EXPECT_EQ(MatchRoute("DELETE", "/accounts/a1", "")->op, Op::kDeleteAccount);
  EXPECT_EQ(MatchRoute("PUT", "/settings", "")->op, Op::kUpdateGlobalSettings);
}

TEST(Router, UnknownOperationIsAnErrorNotAFallback) {
  auto r = MatchRoute("POST", "/accounts/a1/users/u1", "operation=reset-personal-pins");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("reset-personal-pins"), std::string::npos);
  // An operation value on a path that has none is refused too.
  EXPECT_EQ(MatchRoute("GET", "/accounts/a1", "operation=create").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(MatchRoute("POST", "/accounts/a1/users/u1",
                       "operation=logout&operation=reset-personal-pin")
                .status()
                .code(),
            Code::kInvalidArgument);
}

TEST(Router, UnknownPathOrMethodIsNotFound) {
  EXPECT_EQ(MatchRoute("GET", "/nope", "").status().code(), Code::kNotFound);
  EXPECT_EQ(MatchRoute("PATCH", "/accounts", "").status().code(), Code::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/accounts/a/users/u/extra", "").status().code(), Code::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "", "").status().code(), Code::kNotFound);
}

TEST(Router, LegacyConsolePrefix) {
  auto r = MatchRoute("GET", "/console/accounts/a1", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->op, Op::kGetAccount);
  EXPECT_EQ(MatchRoute("GET", "/consoleaccounts", "").status().code(), Code::kNotFound);
}

TEST(Router, LabelsAreDecodedOnceAfterRouting) {
  auto r = MatchRoute("GET", "/accounts/a%2Fb%20c%2525/users/%7E", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->op, Op::kGetUser);
  EXPECT_EQ(r->labels, (std::vector<std::string>{"a/b c%25", "~"}));
  EXPECT_EQ(MatchRoute("GET", "/accounts/a%zz", "").status().code(), Code::kInvalidArgument);
}

TEST(Router, EmptyLabelIsRoutedForValidationToReject) {
  auto r = MatchRoute("GET", "/accounts/", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->labels, (std::vector<std::string>{""}));
}

TEST(Router, DotSegmentsAreRefused) {
  EXPECT_EQ(MatchRoute("GET", "/accounts/b/../a", "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(MatchRoute("GET", "/accounts/./a", "").status().code(), Code::kInvalidArgument);
  // Encoded dots are label text, decoded after routing, and never path structure.
  EXPECT_EQ(MatchRoute("GET", "/accounts/%2E%2E", "")->labels,
            (std::vector<std::string>{".."}));
}

TEST(Query, ParsesAndDecodes) {
  auto q = ParseQuery("a=1&b&c=x%20y&&d=");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ(QueryValue(*q, "b"), "");
  EXPECT_EQ(QueryValue(*q, "c"), "x y");
  EXPECT_FALSE(QueryValue(*q, "z"));
  EXPECT_FALSE(ParseQuery("a=%G0").ok());
}

}  // namespace
}  // namespace chime::api
