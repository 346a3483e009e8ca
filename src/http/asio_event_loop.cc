#include "http/asio_event_loop.h"

#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <utility>

#include "common/log.h"

namespace chime::http {
namespace {

namespace asio = boost::asio;

class AsioFdWatch final : public FdWatch {
 public:
  AsioFdWatch(asio::io_context& context, int fd) : descriptor_(context) {
    const int copy = ::dup(fd);
    if (copy < 0) return;
    boost::system::error_code ec;
    descriptor_.assign(copy, ec);
    if (ec) ::close(copy);
  }
  bool watching() const { return descriptor_.is_open(); }

  void WaitReadable(std::function<void()> callback) override {
    Wait(asio::posix::stream_descriptor::wait_read, std::move(callback));
  }
  void WaitWritable(std::function<void()> callback) override {
    Wait(asio::posix::stream_descriptor::wait_write, std::move(callback));
  }

 private:
  void Wait(asio::posix::stream_descriptor::wait_type type, std::function<void()> callback) {
    descriptor_.async_wait(type, [callback = std::move(callback)](boost::system::error_code ec) {
      // Cancelled by ~AsioFdWatch: the watcher is gone. Any other error: its next call on
      // the descriptor tells it what happened.
      if (ec == asio::error::operation_aborted) return;
      callback();
    });
  }

  asio::posix::stream_descriptor descriptor_;
};

}  // namespace

void AsioEventLoop::Post(std::function<void()> fn) { asio::post(context_, std::move(fn)); }

void AsioEventLoop::PostAfter(std::chrono::nanoseconds delay, std::function<void()> fn) {
  auto timer = std::make_shared<asio::steady_timer>(context_, delay);
  timer->async_wait([timer, fn = std::move(fn)](boost::system::error_code) { fn(); });
}

std::unique_ptr<FdWatch> AsioEventLoop::Watch(int fd) {
  auto watch = std::make_unique<AsioFdWatch>(context_, fd);
  if (!watch->watching()) {
    LOG_WARN("cannot watch a descriptor (out of descriptors?)");
    return nullptr;
  }
  return watch;
}

}  // namespace chime::http
