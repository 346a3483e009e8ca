// The server over real loopback sockets: strict framing answered with 400 and a closed
// connection, the size limits, pipelining order, deadlines and connection limits.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace chime::http {
namespace {

using namespace std::string_literals;

// A blocking loopback client with a receive timeout, speaking raw bytes.
class RawClient {
 public:
  explicit RawClient(uint16_t port, const char* source_ip = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, source_ip, &src.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof(src));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() { ::close(fd_); }

  bool connected() const { return connected_; }
  void Send(const std::string& bytes) {
    (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }

  // Reads one response (head + Content-Length body). nullopt on close or timeout.
  struct Reply {
    int status = 0;
    std::string head;
    std::string body;
  };
  std::optional<Reply> ReadResponse(int timeout_ms = 5000) {
    for (;;) {
      size_t end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        Reply r;
        r.head = buf_.substr(0, end + 4);
        r.status = std::stoi(r.head.substr(9, 3));
        size_t cl = r.head.find("Content-Length: ");
        size_t len = cl == std::string::npos ? 0 : std::stoul(r.head.substr(cl + 16));
        if (buf_.size() >= end + 4 + len) {
          r.body = buf_.substr(end + 4, len);
          buf_.erase(0, end + 4 + len);
          return r;
        }
      }
      if (!Fill(timeout_ms)) return std::nullopt;
    }
  }

  // True when the server closed the connection (EOF or reset) within the timeout.
  bool ClosedByPeer(int timeout_ms = 5000) {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) return false;
      char tmp[4096];
      ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
      if (n <= 0) return true;
    }
  }

 private:
  bool Fill(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char tmp[4096];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    server_ = std::make_unique<Server>(options, [this](Request req, Responder respond) {
      Response r;
      r.body = req.method + " " + req.target + " " + req.body;
      if (req.target == "/via-post") {
        // Answered later through Server::Post from another thread, as admission control starts
        // a queued request.
        handled_.set_value();
        std::lock_guard lock(answerers_mu_);
        answerers_.emplace_back([this, r, respond]() mutable {
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
          server_->Post([r, respond]() mutable { respond(std::move(r)); });
        });
        return;
      }
      if (req.target == "/thread") {
        r.body = std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id()));
        return respond(std::move(r));
      }
      if (req.target == "/slow") {
        // Answer from another thread, later, as the store's commit thread does. Joined in
        // TearDown: like the store's threads in chimed, it must let go of its responder (and so
        // of the session) before the server is destroyed.
        std::lock_guard lock(answerers_mu_);
        answerers_.emplace_back([r, respond]() mutable {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          respond(std::move(r));
        });
        return;
      }
      respond(std::move(r));
    });
    ASSERT_TRUE(server_->Start().ok());
    std::string bound = server_->BoundAddress();
    port_ = static_cast<uint16_t>(std::stoi(bound.substr(bound.rfind(':') + 1)));
    runner_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    {
      std::lock_guard lock(answerers_mu_);
      for (auto& t : answerers_) t.join();
    }
    if (server_) server_->Stop();
    if (runner_.joinable()) runner_.join();
  }

  std::unique_ptr<Server> server_;
  std::thread runner_;
  std::mutex answerers_mu_;
  std::vector<std::thread> answerers_;  // guarded by answerers_mu_
  uint16_t port_ = 0;
  std::promise<void> handled_;
};

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer({});
  RawClient c(port_);
  c.Send(
      "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
      "POST /three HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n");
  auto r1 = c.ReadResponse();
  auto r2 = c.ReadResponse();
  auto r3 = c.ReadResponse();
  ASSERT_TRUE(r1 && r2 && r3);
  EXPECT_EQ(r1->body, "GET /slow ");
  EXPECT_EQ(r2->body, "POST /two abc");
  EXPECT_EQ(r3->body, "POST /three xy");
}

// Each connection stays on one I/O thread, and connections are spread over the threads.
TEST_F(ServerTest, ConnectionsTakeTurnsOverTheThreadsAndStayOnTheirs) {
  StartServer({});  // two threads
  auto threads_of = [&](RawClient& c) {
    std::set<std::string> seen;
    for (int i = 0; i < 5; ++i) {
      c.Send("GET /thread HTTP/1.1\r\nHost: a\r\n\r\n");
      auto r = c.ReadResponse();
      EXPECT_TRUE(r.has_value());
      if (r) seen.insert(r->body);
    }
    return seen;
  };
  RawClient first(port_);
  RawClient second(port_);
  const auto on_first = threads_of(first);
  const auto on_second = threads_of(second);
  ASSERT_EQ(on_first.size(), 1u);
  ASSERT_EQ(on_second.size(), 1u);
  EXPECT_NE(*on_first.begin(), *on_second.begin());
}

// Stop() while a request on the second I/O thread waits for work posted to the first one (the
// first has only an idle connection): the first thread keeps running until the others are done,
// so the request is answered and Run() returns.
TEST_F(ServerTest, StopWaitsForWorkPostedToTheFirstThread) {
  StartServer({});
  RawClient idle(port_);  // accepted onto the first thread
  ASSERT_TRUE(idle.connected());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  RawClient busy(port_);  // onto the second
  busy.Send("GET /via-post HTTP/1.1\r\nHost: a\r\n\r\n");
  handled_.get_future().wait();
  server_->Stop();
  auto r = busy.ReadResponse();
  ASSERT_TRUE(r.has_value()) << "the request was never answered";
  EXPECT_EQ(r->body, "GET /via-post ");
  auto finished = std::async(std::launch::async, [this] { runner_.join(); });
  ASSERT_EQ(finished.wait_for(std::chrono::seconds(5)), std::future_status::ready)
      << "Run() did not return after Stop()";
}

TEST_F(ServerTest, BrokenFramingIsAnswered400AndClosed) {
  StartServer({});
  const std::string cases[] = {
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: "
      "chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nabc",
      "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
      "GET / HTTP/1.1\nHost: a\n\n",
      "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"s,
      "GET / HTTP/1.1\r\n\r\n",
      // A Transfer-Encoding field in a chunked body's trailer (found by fuzz_http_request).
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"N\"\r\n0\r\n"
      "Transfer-Encoding: chunked\r\n\r\n",
      // A chunked body with a malformed chunk size: Beast finds it after the head.
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
  };
  for (const auto& bytes : cases) {
    RawClient c(port_);
    // A valid request follows each bad one: it must never be answered.
    c.Send(bytes + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n");
    auto r = c.ReadResponse();
    ASSERT_TRUE(r) << bytes;
    EXPECT_EQ(r->status, 400) << bytes;
    EXPECT_NE(r->head.find("Connection: close"), std::string::npos) << r->head;
    EXPECT_NE(r->body.find("\"Code\":\"BadRequest\""), std::string::npos) << r->body;
    EXPECT_TRUE(c.ClosedByPeer()) << bytes;
  }
}

TEST_F(ServerTest, SizeLimitsAnswer413_431_414AndClose) {
  ServerOptions o;
  o.max_body_bytes = 1000;
  o.max_header_bytes = 2000;
  o.max_header_count = 10;
  o.max_uri_bytes = 500;
  StartServer(o);
  struct Case {
    std::string bytes;
    int status;
  };
  std::string fields;
  for (int i = 0; i < 11; ++i) fields += "X-" + std::to_string(i) + ": v\r\n";
  const Case cases[] = {
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n", 413},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n" +
           std::string(1001, 'x') + "\r\n0\r\n\r\n",
       413},
      {"GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(2000, 'v') + "\r\n\r\n", 431},
      {"GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n", 431},
      {"GET /" + std::string(500, 'u') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
  };
  for (const auto& c : cases) {
    RawClient client(port_);
    client.Send(c.bytes);
    auto r = client.ReadResponse();
    ASSERT_TRUE(r) << c.status;
    EXPECT_EQ(r->status, c.status);
    EXPECT_TRUE(client.ClosedByPeer());
  }
  // Just under the limits is served.
  RawClient ok(port_);
  ok.Send("POST /" + std::string(400, 'u') +
          " HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'b'));
  auto r = ok.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, HeaderDeadlineClosesTricklingConnections) {
  ServerOptions o;
  o.header_timeout_seconds = 1;
  o.idle_timeout_seconds = 1;
  StartServer(o);
  RawClient silent(port_);
  RawClient trickle(port_);
  auto start = std::chrono::steady_clock::now();
  trickle.Send("GET / HTTP/1.1\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  trickle.Send("Host: a\r\n");  // progress does not extend the deadline
  EXPECT_TRUE(silent.ClosedByPeer(3000));
  EXPECT_TRUE(trickle.ClosedByPeer(3000));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
  // Meanwhile a normal client is served.
  RawClient normal(port_);
  normal.Send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  auto r = normal.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // ...and closed once idle for longer than the idle timeout.
  EXPECT_TRUE(normal.ClosedByPeer(3000));
}

TEST_F(ServerTest, ConnectionsPerClientAreLimited) {
  ServerOptions o;
  o.max_connections_per_client = 2;
  StartServer(o);
  RawClient a(port_), b(port_);
  a.Send("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
  b.Send("GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(a.ReadResponse() && b.ReadResponse());
  RawClient third(port_);
  EXPECT_TRUE(third.ClosedByPeer());
  // Another address on the loopback has its own allowance.
  RawClient other(port_, "127.0.0.2");
  other.Send("GET /c HTTP/1.1\r\nHost: a\r\n\r\n");
  auto r = other.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, TotalConnectionsAreLimited) {
  ServerOptions o;
  o.max_connections = 1;
  StartServer(o);
  RawClient a(port_);
  a.Send("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(a.ReadResponse());
  RawClient b(port_, "127.0.0.3");
  EXPECT_TRUE(b.ClosedByPeer());
}

}  // namespace
}  // namespace chime::http
