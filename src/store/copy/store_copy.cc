#include "store/copy/store_copy.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

namespace chime::store {
namespace {

constexpr int kPage = 500;

// One record of any table as comparable text, with a label for messages. The label names the
// record by id, never by PIN.
struct Row {
  std::string label;
  std::string text;
};

std::string Join(std::initializer_list<std::string> fields) {
  std::string out;
  for (const auto& f : fields) {
    out += f;
    out += '\x1f';
  }
  return out;
}

std::string Opt(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }

std::string AccountText(const model::Account& a) {
  std::ostringstream licenses;
  for (auto l : a.supported_licenses) licenses << model::ToString(l) << ',';
  std::ostringstream groups;
  for (const auto& g : a.signin_delegate_groups) groups << g << '\x1e';
  return Join({a.account_id, a.aws_account_id, a.name, std::string(model::ToString(a.account_type)),
               std::to_string(a.created_ms), std::string(model::ToString(a.default_license)),
               licenses.str(), std::string(model::ToString(a.status)), groups.str()});
}

std::string UserText(const model::User& u) {
  return Join({u.user_id, u.account_id, u.primary_email, u.primary_provisioned_number,
               u.display_name, std::string(model::ToString(u.license_type)),
               std::string(model::ToString(u.user_type)),
               std::string(model::ToString(u.registration_status)),
               u.invitation_status ? std::string(model::ToString(*u.invitation_status)) : "-",
               Opt(u.registered_ms), Opt(u.invited_ms),
               u.alexa ? (u.alexa->enabled ? "1" : "0") + u.alexa->room_arn : "-", u.personal_pin});
}

std::string KeyText(const AccessKeyRecord& k) {
  return Join({k.access_key_id, k.name, k.encrypted_secret, k.session_token_hash.value_or("-"),
               k.policy_json, k.enabled ? "1" : "0", std::to_string(k.created_ms),
               Opt(k.last_used_ms)});
}

int64_t Total(const RowCounts& c) {
  return c.accounts + c.users + c.retired_pins + c.pin_reset_audits + c.documents + c.access_keys;
}

// Walks every record of the store behind `tx` in a fixed order, calling `emit` for each
// (`table` names the group). Stops at the first error of the store or of `emit`.
using EmitFn = std::function<Status(const std::string& table, Row row)>;

Status ForEachRecord(Tx& tx, const EmitFn& emit) {
  std::vector<std::string> account_ids;
  AccountQuery aq;
  aq.limit = kPage;
  for (;;) {
    ASSIGN_OR_RETURN(auto page, tx.ListAccounts(aq));
    for (const auto& a : page.items) {
      account_ids.push_back(a.account_id);
      RETURN_IF_ERROR(emit("accounts", {"account " + a.account_id, AccountText(a)}));
    }
    if (!page.next_seq) break;
    aq.after_seq = *page.next_seq;
  }
  for (const auto& id : account_ids) {
    UserQuery uq;
    uq.account_id = id;
    uq.limit = kPage;
    for (;;) {
      ASSIGN_OR_RETURN(auto page, tx.ListUsers(uq));
      for (const auto& u : page.items) {
        RETURN_IF_ERROR(emit("users", {"user " + u.user_id, UserText(u)}));
      }
      if (!page.next_seq) break;
      uq.after_seq = *page.next_seq;
    }
  }
  int64_t n = 0;
  for (std::string after;;) {
    ASSIGN_OR_RETURN(auto pins, tx.ListRetiredPins(after, kPage));
    if (pins.empty()) break;
    for (const auto& p : pins) {
      RETURN_IF_ERROR(emit("retired PINs", {"retired PIN #" + std::to_string(++n),
                                            Join({p.pin, std::to_string(p.retired_ms)})}));
    }
    after = pins.back().pin;
  }
  n = 0;
  for (int64_t after = 0;;) {
    ASSIGN_OR_RETURN(auto page, tx.ListPinResetAudits(after, kPage));
    for (const auto& a : page.items) {
      RETURN_IF_ERROR(emit("PIN-reset audits", {"audit record #" + std::to_string(++n),
                                                Join({a.request_id, a.principal, a.account_id,
                                                      a.user_id, std::to_string(a.at_ms)})}));
    }
    if (!page.next_seq) break;
    after = *page.next_seq;
  }
  for (std::string kind, key;;) {
    ASSIGN_OR_RETURN(auto docs, tx.ListDocuments(kind, key, kPage));
    if (docs.empty()) break;
    for (const auto& d : docs) {
      RETURN_IF_ERROR(
          emit("documents", {"document " + d.kind + "/" + d.key, Join({d.kind, d.key, d.json})}));
    }
    kind = docs.back().kind;
    key = docs.back().key;
  }
  ASSIGN_OR_RETURN(auto keys, tx.ListAccessKeys());
  for (const auto& k : keys) {
    RETURN_IF_ERROR(emit("access keys", {"access key " + k.access_key_id, KeyText(k)}));
  }
  return OkStatus();
}

// Records handed from one walk (a thread of its own) to another, at most `capacity` at a time.
class RowQueue {
 public:
  explicit RowQueue(size_t capacity) : capacity_(capacity) {}

  // Waits for room; kCancelled once the reader gave up (Cancel), so that the walk stops.
  Status Push(const std::string& table, Row row) {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [&] { return cancelled_ || rows_.size() < capacity_; });
    if (cancelled_) {
      push_cancelled_ = true;
      return Internal("verification ended");
    }
    rows_.emplace_back(table, std::move(row));
    ready_.notify_one();
    return OkStatus();
  }
  // The writer's walk ended, with `status`.
  void Close(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    status_ = std::move(status);
    ready_.notify_one();
  }
  // The next record; nullopt once the walk ended and every record was taken.
  std::optional<std::pair<std::string, Row>> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [&] { return closed_ || !rows_.empty(); });
    if (rows_.empty()) return std::nullopt;
    auto row = std::move(rows_.front());
    rows_.pop_front();
    room_.notify_one();
    return row;
  }
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    room_.notify_all();
  }
  // How the walk ended (OK until it has); a walk stopped by Cancel() counts as OK.
  Status status() const {
    std::lock_guard<std::mutex> lock(mu_);
    return push_cancelled_ ? OkStatus() : status_;
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable room_, ready_;
  std::deque<std::pair<std::string, Row>> rows_;
  bool closed_ = false;
  bool cancelled_ = false;
  bool push_cancelled_ = false;
  Status status_;
};

// Buffers write functions and flushes them as one transaction per `chunk`.
class ChunkWriter {
 public:
  ChunkWriter(Store& to, int chunk, int64_t* written)
      : to_(to), chunk_(chunk < 1 ? 1 : chunk), written_(written) {}
  Status Add(TxFn fn) {
    pending_.push_back(std::move(fn));
    return static_cast<int>(pending_.size()) >= chunk_ ? Flush() : OkStatus();
  }
  Status Flush() {
    if (pending_.empty()) return OkStatus();
    std::vector<TxFn> fns;
    fns.swap(pending_);
    const auto rows = static_cast<int64_t>(fns.size());
    RETURN_IF_ERROR(to_.WriteAndWait([fns = std::move(fns)](Tx& tx) {
      for (const auto& fn : fns) RETURN_IF_ERROR(fn(tx));
      return OkStatus();
    }));
    // Counted once acknowledged. A failed write committed nothing on PostgreSQL, which learns a
    // lost COMMIT's outcome before answering; on SQLite a COMMIT whose WAL sync failed may
    // still be found committed when the file is next opened.
    *written_ += rows;
    return OkStatus();
  }

 private:
  Store& to_;
  const int chunk_;
  int64_t* written_;
  std::vector<TxFn> pending_;
};

StatusOr<RowCounts> Counts(Store& store) {
  std::optional<RowCounts> counts;
  RETURN_IF_ERROR(store.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(counts, tx.CountRows());
    return OkStatus();
  }));
  return *counts;
}

}  // namespace

Status CopyStore(Store& from, Store& to, const ProgressFn& progress, int chunk,
                 int64_t* rows_written) {
  int64_t written = 0;
  if (rows_written == nullptr) rows_written = &written;
  *rows_written = 0;
  ASSIGN_OR_RETURN(RowCounts dest, Counts(to));
  if (Total(dest) != 0) {
    // Most often an earlier copy that was interrupted: it committed chunk by chunk.
    return InvalidArgument("The destination store is not empty (" + std::to_string(Total(dest)) +
                           " rows); migrate into an empty database. If an earlier migrate-store "
                           "was interrupted, drop and create the database again, then rerun it.");
  }
  ChunkWriter writer(to, chunk, rows_written);
  return from.Read([&](Tx& src) -> Status {
    ASSIGN_OR_RETURN(RowCounts counts, src.CountRows());
    CopyProgress p{"", 0, Total(counts)};
    // Write functions capture their records by value: on PostgreSQL one may run twice.
    AccountQuery aq;
    aq.limit = kPage;
    std::vector<std::string> account_ids;
    auto tick = [&](const std::string& table) {
      p.table = table;
      ++p.done;
      if (progress && (p.done % 100 == 0 || p.done == p.total)) progress(p);
    };
    for (;;) {
      ASSIGN_OR_RETURN(auto page, src.ListAccounts(aq));
      for (auto& a : page.items) {
        account_ids.push_back(a.account_id);
        RETURN_IF_ERROR(writer.Add([a](Tx& tx) { return tx.InsertAccount(a); }));
        tick("accounts");
      }
      if (!page.next_seq) break;
      aq.after_seq = *page.next_seq;
    }
    RETURN_IF_ERROR(writer.Flush());  // users need their accounts
    for (const auto& id : account_ids) {
      UserQuery uq;
      uq.account_id = id;
      uq.limit = kPage;
      for (;;) {
        ASSIGN_OR_RETURN(auto page, src.ListUsers(uq));
        for (auto& u : page.items) {
          RETURN_IF_ERROR(writer.Add([u](Tx& tx) { return tx.InsertUser(u); }));
          tick("users");
        }
        if (!page.next_seq) break;
        uq.after_seq = *page.next_seq;
      }
    }
    for (std::string after;;) {
      ASSIGN_OR_RETURN(auto pins, src.ListRetiredPins(after, kPage));
      if (pins.empty()) break;
      for (auto& pin : pins) {
        RETURN_IF_ERROR(
            writer.Add([pin](Tx& tx) { return tx.RetirePin(pin.pin, pin.retired_ms); }));
        tick("retired PINs");
      }
      after = pins.back().pin;
    }
    for (int64_t after = 0;;) {
      ASSIGN_OR_RETURN(auto page, src.ListPinResetAudits(after, kPage));
      for (auto& a : page.items) {
        RETURN_IF_ERROR(writer.Add([a](Tx& tx) { return tx.InsertPinResetAudit(a); }));
        tick("PIN-reset audits");
      }
      if (!page.next_seq) break;
      after = *page.next_seq;
    }
    for (std::string kind, key;;) {
      ASSIGN_OR_RETURN(auto docs, src.ListDocuments(kind, key, kPage));
      if (docs.empty()) break;
      for (auto& d : docs) {
        RETURN_IF_ERROR(writer.Add([d](Tx& tx) { return tx.PutDocument(d.kind, d.key, d.json); }));
        tick("documents");
      }
      kind = docs.back().kind;
      key = docs.back().key;
    }
    ASSIGN_OR_RETURN(auto keys, src.ListAccessKeys());
    for (auto& k : keys) {
      RETURN_IF_ERROR(writer.Add([k](Tx& tx) { return tx.InsertAccessKey(k); }));
      tick("access keys");
    }
    RETURN_IF_ERROR(writer.Flush());
    if (progress) progress(p);
    return OkStatus();
  });
}

Status VerifyCopy(Store& from, Store& to, const ProgressFn& progress) {
  ASSIGN_OR_RETURN(RowCounts counts, Counts(from));
  // Both walks produce records in the same order, so the copy is compared as it is read: the
  // source's walk runs on a thread of its own and hands its records over through a bounded
  // queue, so memory stays flat however large the stores are.
  RowQueue expected(1024);  // fewer than the tests copy, so that the bound is exercised
  std::thread source([&] {
    Status s = from.Read([&](Tx& tx) {
      return ForEachRecord(tx, [&](const std::string& table, Row row) {
        return expected.Push(table, std::move(row));
      });
    });
    expected.Close(std::move(s));
  });
  CopyProgress p{"", 0, Total(counts)};
  Status compared = to.Read([&](Tx& tx) {
    return ForEachRecord(tx, [&](const std::string& table, Row row) -> Status {
      std::optional<std::pair<std::string, Row>> want = expected.Pop();
      if (!want) {
        RETURN_IF_ERROR(expected.status());
        return Internal("Verification failed: the destination has an extra " + row.label + ".");
      }
      if (want->first != table || want->second.label != row.label) {
        return Internal("Verification failed: the destination has " + row.label +
                        " where the source has " + want->second.label + ".");
      }
      if (want->second.text != row.text) {
        return Internal("Verification failed: " + want->second.label +
                        " differs in the destination.");
      }
      p.table = table;
      ++p.done;
      if (progress && p.done % 100 == 0) progress(p);
      return OkStatus();
    });
  });
  std::optional<std::pair<std::string, Row>> missing;
  if (compared.ok()) missing = expected.Pop();
  expected.Cancel();  // the source's walk stops at its next record, if it has not ended
  source.join();
  RETURN_IF_ERROR(compared);
  RETURN_IF_ERROR(expected.status());
  if (missing) {
    return Internal("Verification failed: " + missing->second.label +
                    " is missing from the destination.");
  }
  if (progress) progress(p);
  return OkStatus();
}

}  // namespace chime::store
