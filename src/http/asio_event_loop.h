// chime::EventLoop (common/event_loop.h) over one Asio io_context: what the HTTP server makes
// current on each I/O thread, so that the store can do its database I/O on the thread that read
// the request.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "common/event_loop.h"

namespace chime::http {

class AsioEventLoop final : public EventLoop {
 public:
  // `context` must outlive this object and every FdWatch it made.
  explicit AsioEventLoop(boost::asio::io_context& context) : context_(context) {}

  void Post(std::function<void()> fn) override;
  void PostAfter(std::chrono::nanoseconds delay, std::function<void()> fn) override;
  // Watches a dup() of `fd`: Asio's reactor owns the descriptor it watches and closes it, and
  // the caller's (libpq's socket) must stay the caller's.
  std::unique_ptr<FdWatch> Watch(int fd) override;

 private:
  boost::asio::io_context& context_;
};

}  // namespace chime::http
