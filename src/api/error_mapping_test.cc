#include "api/error_mapping.h"

#include <gtest/gtest.h>

namespace chime::api {
namespace {

TEST(ErrorMapping, EveryCodeHasItsShape) {
  struct Case {
    Code code;
    int status;
    const char* shape;
    const char* wire_code;
  };
  for (const Case& c : std::initializer_list<Case>{
           {Code::kInvalidArgument, 400, "BadRequestException", "BadRequest"},
           {Code::kUnauthenticated, 401, "UnauthorizedClientException", "Unauthorized"},
           {Code::kPermissionDenied, 403, "ForbiddenException", "Forbidden"},
           {Code::kNotFound, 404, "NotFoundException", "NotFound"},
           {Code::kConflict, 409, "ConflictException", "Conflict"},
           {Code::kUnprocessable, 422, "UnprocessableEntityException", "Unprocessable"},
           {Code::kResourceExhausted, 429, "ThrottledClientException", "Throttled"},
           {Code::kInternal, 500, "ServiceFailureException", "ServiceFailure"},
           {Code::kUnavailable, 503, "ServiceUnavailableException", "ServiceUnavailable"},
       }) {
    http::Response r = ErrorResponse(std::nullopt, Status(c.code, "why"));
    EXPECT_EQ(r.status, c.status);
    ASSERT_NE(r.Header("x-amzn-ErrorType"), nullptr);
    EXPECT_EQ(*r.Header("x-amzn-ErrorType"), c.shape);
    EXPECT_EQ(*r.Header("Content-Type"), "application/json");
    EXPECT_EQ(r.body, std::string(R"({"Code":")") + c.wire_code + R"(","Message":"why"})");
  }
}

TEST(ErrorMapping, UnlistedErrorsBecomeBadRequest) {
  // ResetPersonalPIN lists exactly seven errors; Conflict is not among them.
  http::Response r = ErrorResponse(Op::kResetPersonalPIN, Conflict("PIN clash"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(*r.Header("x-amzn-ErrorType"), "BadRequestException");
  // CreateUser lists ConflictException.
  EXPECT_EQ(ErrorResponse(Op::kCreateUser, Conflict("dup")).status, 409);
  // GetGlobalSettings does not list NotFound.
  EXPECT_EQ(ErrorResponse(Op::kGetGlobalSettings, NotFound("x")).status, 400);
}

TEST(ErrorMapping, RetryHintsOnThrottleAndUnavailable) {
  Status s = ResourceExhausted("slow down");
  s.WithRetryAfterMs(1500);
  http::Response r = ErrorResponse(Op::kResetPersonalPIN, s);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(*r.Header("Retry-After"), "2");
  EXPECT_EQ(*r.Header("x-amz-retry-after"), "1500");
  http::Response u = ErrorResponse(std::nullopt, Unavailable("busy"));
  EXPECT_EQ(*u.Header("Retry-After"), "1");
  EXPECT_EQ(ErrorResponse(std::nullopt, NotFound("x")).Header("Retry-After"), nullptr);
}

TEST(ErrorMapping, MessageIsJsonEscaped) {
  http::Response r = ErrorResponse(std::nullopt, InvalidArgument("bad \"id\"\n"));
  EXPECT_EQ(r.body, R"({"Code":"BadRequest","Message":"bad \"id\"\n"})");
}

TEST(ErrorMapping, MessageStaysValidUtf8) {
  http::Response r = ErrorResponse(std::nullopt, NotFound("no user \xff\xfe"));
  EXPECT_EQ(r.body, "{\"Code\":\"NotFound\",\"Message\":\"no user \xef\xbf\xbd\xef\xbf\xbd\"}");
}

}  // namespace
}  // namespace chime::api
