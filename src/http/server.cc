#include "http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/log.h"

namespace chime::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

class Session;

// Sessions register themselves so Stop() can close the idle ones.
struct Registry {
  std::mutex mu;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;
  bool stopping = false;
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

bhttp::response<bhttp::string_body> ToBeast(Response&& in, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(in.status), version};
  for (auto& [k, v] : in.headers) out.insert(k, v);
  out.set(bhttp::field::server, "chimed");
  out.body() = std::move(in.body);
  out.keep_alive(keep_alive && !in.close);
  out.prepare_payload();
  return out;
}

// One connection: read a request, hand it to the handler, write the response, repeat.
// Requests on one connection are answered strictly in order (no pipelining overlap).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const ServerOptions& options, const Handler& handler,
          Registry& registry)
      : stream_(std::move(socket)), options_(options), handler_(handler), registry_(registry) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "unknown" : ep.address().to_string();
  }

  void Start() {
    {
      std::lock_guard lock(registry_.mu);
      registry_.sessions.insert(weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

  ~Session() {
    std::lock_guard lock(registry_.mu);
    registry_.sessions.erase(weak_from_this());
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
    parser_->header_limit(options_.max_header_bytes);
    parser_->body_limit(options_.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(first_request_ ? options_.header_timeout_seconds
                                                              : options_.idle_timeout_seconds));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->OnRead(ec);
                      });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
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
      asio::post(self->stream_.get_executor(),
                 [self, response = std::move(response)]() mutable {
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

  // Framing or size errors: answer once and close, as RFC 9112 asks for broken framing.
  void RejectMalformed(beast::error_code ec) {
    Response r;
    r.close = true;
    r.SetHeader("Content-Type", "application/json");
    r.SetHeader("x-amzn-ErrorType", "BadRequestException");
    if (ec == bhttp::error::body_limit) {
      r.status = 413;
      r.body = R"({"Code":"BadRequest","Message":"The request body is too large."})";
    } else if (ec == bhttp::error::header_limit) {
      r.status = 431;
      r.body = R"({"Code":"BadRequest","Message":"The request header is too large."})";
    } else {
      r.status = 400;
      r.body = R"({"Code":"BadRequest","Message":"Malformed HTTP request."})";
    }
    busy_ = true;
    keep_alive_ = false;
    Write(std::move(r));
  }

  void Write(Response response) {
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(
        ToBeast(std::move(response), version_, keep_alive_ && !closing_));
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
    bhttp::async_write(stream_, *msg,
                       [self = shared_from_this(), msg](beast::error_code ec, std::size_t) {
                         self->busy_ = false;
                         if (ec || !msg->keep_alive()) return self->Close();
                         self->Read();
                       });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  const ServerOptions& options_;
  const Handler& handler_;
  Registry& registry_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool closing_ = false;
  bool first_request_ = true;
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        threads_(options_.threads > 0 ? options_.threads
                                      : std::max(1u, std::thread::hardware_concurrency())),
        ioc_(threads_),
        acceptor_(asio::make_strand(ioc_)) {}

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
      return Unavailable("cannot listen on " + options_.host + ":" +
                         std::to_string(options_.port) + ": " + ec.message());
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
    for (int i = 1; i < threads_; ++i) pool.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : pool) t.join();
  }

  void Stop() {
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
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
    acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        bool stopping;
        {
          std::lock_guard lock(registry_.mu);
          stopping = registry_.stopping;
        }
        if (!stopping) {
          s.set_option(tcp::no_delay(true), ec);
          std::make_shared<Session>(std::move(s), options_, handler_, registry_)->Start();
        }
      }
      Accept();
    });
  }

  ServerOptions options_;
  Handler handler_;
  int threads_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  tcp::endpoint bound_;
  Registry registry_;
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
std::string Server::BoundAddress() const { return impl_->BoundAddress(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace chime::http
