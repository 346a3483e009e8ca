#include "server/admission.h"

#include <utility>

namespace chime::server {

AdmissionControl::AdmissionControl(AdmissionOptions options, Post post)
    : options_(options), post_(std::move(post)) {}

bool AdmissionControl::Enter(std::function<void()> start) {
  {
    std::lock_guard lock(mu_);
    if (in_flight_ >= options_.max_in_flight) {
      if (static_cast<int>(queue_.size()) >= options_.max_queue) return false;
      queue_.push_back(std::move(start));
      return true;
    }
    ++in_flight_;
  }
  start();  // outside the lock: it may finish at once and call Leave()
  return true;
}

void AdmissionControl::Leave() {
  std::function<void()> next;
  {
    std::lock_guard lock(mu_);
    if (queue_.empty()) {
      --in_flight_;
      return;
    }
    // The finished request's slot passes straight to the oldest waiting one.
    next = std::move(queue_.front());
    queue_.pop_front();
  }
  post_(std::move(next));
}

int AdmissionControl::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

int AdmissionControl::queued() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(queue_.size());
}

}  // namespace chime::server
