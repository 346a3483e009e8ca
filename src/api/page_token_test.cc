#include "api/page_token.h"

#include <gtest/gtest.h>

namespace chime::api {
namespace {

TEST(PageToken, RoundTrip) {
  for (int64_t seq : {0LL, 1LL, 250LL, 9'000'000'000LL}) {
    auto t = EncodePageToken("users", seq);
    EXPECT_EQ(*DecodePageToken("users", t), seq);
  }
}

TEST(PageToken, ForeignOrMalformedTokensAreRejected) {
  EXPECT_EQ(DecodePageToken("accounts", EncodePageToken("users", 5)).status().code(),
            Code::kInvalidArgument);
  for (const char* bad : {"", "x", "djE6dXNlcnM6", "!!!!", "djE6dXNlcnM6LTE"}) {
    EXPECT_FALSE(DecodePageToken("users", bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace chime::api
