#include <algorithm>
#include <atomic>
#include <thread>

#include "client/cli/bulk.h"

namespace chime::client::cli {

void ParallelFor(int n, int concurrency, const std::function<void(int)>& fn) {
  int workers = std::clamp(concurrency, 1, std::max(1, n));
  std::atomic<int> next{0};
  auto work = [&] {
    for (int i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

bool LooksLikeEmail(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  // ".+\..+" after the '@' (regex semantics: some '@' followed by text, a dot and more text).
  for (size_t a = at; a != std::string_view::npos; a = s.find('@', a + 1)) {
    std::string_view domain = s.substr(a + 1);
    size_t dot = domain.find('.', 1);
    while (dot != std::string_view::npos) {
      if (dot + 1 < domain.size()) return true;
      dot = domain.find('.', dot + 1);
    }
  }
  return false;
}

}  // namespace chime::client::cli
