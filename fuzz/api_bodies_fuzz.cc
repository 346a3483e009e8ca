// The JSON body of every operation, through the whole pipeline: api::Api over a real SQLite
// store in a temporary directory. Input: byte 0 picks the route, byte 1 how path labels are
// filled (an existing account/user, or text from the input), the rest is the body. Invariants:
// every request is answered exactly once with a status the error mapping can produce, and a
// 2xx/4xx body is JSON-shaped; nothing crashes.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include "api/api.h"
#include "common/clock.h"
#include "common/random.h"
#include "store/sqlite/sqlite_store.h"

namespace {

struct RouteSpec {
  const char* method;
  const char* path;  // {a} account label, {u} user label
  const char* query;
};

constexpr RouteSpec kRoutes[] = {
    {"POST", "/accounts", ""},
    {"GET", "/accounts", "max-results=2&name=a&user-email=x%40y.z"},
    {"GET", "/accounts/{a}", ""},
    {"POST", "/accounts/{a}", ""},
    {"POST", "/accounts/{a}", "operation=associate-signin-delegate-groups"},
    {"POST", "/accounts/{a}", "operation=disassociate-signin-delegate-groups"},
    {"DELETE", "/accounts/{a}", ""},
    {"GET", "/accounts/{a}/settings", ""},
    {"PUT", "/accounts/{a}/settings", ""},
    {"GET", "/accounts/{a}/retention-settings", ""},
    {"PUT", "/accounts/{a}/retention-settings", ""},
    {"GET", "/accounts/{a}/users", "max-results=3&user-type=PrivateUser"},
    {"POST", "/accounts/{a}/users", ""},
    {"POST", "/accounts/{a}/users", "operation=create"},
    {"POST", "/accounts/{a}/users", "operation=add"},
    {"POST", "/accounts/{a}/users", "operation=suspend"},
    {"POST", "/accounts/{a}/users", "operation=unsuspend"},
    {"GET", "/accounts/{a}/users/{u}", ""},
    {"POST", "/accounts/{a}/users/{u}", ""},
    {"POST", "/accounts/{a}/users/{u}", "operation=reset-personal-pin"},
    {"POST", "/accounts/{a}/users/{u}", "operation=logout"},
    {"POST", "/accounts/{a}/users/{u}", "operation=associate-phone-number"},
    {"POST", "/accounts/{a}/users/{u}", "operation=disassociate-phone-number"},
    {"GET", "/accounts/{a}/users/{u}/settings", ""},
    {"PUT", "/accounts/{a}/users/{u}/settings", ""},
    {"GET", "/settings", ""},
    {"PUT", "/settings", ""},
};
constexpr size_t kRouteCount = sizeof(kRoutes) / sizeof(kRoutes[0]);

class Harness {
 public:
  Harness() {
    const char* base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    dir_ = std::string(base) + "/chimed-fuzz-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
    auto store = chime::store::sqlite::SqliteStore::Open(dir_ + "/chimed.db");
    if (!store.ok()) std::abort();
    store_ = std::move(*store);
    chime::api::Deps deps;
    deps.store = store_.get();
    deps.clock = &chime::SystemClock::Get();
    deps.random = &chime::CryptoRandom::Get();
    api_ = std::make_unique<chime::api::Api>(deps, nullptr);
    account_ = Id(Send("POST", "/accounts", R"({"Name":"Fuzz"})").body, "AccountId");
    user_ = Id(Send("POST", "/accounts/" + account_ + "/users?operation=create",
                    R"({"Email":"f@example.com","Username":"f"})")
                   .body,
               "UserId");
    if (account_.empty() || user_.empty()) std::abort();
  }
  ~Harness() {
    api_.reset();
    store_->Close();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  chime::http::Response Send(std::string method, std::string target, std::string body) {
    chime::http::Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    auto promise = std::make_shared<std::promise<chime::http::Response>>();
    auto future = promise->get_future();
    api_->Handle(std::move(r), [promise](chime::http::Response resp) {
      promise->set_value(std::move(resp));  // a second call would throw: exactly once
    });
    return future.get();
  }

  const std::string& account() const { return account_; }
  const std::string& user() const { return user_; }

 private:
  static std::string Id(const std::string& json, const std::string& key) {
    size_t at = json.find("\"" + key + "\":\"");
    if (at == std::string::npos) return "";
    at += key.size() + 4;
    return json.substr(at, json.find('"', at) - at);
  }

  std::string dir_;
  std::unique_ptr<chime::store::sqlite::SqliteStore> store_;
  std::unique_ptr<chime::api::Api> api_;
  std::string account_;
  std::string user_;
};

std::string Fill(std::string_view tmpl, const std::string& a, const std::string& u) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl.substr(i, 3) == "{a}") {
      out += a;
      i += 2;
    } else if (tmpl.substr(i, 3) == "{u}") {
      out += u;
      i += 2;
    } else {
      out += tmpl[i];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness* h = new Harness();  // lives for the process; the store stays open
  if (size < 2) return 0;
  const RouteSpec& route = kRoutes[data[0] % kRouteCount];
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string account = h->account();
  std::string user = h->user();
  std::string body(rest);
  if (data[1] & 1) {
    // Labels from the input (up to the first newline), raw: the router must cope.
    size_t nl = rest.find('\n');
    std::string label(rest.substr(0, nl));
    body = nl == std::string_view::npos ? std::string() : std::string(rest.substr(nl + 1));
    if (data[1] & 2) {
      user = label;
    } else {
      account = label;
    }
  }
  std::string target = Fill(route.path, account, user);
  if (*route.query) target += std::string("?") + route.query;
  chime::http::Response r = h->Send(route.method, target, body);
  if (r.status < 200 || r.status > 599) std::abort();
  if (r.status >= 500 && r.status != 503) std::abort();  // no ServiceFailure from bad input
  if (!r.body.empty() && r.body.front() != '{') std::abort();
  return 0;
}
