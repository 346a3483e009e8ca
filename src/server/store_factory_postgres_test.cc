// --pg-read-connections reaches the PostgreSQL store the factory opens, and its default is the
// store's.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "server/config.h"
#include "server/store_factory.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_test_server.h"

namespace chime::server {
namespace {

TEST(StoreFactoryPostgresTest, TheReadConnectionsFlagDefaultsToTheStoresDefault) {
  EXPECT_EQ(ServerConfig().pg_read_connections,
            store::postgres::PgStoreOptions().max_read_connections);
  CLI::App app;
  ServerConfig config;
  AddServeFlags(app, config);
  EXPECT_THROW(app.parse("--pg-read-connections 0", false), CLI::ValidationError);
}

// Read connections open after four reads that overlap, with the flag at `limit`.
int ReadConnectionsAfterOverlappingReads(int limit) {
  auto url = store::postgres::PgTestServer::Get().NewDatabase();
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  if (!url.ok()) return -1;
  CLI::App app;
  ServerConfig config;
  AddServeFlags(app, config);
  app.parse("--pg-read-connections " + std::to_string(limit), false);
  auto opened = OpenStoreUrl(*url, config);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return -1;
  std::vector<std::future<Status>> reads;
  for (int i = 0; i < 4; ++i) {
    reads.push_back(std::async(std::launch::async, [&] {
      return (*opened)->Read([](store::Tx& tx) -> Status {
        Status s = tx.GetDocument("k", "v").status();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // holding the connection
        return s;
      });
    }));
  }
  for (auto& r : reads) EXPECT_TRUE(r.get().ok());
  auto* pg = dynamic_cast<store::postgres::PgStore*>(opened->get());
  EXPECT_NE(pg, nullptr);
  const int open = pg == nullptr ? -1 : pg->stats().read_connections;
  (*opened)->Close();
  return open;
}

TEST(StoreFactoryPostgresTest, TheReadConnectionsFlagBoundsThePool) {
  const std::string& why = store::postgres::PgTestServer::Get().unavailable();
  if (!why.empty()) GTEST_SKIP() << "POSTGRES-UNAVAILABLE: " << why;
  EXPECT_EQ(ReadConnectionsAfterOverlappingReads(1), 1);
  EXPECT_EQ(ReadConnectionsAfterOverlappingReads(4), 4);
}

}  // namespace
}  // namespace chime::server
