#include "auth/policy.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <utility>

namespace chime::auth {
namespace {

char Fold(char c, bool fold_case) {
  return fold_case ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// A string or a non-empty array of strings, as IAM accepts for Action and Resource.
StatusOr<std::vector<std::string>> StringList(const rapidjson::Value& v, const std::string& where) {
  std::vector<std::string> out;
  if (v.IsString()) {
    out.emplace_back(v.GetString(), v.GetStringLength());
  } else if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (!item.IsString()) return InvalidArgument(where + " must hold only strings.");
      out.emplace_back(item.GetString(), item.GetStringLength());
    }
  } else {
    return InvalidArgument(where + " must be a string or an array of strings.");
  }
  if (out.empty()) return InvalidArgument(where + " must not be empty.");
  for (const std::string& s : out) {
    if (s.empty()) return InvalidArgument(where + " must not contain an empty string.");
  }
  return out;
}

Status CheckAction(const std::string& action, const std::string& where) {
  if (action == "*") return OkStatus();
  constexpr std::string_view kPrefix = "chime:";
  if (action.size() <= kPrefix.size() ||
      !WildcardMatch(std::string(kPrefix) + "*", action, /*fold_case=*/true)) {
    return InvalidArgument(where + " '" + action +
                           "' must be \"*\" or start with \"chime:\" (e.g. chime:GetUser).");
  }
  return OkStatus();
}

StatusOr<Statement> ParseStatement(const rapidjson::Value& v, size_t index) {
  const std::string where = "Statement[" + std::to_string(index) + "]";
  if (!v.IsObject()) return InvalidArgument(where + " must be an object.");
  Statement st;
  bool has_effect = false, has_action = false, has_resource = false;
  for (const auto& m : v.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (name == "Sid") {
      if (!m.value.IsString()) return InvalidArgument(where + ".Sid must be a string.");
    } else if (name == "Effect") {
      std::string effect = m.value.IsString() ? m.value.GetString() : "";
      if (effect == "Allow") {
        st.effect = Effect::kAllow;
      } else if (effect == "Deny") {
        st.effect = Effect::kDeny;
      } else {
        return InvalidArgument(where + ".Effect must be \"Allow\" or \"Deny\".");
      }
      has_effect = true;
    } else if (name == "Action") {
      ASSIGN_OR_RETURN(st.actions, StringList(m.value, where + ".Action"));
      for (const auto& a : st.actions) RETURN_IF_ERROR(CheckAction(a, where + ".Action"));
      has_action = true;
    } else if (name == "Resource") {
      ASSIGN_OR_RETURN(st.resources, StringList(m.value, where + ".Resource"));
      has_resource = true;
    } else {
      return InvalidArgument(where + " has the member '" + name +
                             "', which chimed does not support (allowed: Sid, Effect, Action, "
                             "Resource).");
    }
  }
  if (!has_effect) return InvalidArgument(where + " needs an Effect.");
  if (!has_action) return InvalidArgument(where + " needs an Action.");
  if (!has_resource) return InvalidArgument(where + " needs a Resource.");
  return st;
}

bool AnyMatch(const std::vector<std::string>& patterns, std::string_view text, bool fold_case) {
  for (const auto& p : patterns) {
    if (WildcardMatch(p, text, fold_case)) return true;
  }
  return false;
}

// The global resource (no account) is covered only by a pattern made of '*' alone.
bool ResourceMatches(const std::vector<std::string>& patterns,
                     const std::optional<std::string>& account_id) {
  if (!account_id) {
    for (const auto& p : patterns) {
      if (p.find_first_not_of('*') == std::string::npos) return true;
    }
    return false;
  }
  return AnyMatch(patterns, *account_id, /*fold_case=*/false);
}

std::string Serialize(const std::vector<std::string>& resources) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("Version");
  w.String("2012-10-17");
  w.Key("Statement");
  w.StartArray();
  w.StartObject();
  w.Key("Effect");
  w.String("Allow");
  w.Key("Action");
  w.StartArray();
  w.String("chime:*");
  w.EndArray();
  w.Key("Resource");
  w.StartArray();
  for (const auto& r : resources) w.String(r.data(), static_cast<rapidjson::SizeType>(r.size()));
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text, bool fold_case) {
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || Fold(pattern[p], fold_case) == Fold(text[t], fold_case)) &&
        pattern[p] != '*') {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_t = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string ChimeAction(std::string_view operation_name) {
  return "chime:" + std::string(operation_name);
}

StatusOr<Policy> Policy::Parse(std::string_view json) {
  Policy policy;
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) return policy;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) return InvalidArgument("The policy is not valid JSON.");
  if (!doc.IsObject()) return InvalidArgument("The policy must be a JSON object.");
  const rapidjson::Value* statements = nullptr;
  // Through a const view: rapidjson's mutable member iterators compare ambiguously in C++20
  // (clang's -Wambiguous-reversed-operator), its const ones do not.
  for (const auto& m : std::as_const(doc).GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (name == "Version" || name == "Id") continue;
    if (name != "Statement") {
      return InvalidArgument("The policy has the member '" + name +
                             "'; only Version, Id and Statement are supported.");
    }
    statements = &m.value;
  }
  if (statements == nullptr) return InvalidArgument("The policy needs a Statement.");
  if (statements->IsObject()) {
    ASSIGN_OR_RETURN(Statement st, ParseStatement(*statements, 0));
    policy.statements_.push_back(std::move(st));
  } else if (statements->IsArray()) {
    size_t i = 0;
    for (const auto& v : statements->GetArray()) {
      ASSIGN_OR_RETURN(Statement st, ParseStatement(v, i++));
      policy.statements_.push_back(std::move(st));
    }
  } else {
    return InvalidArgument("Statement must be an object or an array of objects.");
  }
  return policy;
}

std::string Policy::AllowAllJson() { return Serialize({"*"}); }

std::string Policy::AllowAccountsJson(const std::vector<std::string>& account_ids) {
  return Serialize(account_ids);
}

Decision Policy::Evaluate(std::string_view action,
                          const std::optional<std::string>& account_id) const {
  bool allowed = false;
  for (const Statement& st : statements_) {
    if (!AnyMatch(st.actions, action, /*fold_case=*/true)) continue;
    if (!ResourceMatches(st.resources, account_id)) continue;
    if (st.effect == Effect::kDeny) return Decision::kExplicitDeny;
    allowed = true;
  }
  return allowed ? Decision::kAllow : Decision::kDefaultDeny;
}

bool Policy::MayAllowSomewhere(std::string_view action) const {
  bool allowed = false;
  for (const Statement& st : statements_) {
    if (!AnyMatch(st.actions, action, /*fold_case=*/true)) continue;
    if (st.effect == Effect::kDeny) {
      if (ResourceMatches(st.resources, std::nullopt)) return false;
    } else {
      allowed = true;
    }
  }
  return allowed;
}

}  // namespace chime::auth
