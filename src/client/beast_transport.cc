// The real HttpTransport: synchronous calls built from Beast's asynchronous operations on a
// per-connection io_context, because only the asynchronous operations honour tcp_stream's
// deadlines (connect and read timeouts).
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "client/transport.h"

namespace chime::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

constexpr uint64_t kMaxResponseBodyBytes = 64ull << 20;

Error NetError(ErrorKind kind, std::string name, const Endpoint& ep, std::string_view what,
               const beast::error_code& ec) {
  return MakeLocalError(kind, std::move(name),
                        std::string(what) + " " + ep.ToString() + ": " + ec.message());
}

// One connection, plain or TLS. Used by one thread at a time.
class Connection {
 public:
  Connection(const Endpoint& ep, asio::ssl::context* tls_ctx) : ep_(ep) {
    if (ep.tls()) {
      tls_.emplace(ioc_, *tls_ctx);
    } else {
      tcp_.emplace(ioc_);
    }
  }

  beast::tcp_stream& lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *tcp_; }

  std::optional<Error> Connect(const TransportOptions& o, bool verify_peer) {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(ep_.host, std::to_string(ep_.port), ec);
    if (ec) return NetError(ErrorKind::kNetwork, "EndpointConnectionError", ep_, "resolving", ec);
    lowest().expires_after(std::chrono::milliseconds(o.connect_timeout_ms));
    ec = Run([&](auto handler) { lowest().async_connect(results, handler); });
    if (ec) return Fail(ec, "ConnectTimeoutError", "EndpointConnectionError", "connecting to");
    if (!tls_) return std::nullopt;
    SSL* ssl = tls_->native_handle();
    SSL_set_tlsext_host_name(ssl, ep_.host.c_str());
    if (verify_peer) {
      tls_->set_verify_mode(asio::ssl::verify_peer);
      SSL_set1_host(ssl, ep_.host.c_str());
    } else {
      tls_->set_verify_mode(asio::ssl::verify_none);
    }
    ec = Run([&](auto handler) { tls_->async_handshake(asio::ssl::stream_base::client, handler); });
    if (ec) return Fail(ec, "ConnectTimeoutError", "SSLError", "TLS handshake with");
    return std::nullopt;
  }

  // One request/response exchange. `*got_response_bytes` tells whether the server answered at
  // all, which decides whether a failure on a reused connection may be retried.
  Result<http::Response> RoundTrip(const http::Request& in, const TransportOptions& o,
                                   bool* got_response_bytes) {
    *got_response_bytes = false;
    bhttp::request<bhttp::string_body> req;
    req.method_string(in.method);
    req.target(in.target);
    req.version(11);
    for (const auto& [name, value] : in.headers) req.insert(name, value);
    req.body() = in.body;
    req.keep_alive(true);
    req.prepare_payload();

    lowest().expires_after(std::chrono::milliseconds(o.read_timeout_ms));
    beast::error_code ec = Run([&](auto handler) {
      if (tls_) {
        bhttp::async_write(*tls_, req, handler);
      } else {
        bhttp::async_write(*tcp_, req, handler);
      }
    });
    if (ec) return *Fail(ec, "ReadTimeoutError", "ConnectionError", "sending to");

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxResponseBodyBytes);
    ec = Run([&](auto handler) {
      if (tls_) {
        bhttp::async_read(*tls_, buffer_, parser, handler);
      } else {
        bhttp::async_read(*tcp_, buffer_, parser, handler);
      }
    });
    *got_response_bytes = parser.got_some();
    if (ec) return *Fail(ec, "ReadTimeoutError", "ConnectionError", "reading from");
    lowest().expires_never();

    auto res = parser.release();
    http::Response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(res.body());
    reusable_ = res.keep_alive() && !res.need_eof();
    out.close = !reusable_;
    return out;
  }

  bool reusable() const { return reusable_; }

 private:
  template <typename Start>
  beast::error_code Run(Start start) {
    beast::error_code result = asio::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  std::optional<Error> Fail(const beast::error_code& ec, std::string timeout_name,
                            std::string other_name, std::string_view what) {
    reusable_ = false;
    if (ec == beast::error::timeout) {
      return NetError(ErrorKind::kTimeout, std::move(timeout_name), ep_, what, ec);
    }
    return NetError(ErrorKind::kNetwork, std::move(other_name), ep_, what, ec);
  }

  Endpoint ep_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> tcp_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  bool reusable_ = true;
};

class BeastTransport final : public HttpTransport {
 public:
  explicit BeastTransport(const BeastTransportOptions& o)
      : options_(o), tls_ctx_(asio::ssl::context::tls_client) {
    tls_ctx_.set_default_verify_paths();
    if (!o.ca_file.empty()) tls_ctx_.load_verify_file(o.ca_file);
  }

  Result<http::Response> Send(const Endpoint& ep, const http::Request& request,
                              const TransportOptions& o) override {
    std::string key = ep.scheme + "://" + ep.HostHeader();
    std::unique_ptr<Connection> conn = TakeIdle(key);
    bool reused = conn != nullptr;
    for (;;) {
      if (!conn) {
        conn = std::make_unique<Connection>(ep, &tls_ctx_);
        if (auto err = conn->Connect(o, options_.verify_peer)) return *err;
      }
      bool got_bytes = false;
      Result<http::Response> res = conn->RoundTrip(request, o, &got_bytes);
      if (!res.ok()) {
        // An idle keep-alive connection the server closed: nothing was processed, try anew.
        if (reused && !got_bytes && res.error().kind == ErrorKind::kNetwork) {
          conn.reset();
          reused = false;
          continue;
        }
        return res;
      }
      if (conn->reusable()) PutIdle(key, std::move(conn));
      return res;
    }
  }

 private:
  std::unique_ptr<Connection> TakeIdle(const std::string& key) {
    std::lock_guard lock(mu_);
    auto& list = idle_[key];
    if (list.empty()) return nullptr;
    auto conn = std::move(list.back());
    list.pop_back();
    return conn;
  }

  void PutIdle(const std::string& key, std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mu_);
    auto& list = idle_[key];
    if (static_cast<int>(list.size()) < options_.max_idle_connections_per_host) {
      list.push_back(std::move(conn));
    }
  }

  const BeastTransportOptions options_;
  asio::ssl::context tls_ctx_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeBeastTransport(const BeastTransportOptions& options) {
  return std::make_shared<BeastTransport>(options);
}

}  // namespace chime::client
