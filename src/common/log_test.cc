// The server's buffered log: info lines wait, warnings and errors write everything at once,
// nothing is reordered or lost when buffering stops.
#include "common/log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/captured_stderr.h"

namespace chime::log {
namespace {

using ::chime::testing::CapturedStderr;

// Whether `text` holds `first` before `second`.
bool InOrder(const std::string& text, const std::string& first, const std::string& second) {
  auto a = text.find(first);
  auto b = text.find(second);
  return a != std::string::npos && b != std::string::npos && a < b;
}

TEST(LogTest, InfoLinesWaitUntilAWarningOrTheEnd) {
  CapturedStderr captured;
  StartBuffering(std::chrono::hours(1));
  Write(Level::kInfo, "request one");
  Write(Level::kInfo, "request two");
  EXPECT_EQ(captured.Text().find("request one"), std::string::npos);
  Write(Level::kWarn, "something odd");
  std::string text = captured.Text();
  EXPECT_TRUE(InOrder(text, "info request one", "info request two")) << text;
  EXPECT_TRUE(InOrder(text, "request two", "warn something odd")) << text;
  Write(Level::kInfo, "request three");
  EXPECT_EQ(captured.Text().find("request three"), std::string::npos);
  StopBuffering();
  text = captured.Text();
  EXPECT_TRUE(InOrder(text, "something odd", "request three")) << text;
  // Stopped: a line is written at once again.
  Write(Level::kInfo, "request four");
  EXPECT_NE(captured.Text().find("request four"), std::string::npos);
}

TEST(LogTest, TheFlusherWritesPendingLinesWithinItsInterval) {
  CapturedStderr captured;
  StartBuffering(std::chrono::milliseconds(20));
  Write(Level::kInfo, "soon on disk");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (captured.Text().find("soon on disk") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_NE(captured.Text().find("soon on disk"), std::string::npos);
  StopBuffering();
}

TEST(LogTest, AFullBufferIsWrittenWithoutWaiting) {
  CapturedStderr captured;
  StartBuffering(std::chrono::hours(1));
  const std::string filler(1000, 'x');
  for (int i = 0; i < 80; ++i) Write(Level::kInfo, "line " + std::to_string(i) + " " + filler);
  EXPECT_NE(captured.Text().find("line 0 "), std::string::npos);  // 64 KiB went out
  StopBuffering();
  EXPECT_NE(captured.Text().find("line 79 "), std::string::npos);
}

TEST(LogTest, ConcurrentLinesAreWholeAndAllThere) {
  CapturedStderr captured;
  StartBuffering(std::chrono::milliseconds(1));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 500; ++i) {
        Write(Level::kInfo, "t" + std::to_string(t) + " n" + std::to_string(i) + " end");
      }
    });
  }
  for (auto& t : threads) t.join();
  StopBuffering();
  std::istringstream lines(captured.Text());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    if (line.find(" info t") == std::string::npos) continue;
    ++count;
    EXPECT_EQ(line.substr(line.size() - 4), " end") << line;
  }
  EXPECT_EQ(count, 2000);
}

}  // namespace
}  // namespace chime::log
