#include "common/time_format.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>

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

// The formatters compute calendar fields themselves; they must agree with libc's gmtime over
// negative instants, leap days, century years and the far future.
TEST(TimeFormat, AgreesWithGmtime) {
  auto expect = [](int64_t ms, const char* fmt) {
    time_t secs = static_cast<time_t>(ms / 1000 - (ms < 0 && ms % 1000 != 0));
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, fmt, &tm);
    return std::string(buf);
  };
  for (int64_t ms = -30'000'000'000'000; ms < 253'402'300'800'000; ms += 987'654'321'123) {
    for (int64_t t : {ms, ms / 86'400'000 * 86'400'000, ms / 86'400'000 * 86'400'000 - 1}) {
      std::string millis = std::to_string(((t % 1000) + 1000) % 1000);
      millis.insert(0, 3 - millis.size(), '0');
      EXPECT_EQ(FormatIso8601Ms(t), expect(t, "%Y-%m-%dT%H:%M:%S.") + millis + "Z") << t;
      EXPECT_EQ(FormatHttpDate(t), expect(t, "%a, %d %b %Y %H:%M:%S GMT")) << t;
      EXPECT_EQ(FormatAmzDate(t), expect(t, "%Y%m%dT%H%M%SZ")) << t;
    }
  }
  EXPECT_EQ(FormatIso8601Ms(951'782'400'000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatHttpDate(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
  EXPECT_EQ(FormatAmzDate(-1), "19691231T235959Z");
}

}  // namespace
}  // namespace chime
