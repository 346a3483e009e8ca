#include "store/testing/failing_store.h"

#include <memory>

namespace chime::store::testing {
namespace {

Status DiskError() {
  // What the SQLite store answers for SQLITE_FULL / SQLITE_IOERR (see sqlite_error.cc).
  return Unavailable("The service is temporarily unable to store data.").WithRetryAfterMs(1000);
}

}  // namespace

Status FailingStore::Read(const TxFn& fn) {
  if (fault_.load() == Fault::kReadFails) return DiskError();
  return inner_.Read(fn);
}

void FailingStore::Write(TxFn fn, DoneFn done) {
  Fault fault = fault_.load();
  if (fault == Fault::kWriteFails) return done(DiskError());
  if (fault != Fault::kSyncFails) return inner_.Write(std::move(fn), std::move(done));
  // Run fn for real, then make its savepoint roll back, as a failed commit would.
  auto fn_status = std::make_shared<Status>();
  inner_.Write(
      [fn = std::move(fn), fn_status](Tx& tx) {
        *fn_status = fn(tx);
        return Internal("injected fsync failure");
      },
      [this, fn_status, done = std::move(done)](Status) {
        if (fn_status->ok()) {
          rolled_back_.fetch_add(1);
          return done(DiskError());
        }
        done(*fn_status);  // fn's own error: it would have been rolled back anyway
      });
}

}  // namespace chime::store::testing
