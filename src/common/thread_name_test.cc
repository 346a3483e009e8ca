#include "common/thread_name.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace chime {
namespace {

// Each case runs on a thread of its own: renaming the test runner's main thread would rename
// the process in `ps`.
std::string NameSeenBy(std::string_view name) {
  std::string seen;
  std::thread t([&] {
    NameThisThread(name);
    seen = ThisThreadName();
  });
  t.join();
  return seen;
}

TEST(ThreadName, TheKernelReportsTheName) {
  EXPECT_EQ(NameSeenBy("chimed-writer"), "chimed-writer");
}

TEST(ThreadName, LongNamesAreCutAtFifteenBytes) {
  EXPECT_EQ(NameSeenBy("chimed-checkpointer-of-the-store"), "chimed-checkpoi");
}

TEST(ThreadName, OtherThreadsKeepTheirNames) {
  std::string before = ThisThreadName();
  ASSERT_FALSE(before.empty());
  (void)NameSeenBy("chimed-other");
  EXPECT_EQ(ThisThreadName(), before);
}

}  // namespace
}  // namespace chime
