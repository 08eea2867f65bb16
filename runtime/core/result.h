// Errors as values for the runtimes: `Status` and `Result<T>`.
//
// runtime/ may not include ir/, so it cannot use `kiln::Status`; these are the runtime's own,
// deliberately minimal. A failed Status carries a one-line message naming the file or tensor;
// nothing in runtime/ throws across its API.
//
//   Result<NpyArray> a = ReadNpy("x.npy");
//   if (!a.ok()) return a.status();   // "'x.npy': <what is wrong>"
//   Use(*a);
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace kiln::rt {

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) {
    Status s;
    s.message_ = std::move(message);
    s.failed_ = true;
    return s;
  }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
  bool failed_ = false;
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT
  Result(Status error) : state_(std::in_place_index<1>, std::move(error)) {  // NOLINT
    assert(!std::get<1>(state_).ok() && "Result constructed from an ok Status");
  }

  bool ok() const { return state_.index() == 0; }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The value, or `fallback` when this holds an error.
  T value_or(T fallback) const { return ok() ? value() : fallback; }

  // The error; an ok Status when this holds a value.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(state_);
  }

 private:
  std::variant<T, Status> state_;
};

}  // namespace kiln::rt
