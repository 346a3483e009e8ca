// `chimectl import-users` and `chimectl reset-personal-pins`: file handling, progress and the
// summary around the jobs of bulk.h.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "client/cli/bulk.h"
#include "client/cli/command.h"
#include "client/cli/progress.h"

namespace chime::client::cli {
namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void AddFailures(rapidjson::Document& doc, const std::vector<ItemFailure>& failures) {
  auto& a = doc.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const ItemFailure& f : failures) {
    rapidjson::Value item(rapidjson::kObjectType);
    item.AddMember("Line", f.line, a);
    item.AddMember("Email", rapidjson::Value(f.email.c_str(), a), a);
    item.AddMember("Reason", rapidjson::Value(f.reason.c_str(), a), a);
    list.PushBack(std::move(item), a);
  }
  doc.AddMember("Failures", std::move(list), a);
}

// The summary: JSON/table/text documents with --output, and a readable failure list on stderr
// for people when the output is a table or text.
int PrintSummary(CliContext& ctx, std::string_view op, rapidjson::Document& doc,
                 const std::vector<ItemFailure>& failures) {
  AddFailures(doc, failures);
  ctx.Print(op, doc);
  if (ctx.flags.output != "json" && !failures.empty()) {
    std::string text = std::to_string(failures.size()) + " failed:\n";
    for (const ItemFailure& f : failures) {
      text += "  line " + std::to_string(f.line) + " (" + f.email + "): " + f.reason + "\n";
    }
    ctx.WriteErr(text);
  }
  return failures.empty() ? kExitOk : kExitPartialFailure;
}

ProgressHooks Hooks(CliContext& ctx, std::unique_ptr<Progress>& progress, const char* label) {
  ProgressHooks hooks;
  hooks.start = [&ctx, &progress, label](int total) {
    progress = std::make_unique<Progress>(label, total, isatty(STDERR_FILENO) == 1,
                                          !ctx.flags.no_progress, SystemClock::Get(),
                                          [&ctx](std::string_view text) { ctx.WriteErr(text); });
  };
  hooks.done = [&progress](std::string_view outcome) {
    if (progress) progress->Done(outcome);
  };
  return hooks;
}

}  // namespace

void AddBulkCommands(Registry& reg) {
  reg.Add("import-users",
          "Creates (or invites) every user of a CSV file in an account, concurrently.\n"
          "The first line names the columns: email (required), username, user_type. Users\n"
          "whose email is already in the account are skipped, so an interrupted import can\n"
          "simply be run again. Bad rows and failed calls are listed at the end with their\n"
          "line and reason; the exit code is then 1.")
      .Positional("file", "The CSV file.")
      .Required("--account-id", "The Amazon Chime account ID.")
      .Switch("--invite", "Invite the users (InviteUsers, 50 per call) instead of CreateUser.")
      .Int("--concurrency", "Calls in flight at once (default 8, at most 64).")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        auto text = ReadFile(c.Str("file"));
        if (!text) return ctx.UsageError("cannot read " + c.Str("file"));
        ImportOptions o{c.Str("--account-id"), c.On("--invite"),
                        std::clamp(c.OptInt("--concurrency").value_or(8), 1, 64)};
        std::unique_ptr<Progress> progress;
        auto summary = ImportUsers(client, *text, o, Hooks(ctx, progress, "import-users"));
        if (progress) progress->Finish();
        if (!summary.ok()) {
          if (summary.error().name == "CsvError") {
            return ctx.UsageError(c.Str("file") + ": " + summary.error().message);
          }
          return ctx.ReportError("ListUsers", summary.error());
        }
        rapidjson::Document doc;
        doc.SetObject();
        auto& a = doc.GetAllocator();
        doc.AddMember("Rows", summary->rows, a);
        doc.AddMember("Created", summary->created, a);
        doc.AddMember("Invited", summary->invited, a);
        doc.AddMember("Skipped", summary->skipped, a);
        doc.AddMember("Failed", static_cast<int>(summary->failures.size()), a);
        return PrintSummary(ctx, "ImportUsers", doc, summary->failures);
      });

  reg.Add("reset-personal-pins",
          "Resets the personal meeting PIN of many users of an account, concurrently: those\n"
          "whose emails are listed in a file (one per line, '#' comments), or --all. New\n"
          "PINs are not printed; users see theirs with get-user.")
      .Required("--account-id", "The Amazon Chime account ID.")
      .Optional("--user-email-file", "File with one user email address per line.")
      .Switch("--all", "Reset the PIN of every user of the account.")
      .Int("--concurrency", "Calls in flight at once (default 8, at most 64).")
      .Run([](Command& c, Client& client, CliContext& ctx) {
        bool all = c.On("--all");
        auto file = c.Opt("--user-email-file");
        if (all == file.has_value()) {
          return ctx.UsageError("give exactly one of --user-email-file and --all");
        }
        ResetPinsOptions o{c.Str("--account-id"), std::nullopt,
                           std::clamp(c.OptInt("--concurrency").value_or(8), 1, 64)};
        if (file) {
          o.email_file_text = ReadFile(*file);
          if (!o.email_file_text) return ctx.UsageError("cannot read " + *file);
        }
        std::unique_ptr<Progress> progress;
        auto summary = ResetPersonalPins(client, o, Hooks(ctx, progress, "reset-personal-pins"));
        if (progress) progress->Finish();
        if (!summary.ok()) return ctx.ReportError("ListUsers", summary.error());
        rapidjson::Document doc;
        doc.SetObject();
        auto& a = doc.GetAllocator();
        doc.AddMember("Targets", summary->targets, a);
        doc.AddMember("Reset", summary->reset, a);
        doc.AddMember("Failed", static_cast<int>(summary->failures.size()), a);
        return PrintSummary(ctx, "ResetPersonalPins", doc, summary->failures);
      });
}

}  // namespace chime::client::cli
