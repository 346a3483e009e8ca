// The Store: chimed's durable state behind one interface, so that SQLite (embedded default)
// and PostgreSQL (later) are interchangeable and tests can wrap it to inject faults.
//
// Reads run synchronously on the caller's thread against a committed snapshot.
// Writes are queued: the store runs many queued write functions inside one transaction
// (each inside its own savepoint, so one failing function rolls back only its own effects),
// commits once with a single fsync (group commit), and only then calls each `done`.
// So an I/O thread never blocks on fsync, and a `done(OkStatus())` means the change is on disk.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/random.h"
#include "common/status.h"
#include "model/pin.h"  // kPinAttempts
#include "model/types.h"

namespace chime::store {

struct AccountQuery {
  std::optional<std::string> name_prefix;  // accounts whose Name starts with this
  std::optional<std::string> user_email;   // accounts having a user with this PrimaryEmail
  int64_t after_seq = 0;                   // keyset cursor: only rows with seq > after_seq
  int limit = 100;
};

struct UserQuery {
  std::string account_id;
  std::optional<std::string> email;  // exact PrimaryEmail match (case-insensitive)
  std::optional<model::UserType> user_type;
  int64_t after_seq = 0;
  int limit = 100;
};

// One page of a keyset-paginated listing. `next_seq` is set when more rows may follow:
// pass it back as `after_seq`. Rows are ordered by an insertion sequence, so rows added while a
// client pages appear at the end and nothing is skipped or repeated.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<int64_t> next_seq;
};

// An audit record of one PIN reset. It never contains the PIN.
struct PinResetAudit {
  std::string request_id;
  std::string principal;  // access key id, or "anonymous" before authentication exists
  std::string account_id;
  std::string user_id;
  int64_t at_ms = 0;
};

// An access key as stored. The secret is kept only in encrypted form (AES-256-GCM under a
// key-encryption key that lives outside the database); the store never sees it in clear.
struct AccessKeyRecord {
  std::string access_key_id;  // "AKIA..." style, unique
  std::string name;
  std::string encrypted_secret;                   // opaque bytes (nonce || ciphertext || tag)
  std::optional<std::string> session_token_hash;  // hex SHA-256, when the key requires a token
  std::string policy_json;  // IAM-style policy document; "" means no permissions
  bool enabled = true;
  int64_t created_ms = 0;
  std::optional<int64_t> last_used_ms;
};

// The columns of an access key's row that decide what it authenticates and allows, as they were
// when the SigV4 gate admitted a request from its cached copy of the key. A write given one runs
// only if, in its own transaction, the key is still enabled and its row still holds exactly
// these (Store::ResetPin), so a key disabled, deleted, rotated or re-scoped before the write
// never authorizes it, whichever process changed it.
struct AccessKeyCheck {
  std::string access_key_id;
  std::string encrypted_secret;
  std::optional<std::string> session_token_hash;
  std::string policy_json;
};

// Bulk export records, for copying a whole store (`chimed migrate-store`).
struct RetiredPin {
  std::string pin;
  int64_t retired_ms = 0;
};

struct Document {
  std::string kind;
  std::string key;
  std::string json;
};

// Records of each kind (retired PINs: distinct PINs): progress and verification of a bulk copy.
struct RowCounts {
  int64_t accounts = 0;
  int64_t users = 0;
  int64_t retired_pins = 0;
  int64_t pin_reset_audits = 0;
  int64_t documents = 0;
  int64_t access_keys = 0;
};

// The operations a transaction offers. A Tx is only valid inside the Read/Write callback that
// received it and only on that thread. Errors:
//   kNotFound     the named account/user does not exist (message names it);
//   kConflict     a uniqueness rule was violated (PIN, user email within an account);
//   kUnavailable  the database could not serve (busy beyond timeout, disk full, I/O error);
//   kInternal     anything unexpected. Messages never contain SQL, paths or PINs.
class Tx {
 public:
  virtual ~Tx() = default;

  virtual StatusOr<model::Account> GetAccount(const std::string& account_id) = 0;
  virtual StatusOr<Page<model::Account>> ListAccounts(const AccountQuery& query) = 0;
  virtual Status InsertAccount(const model::Account& account) = 0;
  // Replaces every stored field of an existing account (matched by account_id).
  virtual Status UpdateAccount(const model::Account& account) = 0;
  // Deletes the account, its users and their documents; retires every PIN they held.
  virtual Status DeleteAccount(const std::string& account_id, int64_t now_ms) = 0;

  // kNotFound unless the user exists *in this account*.
  virtual StatusOr<model::User> GetUser(const std::string& account_id,
                                        const std::string& user_id) = 0;
  virtual StatusOr<std::optional<model::User>> FindUserByEmail(const std::string& account_id,
                                                               const std::string& email) = 0;
  virtual StatusOr<Page<model::User>> ListUsers(const UserQuery& query) = 0;
  // kConflict when the account already has a user with this email, or the PIN is in use.
  virtual Status InsertUser(const model::User& user) = 0;
  // Replaces every stored field of an existing user (matched by account_id + user_id),
  // PIN included. kConflict when the new PIN is held by another user or retired. It does not
  // retire a replaced PIN: a caller that changes the PIN must RetirePin(old) in the same
  // transaction (ResetPersonalPIN does), or the old PIN could be issued again.
  virtual Status UpdateUser(const model::User& user) = 0;

  // ResetPersonalPIN's whole write, as one call so that an engine can do it in one statement
  // (PostgreSQL: one round trip instead of nine). Gives the user `audit.user_id` of account
  // `audit.account_id` a new PIN drawn from `random` (model::DrawPinCandidate) that is neither
  // the previous PIN, nor another user's, nor ever retired; retires the previous PIN at
  // `audit.at_ms`; records `audit`; changes no other column; returns the user as stored.
  // Errors, in this order: kNotFound for the account, then for the user (GetAccount's and
  // GetUser's messages); model::CheckPinReset's error; kUnavailable when `max_attempts`
  // candidates in a row were taken; store errors. On any error nothing is written.
  // The default implementation composes the primitives below; engines override it.
  virtual StatusOr<model::User> ResetPin(const PinResetAudit& audit, RandomSource& random,
                                         int max_attempts = model::kPinAttempts);

  // True when `pin` is some user's current PIN or has ever been retired.
  virtual StatusOr<bool> PinTaken(const std::string& pin) = 0;
  // Records `pin` as retired forever. Retiring an already retired PIN is OK.
  virtual Status RetirePin(const std::string& pin, int64_t now_ms) = 0;
  virtual Status InsertPinResetAudit(const PinResetAudit& audit) = 0;
  // A scan of the audit (no index serves it: migration 2); for tests and tools, not requests.
  virtual StatusOr<int64_t> CountPinResetAudits(const std::string& account_id,
                                                const std::string& user_id) = 0;

  // Access keys. GetAccessKey: kNotFound when absent. InsertAccessKey: kConflict on duplicate id.
  virtual StatusOr<AccessKeyRecord> GetAccessKey(const std::string& access_key_id) = 0;
  virtual StatusOr<std::vector<AccessKeyRecord>> ListAccessKeys() = 0;
  virtual Status InsertAccessKey(const AccessKeyRecord& key) = 0;
  virtual Status UpdateAccessKey(const AccessKeyRecord& key) = 0;        // kNotFound when absent
  virtual Status DeleteAccessKey(const std::string& access_key_id) = 0;  // kNotFound when absent

  // Small JSON documents keyed by (kind, key): account settings, user settings, retention
  // settings, global settings. nullopt when never written. Key convention: an account's
  // documents use the account id (or "<account_id>/..."), a user's use the user id, global
  // ones any other key; DeleteAccount removes the documents of the account and its users.
  virtual StatusOr<std::optional<std::string>> GetDocument(const std::string& kind,
                                                           const std::string& key) = 0;
  virtual Status PutDocument(const std::string& kind, const std::string& key,
                             const std::string& json) = 0;

  // Bulk export, for copying a whole store; every listing is keyset-paged and returns at most
  // `limit` rows (kInvalidArgument unless limit >= 1). Importing uses the ordinary writes:
  // InsertAccount/InsertUser in listing order (so seq order is kept), RetirePin with the
  // recorded time, InsertPinResetAudit, PutDocument, InsertAccessKey.
  // Retired PINs in ascending PIN (byte) order, after `after_pin` ("" starts at the
  // beginning); each once, with the time it was first retired.
  virtual StatusOr<std::vector<RetiredPin>> ListRetiredPins(const std::string& after_pin,
                                                            int limit) = 0;
  // Audit records in insertion order; `next_seq` as for the other listings.
  virtual StatusOr<Page<PinResetAudit>> ListPinResetAudits(int64_t after_seq, int limit) = 0;
  // Documents in (kind, key) byte order, after (after_kind, after_key) ("", "" = beginning).
  virtual StatusOr<std::vector<Document>> ListDocuments(const std::string& after_kind,
                                                        const std::string& after_key,
                                                        int limit) = 0;
  virtual StatusOr<RowCounts> CountRows() = 0;
};

// Tx::GetAccessKey, with an absent key as nullopt rather than kNotFound.
StatusOr<std::optional<AccessKeyRecord>> FindAccessKey(Tx& tx, const std::string& access_key_id);

// Whether `row` is enabled and holds what `check` says. No token and an empty one are the
// same, as in the PostgreSQL reset statement's check.
bool KeyRowMatches(const AccessKeyRecord& row, const AccessKeyCheck& check);
// OK when the key's row, read in `tx`, matches `check`; kKeyChanged when it does not (or is
// gone); the read's error otherwise.
Status CheckAccessKey(Tx& tx, const AccessKeyCheck& check);

using TxFn = std::function<Status(Tx&)>;
using DoneFn = std::function<void(Status)>;
using UserDoneFn = std::function<void(StatusOr<model::User>)>;

// For Store::ResetPin implementations: calls `done` with the write's failure, or with `user`,
// which a committed reset must have set (kInternal, logged, if it did not).
void FinishReset(Status status, std::optional<model::User>& user, const UserDoneFn& done);

class Store {
 public:
  virtual ~Store() = default;

  // Runs `fn` against a consistent snapshot of committed data on the calling thread and
  // returns its status. Thread-safe. Write methods of the Tx fail with kInternal here.
  virtual Status Read(const TxFn& fn) = 0;

  // Queues `fn` to run in a write transaction. Exactly one call of `done` follows, from a
  // store thread: OK only after the transaction that applied `fn` committed durably; `fn`'s
  // own error if it returned one (its effects rolled back); kUnavailable if the commit failed.
  // `fn` must not block. It may run more than once: a store whose transactions can fail for
  // reasons outside `fn` (PostgreSQL: a serialization failure, a deadlock, a lost connection
  // or failover before the commit) runs it again in a fresh transaction, and only the effects
  // of the run that committed survive. So `fn` must set its outputs (assign, not append) and
  // keep no other side effects. `done` must be cheap (post, don't work).
  // Thread-safe. After Close(), `done` is called with kUnavailable without running `fn`.
  virtual void Write(TxFn fn, DoneFn done) = 0;

  // Write and wait: for tools and tests, never for I/O threads.
  Status WriteAndWait(TxFn fn);

  // ResetPersonalPIN's write (Tx::ResetPin with `random`), queued as Write queues a function:
  // `done` gets the user as stored once the reset committed, or Tx::ResetPin's error, with
  // Write's guarantees. With `key`, the reset first checks it (CheckAccessKey) in the same
  // transaction and does nothing, answering kKeyChanged, when the key changed. `random` must
  // outlive the call of `done`. The default is a Write; an engine that can run several queued
  // resets as one statement overrides it (PostgreSQL).
  virtual void ResetPin(PinResetAudit audit, std::optional<AccessKeyCheck> key,
                        RandomSource& random, UserDoneFn done);

  // An access key as stored, read by itself (Tx::GetAccessKey; nullopt when absent): what the
  // SigV4 gate reads for every signed request. The default is a Read (so it joins a ShareReads
  // scope); an engine where a transaction costs round trips reads the one row without one.
  virtual StatusOr<std::optional<AccessKeyRecord>> ReadAccessKey(const std::string& access_key_id);

  // While the returned object lives, this store's Reads on the calling thread share one read
  // transaction: one snapshot, one connection. For a request that reads more than once (its
  // SigV4 key, then its data), that is one transaction instead of one each. Such a Read does not
  // see what commits meanwhile: keep the scope short and never wait for a write inside it.
  // Destroy it on the thread that made it. nullptr when the store has nothing to share (each
  // Read is its own transaction) or this thread already shares this store's reads.
  class SharedReads {
   public:
    virtual ~SharedReads() = default;
  };
  virtual std::unique_ptr<SharedReads> ShareReads() { return nullptr; }

  // Finishes queued writes, then closes every handle. Idempotent.
  virtual void Close() = 0;
};

}  // namespace chime::store
