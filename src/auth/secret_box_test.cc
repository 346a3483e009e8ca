#include "auth/secret_box.h"

#include <gtest/gtest.h>

namespace chime::auth {
namespace {

const std::string kKey(32, 'k');

TEST(SecretBoxTest, RoundTripsWithFreshNonces) {
  auto box = SecretBox::Create(kKey);
  ASSERT_TRUE(box.ok());
  std::string a =
      box->Seal("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "AKID1", CryptoRandom::Get());
  std::string b =
      box->Seal("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "AKID1", CryptoRandom::Get());
  EXPECT_NE(a, b);  // random nonce
  EXPECT_EQ(a.size(), 1 + 12 + 40 + 16);
  EXPECT_EQ(a.find("wJalrXUtnFEMI"), std::string::npos);
  auto opened = box->Open(a, "AKID1");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  auto empty = box->Open(box->Seal("", "", CryptoRandom::Get()), "");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(SecretBoxTest, EveryTamperedByteIsRefused) {
  auto box = SecretBox::Create(kKey);
  ASSERT_TRUE(box.ok());
  const std::string sealed = box->Seal("secret-value", "AKID1", CryptoRandom::Get());
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (unsigned char flip : {0x01, 0x80}) {
      std::string bad = sealed;
      bad[i] = static_cast<char>(bad[i] ^ flip);
      auto r = box->Open(bad, "AKID1");
      ASSERT_FALSE(r.ok()) << "byte " << i;
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(r.status().message().find("secret-value"), std::string::npos);
    }
  }
  for (size_t n = 0; n < sealed.size(); ++n) {
    EXPECT_FALSE(box->Open(sealed.substr(0, n), "AKID1").ok()) << "truncated to " << n;
  }
  EXPECT_FALSE(box->Open(sealed + "x", "AKID1").ok());
}

TEST(SecretBoxTest, BoundToKeyAndAssociatedData) {
  auto box = SecretBox::Create(kKey);
  auto other = SecretBox::Create(std::string(32, 'K'));
  ASSERT_TRUE(box.ok() && other.ok());
  const std::string sealed = box->Seal("secret", "AKID1", CryptoRandom::Get());
  EXPECT_FALSE(other->Open(sealed, "AKID1").ok());  // another master key
  EXPECT_FALSE(box->Open(sealed, "AKID2").ok());    // copied onto another key's row
  EXPECT_FALSE(box->Open(sealed, "").ok());
}

TEST(SecretBoxTest, RequiresA32ByteKey) {
  EXPECT_FALSE(SecretBox::Create("").ok());
  EXPECT_FALSE(SecretBox::Create(std::string(31, 'k')).ok());
  EXPECT_FALSE(SecretBox::Create(std::string(33, 'k')).ok());
}

}  // namespace
}  // namespace chime::auth
