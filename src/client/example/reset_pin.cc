// reset_pin ENDPOINT ACCOUNT_ID USER_ID: the README's example, resetting one user's PIN.
// Credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID, ~/.aws/credentials, ...).
#include <iostream>

#include "client/client.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: reset_pin ENDPOINT ACCOUNT_ID USER_ID\n";
    return 2;
  }
  chime::client::ClientOptions options;
  options.endpoint_url = argv[1];
  auto client = chime::client::Client::Create(options);
  if (!client.ok()) {
    std::cerr << client.error().ToString() << "\n";
    return 1;
  }
  auto user = (*client)->ResetPersonalPin({.account_id = argv[2], .user_id = argv[3]});
  if (!user.ok()) {
    const chime::client::Error& e = user.error();
    if (e.kind == chime::client::ErrorKind::kNotFound) std::cerr << "no such user\n";
    std::cerr << e.ToString() << "\n";
    return 1;
  }
  std::cout << user->user_id << " has a new PIN\n";  // user->personal_pin holds it
  return 0;
}
