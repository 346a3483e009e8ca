#include "admin/migrate_store_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "admin/migrate_source.h"
#include "server/store_factory.h"
#include "store/copy/store_copy.h"

namespace chime::admin {
namespace {

struct MigrateOptions {
  std::string from;
  std::string to;
  std::string snapshot_dir;
  int chunk = 500;
};

// Renders progress: a redrawn bar on a terminal, otherwise a plain line whenever the table
// changes or another tenth is done (logs and CI output stay short and readable).
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::string phase) : phase_(std::move(phase)), tty_(::isatty(2)) {}
  ~ProgressPrinter() {
    if (tty_ && drawn_) std::fputc('\n', stderr);
  }

  void operator()(const store::CopyProgress& p) {
    int percent = p.total > 0 ? static_cast<int>(p.done * 100 / p.total) : 100;
    if (tty_) {
      constexpr int kWidth = 30;
      int filled = percent * kWidth / 100;
      std::fprintf(stderr, "\r%s [%s%s] %3d%% %lld/%lld %-18s", phase_.c_str(),
                   std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                   percent, static_cast<long long>(p.done), static_cast<long long>(p.total),
                   p.table.c_str());
      drawn_ = true;
    } else if (p.table != last_table_ || percent / 10 != last_tenth_ || p.done == p.total) {
      if (p.done == last_done_) return;
      std::fprintf(stderr, "%s: %lld/%lld rows (%d%%), %s\n", phase_.c_str(),
                   static_cast<long long>(p.done), static_cast<long long>(p.total), percent,
                   p.table.c_str());
      last_table_ = p.table;
      last_tenth_ = percent / 10;
      last_done_ = p.done;
    }
    std::fflush(stderr);
  }

 private:
  std::string phase_;
  bool tty_;
  bool drawn_ = false;
  std::string last_table_;
  int last_tenth_ = -1;
  int64_t last_done_ = -1;
};

int Fail(const std::string& what, const Status& s) {
  std::fprintf(stderr, "chimed migrate-store: %s: %s\n", what.c_str(), s.message().c_str());
  return 1;
}

std::string DefaultSnapshotDir() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

int RunMigrate(const MigrateOptions& o) {
  auto started = std::chrono::steady_clock::now();
  auto from = MigrateSource::Open(o.from, o.snapshot_dir, [](const std::string& note) {
    std::fprintf(stderr, "chimed migrate-store: %s\n", note.c_str());
  });
  if (!from.ok()) return Fail("cannot open " + server::DescribeStoreUrl(o.from), from.status());
  auto to = server::OpenStoreUrl(o.to);
  if (!to.ok()) return Fail("cannot open " + server::DescribeStoreUrl(o.to), to.status());
  store::Store& source = (*from)->store();
  Status s;
  int64_t written = 0;
  {
    ProgressPrinter progress("copying");
    s = store::CopyStore(source, **to, std::ref(progress), o.chunk, &written);
  }
  // Told apart by what was written, not by the error's code: PostgreSQL's data errors (a
  // string that is not UTF-8, say) are kInvalidArgument too, and may come after chunks landed.
  if (!s.ok() && written == 0) return Fail("nothing was copied", s);
  if (!s.ok()) {
    // Chunks already committed stay: chimed must not serve that database as it is.
    return Fail("copy failed after " + std::to_string(written) +
                    " records; the destination holds a partial copy: drop and create it again, "
                    "then rerun migrate-store",
                s);
  }
  {
    ProgressPrinter progress("verifying");
    s = store::VerifyCopy(source, **to, std::ref(progress));
  }
  from->reset();  // closes the source and removes any snapshot of it
  (*to)->Close();
  if (!s.ok()) return Fail("the copy does not match", s);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "chimed migrate-store: copied and verified %s -> %s in %.1f s\n",
               server::DescribeStoreUrl(o.from).c_str(), server::DescribeStoreUrl(o.to).c_str(),
               seconds);
  return 0;
}

}  // namespace

void AddMigrateStoreCommand(CLI::App& app, const server::ServerConfig& config, int* exit_code) {
  (void)config;  // both stores are named explicitly
  auto options = std::make_shared<MigrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "migrate-store", "Copy every record of one store into another (e.g. SQLite to PostgreSQL)");
  cmd->add_option("--from", options->from, "Source store URL (sqlite:PATH or postgres://...)")
      ->envname("CHIMED_MIGRATE_FROM")
      ->required();
  cmd->add_option("--to", options->to,
                  "Destination store URL, empty (postgres://... or sqlite:PATH); prefer "
                  "CHIMED_MIGRATE_TO when it holds a password")
      ->envname("CHIMED_MIGRATE_TO")
      ->required();
  options->snapshot_dir = DefaultSnapshotDir();
  cmd->add_option("--snapshot-dir", options->snapshot_dir,
                  "Where a SQLite source at an older schema is copied and upgraded (it needs "
                  "the source's size; removed afterwards)")
      ->capture_default_str();
  cmd->add_option("--chunk", options->chunk, "Rows per destination transaction")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->callback([exit_code, options] { *exit_code = RunMigrate(*options); });
}

}  // namespace chime::admin
