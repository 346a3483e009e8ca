#include "api/router.h"

#include <algorithm>
#include <array>

#include "common/encoding.h"

namespace chime::api {
namespace {

// A route: method, path template with "{}" for labels, the `operation` query value ("" for
// the bare path) and the operation.
struct RouteSpec {
  std::string_view method;
  std::string_view path;
  std::string_view operation;
  Op op;
};

constexpr std::array<RouteSpec, 27> kRoutes{{
    {"POST", "/accounts", "", Op::kCreateAccount},
    {"GET", "/accounts", "", Op::kListAccounts},
    {"GET", "/accounts/{}", "", Op::kGetAccount},
    {"POST", "/accounts/{}", "", Op::kUpdateAccount},
    {"POST", "/accounts/{}", "associate-signin-delegate-groups",
     Op::kAssociateSigninDelegateGroupsWithAccount},
    {"POST", "/accounts/{}", "disassociate-signin-delegate-groups",
     Op::kDisassociateSigninDelegateGroupsFromAccount},
    {"DELETE", "/accounts/{}", "", Op::kDeleteAccount},
    {"GET", "/accounts/{}/settings", "", Op::kGetAccountSettings},
    {"PUT", "/accounts/{}/settings", "", Op::kUpdateAccountSettings},
    {"GET", "/accounts/{}/retention-settings", "", Op::kGetRetentionSettings},
    {"PUT", "/accounts/{}/retention-settings", "", Op::kPutRetentionSettings},
    {"GET", "/accounts/{}/users", "", Op::kListUsers},
    {"POST", "/accounts/{}/users", "", Op::kBatchUpdateUser},
    {"POST", "/accounts/{}/users", "create", Op::kCreateUser},
    {"POST", "/accounts/{}/users", "add", Op::kInviteUsers},
    {"POST", "/accounts/{}/users", "suspend", Op::kBatchSuspendUser},
    {"POST", "/accounts/{}/users", "unsuspend", Op::kBatchUnsuspendUser},
    {"GET", "/accounts/{}/users/{}", "", Op::kGetUser},
    {"POST", "/accounts/{}/users/{}", "", Op::kUpdateUser},
    {"POST", "/accounts/{}/users/{}", "reset-personal-pin", Op::kResetPersonalPIN},
    {"POST", "/accounts/{}/users/{}", "logout", Op::kLogoutUser},
    {"POST", "/accounts/{}/users/{}", "associate-phone-number", Op::kAssociatePhoneNumberWithUser},
    {"POST", "/accounts/{}/users/{}", "disassociate-phone-number",
     Op::kDisassociatePhoneNumberFromUser},
    {"GET", "/accounts/{}/users/{}/settings", "", Op::kGetUserSettings},
    {"PUT", "/accounts/{}/users/{}/settings", "", Op::kUpdateUserSettings},
    {"GET", "/settings", "", Op::kGetGlobalSettings},
    {"PUT", "/settings", "", Op::kUpdateGlobalSettings},
}};

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path[0] != '/') return parts;
  size_t start = 1;
  for (;;) {
    size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

// Matches raw path segments against a template, collecting the (still encoded) labels.
// Walks the template in place: splitting every template of the table into a vector for every
// request was the largest source of allocations on the request path in the profile.
bool MatchTemplate(const std::vector<std::string_view>& segments, std::string_view tmpl,
                   std::vector<std::string_view>* labels) {
  labels->clear();
  if (tmpl.empty() || tmpl[0] != '/') return segments.empty();  // no segments, as SplitPath
  size_t i = 0;
  size_t start = 1;
  for (;;) {
    size_t slash = tmpl.find('/', start);
    std::string_view part = tmpl.substr(start, slash - start);
    if (i >= segments.size()) return false;
    if (part == "{}") {
      labels->push_back(segments[i]);
    } else if (part != segments[i]) {
      return false;
    }
    ++i;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return i == segments.size();
}

}  // namespace

StatusOr<QueryParams> ParseQuery(std::string_view raw) {
  QueryParams out;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name || !value) return InvalidArgument("The query string has a malformed percent escape.");
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::string> QueryValue(const QueryParams& query, std::string_view name) {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

StatusOr<Route> MatchRoute(std::string_view method, std::string_view raw_path,
                           std::string_view raw_query) {
  constexpr std::string_view kLegacyPrefix = "/console";
  if (raw_path.substr(0, kLegacyPrefix.size()) == kLegacyPrefix &&
      (raw_path.size() == kLegacyPrefix.size() || raw_path[kLegacyPrefix.size()] == '/')) {
    raw_path.remove_prefix(kLegacyPrefix.size());
  }
  auto segments = SplitPath(raw_path);
  // SigV4 signs the path with dot segments removed, so routing on a path that still has them
  // would let a signature for /accounts/A reach /accounts/B/../A's neighbour. Refuse them.
  for (auto segment : segments) {
    if (segment == "." || segment == "..") {
      return InvalidArgument("The request path must not contain '.' or '..' segments.");
    }
  }
  ASSIGN_OR_RETURN(QueryParams query, ParseQuery(raw_query));
  int operation_count = 0;
  std::string operation;
  for (const auto& [k, v] : query) {
    if (k == "operation") {
      ++operation_count;
      operation = v;
    }
  }
  if (operation_count > 1) {
    return InvalidArgument("The query parameter 'operation' must not be repeated.");
  }

  std::vector<std::string_view> raw_labels;
  for (const RouteSpec& spec : kRoutes) {
    // Method and operation compare in a few instructions; walking the template only for the
    // few routes they admit kept MatchRoute off the top of the request path's profile.
    if (spec.method != method || spec.operation != operation) continue;
    if (!MatchTemplate(segments, spec.path, &raw_labels)) continue;
    Route route{spec.op, {}, std::move(query)};
    for (auto raw : raw_labels) {
      auto decoded = PercentDecode(raw);
      if (!decoded) return InvalidArgument("A path label has a malformed percent escape.");
      route.labels.push_back(std::move(*decoded));
    }
    return route;
  }
  bool path_known = std::any_of(kRoutes.begin(), kRoutes.end(), [&](const RouteSpec& spec) {
    return MatchTemplate(segments, spec.path, &raw_labels);
  });
  // Echo at most a bounded prefix of what the client sent.
  std::string where = std::string(method.substr(0, 16)) + " " + std::string(raw_path.substr(0, 200));
  if (path_known && operation_count == 1) {
    return InvalidArgument("Unknown operation '" + operation + "' for " + where + ".");
  }
  return NotFound("No Chime operation matches " + where + ".");
}

}  // namespace chime::api
