#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "client/cli/bulk.h"
#include "client/paginators.h"

namespace chime::client::cli {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

struct Target {
  int line;
  std::string email;
  std::string user_id;
};

}  // namespace

Result<ResetPinsSummary> ResetPersonalPins(Client& client, const ResetPinsOptions& options,
                                           const ProgressHooks& hooks) {
  CLIENT_ASSIGN_OR_RETURN(
      std::vector<User> users,
      ListAllUsers(client, ListUsersRequest{options.account_id, {}, {}, 200, {}}));
  ResetPinsSummary summary;
  std::vector<Target> targets;
  std::vector<ItemFailure> unknown;
  if (!options.email_file_text) {
    for (const User& u : users) targets.push_back({0, u.primary_email.value_or(""), u.user_id});
  } else {
    std::unordered_map<std::string, const User*> by_email;
    for (const User& u : users) {
      if (u.primary_email) by_email[Lower(*u.primary_email)] = &u;
    }
    std::unordered_set<std::string> seen;
    std::string_view text = *options.email_file_text;
    int line = 0;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string entry = Trim(text.substr(0, nl));
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      ++line;
      if (entry.empty() || entry[0] == '#') continue;
      if (!seen.insert(Lower(entry)).second) continue;  // listed twice: reset once
      auto it = by_email.find(Lower(entry));
      if (it == by_email.end()) {
        unknown.push_back(
            {line, entry, "no user with this email in account " + options.account_id});
      } else {
        targets.push_back({line, entry, it->second->user_id});
      }
    }
  }
  summary.targets = static_cast<int>(targets.size() + unknown.size());
  if (hooks.start) hooks.start(summary.targets);
  auto done = [&](std::string_view outcome) {
    if (hooks.done) hooks.done(outcome);
  };
  for (const ItemFailure& f : unknown) {
    summary.failures.push_back(f);
    done("failed");
  }
  std::mutex mu;
  ParallelFor(static_cast<int>(targets.size()), options.concurrency, [&](int i) {
    const Target& t = targets[i];
    auto user = client.ResetPersonalPin({options.account_id, t.user_id});
    std::lock_guard lock(mu);
    if (user.ok()) {
      ++summary.reset;
      done("reset");
    } else {
      summary.failures.push_back(
          {t.line, t.email, user.error().name + ": " + user.error().message});
      done("failed");
    }
  });
  std::sort(summary.failures.begin(), summary.failures.end(),
            [](const ItemFailure& a, const ItemFailure& b) { return a.line < b.line; });
  return summary;
}

}  // namespace chime::client::cli
