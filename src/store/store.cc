#include "store/store.h"

#include <future>

namespace chime::store {

Status Store::WriteAndWait(TxFn fn) {
  std::promise<Status> promise;
  auto result = promise.get_future();
  Write(std::move(fn), [&promise](Status s) { promise.set_value(std::move(s)); });
  return result.get();
}

}  // namespace chime::store
