#include "common/time_format.h"

#include <gtest/gtest.h>

namespace chime {
namespace {

// 2018-12-20T18:45:25.231Z, the timestamp in AWS's own ResetPersonalPIN example.
constexpr int64_t kExampleMs = 1545331525231;

TEST(TimeFormat, Iso8601WithMillisecondsAndZ) {
  EXPECT_EQ(FormatIso8601Ms(kExampleMs), "2018-12-20T18:45:25.231Z");
  EXPECT_EQ(FormatIso8601Ms(0), "1970-01-01T00:00:00.000Z");
}

TEST(TimeFormat, HttpDate) { EXPECT_EQ(FormatHttpDate(kExampleMs), "Thu, 20 Dec 2018 18:45:25 GMT"); }

TEST(TimeFormat, AmzDateRoundTrip) {
  EXPECT_EQ(FormatAmzDate(kExampleMs), "20181220T184525Z");
  EXPECT_EQ(ParseAmzDate("20181220T184525Z"), kExampleMs - 231);
  EXPECT_EQ(ParseAmzDate("20150830T123600Z"), 1440938160000);
}

TEST(TimeFormat, AmzDateRejectsMalformed) {
  for (const char* bad : {"", "20181220T184525", "2018122OT184525Z", "20181320T184525Z",
                          "20181220X184525Z", "20181220T256000Z"}) {
    EXPECT_FALSE(ParseAmzDate(bad)) << bad;
  }
}

}  // namespace
}  // namespace chime
