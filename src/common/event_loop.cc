#include "common/event_loop.h"

#include <atomic>

namespace chime {
namespace {

thread_local EventLoop* current_loop = nullptr;
std::atomic<uint64_t> next_loop_id{1};

}  // namespace

EventLoop::EventLoop() : id_(next_loop_id.fetch_add(1)) {}

EventLoop* EventLoop::Current() { return current_loop; }

EventLoop::Scope::Scope(EventLoop* loop) : previous_(current_loop) { current_loop = loop; }

EventLoop::Scope::~Scope() { current_loop = previous_; }

}  // namespace chime
