// Result<T>: a value or a client::Error, the return type of every client call.
//
// Example:
//   Result<User> user = client.ResetPersonalPin({.account_id = a, .user_id = u});
//   if (!user.ok()) {
//     if (user.error().kind == ErrorKind::kNotFound) ...;
//     std::cerr << user.error().ToString();
//   }
#pragma once

#include <utility>
#include <variant>

#include "client/error.h"

namespace chime::client {

// The output of operations that return no body (DeleteAccount, LogoutUser, ...).
struct Empty {};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  // Accessing error() of a success or value() of a failure is a bug and aborts (std::get).
  const Error& error() const { return std::get<Error>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<Error, T> v_;
};

}  // namespace chime::client

// Returns the error of a Result-valued expression from the enclosing function.
#define CLIENT_ASSIGN_OR_RETURN(lhs, expr) \
  CLIENT_ASSIGN_OR_RETURN_IMPL(CHIME_CLIENT_CONCAT(_result_, __LINE__), lhs, expr)
#define CHIME_CLIENT_CONCAT_INNER(a, b) a##b
#define CHIME_CLIENT_CONCAT(a, b) CHIME_CLIENT_CONCAT_INNER(a, b)
#define CLIENT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.error();                 \
  lhs = std::move(tmp).value()
