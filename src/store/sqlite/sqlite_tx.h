// The Tx of the SQLite store: every Tx operation as SQL on one connection. It neither begins
// nor ends transactions; SqliteStore wraps it (a read transaction for Read, a savepoint inside
// the batch transaction for Write). Uniqueness rules are checked with a query before writing so
// that clients get a specific message; the UNIQUE indexes remain the last line of defence.
//
// Document keys: DeleteAccount removes the documents whose key is the account id, the id of one
// of its users, or starts with "<account_id>/"; callers key per-account and per-user documents
// that way.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "store/sqlite/connection.h"
#include "store/store.h"
#include "store/tx_errors.h"  // AccountNotFound, UserNotFound, PinInUse, CheckLimit

namespace chime::store::sqlite {

// Shared by RetirePin and ResetPin.
const CachedSql& RetirePinSql();

class SqliteTx final : public Tx {
 public:
  // `writable` false makes every write method fail with kInternal (a Read callback wrote).
  SqliteTx(Connection& conn, bool writable) : conn_(conn), writable_(writable) {}
  // The connection this transaction runs on (tests inspect its statements).
  Connection& connection() const { return conn_; }

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
  // One read of the user row, then a conditional UPDATE of the pin column per candidate (the
  // UNIQUE index and a retired_pins test decide), one INSERT each for the retired PIN and the
  // audit; all inside a savepoint of its own (sqlite_tx_reset_pin.cc).
  StatusOr<model::User> ResetPin(const PinResetAudit& audit, RandomSource& random,
                                 int max_attempts = model::kPinAttempts) override;

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
  // Steps a statement: true on a row, false when done.
  StatusOr<bool> StepRow(Stmt& stmt, std::string_view op);
  // Steps a statement that returns no rows.
  Status StepDone(Stmt& stmt, std::string_view op);
  // True when the query `sql` with ?1 = a (and ?2 = b when given) yields a row.
  StatusOr<bool> Exists(const CachedSql& sql, std::string_view op, std::string_view a,
                        std::optional<std::string_view> b = std::nullopt);
  // The user's row and its seq; UserNotFound unless the user exists in this account.
  StatusOr<std::pair<int64_t, model::User>> ReadUserRow(const std::string& account_id,
                                                        const std::string& user_id);
  // ResetPin's writes, run inside its own savepoint: the first free candidate becomes the
  // user's PIN, the previous one is retired, the audit is recorded.
  StatusOr<std::string> ApplyPinReset(int64_t seq, const std::string& previous,
                                      const PinResetAudit& audit, RandomSource& random,
                                      int max_attempts);
  // The statements of DeleteAccount, run inside its savepoint.
  Status DeleteAccountRows(const std::string& account_id, int64_t now_ms);
  // kNotFound naming the account unless it exists.
  Status RequireAccount(const std::string& account_id);
  // Reads up to `limit` rows of a statement that was bound with LIMIT limit + 1; the extra row
  // only tells that more may follow.
  template <typename T>
  StatusOr<Page<T>> ReadPage(Stmt& stmt, int limit,
                             StatusOr<std::pair<int64_t, T>> (*read)(const Stmt&),
                             std::string_view op) {
    Page<T> page;
    int64_t last_seq = 0;
    for (;;) {
      ASSIGN_OR_RETURN(bool row, StepRow(stmt, op));
      if (!row) break;
      if (static_cast<int64_t>(page.items.size()) == limit) {
        page.next_seq = last_seq;
        break;
      }
      ASSIGN_OR_RETURN(auto item, read(stmt));
      last_seq = item.first;
      page.items.push_back(std::move(item.second));
    }
    return page;
  }

  Connection& conn_;
  bool writable_;
};

}  // namespace chime::store::sqlite
