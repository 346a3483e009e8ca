#include "store/store.h"

#include <future>
#include <memory>

#include "common/log.h"
#include "model/lifecycle.h"
#include "model/pin.h"

namespace chime::store {

StatusOr<model::User> Tx::ResetPin(const PinResetAudit& audit, RandomSource& random,
                                   int max_attempts) {
  RETURN_IF_ERROR(GetAccount(audit.account_id).status());
  ASSIGN_OR_RETURN(model::User user, GetUser(audit.account_id, audit.user_id));
  RETURN_IF_ERROR(model::CheckPinReset(user));
  const std::string previous = user.personal_pin;
  ASSIGN_OR_RETURN(user.personal_pin,
                   model::AllocatePin(
                       random, [this](const std::string& pin) { return PinTaken(pin); }, previous,
                       max_attempts));
  RETURN_IF_ERROR(RetirePin(previous, audit.at_ms));
  RETURN_IF_ERROR(UpdateUser(user));
  RETURN_IF_ERROR(InsertPinResetAudit(audit));
  return user;
}

void Store::ResetPin(PinResetAudit audit, std::optional<AccessKeyCheck> key, RandomSource& random,
                     UserDoneFn done) {
  auto user = std::make_shared<std::optional<model::User>>();
  Write(
      [audit = std::move(audit), key = std::move(key), &random, user](Tx& tx) -> Status {
        if (key) RETURN_IF_ERROR(CheckAccessKey(tx, *key));
        ASSIGN_OR_RETURN(*user, tx.ResetPin(audit, random));
        return OkStatus();
      },
      [user, done = std::move(done)](Status status) {
        FinishReset(std::move(status), *user, done);
      });
}

void FinishReset(Status status, std::optional<model::User>& user, const UserDoneFn& done) {
  if (status.ok() && !user.has_value()) {
    LOG_ERROR("store ResetPin committed without a user");
    status = Internal("Internal data store error.");
  }
  if (!status.ok()) return done(std::move(status));
  done(std::move(*user));
}

StatusOr<std::optional<AccessKeyRecord>> FindAccessKey(Tx& tx, const std::string& access_key_id) {
  auto record = tx.GetAccessKey(access_key_id);
  if (record.ok()) return std::optional<AccessKeyRecord>(std::move(*record));
  if (record.status().code() == Code::kNotFound) return std::optional<AccessKeyRecord>();
  return record.status();
}

bool KeyRowMatches(const AccessKeyRecord& row, const AccessKeyCheck& check) {
  return row.enabled && row.encrypted_secret == check.encrypted_secret &&
         row.session_token_hash.value_or("") == check.session_token_hash.value_or("") &&
         row.policy_json == check.policy_json;
}

Status CheckAccessKey(Tx& tx, const AccessKeyCheck& check) {
  ASSIGN_OR_RETURN(std::optional<AccessKeyRecord> rec, FindAccessKey(tx, check.access_key_id));
  if (!rec || !KeyRowMatches(*rec, check)) {
    return KeyChanged("The access key changed after the request was admitted.");
  }
  return OkStatus();
}

StatusOr<std::optional<AccessKeyRecord>> Store::ReadAccessKey(const std::string& access_key_id) {
  std::optional<AccessKeyRecord> found;
  RETURN_IF_ERROR(Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(found, FindAccessKey(tx, access_key_id));
    return OkStatus();
  }));
  return found;
}

Status Store::WriteAndWait(TxFn fn) {
  std::promise<Status> promise;
  auto result = promise.get_future();
  Write(std::move(fn), [&promise](Status s) { promise.set_value(std::move(s)); });
  return result.get();
}

}  // namespace chime::store
