#include "api/operation.h"

#include <array>

namespace chime::api {
namespace {

// Bits: one per Code that a model may list beyond the seven every operation lists.
constexpr uint32_t Bit(Code c) { return 1u << static_cast<int>(c); }
// Every account/user operation lists these (GetGlobalSettings/UpdateGlobalSettings lack
// NotFound; handled in the table).
constexpr uint32_t kCommon = Bit(Code::kInvalidArgument) | Bit(Code::kUnauthenticated) |
                             Bit(Code::kPermissionDenied) | Bit(Code::kNotFound) |
                             Bit(Code::kResourceExhausted) | Bit(Code::kInternal) |
                             Bit(Code::kUnavailable);

struct OpInfo {
  std::string_view name;
  uint32_t errors;
};

constexpr std::array<OpInfo, static_cast<size_t>(Op::kCount)> kOps{{
    {"CreateAccount", kCommon},
    {"GetAccount", kCommon},
    {"UpdateAccount", kCommon},
    {"DeleteAccount", kCommon | Bit(Code::kUnprocessable)},
    {"ListAccounts", kCommon},
    {"GetAccountSettings", kCommon},
    {"UpdateAccountSettings", kCommon | Bit(Code::kConflict)},
    {"AssociateSigninDelegateGroupsWithAccount", kCommon},
    {"DisassociateSigninDelegateGroupsFromAccount", kCommon},
    {"CreateUser", kCommon | Bit(Code::kConflict)},
    {"InviteUsers", kCommon},
    {"GetUser", kCommon},
    {"UpdateUser", kCommon},
    {"ListUsers", kCommon},
    {"ResetPersonalPIN", kCommon},
    {"LogoutUser", kCommon},
    {"BatchUpdateUser", kCommon},
    {"BatchSuspendUser", kCommon},
    {"BatchUnsuspendUser", kCommon},
    {"GetUserSettings", kCommon},
    {"UpdateUserSettings", kCommon},
    {"AssociatePhoneNumberWithUser", kCommon},
    {"DisassociatePhoneNumberFromUser", kCommon},
    {"GetRetentionSettings", kCommon},
    {"PutRetentionSettings", kCommon | Bit(Code::kConflict)},
    {"GetGlobalSettings", kCommon & ~Bit(Code::kNotFound)},
    {"UpdateGlobalSettings", kCommon & ~Bit(Code::kNotFound)},
}};

}  // namespace

std::string_view OpName(Op op) { return kOps[static_cast<size_t>(op)].name; }

bool OpListsError(Op op, Code code) {
  return (kOps[static_cast<size_t>(op)].errors & Bit(code)) != 0;
}

}  // namespace chime::api
