// Errors as values. A Status is OK or carries a canonical Code and a message meant for the
// client: it must name what is wrong and must never contain a secret, a PIN or internals.
// The mapping from Code to an HTTP status and a Chime error shape lives in exactly one file,
// src/api/error_mapping.cc; nothing else knows a status number.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace chime {

enum class Code {
  kOk,
  kInvalidArgument,    // BadRequestException 400
  kUnauthenticated,    // UnauthorizedClientException 401
  kPermissionDenied,   // ForbiddenException 403
  kNotFound,           // NotFoundException 404
  kConflict,           // ConflictException 409
  kUnprocessable,      // UnprocessableEntityException 422
  kResourceExhausted,  // ThrottledClientException 429
  kInternal,           // ServiceFailureException 500
  kUnavailable,        // ServiceUnavailableException 503
  // Inside chimed only: the access key a request was admitted with from the gate's cache
  // changed before its write ran, which wrote nothing. The API authenticates the request
  // again from a fresh read (api.cc); were it ever answered as is, it would be a 401.
  kKeyChanged,
};

const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // Seconds a client should wait before retrying (429/503); absent when not applicable.
  std::optional<int> retry_after_ms() const { return retry_after_ms_; }
  Status& WithRetryAfterMs(int ms) {
    retry_after_ms_ = ms;
    return *this;
  }

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::optional<int> retry_after_ms_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status Conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
inline Status Unprocessable(std::string m) { return {Code::kUnprocessable, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status KeyChanged(std::string m) { return {Code::kKeyChanged, std::move(m)}; }

// StatusOr<T> holds a T or a non-OK Status. Accessing value() of an error is a bug and aborts.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(v_).ok()) v_ = Status(Code::kInternal, "OK status given to StatusOr");
  }
  StatusOr(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace chime

#define CHIME_CONCAT_INNER(a, b) a##b
#define CHIME_CONCAT(a, b) CHIME_CONCAT_INNER(a, b)

// Returns early from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                \
  do {                                       \
    ::chime::Status _st = (expr);            \
    if (!_st.ok()) return _st;               \
  } while (0)

// ASSIGN_OR_RETURN(auto x, Fn()): declares x from a StatusOr or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(CHIME_CONCAT(_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
