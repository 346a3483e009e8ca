// What every chimectl command shares: the global flags, the lazily created client, and the
// way results and errors are printed and turned into exit codes (exit_codes.h).
#pragma once

#include <rapidjson/document.h>

#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/cli/exit_codes.h"
#include "client/client.h"
#include "client/shape_json.h"

namespace chime::client::cli {

struct GlobalFlags {
  std::string endpoint_url;  // empty: the credential chain's endpoint resolution
  std::string profile;
  std::string region;
  std::string output = "json";
  bool debug = false;
  int max_attempts = 0;  // 0: AWS_MAX_ATTEMPTS / profile / 3
  double connect_timeout_s = 60;
  double read_timeout_s = 60;
  bool no_progress = false;
  std::string ca_bundle;
  bool no_verify_ssl = false;
};

class CliContext {
 public:
  CliContext(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  GlobalFlags flags;
  // Tests inject a transport / environment; null uses the real ones.
  std::shared_ptr<HttpTransport> transport;
  const Environment* environment = nullptr;

  // The client for the global flags, created on first use. On failure prints the error and
  // returns nullptr; exit_code() then says why.
  Client* GetClient();
  int exit_code() const { return exit_code_; }

  // Prints `{member: value}` in the --output format, or the error; returns the exit code.
  template <typename T>
  int Emit(std::string_view op, const Result<T>& result, const char* member) {
    if (!result.ok()) return ReportError(op, result.error());
    rapidjson::Document doc;
    doc.SetObject();
    doc.AddMember(rapidjson::StringRef(member), ToJson(*result, doc.GetAllocator()),
                  doc.GetAllocator());
    return Print(op, doc);
  }
  template <typename T>
  int EmitList(std::string_view op, const Result<std::vector<T>>& result, const char* member) {
    if (!result.ok()) return ReportError(op, result.error());
    rapidjson::Document doc;
    doc.SetObject();
    rapidjson::Value list(rapidjson::kArrayType);
    for (const auto& item : *result)
      list.PushBack(ToJson(item, doc.GetAllocator()), doc.GetAllocator());
    doc.AddMember(rapidjson::StringRef(member), std::move(list), doc.GetAllocator());
    return Print(op, doc);
  }
  int EmitEmpty(std::string_view op, const Result<Empty>& result) {
    return result.ok() ? kExitOk : ReportError(op, result.error());
  }
  int Print(std::string_view op, const rapidjson::Value& doc);

  // "An error occurred (NotFoundException) when calling the GetUser operation: ..." on stderr,
  // as the AWS CLI words it; returns the exit code for the error.
  int ReportError(std::string_view op, const Error& error);
  // Prints a usage problem and returns kExitUsage.
  int UsageError(const std::string& message);

  // Thread-safe writes to stderr (progress bars, debug lines from worker threads).
  void WriteErr(std::string_view text);
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

 private:
  std::ostream& out_;
  std::ostream& err_;
  std::mutex err_mu_;
  std::unique_ptr<Client> client_;
  int exit_code_ = kExitOk;
};

// The exit code for an error (exit_codes.h).
int ExitCodeFor(const Error& error);

}  // namespace chime::client::cli
