// Test helper: sends the process's stderr (where chime::log writes) to a temporary file for the
// helper's lifetime, so that a test can read what was logged.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace chime::testing {

class CapturedStderr {
 public:
  CapturedStderr() {
    char name[] = "/tmp/chimed-log-test-XXXXXX";
    int fd = ::mkstemp(name);
    path_ = name;
    std::fflush(stderr);
    saved_ = ::dup(2);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~CapturedStderr() {
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    ::unlink(path_.c_str());
  }
  std::string Text() const {
    std::fflush(stderr);
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string path_;
  int saved_ = -1;
};

}  // namespace chime::testing
