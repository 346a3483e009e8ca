// The Tx of the PostgreSQL store: every Tx operation as SQL on one connection. Like SqliteTx it
// neither begins nor ends transactions (PgStore and PgWriter do), checks uniqueness with a
// query first so that clients get a specific message, and leaves the unique indexes (and the
// record of issued PINs, which the users trigger writes) as the last line of defence.
//
// One difference from SQLite: after any failed statement PostgreSQL refuses further statements
// until the transaction (or savepoint) is rolled back. So the first failure is remembered in
// `health()` and every later call returns it without a round trip; the writer reads health()
// to learn whether the whole transaction must be retried (serialization failure, deadlock, lost
// connection) even when the write function swallowed the error.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/store.h"
#include "store/tx_errors.h"  // AccountNotFound, UserNotFound, PinInUse, CheckLimit

namespace chime::store::postgres {

struct TxHealth {
  bool failed = false;  // a statement failed: the transaction (or savepoint) is aborted
  Failure failure = Failure::kStatement;
  Status status;  // the first failure, as returned to the caller
};

// How a read transaction starts lazily: `sql` (BEGIN ...) is sent together with the first
// statement, one round trip instead of two, and not at all when the callback reads nothing.
// An empty `sql` means no transaction: the callback runs one statement, consistent by itself,
// and a second one fails with kInternal (it would read another snapshot).
// When that first statement finds the connection dead (it died idle in the pool: a restart, a
// failover), `replace` gives a fresh one, once; nothing has been read yet, so nothing repeats.
// `replace` returns nullptr when no connection can be had.
struct DeferredBegin {
  std::string_view sql;
  std::function<PgConnection*()> replace;
};

// One queued ResetPersonalPIN (Store::ResetPin), for PgTx::ResetPins.
struct PinResetJob {
  PinResetAudit audit;
  std::optional<AccessKeyCheck> key;  // when set, the reset runs only while the key is unchanged
  RandomSource* random = nullptr;
  int max_attempts = model::kPinAttempts;
  std::optional<model::User> user;  // the user as stored, set by a run that reset the PIN
};

// Whether a transaction's statements all read one snapshot (SERIALIZABLE, REPEATABLE READ) or
// each its own (READ COMMITTED, the writer's transactions of resets only).
enum class Snapshots { kOne, kPerStatement };

class PgTx final : public Tx {
 public:
  // `writable` false makes every write method fail with kInternal (a Read callback wrote).
  PgTx(PgConnection& conn, bool writable, Snapshots snapshots = Snapshots::kOne)
      : conn_(&conn), writable_(writable), snapshots_(snapshots) {}
  // A read that PgTx itself begins with its first statement (or, with an empty begin.sql, a
  // read of one statement and no transaction).
  PgTx(PgConnection& conn, DeferredBegin begin)
      : conn_(&conn), writable_(false), begin_(std::move(begin)) {}

  const TxHealth& health() const { return health_; }
  // False while a deferred BEGIN has not been sent: there is no transaction to end (nor after
  // a one-statement read, which has none).
  bool began() const { return !begin_.has_value() && !single_statement_; }

  StatusOr<model::Account> GetAccount(const std::string& account_id) override;
  StatusOr<Page<model::Account>> ListAccounts(const AccountQuery& query) override;
  Status InsertAccount(const model::Account& account) override;
  Status UpdateAccount(const model::Account& account) override;
  Status DeleteAccount(const std::string& account_id, int64_t now_ms) override;

  StatusOr<model::User> GetUser(const std::string& account_id, const std::string& user_id) override;
  StatusOr<std::optional<model::User>> FindUserByEmail(const std::string& account_id,
                                                       const std::string& email) override;
  StatusOr<Page<model::User>> ListUsers(const UserQuery& query) override;
  Status InsertUser(const model::User& user) override;
  Status UpdateUser(const model::User& user) override;
  // One statement per attempt instead of the default's nine (pg_tx_reset_pin.cc).
  StatusOr<model::User> ResetPin(const PinResetAudit& audit, RandomSource& random,
                                 int max_attempts = model::kPinAttempts) override;
  // Tx::ResetPin for each job, in order, with one statement for all of them (plus one per
  // round of taken candidates, and one more per user named again): the writer's batch of
  // resets. Sets `results[i]` (and jobs[i]->user) for every job and returns OK, unless a
  // statement failed (see health()) or a row did not decode: then it returns that error, and
  // nothing it wrote may commit, since it may have written for some of the jobs.
  Status ResetPins(const std::vector<PinResetJob*>& jobs, std::vector<Status>& results);

  StatusOr<bool> PinTaken(const std::string& pin) override;
  Status RetirePin(const std::string& pin, int64_t now_ms) override;
  Status InsertPinResetAudit(const PinResetAudit& audit) override;
  StatusOr<int64_t> CountPinResetAudits(const std::string& account_id,
                                        const std::string& user_id) override;

  StatusOr<AccessKeyRecord> GetAccessKey(const std::string& access_key_id) override;
  StatusOr<std::vector<AccessKeyRecord>> ListAccessKeys() override;
  Status InsertAccessKey(const AccessKeyRecord& key) override;
  Status UpdateAccessKey(const AccessKeyRecord& key) override;
  Status DeleteAccessKey(const std::string& access_key_id) override;

  StatusOr<std::optional<std::string>> GetDocument(const std::string& kind,
                                                   const std::string& key) override;
  Status PutDocument(const std::string& kind, const std::string& key,
                     const std::string& json) override;

  StatusOr<std::vector<RetiredPin>> ListRetiredPins(const std::string& after_pin,
                                                    int limit) override;
  StatusOr<Page<PinResetAudit>> ListPinResetAudits(int64_t after_seq, int limit) override;
  StatusOr<std::vector<Document>> ListDocuments(const std::string& after_kind,
                                                const std::string& after_key, int limit) override;
  StatusOr<RowCounts> CountRows() override;

 private:
  Status RequireWritable(std::string_view op) const;
  // Runs one statement unless an earlier one failed; records the first failure.
  StatusOr<PgResult> Run(std::string_view sql, const Params& params, std::string_view op);
  // Run, for a write whose unique values this transaction checked first: a unique violation
  // then means a concurrent transaction claimed one after our snapshot (one that PostgreSQL did
  // not report as a serialization failure: another statement of this batch, or a session that
  // is not SERIALIZABLE). The transaction is retried as after a serialization failure, and its
  // checks then see the claim and name it.
  StatusOr<PgResult> RunChecked(std::string_view sql, const Params& params, std::string_view op);
  // True when `sql` with `params` yields a row.
  StatusOr<bool> Exists(std::string_view sql, const Params& params, std::string_view op);
  // kNotFound naming the account unless it exists.
  Status RequireAccount(const std::string& account_id);
  // Takes the transaction-scoped lock that orders seq assignment for `scope` (see pg_tx.cc).
  Status LockSeqOrder(std::string_view scope, const std::string& key);

  // Reads up to `limit` rows of a result fetched with LIMIT limit + 1; the extra row only
  // tells that more may follow.
  template <typename T>
  StatusOr<Page<T>> ReadPage(const PgResult& r, int limit,
                             StatusOr<std::pair<int64_t, T>> (*read)(const PgResult&, int)) {
    Page<T> page;
    int64_t last_seq = 0;
    for (int row = 0; row < r.rows(); ++row) {
      if (static_cast<int64_t>(page.items.size()) == limit) {
        page.next_seq = last_seq;
        break;
      }
      ASSIGN_OR_RETURN(auto item, read(r, row));
      last_seq = item.first;
      page.items.push_back(std::move(item.second));
    }
    return page;
  }

  // ResetPins' steps: which jobs have run how often, and one statement's worth of them.
  struct ResetProgress {
    std::vector<int> attempts;   // candidates drawn, per job
    std::vector<bool> finished;  // result final (user set, or an error)
  };
  struct ResetRound;
  // The next statement's jobs (the first unfinished one of each user) and parameters.
  ResetRound NextResetRound(const std::vector<PinResetJob*>& jobs, ResetProgress& progress);
  // Records a statement's answers; diagnoses the refused resets with the ordinary reads.
  Status ReadResetAnswers(const PgResult& r, const std::vector<PinResetJob*>& jobs,
                          const ResetRound& round, ResetProgress& progress,
                          std::vector<Status>& results);

  // The first statement of a deferred-begin transaction (see DeferredBegin).
  StatusOr<PgResult> BeginWith(std::string_view sql, const Params& params, std::string_view op);

  // Replaced only by DeferredBegin::replace; null once that found no server (every later
  // statement then fails before touching it, since the first failure is remembered).
  PgConnection* conn_;
  bool writable_;
  Snapshots snapshots_ = Snapshots::kOne;
  std::optional<DeferredBegin> begin_;  // set until the deferred BEGIN has been sent
  bool single_statement_ = false;       // a DeferredBegin without BEGIN ran its statement
  TxHealth health_;
};

}  // namespace chime::store::postgres
