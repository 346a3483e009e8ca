// A Store decorator for unit tests that fails on command the way a sick disk makes SQLite fail:
//   kWriteFails  the write cannot start (ENOSPC or EIO on the WAL write): `fn` never runs and
//                `done` gets kUnavailable;
//   kSyncFails   `fn` runs, but the commit's fsync fails, so nothing of it is durable: its
//                effects are rolled back and `done` gets kUnavailable;
//   kReadFails   reads fail with kUnavailable (EIO on read); writes still work.
// Anything else passes through to the wrapped store.
//
//   FailingStore store(*sqlite);
//   store.SetFault(FailingStore::Fault::kSyncFails);  ...  store.SetFault(Fault::kNone);
#pragma once

#include <atomic>
#include <cstdint>

#include "store/store.h"

namespace chime::store::testing {

class FailingStore final : public Store {
 public:
  enum class Fault { kNone, kWriteFails, kSyncFails, kReadFails };

  // Does not own `inner`.
  explicit FailingStore(Store& inner) : inner_(inner) {}

  void SetFault(Fault fault) { fault_.store(fault); }
  // Writes whose function ran and whose effects were rolled back because of kSyncFails.
  int64_t rolled_back() const { return rolled_back_.load(); }

  Status Read(const TxFn& fn) override;
  void Write(TxFn fn, DoneFn done) override;
  void Close() override { inner_.Close(); }

 private:
  Store& inner_;
  std::atomic<Fault> fault_{Fault::kNone};
  std::atomic<int64_t> rolled_back_{0};
};

}  // namespace chime::store::testing
