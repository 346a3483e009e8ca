#include "api/operations/operations.h"

namespace chime::api {

OperationHandler HandlerFor(Op op) {
  switch (op) {
    case Op::kCreateAccount: return &CreateAccount;
    case Op::kGetAccount: return &GetAccount;
    case Op::kListAccounts: return &ListAccounts;
    case Op::kCreateUser: return &CreateUser;
    case Op::kGetUser: return &GetUser;
    case Op::kListUsers: return &ListUsers;
    case Op::kResetPersonalPIN: return &ResetPersonalPIN;
    default: return nullptr;
  }
}

}  // namespace chime::api
