#include "common/status.h"

#include <gtest/gtest.h>

namespace chime {
namespace {

StatusOr<int> Half(int v) {
  if (v % 2) return InvalidArgument("odd");
  return v / 2;
}

Status Quarter(int v, int* out) {
  ASSIGN_OR_RETURN(int h, Half(v));
  ASSIGN_OR_RETURN(*out, Half(h));
  return OkStatus();
}

TEST(Status, MacrosPropagateTheFirstError) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  Status s = Quarter(6, &out);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "odd");
}

TEST(StatusOr, OkStatusIsNotAValue) {
  StatusOr<int> v = OkStatus();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Code::kInternal);
}

TEST(Status, RetryAfterTravelsWithTheStatus) {
  Status s = ResourceExhausted("slow down");
  s.WithRetryAfterMs(1500);
  EXPECT_EQ(s.retry_after_ms(), 1500);
  EXPECT_FALSE(OkStatus().retry_after_ms());
}

}  // namespace
}  // namespace chime
