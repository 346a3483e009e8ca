// AsioEventLoop: what PgResetLoop relies on. Posts run on the loop's thread, a watch's wait
// runs once the descriptor is ready, a destroyed watch's wait never runs, and the caller's
// descriptor stays the caller's.
#include "http/asio_event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <memory>

#include "common/event_loop.h"

namespace chime::http {
namespace {

class AsioEventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::pipe(fds_), 0); }
  void TearDown() override {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  boost::asio::io_context io_{1};
  AsioEventLoop loop_{io_};
  int fds_[2] = {-1, -1};
};

TEST_F(AsioEventLoopTest, ItIsCurrentOnlyWithinItsScope) {
  EXPECT_EQ(EventLoop::Current(), nullptr);
  {
    EventLoop::Scope scope(&loop_);
    EXPECT_EQ(EventLoop::Current(), &loop_);
  }
  EXPECT_EQ(EventLoop::Current(), nullptr);
  AsioEventLoop other(io_);
  EXPECT_NE(other.id(), loop_.id());
}

TEST_F(AsioEventLoopTest, PostsRunWhenTheContextRuns) {
  int ran = 0;
  loop_.Post([&] { ++ran; });
  EXPECT_EQ(ran, 0);
  io_.run();
  EXPECT_EQ(ran, 1);
}

TEST_F(AsioEventLoopTest, AWaitRunsOnceTheDescriptorIsReadable) {
  auto watch = loop_.Watch(fds_[0]);
  ASSERT_NE(watch, nullptr);
  int ran = 0;
  watch->WaitReadable([&] { ++ran; });
  io_.poll();
  EXPECT_EQ(ran, 0);  // nothing to read yet
  ASSERT_EQ(::write(fds_[1], "x", 1), 1);
  io_.run();
  EXPECT_EQ(ran, 1);
}

TEST_F(AsioEventLoopTest, ADestroyedWatchsWaitNeverRunsAndTheDescriptorStaysOpen) {
  auto watch = loop_.Watch(fds_[0]);
  ASSERT_NE(watch, nullptr);
  int ran = 0;
  watch->WaitReadable([&] { ++ran; });
  watch.reset();
  ASSERT_EQ(::write(fds_[1], "x", 1), 1);
  io_.run();
  EXPECT_EQ(ran, 0);
  char c = 0;
  EXPECT_EQ(::read(fds_[0], &c, 1), 1);  // the watch closed its own copy only
  EXPECT_EQ(c, 'x');
}

TEST_F(AsioEventLoopTest, ADescriptorThatIsNoneCannotBeWatched) {
  EXPECT_EQ(loop_.Watch(-1), nullptr);
}

}  // namespace
}  // namespace chime::http
