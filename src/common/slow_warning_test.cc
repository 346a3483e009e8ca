#include "common/slow_warning.h"

#include <gtest/gtest.h>

namespace chime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class SlowWarningTest : public ::testing::Test {
 protected:
  SlowWarning warning_{"store write batch", milliseconds(100), seconds(10)};
  SlowWarning::Clock::time_point t0_ = SlowWarning::Clock::time_point() + seconds(1000);
};

TEST_F(SlowWarningTest, QuickOperationsSayNothing) {
  EXPECT_FALSE(warning_.Observe(t0_, milliseconds(100), "12 writes").has_value());
  EXPECT_FALSE(warning_.Observe(t0_, milliseconds(3), "1 write").has_value());
}

TEST_F(SlowWarningTest, ASlowOperationIsNamedWithItsDurationAndDetail) {
  auto line = warning_.Observe(t0_, milliseconds(123), "12 writes");
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(*line, "store write batch took 123 ms (12 writes), over the 100 ms warning threshold");
}

TEST_F(SlowWarningTest, DurationsAreRoundedUpToWholeMilliseconds) {
  auto line = warning_.Observe(t0_, std::chrono::microseconds(100200), "");
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(*line, "store write batch took 101 ms, over the 100 ms warning threshold");
}

// The same rounding for the durations a caller puts in its detail (the SQLite writer's COMMIT).
TEST(FormatMsTest, RoundsUpToWholeMilliseconds) {
  EXPECT_EQ(FormatMs(std::chrono::microseconds(100200)), "101 ms");
  EXPECT_EQ(FormatMs(milliseconds(100)), "100 ms");
  EXPECT_EQ(FormatMs(std::chrono::nanoseconds(1)), "1 ms");
  EXPECT_EQ(FormatMs(std::chrono::nanoseconds(0)), "0 ms");
}

TEST_F(SlowWarningTest, SlowOperationsInsideTheGapAreCountedIntoTheNextWarning) {
  ASSERT_TRUE(warning_.Observe(t0_, milliseconds(150), "a").has_value());
  EXPECT_FALSE(warning_.Observe(t0_ + seconds(1), milliseconds(400), "b").has_value());
  EXPECT_FALSE(warning_.Observe(t0_ + seconds(2), milliseconds(5), "quick").has_value());
  EXPECT_FALSE(warning_.Observe(t0_ + seconds(9), milliseconds(200), "c").has_value());
  auto line = warning_.Observe(t0_ + seconds(10), milliseconds(101), "d");
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(*line,
            "store write batch took 101 ms (d), over the 100 ms warning threshold; "
            "2 more since the last warning, the slowest 400 ms");
  // The count starts over after each warning.
  auto next = warning_.Observe(t0_ + seconds(30), milliseconds(300), "");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, "store write batch took 300 ms, over the 100 ms warning threshold");
}

}  // namespace
}  // namespace chime
