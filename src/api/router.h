// rest-json routing: method + path template + the `operation` query value → one Chime
// operation. Several operations share a path and differ only by `?operation=`; an unknown
// value is an error, never a fallback to the bare-path operation. The legacy `/console`
// prefix (botocore <= 1.12.115) is accepted. Path labels are split on the raw path and
// percent-decoded once, after routing, so `a%2Fb` is one label "a/b".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/operation.h"
#include "common/status.h"

namespace chime::api {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct Route {
  Op op;
  std::vector<std::string> labels;  // decoded path labels in template order
  QueryParams query;                // decoded query parameters in arrival order
};

// Returns the matched route, or:
//   kNotFound        no Chime operation has this method and path;
//   kInvalidArgument the path matches but `operation` names no operation there, or a label or
//                    query escape is malformed.
StatusOr<Route> MatchRoute(std::string_view method, std::string_view raw_path,
                           std::string_view raw_query);

// Decodes a raw query string into name/value pairs ("a=1&b" → {a,1},{b,""}).
StatusOr<QueryParams> ParseQuery(std::string_view raw_query);

// The first value of `name`, if present.
std::optional<std::string> QueryValue(const QueryParams& query, std::string_view name);

}  // namespace chime::api
