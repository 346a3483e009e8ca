#include "http/server.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/event_loop.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "http/asio_event_loop.h"
#include "http/framing.h"
#include "http/response_bytes.h"

namespace chime::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
// Each connection runs on the io_context of one I/O thread, which only that thread runs: its
// handlers never run concurrently, so it needs no strand. The executor is named by its concrete
// type: beast::tcp_stream's type-erased any_io_executor allocated (and reference-counted) a
// copy of it for every asynchronous operation and every handler, a dozen allocations per
// request.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor>;

class Session;

// Sessions register themselves so Stop() can close the idle ones.
// It also counts connections per peer address, for the connection limits.
struct Registry {
  std::mutex mu;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;
  std::unordered_map<std::string, int> per_client;
  int total = 0;
  bool stopping = false;

  // Counts a new connection from `client`; false (nothing counted) when a limit is reached.
  bool TryOpen(const std::string& client, const ServerOptions& options) {
    std::lock_guard lock(mu);
    if (stopping || total >= options.max_connections) return false;
    int& n = per_client[client];
    if (n >= options.max_connections_per_client) {
      if (n == 0) per_client.erase(client);
      return false;
    }
    ++n;
    ++total;
    return true;
  }

  void Closed(const std::string& client) {
    std::lock_guard lock(mu);
    --total;
    auto it = per_client.find(client);
    if (it != per_client.end() && --it->second <= 0) per_client.erase(it);
  }
};

Request ToRequest(bhttp::request<bhttp::string_body>&& in, const std::string& remote) {
  Request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  out.headers.reserve(16);
  for (const auto& field : in) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(in.body());
  out.remote_address = remote;
  return out;
}

// One connection: read a request, hand it to the handler, write the response, repeat.
// Requests on one connection are answered strictly in order: the next request (perhaps already
// pipelined into buffer_) is read only after the previous response was written.
//
// Reading a request has two phases. The head is read with read_some into buffer_ and checked
// by CheckRequestHead (strict framing, 414/431 limits) under the header deadline; only then is
// Beast's parser run on the buffered head and the body read, under the body deadline.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket&& socket, std::string remote, const ServerOptions& options, const Handler& handler,
          Registry& registry)
      : stream_(std::move(socket)),
        options_(options),
        handler_(handler),
        registry_(registry),
        remote_(std::move(remote)) {
    limits_.max_header_bytes = options.max_header_bytes;
    limits_.max_header_count = options.max_header_count;
    limits_.max_uri_bytes = options.max_uri_bytes;
  }

  void Start() {
    {
      std::lock_guard lock(registry_.mu);
      registry_.sessions.insert(weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

  ~Session() {
    {
      std::lock_guard lock(registry_.mu);
      registry_.sessions.erase(weak_from_this());
    }
    registry_.Closed(remote_);
  }

  // Called on shutdown: an idle connection closes now, a busy one after its response.
  void Shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->busy_) self->Close();
    });
  }

 private:
  void Read() {
    if (closing_) return Close();
    parser_.emplace();
    // CheckRequestHead enforces the head limit; Beast's own limit is only a backstop.
    parser_->header_limit(options_.max_header_bytes + 1);
    parser_->body_limit(options_.max_body_bytes);
    // A connection's first request gets the header deadline from the accept; later ones may
    // idle first, and the deadline starts with their first byte.
    head_deadline_set_ = first_request_;
    stream_.expires_after(std::chrono::seconds(first_request_ ? options_.header_timeout_seconds
                                                              : options_.idle_timeout_seconds));
    ScanHead(/*new_bytes=*/std::string_view(), /*force=*/true);
  }

  // Checks the buffered head; reads more when it is incomplete.
  void ScanHead(std::string_view new_bytes, bool force) {
    if (buffer_.size() > 0) {
      if (!head_deadline_set_) {
        head_deadline_set_ = true;
        stream_.expires_after(std::chrono::seconds(options_.header_timeout_seconds));
      }
      // Rescanning is only needed when a line may have ended, a NUL arrived or a size limit
      // may have been crossed; this keeps a byte-at-a-time sender from costing quadratic time.
      // (Two memchr scans: find_first_of calls memchr on its set once per byte.)
      auto has = [&](char c) {
        return std::memchr(new_bytes.data(), c, new_bytes.size()) != nullptr;
      };
      bool worth_scanning = force || (!new_bytes.empty() && (has('\n') || has('\0'))) ||
                            buffer_.size() > limits_.max_header_bytes ||
                            buffer_.size() > limits_.max_uri_bytes;
      if (worth_scanning) {
        auto data = buffer_.cdata();
        HeadCheck check = CheckRequestHead(
            std::string_view(static_cast<const char*>(data.data()), data.size()), limits_);
        if (check.verdict == HeadVerdict::kOk) return ReadMessage();
        if (check.verdict != HeadVerdict::kNeedMore) return RejectHead(check);
      }
    }
    auto space = buffer_.prepare(4096);
    stream_.async_read_some(space, [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->OnHeadBytes(ec, n);
    });
  }

  void OnHeadBytes(beast::error_code ec, size_t n) {
    if (ec) return Close();  // peer closed, reset, or the header/idle deadline passed
    buffer_.commit(n);
    auto data = buffer_.cdata();
    std::string_view all(static_cast<const char*>(data.data()), data.size());
    ScanHead(all.substr(all.size() - n), /*force=*/false);
  }

  // The head in buffer_ passed CheckRequestHead: let Beast parse it and read the body.
  void ReadMessage() {
    stream_.expires_after(std::chrono::seconds(options_.body_timeout_seconds));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == bhttp::error::partial_message) {
      return Close();
    }
    if (ec) return RejectMalformed(ec);
    first_request_ = false;
    busy_ = true;
    stream_.expires_never();
    auto raw = parser_->release();
    version_ = raw.version();
    keep_alive_ = raw.keep_alive();
    Request request = ToRequest(std::move(raw), remote_);
    // The guard keeps io_context::run() alive while the handler (perhaps the store's commit
    // thread) owns the request, so shutdown waits for in-flight work.
    auto guard = asio::prefer(stream_.get_executor(), asio::execution::outstanding_work.tracked);
    auto self = shared_from_this();
    Responder respond = [self, guard](Response response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response));
      });
    };
    try {
      handler_(std::move(request), std::move(respond));
    } catch (const std::exception& e) {
      // Defensive: handlers report errors as values; this keeps a bug from killing the process.
      LOG_ERROR("handler threw: " << e.what());
    }
  }

  void RejectHead(const HeadCheck& check) {
    switch (check.verdict) {
      case HeadVerdict::kHeaderTooLarge:
        return Reject(431, check.reason);
      case HeadVerdict::kUriTooLong:
        return Reject(414, check.reason);
      default:
        return Reject(400, check.reason);
    }
  }

  // Errors Beast found while parsing or reading the body.
  void RejectMalformed(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return Reject(413, "the request body is too large");
    if (ec == bhttp::error::header_limit) return Reject(431, "the request header is too large");
    Reject(400, "malformed HTTP request");
  }

  // Answers once and closes, as RFC 9112 asks for broken framing: nothing after the error can
  // be trusted to start where the client thinks the next request starts.
  void Reject(int status, std::string_view reason) {
    Response r;
    r.status = status;
    r.close = true;
    r.SetHeader("Content-Type", "application/json");
    r.SetHeader("x-amzn-ErrorType", "BadRequestException");
    std::string message(reason);
    if (!message.empty()) message[0] = static_cast<char>(std::toupper(message[0]));
    r.body = R"({"Code":"BadRequest","Message":")" + message + R"(."})";
    busy_ = true;
    keep_alive_ = false;
    lingering_ = true;
    Write(std::move(r));
  }

  void Write(Response response) {
    const bool keep_alive = keep_alive_ && !closing_ && !response.close;
    auto bytes = std::make_shared<const std::string>(ResponseBytes(response, version_, keep_alive));
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
    asio::async_write(
        stream_, asio::buffer(*bytes),
        [self = shared_from_this(), bytes, keep_alive](beast::error_code ec, std::size_t) {
          self->busy_ = false;
          if (ec) return self->Close();
          if (!keep_alive) return self->lingering_ ? self->Linger() : self->Close();
          self->Read();
        });
  }

  // After an error response the client may still be sending (a body we refused). Closing with
  // unread data would reset the connection and could destroy the response in flight, so stop
  // sending, discard input for a moment, then close.
  void Linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    buffer_.clear();
    stream_.expires_after(std::chrono::seconds(2));
    Discard();
  }

  void Discard() {
    stream_.async_read_some(buffer_.prepare(16 << 10),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->discarded_ += n;
                              if (ec || self->discarded_ > (1u << 20)) return self->Close();
                              self->Discard();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  Stream stream_;
  const ServerOptions& options_;
  const Handler& handler_;
  Registry& registry_;
  const std::string remote_;
  HeadLimits limits_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool closing_ = false;
  bool first_request_ = true;
  bool head_deadline_set_ = false;
  bool lingering_ = false;
  size_t discarded_ = 0;
};

}  // namespace

class Server::Impl {
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int threads) {
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    for (int i = 0; i < threads; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
    return contexts;
  }

 public:
  Impl(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        threads_(options_.threads > 0 ? options_.threads
                                      : std::max(1u, std::thread::hardware_concurrency())),
        contexts_(MakeContexts(threads_)),
        acceptor_(contexts_[0]->get_executor()) {
    for (auto& context : contexts_) loops_.push_back(std::make_unique<AsioEventLoop>(*context));
    // Until Stop(): a context without connections would otherwise return from run() at once.
    for (auto& context : contexts_) keep_running_.emplace_back(asio::make_work_guard(*context));
  }

  Status Start() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return InvalidArgument("invalid listen host '" + options_.host + "'");
    tcp::endpoint endpoint{address, options_.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                         ": " + ec.message());
    }
    bound_ = acceptor_.local_endpoint(ec);
    Accept();
    return OkStatus();
  }

  std::string BoundAddress() const {
    return bound_.address().to_string() + ":" + std::to_string(bound_.port());
  }

  void Run() {
    std::vector<std::thread> pool;
    std::atomic<int> others_running{threads_ - 1};
    for (int i = 1; i < threads_; ++i) {
      pool.emplace_back([this, i, &others_running] {
        NameThisThread("chimed-io-" + std::to_string(i));
        EventLoop::Scope current(loops_[i].get());
        contexts_[i]->run();
        // The first context, which runs Post()'s work (admission control starting a queued
        // request of any connection), stops last: only once no other context needs it.
        if (--others_running == 0) {
          asio::post(*contexts_[0], [this] { keep_running_[0].reset(); });
        }
      });
    }
    {
      EventLoop::Scope current(loops_[0].get());
      contexts_[0]->run();
    }
    for (auto& t : pool) t.join();
  }

  void Post(std::function<void()> fn) { asio::post(*contexts_[0], std::move(fn)); }

  void Stop() {
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
      // Each other context's run() now returns once its connections are done; the first
      // one's after theirs (Run()).
      for (size_t i = 1; i < keep_running_.size(); ++i) keep_running_[i].reset();
      if (keep_running_.size() == 1) keep_running_[0].reset();
    });
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(registry_.mu);
      registry_.stopping = true;
      for (auto& weak : registry_.sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->Shutdown();
  }

 private:
  void Accept() {
    // Connections go to the threads in turn, and each stays on its thread: its buffers are
    // allocated and freed there, and no other thread wakes for it.
    asio::io_context& context = *contexts_[next_context_];
    next_context_ = (next_context_ + 1) % contexts_.size();
    acceptor_.async_accept(context.get_executor(), [this](beast::error_code ec, Socket s) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        auto peer = s.remote_endpoint(ec);
        std::string remote = ec ? "unknown" : peer.address().to_string();
        if (registry_.TryOpen(remote, options_)) {
          s.set_option(tcp::no_delay(true), ec);
          std::make_shared<Session>(std::move(s), std::move(remote), options_, handler_, registry_)
              ->Start();
        } else {
          // Over a connection limit (or stopping): close at once, before reading anything.
          s.close(ec);
        }
      }
      Accept();
    });
  }

  ServerOptions options_;
  Handler handler_;
  int threads_;
  // Declared before contexts_ so it is destroyed after them: a handler still queued when Run()
  // returns (a Shutdown() posted while a session was closing, say) holds its Session, which
  // the io_context's destructor destroys, and ~Session unregisters itself here. Destroyed
  // first, the registry was used after free (seen under ASan in ServerTest, about 1 run in 150).
  Registry registry_;
  // One per I/O thread, each run by its own thread (concurrency hint 1).
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running_;
  // contexts_[i] as the EventLoop its thread makes current (common/event_loop.h).
  std::vector<std::unique_ptr<AsioEventLoop>> loops_;
  size_t next_context_ = 0;  // the acceptor's thread only
  tcp::acceptor acceptor_;
  tcp::endpoint bound_;
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
std::string Server::BoundAddress() const { return impl_->BoundAddress(); }
void Server::Run() { impl_->Run(); }
void Server::Post(std::function<void()> fn) { impl_->Post(std::move(fn)); }
void Server::Stop() { impl_->Stop(); }

}  // namespace chime::http
