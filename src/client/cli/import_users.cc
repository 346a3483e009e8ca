#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "client/cli/bulk.h"
#include "client/cli/csv.h"
#include "client/paginators.h"

namespace chime::client::cli {
namespace {

constexpr size_t kInviteBatch = 50;  // the model's UserEmailList limit

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

// "User Type" -> "usertype".
std::string ColumnKey(std::string_view s) {
  std::string out;
  for (char c : Lower(Trim(s))) {
    if (c != '_' && c != ' ' && c != '-') out.push_back(c);
  }
  return out;
}

struct Columns {
  int email = -1;
  int username = -1;
  int user_type = -1;
  size_t count = 0;
};

Result<Columns> ReadHeader(const CsvRecord& header) {
  Columns cols;
  cols.count = header.fields.size();
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string key = ColumnKey(header.fields[i]);
    int* slot = key == "email" || key == "primaryemail" ? &cols.email
                : key == "username"                     ? &cols.username
                : key == "usertype"                     ? &cols.user_type
                                                        : nullptr;
    if (slot == nullptr || *slot != -1) {
      return MakeLocalError(ErrorKind::kInvalidParameter, "CsvError",
                            "line " + std::to_string(header.line) + ": " +
                                (slot ? "duplicate" : "unknown") + " column '" + header.fields[i] +
                                "' (the header must name the columns email, username, user_type)");
    }
    *slot = static_cast<int>(i);
  }
  if (cols.email < 0) {
    return MakeLocalError(
        ErrorKind::kInvalidParameter, "CsvError",
        "line " + std::to_string(header.line) + ": the header has no 'email' column");
  }
  return cols;
}

struct Row {
  int line;
  std::string email;
  std::optional<std::string> username;
  std::optional<std::string> user_type;
};

std::optional<std::string> Field(const CsvRecord& r, int col) {
  if (col < 0) return std::nullopt;
  std::string v = Trim(r.fields[col]);
  if (v.empty()) return std::nullopt;
  return v;
}

// Validates one record; returns the reason it is bad, or empty.
std::string Validate(const CsvRecord& r, const Columns& cols, Row* row) {
  if (r.fields.size() != cols.count) {
    return "expected " + std::to_string(cols.count) + " fields, found " +
           std::to_string(r.fields.size());
  }
  row->line = r.line;
  row->email = Field(r, cols.email).value_or("");
  row->username = Field(r, cols.username);
  row->user_type = Field(r, cols.user_type);
  if (row->email.empty()) return "email is empty";
  if (!LooksLikeEmail(row->email)) return "invalid email address '" + row->email + "'";
  if (row->user_type && *row->user_type != "PrivateUser" && *row->user_type != "SharedDevice") {
    return "invalid user_type '" + *row->user_type + "' (PrivateUser or SharedDevice)";
  }
  return "";
}

std::string Reason(const Error& e) { return e.name + ": " + e.message; }

}  // namespace

Result<ImportSummary> ImportUsers(Client& client, std::string_view csv_text,
                                  const ImportOptions& options, const ProgressHooks& hooks) {
  CLIENT_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(csv_text));
  if (records.empty()) {
    return MakeLocalError(ErrorKind::kInvalidParameter, "CsvError", "the file is empty");
  }
  CLIENT_ASSIGN_OR_RETURN(Columns cols, ReadHeader(records[0]));

  ImportSummary summary;
  summary.rows = static_cast<int>(records.size()) - 1;
  std::vector<Row> rows;
  std::unordered_map<std::string, int> first_line;  // lowercased email -> line
  for (size_t i = 1; i < records.size(); ++i) {
    Row row{records[i].line, "", {}, {}};
    std::string bad = Validate(records[i], cols, &row);
    if (bad.empty()) {
      auto [it, fresh] = first_line.emplace(Lower(row.email), row.line);
      if (!fresh) bad = "duplicate of line " + std::to_string(it->second);
    }
    if (!bad.empty()) {
      std::string email = cols.email < static_cast<int>(records[i].fields.size())
                              ? Trim(records[i].fields[cols.email])
                              : "";
      summary.failures.push_back({records[i].line, email, bad});
      continue;
    }
    rows.push_back(std::move(row));
  }

  CLIENT_ASSIGN_OR_RETURN(
      std::vector<User> existing,
      ListAllUsers(client, ListUsersRequest{options.account_id, {}, {}, 200, {}}));
  std::unordered_set<std::string> present;
  for (const User& u : existing) {
    if (u.primary_email) present.insert(Lower(*u.primary_email));
  }

  if (hooks.start) hooks.start(summary.rows);
  auto done = [&](std::string_view outcome) {
    if (hooks.done) hooks.done(outcome);
  };
  for (size_t i = 0; i < summary.failures.size(); ++i) done("failed");

  std::vector<Row> todo;
  for (Row& row : rows) {
    if (present.count(Lower(row.email))) {
      ++summary.skipped;
      done("skipped");
    } else {
      todo.push_back(std::move(row));
    }
  }

  std::mutex mu;
  if (!options.invite) {
    ParallelFor(static_cast<int>(todo.size()), options.concurrency, [&](int i) {
      const Row& row = todo[i];
      auto user = client.CreateUser({options.account_id, row.username, row.email, row.user_type});
      std::lock_guard lock(mu);
      if (user.ok()) {
        ++summary.created;
        done("created");
      } else if (user.error().kind == ErrorKind::kConflict) {
        ++summary.skipped;  // created meanwhile (a concurrent or interrupted earlier run)
        done("skipped");
      } else {
        summary.failures.push_back({row.line, row.email, Reason(user.error())});
        done("failed");
      }
    });
  } else {
    // One InviteUsers call per batch of up to 50 emails of the same user type.
    std::map<std::string, std::vector<const Row*>> by_type;
    for (const Row& row : todo) by_type[row.user_type.value_or("")].push_back(&row);
    std::vector<std::pair<std::string, std::vector<const Row*>>> batches;
    for (auto& [type, list] : by_type) {
      for (size_t i = 0; i < list.size(); i += kInviteBatch) {
        batches.emplace_back(
            type, std::vector<const Row*>(list.begin() + i,
                                          list.begin() + std::min(list.size(), i + kInviteBatch)));
      }
    }
    ParallelFor(static_cast<int>(batches.size()), options.concurrency, [&](int b) {
      const auto& [type, batch] = batches[b];
      InviteUsersRequest req{options.account_id, {}, std::nullopt};
      if (!type.empty()) req.user_type = type;
      for (const Row* r : batch) req.user_email_list.push_back(r->email);
      auto invites = client.InviteUsers(req);
      std::lock_guard lock(mu);
      std::unordered_map<std::string, const Invite*> by_email;
      if (invites.ok()) {
        for (const Invite& inv : *invites) {
          if (inv.email_address) by_email[Lower(*inv.email_address)] = &inv;
        }
      }
      for (const Row* r : batch) {
        if (!invites.ok()) {
          summary.failures.push_back({r->line, r->email, Reason(invites.error())});
          done("failed");
          continue;
        }
        auto it = by_email.find(Lower(r->email));
        if (it != by_email.end() && it->second->status == "Failed") {
          summary.failures.push_back({r->line, r->email, "invitation failed"});
          done("failed");
        } else {
          ++summary.invited;
          done("invited");
        }
      }
    });
  }
  std::sort(summary.failures.begin(), summary.failures.end(),
            [](const ItemFailure& a, const ItemFailure& b) { return a.line < b.line; });
  return summary;
}

}  // namespace chime::client::cli
