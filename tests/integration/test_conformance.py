"""Conformance with botocore's installed Chime model, generated from the model itself.

For every account/user operation chimed routes (the 27 below), from the operation's shapes:
  (a) a valid call through boto3 answers the model's status code, and the raw JSON body (and
      boto3's parse of it) holds only members the output shape declares, with the declared
      types, enums, patterns and required members;
  (b) every constraint of the input shape (required members, blank/whitespace path labels,
      enums, patterns, min/max lengths, list sizes, integer ranges, nested structures and list
      items) is violated one at a time, sent as a raw signed request (botocore refuses to send
      some of them), and answers BadRequestException naming the member, with nothing changed;
  (c) every error any of these calls returns is one the operation's model lists, and an
      unknown account answers an error the operation lists.
Paginators for ListAccounts and ListUsers return every item exactly once."""

import copy
import datetime
import json
import re
import unittest

import botocore.serialize
import botocore.session
from botocore.exceptions import ClientError
from botocore.utils import percent_encode_sequence

from chimed_admin import register_user
from harness import TIMESTAMP_RE, ServerTestCase, find_nulls, unique

MODEL = botocore.session.get_session().get_service_model("chime")

OPERATIONS = [
    "CreateAccount", "GetAccount", "UpdateAccount", "DeleteAccount", "ListAccounts",
    "GetAccountSettings", "UpdateAccountSettings", "AssociateSigninDelegateGroupsWithAccount",
    "DisassociateSigninDelegateGroupsFromAccount", "CreateUser", "InviteUsers", "GetUser",
    "UpdateUser", "ListUsers", "ResetPersonalPIN", "LogoutUser", "BatchUpdateUser",
    "BatchSuspendUser", "BatchUnsuspendUser", "GetUserSettings", "UpdateUserSettings",
    "AssociatePhoneNumberWithUser", "DisassociatePhoneNumberFromUser", "GetRetentionSettings",
    "PutRetentionSettings", "GetGlobalSettings", "UpdateGlobalSettings",
]

UNKNOWN_ID = "00000000-0000-4000-8000-0000000c0f0e"

# One valid and one invalid sample per pattern the model uses. A pattern missing here fails the
# suite, so a new model cannot silently escape the checks.
PATTERNS = {
    r".*\S.*": ("valid-value", "   "),
    r".+@.+\..+": (None, "not-an-email"),  # valid: a fresh address per call
    r"^\+?[1-9]\d{1,14}$": ("+12065550100", "+0123-4567"),
}

SERIALIZER = botocore.serialize.create_serializer("rest-json", include_validation=False)


def operation(name):
    return MODEL.operation_model(name)


def listed_errors(op):
    return {shape.name for shape in op.error_shapes}


def success_status(op):
    return op.http.get("responseCode", 200)


# ---- valid input, generated from the input shape -------------------------------------------------

class Fixture:
    """The objects a generated input refers to: a fresh account with one registered user."""

    def __init__(self, account_id, user_id):
        self.account_id = account_id
        self.user_id = user_id


def valid_value(shape, member, fx):
    """A valid value for `member` (its shape is `shape`) that refers to the fixture's objects."""
    if member == "AccountId":
        return fx.account_id
    if member in ("UserId",):
        return fx.user_id
    if member == "UserIdList":
        return [fx.user_id]
    t = shape.type_name
    if t == "structure":
        return {name: valid_value(s, name, fx) for name, s in shape.members.items()}
    if t == "list":
        return [valid_value(shape.member, member, fx)]
    if t == "boolean":
        return True
    if t == "integer":
        return shape.metadata.get("min", 1)
    if t == "string":
        enum = shape.metadata.get("enum")
        if enum:
            # The first License (Basic) is one every account created by CreateAccount supports.
            return enum[0]
        pattern = shape.metadata.get("pattern")
        if pattern is not None:
            valid = PATTERNS[pattern][0]
            return valid if valid is not None else unique("conf") + "@example.com"
        return unique("v")
    raise AssertionError("no generator for %s (%s)" % (shape.name, t))


def valid_input(op, fx):
    """Every input member, except NextToken (only the server can make one)."""
    if op.input_shape is None:
        return {}
    return {name: valid_value(shape, name, fx) for name, shape in op.input_shape.members.items()
            if name != "NextToken"}


# ---- violations, generated from the constraints ---------------------------------------------------

def violations(shape, value, path, member_name, location=None):
    """Yields (description, path, bad value or DELETE, name the message must contain)."""
    t = shape.type_name
    meta = shape.metadata
    if location == "uri":
        yield ("blank path label", path, "", member_name)
        if meta.get("pattern") == r".*\S.*":
            yield ("whitespace path label", path, " ", member_name)
        return
    if t == "string":
        if "enum" in meta:
            yield ("value outside the enum", path, "NotAnEnumValue", member_name)
        if "pattern" in meta:
            yield ("pattern %s" % meta["pattern"], path, PATTERNS[meta["pattern"]][1], member_name)
        if meta.get("min", 0) >= 1:
            yield ("shorter than min %d" % meta["min"], path, "", member_name)
        if "max" in meta:
            yield ("longer than max %d" % meta["max"], path, "x" * (meta["max"] + 1), member_name)
    elif t == "integer":
        if "min" in meta:
            yield ("below min %d" % meta["min"], path, meta["min"] - 1, member_name)
        if "max" in meta:
            yield ("above max %d" % meta["max"], path, meta["max"] + 1, member_name)
    elif t == "list":
        if "max" in meta:
            yield ("more than max %d items" % meta["max"], path, value * (meta["max"] + 1),
                   member_name)
        if meta.get("min", 0) >= 1:
            yield ("fewer than min %d items" % meta["min"], path, [], member_name)
        if value:
            yield from violations(shape.member, value[0], path + [0], member_name)
    elif t == "structure":
        for req in shape.required_members:
            loc = shape.members[req].serialization.get("location")
            if loc != "uri":
                yield ("missing required member", path + [req], DELETE, req)
        for name, member_shape in shape.members.items():
            if name in value:
                yield from violations(member_shape, value[name], path + [name], name,
                                      member_shape.serialization.get("location"))


DELETE = object()


def mutate(params, path, bad):
    out = copy.deepcopy(params)
    target = out
    for step in path[:-1]:
        target = target[step]
    if bad is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = bad
    return out


def path_text(path):
    text = ""
    for step in path:
        text += "[%d]" % step if isinstance(step, int) else ("." if text else "") + step
    return text


# ---- output shape walking ---------------------------------------------------------------------------

def check_against_shape(test, value, shape, where, raw):
    """Every member present is declared, typed as declared, and required members are present.
    `raw`: value is the wire JSON (timestamps are strings) rather than boto3's parse."""
    t = shape.type_name
    if t == "structure":
        test.assertIsInstance(value, dict, where)
        for key, item in value.items():
            test.assertIn(key, shape.members, "%s.%s is not a member of %s" % (
                where, key, shape.name))
            check_against_shape(test, item, shape.members[key], "%s.%s" % (where, key), raw)
        for req in shape.required_members:
            test.assertIn(req, value, "%s lacks required member %s" % (where, req))
    elif t == "list":
        test.assertIsInstance(value, list, where)
        for i, item in enumerate(value):
            check_against_shape(test, item, shape.member, "%s[%d]" % (where, i), raw)
    elif t == "string":
        test.assertIsInstance(value, str, where)
        if "enum" in shape.metadata:
            test.assertIn(value, shape.metadata["enum"], where)
        if "pattern" in shape.metadata:
            test.assertRegex(value, "^(?:%s)$" % shape.metadata["pattern"].strip("^$"), where)
    elif t == "boolean":
        test.assertIsInstance(value, bool, where)
    elif t == "integer":
        test.assertTrue(isinstance(value, int) and not isinstance(value, bool), where)
        test.assertGreaterEqual(value, shape.metadata.get("min", value), where)
        test.assertLessEqual(value, shape.metadata.get("max", value), where)
    elif t == "timestamp":
        if raw:
            test.assertRegex(value, TIMESTAMP_RE, where)
        else:
            test.assertIsInstance(value, datetime.datetime, where)
    else:
        test.fail("%s: unexpected shape type %s" % (where, t))


class ConformanceTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.errors_seen = []  # (operation, error shape)
        cls.raw_bodies = {}
        cls.chime.meta.events.register("after-call.chime", cls._after_call)

    @classmethod
    def _after_call(cls, http_response, parsed, model, **kwargs):
        cls.raw_bodies[model.name] = (http_response.status_code, http_response.content)
        if http_response.status_code >= 300:
            cls.errors_seen.append((model.name, parsed.get("Error", {}).get("Code")))

    def fixture(self):
        account_id = self.chime.create_account(Name=unique("Conf"))["Account"]["AccountId"]
        user = self.chime.create_user(AccountId=account_id, Email=unique("c") + "@example.com",
                                      Username=unique("c"))["User"]
        return Fixture(account_id, user["UserId"])

    def snapshot(self, fx):
        """Everything a request about the fixture could change."""
        c = self.chime
        state = {
            "account": c.get_account(AccountId=fx.account_id)["Account"],
            "users": c.list_users(AccountId=fx.account_id)["Users"],
            "user": c.get_user(AccountId=fx.account_id, UserId=fx.user_id)["User"],
            "account_settings": c.get_account_settings(AccountId=fx.account_id)["AccountSettings"],
            "user_settings": c.get_user_settings(AccountId=fx.account_id,
                                                 UserId=fx.user_id)["UserSettings"],
            "retention": c.get_retention_settings(AccountId=fx.account_id),
            "global": c.get_global_settings(),
            "accounts": len(list(c.get_paginator("list_accounts").paginate().search("Accounts"))),
        }
        for v in state.values():
            if isinstance(v, dict):
                v.pop("ResponseMetadata", None)
        return state

    def send_raw(self, op, params):
        req = SERIALIZER.serialize_to_request(params, op)
        path = req["url_path"]
        if req["query_string"]:
            path += ("&" if "?" in path else "?") + percent_encode_sequence(req["query_string"])
        body = req["body"] if isinstance(req["body"], bytes) else req["body"].encode()
        return self.server.raw(req["method"], path, body, headers=dict(req["headers"]))

    def test_model_has_every_routed_operation(self):
        self.assertEqual(len(OPERATIONS), 27)
        for name in OPERATIONS:
            self.assertIn(name, MODEL.operation_names)

    # (a) ------------------------------------------------------------------------------------------

    def prepare(self, name, fx):
        """Brings the fixture into the state the operation documents as its precondition."""
        if name == "DeleteAccount":  # "You must suspend all users before deleting Team account"
            self.chime.batch_suspend_user(AccountId=fx.account_id, UserIdList=[fx.user_id])

    def test_a_valid_calls_answer_status_and_output_shape(self):
        for name in OPERATIONS:
            op = operation(name)
            for variant in ("every member", "required members only"):
                with self.subTest(operation=name, input=variant):
                    fx = self.fixture()
                    params = valid_input(op, fx)
                    if variant != "every member":
                        required = op.input_shape.required_members if op.input_shape else []
                        params = {k: v for k, v in params.items() if k in required}
                    self.prepare(name, fx)
                    self.check_valid_call(op, params)

    def check_valid_call(self, op, params):
        name = op.name
        resp = getattr(self.chime, botocore.xform_name(name))(**params)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], success_status(op))
        status, raw = self.raw_bodies[name]
        self.assertEqual(status, success_status(op))
        parsed = {k: v for k, v in resp.items() if k != "ResponseMetadata"}
        if status == 204:
            self.assertEqual(raw, b"")
        if op.output_shape is not None:
            check_against_shape(self, parsed, op.output_shape, name, raw=False)
            if raw:
                doc = json.loads(raw)
                self.assertEqual(find_nulls(doc), [])
                check_against_shape(self, doc, op.output_shape, name, raw=True)
                # Whatever chimed sent (all declared, as checked above), boto3 parsed.
                self.assertEqual(set(doc), set(parsed))
        # PersonalPIN appears exactly where chime-api.md says.
        if name in ("GetUser", "ResetPersonalPIN", "CreateUser"):
            self.assertRegex(parsed["User"]["PersonalPIN"], r"^\d{10}$")
        for user in parsed.get("Users", []) + ([parsed["User"]] if name == "UpdateUser" else []):
            self.assertNotIn("PersonalPIN", user)

    def test_a_outputs_reflect_the_inputs(self):
        fx = self.fixture()
        c = self.chime
        c.update_account_settings(AccountId=fx.account_id,
                                  AccountSettings={"DisableRemoteControl": True})
        self.assertEqual(c.get_account_settings(AccountId=fx.account_id)["AccountSettings"],
                         {"DisableRemoteControl": True, "EnableDialOut": False})
        c.associate_signin_delegate_groups_with_account(
            AccountId=fx.account_id,
            SigninDelegateGroups=[{"GroupName": "g1"}, {"GroupName": "g2"}])
        self.assertEqual(c.get_account(AccountId=fx.account_id)["Account"]["SigninDelegateGroups"],
                         [{"GroupName": "g1"}, {"GroupName": "g2"}])
        c.disassociate_signin_delegate_groups_from_account(AccountId=fx.account_id,
                                                           GroupNames=["g1", "nope"])
        self.assertEqual(c.get_account(AccountId=fx.account_id)["Account"]["SigninDelegateGroups"],
                         [{"GroupName": "g2"}])
        c.update_user_settings(AccountId=fx.account_id, UserId=fx.user_id, UserSettings={
            "Telephony": {"InboundCalling": False, "OutboundCalling": True, "SMS": False}})
        self.assertEqual(c.get_user_settings(AccountId=fx.account_id, UserId=fx.user_id)
                         ["UserSettings"]["Telephony"],
                         {"InboundCalling": False, "OutboundCalling": True, "SMS": False})
        c.update_global_settings(VoiceConnector={"CdrBucket": "vc-bucket"})
        self.assertEqual(c.get_global_settings()["VoiceConnector"], {"CdrBucket": "vc-bucket"})
        c.put_retention_settings(AccountId=fx.account_id, RetentionSettings={
            "RoomRetentionSettings": {"RetentionDays": 5475}})
        c.put_retention_settings(AccountId=fx.account_id, RetentionSettings={})  # turns it off
        got = c.get_retention_settings(AccountId=fx.account_id)
        self.assertEqual(got["RetentionSettings"], {})
        self.assertNotIn("InitiateDeletionTimestamp", got)
        updated = c.update_account(AccountId=fx.account_id, Name="Renamed",
                                   DefaultLicense="Basic")["Account"]
        self.assertEqual((updated["Name"], updated["DefaultLicense"]), ("Renamed", "Basic"))

    # (b) ------------------------------------------------------------------------------------------

    def test_b_every_violated_constraint_is_bad_request_and_changes_nothing(self):
        fx = self.fixture()
        uninvolved = set()
        total = 0
        for name in OPERATIONS:
            op = operation(name)
            if op.input_shape is None:
                continue
            for desc, path, bad, field in violations(op.input_shape, valid_input(op, fx), [],
                                                     name):
                total += 1
                with self.subTest(operation=name, member=path_text(path), violation=desc):
                    params = mutate(valid_input(op, fx), path, bad)
                    before = self.snapshot(fx)
                    resp = self.send_raw(op, params)
                    self.assertRawError(resp, 400, "BadRequestException", "BadRequest",
                                        message_contains=field)
                    self.assertEqual(self.snapshot(fx), before)
        # The model has constraints on these operations; make sure they were generated.
        self.assertGreater(total, 60)

    def test_b_botocore_refusals_are_also_refused_by_the_server(self):
        """The cases botocore's own validation catches (so only a raw request can send them):
        every one is a case of the generated list above; check a few through boto3 with
        parameter validation off, to be sure the SDK path and the raw path agree."""
        fx = self.fixture()
        client = self.server.client(parameter_validation=False)
        cases = [
            ("create_account", {"Name": ""}, "Name"),
            ("list_users", {"AccountId": fx.account_id, "MaxResults": 0}, "MaxResults"),
            ("disassociate_signin_delegate_groups_from_account",
             {"AccountId": fx.account_id, "GroupNames": []}, "GroupNames"),
            ("batch_suspend_user", {"AccountId": fx.account_id}, "UserIdList"),
        ]
        for method, params, field in cases:
            with self.subTest(method=method):
                with self.assertRaises(client.exceptions.BadRequestException) as ctx:
                    getattr(client, method)(**params)
                self.assertModeledError(ctx, "BadRequestException", field)

    # (c) ------------------------------------------------------------------------------------------

    def test_c_unknown_account_answers_a_listed_error(self):
        fx = self.fixture()
        for name in OPERATIONS:
            op = operation(name)
            members = op.input_shape.members if op.input_shape else {}
            if "AccountId" not in members:
                continue
            with self.subTest(operation=name):
                params = valid_input(op, fx)
                params["AccountId"] = UNKNOWN_ID
                with self.assertRaises(ClientError) as ctx:
                    getattr(self.chime, botocore.xform_name(name))(**params)
                code = ctx.exception.response["Error"]["Code"]
                self.assertEqual(code, "NotFoundException")
                self.assertIn(code, listed_errors(op))

    def test_z_every_error_seen_is_listed(self):
        # Runs last (unittest orders tests by name): checks every error any test of this class
        # received through boto3 (at least this one, when run alone).
        with self.assertRaises(ClientError):
            self.chime.get_account(AccountId=UNKNOWN_ID)
        self.assertTrue(self.errors_seen)
        for name, code in self.errors_seen:
            self.assertIn(code, listed_errors(operation(name)), name)

    def test_c_raw_errors_are_listed(self):
        fx = self.fixture()
        for name in OPERATIONS:
            op = operation(name)
            if op.input_shape is None:
                continue
            for desc, path, bad, field in violations(op.input_shape, valid_input(op, fx), [],
                                                     name):
                resp = self.send_raw(op, mutate(valid_input(op, fx), path, bad))
                self.assertIn(resp.headers.get("x-amzn-ErrorType"), listed_errors(op),
                              (name, desc))

    # paginators ------------------------------------------------------------------------------------

    def test_list_accounts_paginator_returns_every_account_once(self):
        prefix = unique("Page")
        created = {self.chime.create_account(Name="%s-%02d" % (prefix, i))["Account"]["AccountId"]
                   for i in range(23)}
        pages = self.chime.get_paginator("list_accounts").paginate(
            Name=prefix, PaginationConfig={"PageSize": 5})
        seen = [a["AccountId"] for page in pages for a in page["Accounts"]]
        self.assertEqual(len(seen), len(set(seen)), "an account came twice")
        self.assertEqual(set(seen), created)
        everything = [a["AccountId"] for a in self.chime.get_paginator("list_accounts").paginate(
            PaginationConfig={"PageSize": 7}).search("Accounts[]")]
        self.assertEqual(len(everything), len(set(everything)))
        self.assertTrue(created <= set(everything))

    def test_list_users_paginator_returns_every_user_once(self):
        account_id = self.chime.create_account(Name=unique("PageUsers"))["Account"]["AccountId"]
        created = set()
        for i in range(11):
            created.add(self.chime.create_user(AccountId=account_id,
                                               Email=unique("p") + "@example.com")["User"]["UserId"])
        invites = self.chime.invite_users(
            AccountId=account_id, UserEmailList=[unique("i") + "@example.com" for _ in range(12)])
        invited = [i["InviteId"] for i in invites["Invites"]]
        created.update(invited)
        register_user(self, self.server, account_id, invited[0])
        pages = self.chime.get_paginator("list_users").paginate(
            AccountId=account_id, PaginationConfig={"PageSize": 4})
        seen = []
        for page in pages:
            self.assertLessEqual(len(page["Users"]), 4)
            seen.extend(u["UserId"] for u in page["Users"])
        self.assertEqual(len(seen), len(set(seen)), "a user came twice")
        self.assertEqual(set(seen), created)


if __name__ == "__main__":
    unittest.main()
