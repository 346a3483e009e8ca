// Admission control: at most `max_in_flight` requests are being worked on (from dispatch until
// their answer, which for a write includes waiting for the group commit), at most `max_queue`
// more wait in arrival order, and anything beyond is refused at once so that the API answers
// 503 ServiceUnavailableException instead of slowing everyone down until clients time out.
//
//   AdmissionControl admission({.max_in_flight = 256, .max_queue = 1024},
//                              [&server](auto fn) { server.Post(std::move(fn)); });
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "api/api.h"

namespace chime::server {

struct AdmissionOptions {
  int max_in_flight = 256;
  int max_queue = 1024;
};

class AdmissionControl final : public api::Admission {
 public:
  // `post` runs a queued request later on a thread that may do work (an I/O thread); Leave()
  // can be called from the store's commit thread, which must not.
  using Post = std::function<void(std::function<void()>)>;
  AdmissionControl(AdmissionOptions options, Post post);

  // See api::Admission. Thread-safe.
  bool Enter(std::function<void()> start) override;
  void Leave() override;

  int in_flight() const;
  int queued() const;

 private:
  const AdmissionOptions options_;
  const Post post_;
  mutable std::mutex mu_;
  int in_flight_ = 0;
  std::deque<std::function<void()>> queue_;
};

}  // namespace chime::server
