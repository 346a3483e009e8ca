// The bulk administration jobs behind `chimectl import-users` and `chimectl
// reset-personal-pins`, on a Client and without any terminal I/O, so they are unit-testable.
//
// Both list the account's users once up front (one paginated ListUsers), then run the
// per-item calls on `concurrency` threads sharing the client (its connection pool and retry
// quota). Per-item failures never stop the job; they are collected with the input line and the
// reason and returned sorted by line.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"

namespace chime::client::cli {

struct ItemFailure {
  int line = 0;       // line in the input file (0 for --all targets)
  std::string email;  // as written in the file
  std::string reason;
};

// Called with the number of items once known, then once per finished item with its outcome.
struct ProgressHooks {
  std::function<void(int total)> start;
  std::function<void(std::string_view outcome)> done;
};

// ---- import-users ----------------------------------------------------------------------------
// The CSV has a header row naming its columns: `email` (required), `username`, `user_type`
// (case and '_' / ' ' ignored, e.g. "Email", "User Type"). Each further row is one user.
struct ImportOptions {
  std::string account_id;
  bool invite = false;  // InviteUsers (batches of 50) instead of CreateUser per row
  int concurrency = 8;
};

struct ImportSummary {
  int rows = 0;
  int created = 0;
  int invited = 0;
  int skipped = 0;  // already present in the account (by email, case-insensitive)
  std::vector<ItemFailure> failures;
};

// Errors that stop the whole import (nothing was written): a CSV that cannot be parsed or whose
// header is wrong (kInvalidParameter), or the initial listing of users failing (its error).
Result<ImportSummary> ImportUsers(Client& client, std::string_view csv_text,
                                  const ImportOptions& options, const ProgressHooks& hooks);

// ---- reset-personal-pins ---------------------------------------------------------------------
struct ResetPinsOptions {
  std::string account_id;
  // The email file's text (one address per line; blank lines and '#' comments ignored), or
  // nullopt for every user of the account.
  std::optional<std::string> email_file_text;
  int concurrency = 8;
};

struct ResetPinsSummary {
  int targets = 0;
  int reset = 0;
  std::vector<ItemFailure> failures;
};

Result<ResetPinsSummary> ResetPersonalPins(Client& client, const ResetPinsOptions& options,
                                           const ProgressHooks& hooks);

// Runs fn(i) for i in [0, n) on up to `concurrency` threads.
void ParallelFor(int n, int concurrency, const std::function<void(int)>& fn);

// The model's EmailAddress pattern, ".+@.+\..+".
bool LooksLikeEmail(std::string_view s);

}  // namespace chime::client::cli
