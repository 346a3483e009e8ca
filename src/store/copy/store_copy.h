// Copying a whole Store into another one (`chimed migrate-store`, e.g. SQLite to PostgreSQL),
// then checking the copy. Works through the Store interface only, so any pair of stores will do.
//
//   Status s = CopyStore(*sqlite, *postgres, [](const CopyProgress& p) { ... });
//   if (s.ok()) s = VerifyCopy(*sqlite, *postgres, progress);
//
// The source is read in one read transaction, so the copy is a consistent snapshot even if
// something writes to the source meanwhile (stop chimed anyway: later writes would be lost).
// Accounts and users are inserted in their listing order, so keyset order is kept (the seq
// numbers themselves differ; page tokens handed out before the move become invalid).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace chime::store {

struct CopyProgress {
  std::string table;  // "accounts", "users", "retired PINs", "PIN-reset audits", ...
  int64_t done = 0;   // rows of all tables handled so far
  int64_t total = 0;  // rows of all tables in the source
};
using ProgressFn = std::function<void(const CopyProgress&)>;

// Copies every account, user (with its PIN), retired PIN, PIN-reset audit record, document and
// access key of `from` into `to`, in transactions of `chunk` rows. kInvalidArgument when `to`
// is not empty (nothing is written then); otherwise the first error of either store. Chunks
// committed before an error stay; `*rows_written` (when given) counts the rows of those
// acknowledged, so a caller can tell a refusal with nothing written from a partial copy whatever
// the error's code.
Status CopyStore(Store& from, Store& to, const ProgressFn& progress, int chunk = 500,
                 int64_t* rows_written = nullptr);

// Reads both stores completely and compares them record by record. kInternal naming the first
// difference (by table and id; never a PIN) when they differ.
Status VerifyCopy(Store& from, Store& to, const ProgressFn& progress);

}  // namespace chime::store
