// Status and Result<T>: errors as values with a code and a message a person can act on.
// Not an exception hierarchy: nothing in the engine throws across a module boundary.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gridcare::engine {

// One code per status of the published contract (api.md §2); handlers/ maps each
// to its HTTP status in exactly one table.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // malformed input; the message names the field
  kUnauthenticated,     // no, bad or expired credentials
  kPermissionDenied,    // may see the case, may not do this to it
  kNotFound,            // no such thing, or outside the caller's scope
  kFailedPrecondition,  // not allowed in the current state
  kAborted,             // stale version: someone else changed it first
  kResourceExhausted,   // too large / rate limited
  kUnavailable,         // storage cannot take writes now; nothing half-written
  kDataLoss,            // the store is damaged (audit chain broken, unknown schema)
  kInternal,            // a bug: an invariant did not hold
  kAlreadyExists,       // a create's requestId was already used with a different body
};

std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "FAILED_PRECONDITION: message" — for logs and the CLI.
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {ErrorCode::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {ErrorCode::kPermissionDenied, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {ErrorCode::kFailedPrecondition, std::move(m)};
}
inline Status Aborted(std::string m) { return {ErrorCode::kAborted, std::move(m)}; }
inline Status ResourceExhausted(std::string m) {
  return {ErrorCode::kResourceExhausted, std::move(m)};
}
inline Status Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Status DataLoss(std::string m) { return {ErrorCode::kDataLoss, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                       // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

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
  std::variant<T, Status> v_;
};

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

}  // namespace gridcare::engine

// Early return of a failed Status (or a failed Result's Status) from the enclosing function.
#define GC_RETURN_IF_ERROR(expr)                                     \
  do {                                                               \
    const auto& gc_status_ = (expr);                                 \
    if (!::gridcare::engine::StatusOf(gc_status_).ok())              \
      return ::gridcare::engine::StatusOf(gc_status_);               \
  } while (0)

#define GC_CONCAT_INNER_(a, b) a##b
#define GC_CONCAT_(a, b) GC_CONCAT_INNER_(a, b)
// `GC_ASSIGN_OR_RETURN(auto x, MakeX());` — x is the value, or the function returns the Status.
#define GC_ASSIGN_OR_RETURN(lhs, expr) \
  GC_ASSIGN_OR_RETURN_IMPL_(GC_CONCAT_(gc_result_, __LINE__), lhs, expr)
#define GC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
