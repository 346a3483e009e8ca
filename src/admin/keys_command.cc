#include "admin/keys_command.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "auth/access_keys.h"
#include "auth/master_key.h"
#include "auth/policy.h"
#include "auth/secret_box.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/time_format.h"
#include "server/security_gate.h"
#include "server/store_factory.h"

namespace chime::admin {
namespace {

// What the command line chose; filled by CLI11, read by the callbacks.
struct KeysOptions {
  std::string id;
  std::string name;
  bool allow_all = false;
  std::vector<std::string> allow_accounts;
  std::string policy_file;
  std::string policy_json;
  bool session_token = false;
  bool json = false;
};

// The open store and master key every subcommand works with.
struct Session {
  std::unique_ptr<store::Store> store;
  std::optional<auth::SecretBox> box;
  std::optional<auth::AccessKeys> keys;
  ~Session() {
    keys.reset();
    if (store) store->Close();
  }
};

Status Open(const server::ServerConfig& config, Session* s) {
  ASSIGN_OR_RETURN(s->store, server::OpenStore(config));
  ASSIGN_OR_RETURN(
      auth::LoadedMasterKey master,
      auth::LoadOrCreateMasterKey(server::MasterKeySourceFor(config), CryptoRandom::Get()));
  ASSIGN_OR_RETURN(auth::SecretBox box, auth::SecretBox::Create(master.key));
  s->box.emplace(std::move(box));
  s->keys.emplace(*s->store, *s->box, SystemClock::Get(), CryptoRandom::Get());
  return OkStatus();
}

// The policy document the options describe; exactly one way must be chosen.
StatusOr<std::string> PolicyFrom(const KeysOptions& o) {
  int chosen = (o.allow_all ? 1 : 0) + (o.allow_accounts.empty() ? 0 : 1) +
               (o.policy_file.empty() ? 0 : 1) + (o.policy_json.empty() ? 0 : 1);
  if (chosen != 1) {
    return InvalidArgument(
        "choose exactly one policy: --allow-all, --allow-account ID (repeatable), "
        "--policy-file FILE or --policy JSON");
  }
  if (o.allow_all) return auth::Policy::AllowAllJson();
  if (!o.allow_accounts.empty()) return auth::Policy::AllowAccountsJson(o.allow_accounts);
  std::string json = o.policy_json;
  if (!o.policy_file.empty()) {
    std::ifstream in(o.policy_file);
    if (!in) return InvalidArgument("cannot read the policy file " + o.policy_file);
    std::stringstream ss;
    ss << in.rdbuf();
    json = ss.str();
  }
  auto parsed = auth::Policy::Parse(json);
  if (!parsed.ok()) return InvalidArgument("invalid policy: " + parsed.status().message());
  if (parsed->statements().empty()) {
    return InvalidArgument("invalid policy: it has no statement, so it would allow nothing");
  }
  return json;
}

// "Allow chime:* on *; Deny chime:ResetPersonalPIN on acc-1"
std::string PolicySummary(const std::string& json) {
  auto p = auth::Policy::Parse(json);
  if (!p.ok()) return "(invalid policy: allows nothing)";
  if (p->statements().empty()) return "(no statement: allows nothing)";
  std::string out;
  for (const auth::Statement& st : p->statements()) {
    if (!out.empty()) out += "; ";
    out += st.effect == auth::Effect::kAllow ? "Allow " : "Deny ";
    for (size_t i = 0; i < st.actions.size(); ++i) out += (i ? "," : "") + st.actions[i];
    out += " on ";
    for (size_t i = 0; i < st.resources.size(); ++i) out += (i ? "," : "") + st.resources[i];
  }
  return out;
}

std::string Time(const std::optional<int64_t>& ms) {
  return ms ? FormatIso8601Ms(*ms) : std::string("never");
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
void Str(JsonWriter& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Prints fresh credentials: the one and only time the secret leaves chimed.
void PrintIssued(const auth::IssuedKey& k, const std::string& headline, bool json) {
  if (json) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("AccessKey");
    w.StartObject();
    w.Key("AccessKeyId");
    Str(w, k.access_key_id);
    w.Key("SecretAccessKey");
    Str(w, k.secret_access_key);
    if (k.session_token) {
      w.Key("SessionToken");
      Str(w, *k.session_token);
    }
    w.EndObject();
    w.EndObject();
    std::printf("%s\n", buf.GetString());
    return;
  }
  std::printf("%s\n\n[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
              headline.c_str(), k.access_key_id.c_str(), k.secret_access_key.c_str());
  if (k.session_token) std::printf("aws_session_token = %s\n", k.session_token->c_str());
  std::printf(
      "\nThis is the only time the secret is shown: store it now (for example in "
      "~/.aws/credentials).\nchimed keeps it encrypted and cannot show it again; `chimed keys "
      "rotate %s` issues a new one.\n",
      k.access_key_id.c_str());
}

void PrintList(const std::vector<store::AccessKeyRecord>& keys, bool json) {
  if (json) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("AccessKeys");
    w.StartArray();
    for (const auto& k : keys) {
      w.StartObject();
      w.Key("AccessKeyId");
      Str(w, k.access_key_id);
      w.Key("Name");
      Str(w, k.name);
      w.Key("Status");
      w.String(k.enabled ? "Active" : "Inactive");
      w.Key("CreateDate");
      Str(w, FormatIso8601Ms(k.created_ms));
      if (k.last_used_ms) {
        w.Key("LastUsedDate");
        Str(w, FormatIso8601Ms(*k.last_used_ms));
      }
      w.Key("RequiresSessionToken");
      w.Bool(k.session_token_hash.has_value());
      w.Key("Policy");
      Str(w, k.policy_json);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", buf.GetString());
    return;
  }
  if (keys.empty()) {
    std::printf("No access keys. Create one with: chimed keys create --name NAME --allow-all\n");
    return;
  }
  std::printf("%-22s %-8s %-24s %-24s %s\n", "ACCESS KEY ID", "STATUS", "CREATED", "LAST USED",
              "NAME / POLICY");
  for (const auto& k : keys) {
    std::printf("%-22s %-8s %-24s %-24s %s%s\n    %s\n", k.access_key_id.c_str(),
                k.enabled ? "active" : "disabled", FormatIso8601Ms(k.created_ms).c_str(),
                Time(k.last_used_ms).c_str(), k.name.c_str(),
                k.session_token_hash ? " (requires a session token)" : "",
                PolicySummary(k.policy_json).c_str());
  }
}

// Runs `fn` on an open session; reports its error as "chimed keys <verb>: <message>".
int Run(const server::ServerConfig& config, const char* verb,
        const std::function<Status(auth::AccessKeys&)>& fn) {
  Session session;
  Status s = Open(config, &session);
  if (s.ok()) s = fn(*session.keys);
  if (!s.ok()) {
    std::fprintf(stderr, "chimed keys %s: %s\n", verb, s.message().c_str());
    return 1;
  }
  return 0;
}

void AddPolicyOptions(CLI::App* cmd, KeysOptions& o) {
  cmd->add_flag("--allow-all", o.allow_all, "Allow every chime action on every account");
  cmd->add_option("--allow-account", o.allow_accounts,
                  "Allow every chime action on this account only (repeatable)");
  cmd->add_option("--policy-file", o.policy_file, "IAM-style policy document (JSON file)");
  cmd->add_option("--policy", o.policy_json, "IAM-style policy document (JSON text)");
}

}  // namespace

void AddKeysCommands(CLI::App& app, const server::ServerConfig& config, int* exit_code) {
  CLI::App* keys = app.add_subcommand("keys", "Manage access keys and their policies");
  keys->require_subcommand(1);
  auto o = std::make_shared<KeysOptions>();
  const server::ServerConfig* cfg = &config;

  CLI::App* create = keys->add_subcommand("create", "Create an access key; prints its secret once");
  create->add_option("--name", o->name, "A label for the key (who or what uses it)")->required();
  AddPolicyOptions(create, *o);
  create->add_flag("--session-token", o->session_token,
                   "Also require a session token, as temporary AWS credentials do");
  create->add_flag("--json", o->json, "Print {\"AccessKey\": {...}} instead of text");
  create->callback([cfg, o, exit_code] {
    *exit_code = Run(*cfg, "create", [&](auth::AccessKeys& keys) -> Status {
      ASSIGN_OR_RETURN(std::string policy, PolicyFrom(*o));
      ASSIGN_OR_RETURN(auth::IssuedKey k, keys.Create(o->name, policy, o->session_token));
      PrintIssued(k,
                  "Created access key " + k.access_key_id + " (\"" + o->name +
                      "\", active).\nPolicy: " + PolicySummary(policy),
                  o->json);
      return OkStatus();
    });
  });

  CLI::App* list = keys->add_subcommand("list", "List access keys (never their secrets)");
  list->add_flag("--json", o->json, "Print JSON");
  list->callback([cfg, o, exit_code] {
    *exit_code = Run(*cfg, "list", [&](auth::AccessKeys& keys) -> Status {
      ASSIGN_OR_RETURN(auto all, keys.List());
      PrintList(all, o->json);
      return OkStatus();
    });
  });

  CLI::App* show = keys->add_subcommand("show", "Show one key and its full policy document");
  show->add_option("id", o->id, "Access key id")->required();
  show->callback([cfg, o, exit_code] {
    *exit_code = Run(*cfg, "show", [&](auth::AccessKeys& keys) -> Status {
      ASSIGN_OR_RETURN(auto k, keys.Get(o->id));
      PrintList({k}, /*json=*/false);
      std::printf("\nPolicy document:\n%s\n", k.policy_json.c_str());
      return OkStatus();
    });
  });

  struct Toggle {
    const char* verb;
    const char* help;
    std::function<Status(auth::AccessKeys&, const std::string&)> fn;
    const char* done;
  };
  for (const Toggle& t : std::vector<Toggle>{
           {"disable", "Refuse every request signed with the key (reversible)",
            [](auth::AccessKeys&k, const std::string&id) { return k.SetEnabled(id, false); },
            "disabled"},
           {"enable", "Accept the key again",
            [](auth::AccessKeys&k, const std::string&id) { return k.SetEnabled(id, true); },
            "enabled"},
           {"delete", "Delete the key for good",
            [](auth::AccessKeys&k, const std::string&id) { return k.Delete(id); }, "deleted"},
       }) {
    CLI::App* cmd = keys->add_subcommand(t.verb, t.help);
    cmd->add_option("id", o->id, "Access key id")->required();
    cmd->callback([cfg, o, exit_code, t] {
      *exit_code = Run(*cfg, t.verb, [&](auth::AccessKeys& keys) -> Status {
        RETURN_IF_ERROR(t.fn(keys, o->id));
        std::printf("Access key %s %s.\n", o->id.c_str(), t.done);
        return OkStatus();
      });
    });
  }

  CLI::App* rotate = keys->add_subcommand(
      "rotate", "Give the key a new secret (the old one stops working at once); prints it once");
  rotate->add_option("id", o->id, "Access key id")->required();
  rotate->add_flag("--json", o->json, "Print {\"AccessKey\": {...}} instead of text");
  rotate->callback([cfg, o, exit_code] {
    *exit_code = Run(*cfg, "rotate", [&](auth::AccessKeys& keys) -> Status {
      ASSIGN_OR_RETURN(auth::IssuedKey k, keys.Rotate(o->id));
      PrintIssued(
          k, "Rotated access key " + k.access_key_id + ": the previous secret no longer works.",
          o->json);
      return OkStatus();
    });
  });

  CLI::App* set_policy = keys->add_subcommand("set-policy", "Replace the key's policy");
  set_policy->add_option("id", o->id, "Access key id")->required();
  AddPolicyOptions(set_policy, *o);
  set_policy->callback([cfg, o, exit_code] {
    *exit_code = Run(*cfg, "set-policy", [&](auth::AccessKeys& keys) -> Status {
      ASSIGN_OR_RETURN(std::string policy, PolicyFrom(*o));
      RETURN_IF_ERROR(keys.SetPolicy(o->id, policy));
      std::printf("Access key %s now has the policy: %s\n", o->id.c_str(),
                  PolicySummary(policy).c_str());
      return OkStatus();
    });
  });
}

}  // namespace chime::admin
