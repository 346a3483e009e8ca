// The event loop of the thread running now, for code below the HTTP server that wants to do its
// I/O on the thread that has the request instead of handing it to a thread of its own (the
// PostgreSQL store's resets, store/postgres/pg_reset_loop.h). The HTTP server makes each I/O
// thread's io_context current while that thread runs it (http/asio_event_loop.h); elsewhere
// (tools, tests, store threads) there is none and such code takes its ordinary path.
//
// Everything here is for the loop's own thread only, except where it says otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace chime {

// A file descriptor the loop watches. Each wait is one-shot: its callback runs once, on the
// loop's thread, when the descriptor is ready (or has failed: the caller's next read or write
// finds out how). Destroying the watch cancels its waits; their callbacks never run.
class FdWatch {
 public:
  virtual ~FdWatch() = default;
  virtual void WaitReadable(std::function<void()> callback) = 0;
  virtual void WaitWritable(std::function<void()> callback) = 0;
};

class EventLoop {
 public:
  virtual ~EventLoop() = default;

  // Runs `fn` on this loop's thread after the handlers that are ready now. Thread-safe. Never
  // run if the loop has stopped for good.
  virtual void Post(std::function<void()> fn) = 0;
  // Runs `fn` on this loop's thread once `delay` has passed (a pending one keeps the loop
  // running until then). On the loop's thread only.
  virtual void PostAfter(std::chrono::nanoseconds delay, std::function<void()> fn) = 0;
  // Watches `fd`, which the caller keeps open for as long as the watch lives. Null when it
  // cannot be watched (the process is out of descriptors).
  virtual std::unique_ptr<FdWatch> Watch(int fd) = 0;
  // Unique per loop in this process (an address may be reused by a later loop).
  uint64_t id() const { return id_; }

  // The loop the calling thread is running, or null.
  static EventLoop* Current();

  // Makes `loop` the calling thread's current loop while it lives.
  class Scope {
   public:
    explicit Scope(EventLoop* loop);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    EventLoop* previous_;
  };

 protected:
  EventLoop();

 private:
  const uint64_t id_;
};

}  // namespace chime
