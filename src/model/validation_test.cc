#include "model/validation.h"

#include <gtest/gtest.h>

namespace chime::model {
namespace {

TEST(Validation, NonEmptyString) {
  EXPECT_TRUE(IsNonEmptyString("a"));
  EXPECT_TRUE(IsNonEmptyString("  a  "));
  EXPECT_FALSE(IsNonEmptyString(""));
  EXPECT_FALSE(IsNonEmptyString("   "));
  EXPECT_FALSE(IsNonEmptyString("\t"));
  EXPECT_FALSE(IsNonEmptyString("a\nb"));
}

TEST(Validation, Email) {
  EXPECT_TRUE(IsEmailAddress("a@b.c"));
  EXPECT_TRUE(IsEmailAddress("first.last@sub.example.com"));
  EXPECT_TRUE(IsEmailAddress("a@b@c.d"));  // the model's pattern is that loose
  for (const char* bad : {"", "a", "@b.c", "a@.c", "a@b.", "a@bc", "a@b.c\n"}) {
    EXPECT_FALSE(IsEmailAddress(bad)) << bad;
  }
}

TEST(Validation, E164) {
  EXPECT_TRUE(IsE164PhoneNumber("+12065550100"));
  EXPECT_TRUE(IsE164PhoneNumber("12"));
  for (const char* bad : {"", "+", "+0123", "1", "+1234567890123456", "+1-206"}) {
    EXPECT_FALSE(IsE164PhoneNumber(bad)) << bad;
  }
}

TEST(Validation, AccountNameMessagesNameTheField) {
  EXPECT_TRUE(ValidateAccountName("Name", "Acme").ok());
  EXPECT_TRUE(ValidateAccountName("Name", std::string(100, 'x')).ok());
  Status too_long = ValidateAccountName("Name", std::string(101, 'x'));
  EXPECT_EQ(too_long.code(), Code::kInvalidArgument);
  EXPECT_NE(too_long.message().find("Name"), std::string::npos);
  EXPECT_EQ(ValidateAccountName("Name", "   ").code(), Code::kInvalidArgument);
  EXPECT_EQ(ValidateAccountName("Name", "").code(), Code::kInvalidArgument);
}

TEST(Validation, MaxResults) {
  EXPECT_EQ(*ParseMaxResults(std::nullopt), 100);
  EXPECT_EQ(*ParseMaxResults(std::string("1")), 1);
  EXPECT_EQ(*ParseMaxResults(std::string("200")), 200);
  for (const char* bad : {"0", "201", "-1", "abc", "10x", ""}) {
    auto r = ParseMaxResults(std::string(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("MaxResults"), std::string::npos);
  }
}

}  // namespace
}  // namespace chime::model
