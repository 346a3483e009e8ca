"""The AWS CLI documentation's examples for every chime account/user command, run against chimed.

Each example is read from the installed awscli package (awscli/examples/chime/<command>.rst): the
command is run as `aws chime ... --endpoint-url <chimed>` with the example's ids replaced by the
ids of objects created in setup, and the printed JSON is compared with the example's output
after normalising ids, timestamps and PINs. The server reports the examples' AWS account id
(--aws-account-id 111122223333), so AwsAccountId compares exactly.

Where the printed output differs from the example, the difference must be listed in the
example's DEPARTURES with the reason chimed cannot (or deliberately does not) reproduce it; an
undocumented difference, or a documented one that no longer occurs, fails the test. docs/api.md
repeats these departures. GetRetentionSettings and PutRetentionSettings have no CLI example."""

import json
import os
import re
import shlex
import unittest

from chimed_admin import register_user, set_account_type
from harness import PIN_RE, UUID_RE, ChimedServer, ServerTestCase, unique

AWS_ACCOUNT_ID = "111122223333"

# Strings the examples use as ids: UUIDs, including made-up ones (".._EXAMPLE", "..-f23g-..").
EXAMPLE_ID_RE = re.compile(r"^[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-"
                           r"[0-9a-zA-Z]{12}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

ACCOUNT_STATUS = ("AccountStatus is a member of the model's Account shape that the examples "
                  "predate; chimed always returns it (Active).")
NO_ALEXA = ("chimed omits AlexaForBusinessMetadata until an administrator sets it with "
            "UpdateUser or BatchUpdateUser (absent members are omitted, never defaulted); Amazon "
            "Chime returned {IsAlexaForBusinessEnabled: false} for every user.")
USER_TYPE = ("UserType is a member of the model's User shape; chimed always returns it, this "
             "example omits it.")
CREATED_USER_HAS_PIN = ("chimed's CreateUser registers the user at once and returns the "
                        "personal meeting PIN it assigned (docs/api.md, CreateUser).")


def examples_dir():
    try:
        import awscli
        path = os.path.join(os.path.dirname(awscli.__file__), "examples", "chime")
    except ImportError:
        path = "/usr/lib/python3/dist-packages/awscli/examples/chime"
    return path


def read_example(command):
    """(argv after `aws chime`, expected output dict or None) from the example's .rst."""
    with open(os.path.join(examples_dir(), command + ".rst")) as f:
        lines = f.read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip().startswith("aws chime " + command))
    cmd_lines = []
    for line in lines[start:]:
        if not line.strip():
            break
        # Two examples (batch-update-user, reset-personal-pin) forget the trailing backslash on
        # one line; the lines are joined as the example intends.
        cmd_lines.append(line.strip().rstrip("\\").strip())
    argv = shlex.split(" ".join(cmd_lines))
    assert argv[:3] == ["aws", "chime", command], argv
    expected = None
    if any(l.strip() == "Output::" for l in lines):
        out_start = next(i for i, l in enumerate(lines) if l.strip() == "Output::") + 1
        block = []
        for line in lines[out_start:]:
            if line.strip() and not line.startswith(" "):
                break
            block.append(line)
        expected = parse_doc_json("\n".join(block))
    else:
        assert any("produces no output" in l for l in lines), command
    return argv[2:], expected  # the command and its arguments


def parse_doc_json(text):
    """The examples' output is JSON-like: trailing commas, Python's False, missing commas
    between members. Repairs exactly those."""
    text = re.sub(r"\bFalse\b", "false", re.sub(r"\bTrue\b", "true", text))
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    # A value ending a line, followed by a line starting a new member or element: add a comma.
    text = re.sub(r'(["}\]\d]|true|false|null)(\s*\n\s*)(["{])', r"\1,\2\3", text)
    return json.loads(text)


def normalise(doc, known_ids):
    """Timestamps, PINs and ids chimed creates during the run become placeholders; ids created
    in setup (known_ids) are kept, so they are compared exactly."""
    if isinstance(doc, dict):
        return {k: ("<pin>" if k == "PersonalPIN" else normalise(v, known_ids))
                for k, v in doc.items()}
    if isinstance(doc, list):
        return [normalise(v, known_ids) for v in doc]
    if isinstance(doc, str):
        if doc in known_ids:
            return doc
        if TIMESTAMP_RE.match(doc):
            return "<timestamp>"
        if EXAMPLE_ID_RE.match(doc):
            return "<new-id>"
    return doc


def differences(expected, actual, path=""):
    """{(kind, path)}: kind is 'missing' (in the example, not printed), 'extra' (printed, not
    in the example) or 'differs'."""
    out = set()
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in expected.keys() | actual.keys():
            p = "%s.%s" % (path, k) if path else k
            if k not in actual:
                out.add(("missing", p))
            elif k not in expected:
                out.add(("extra", p))
            else:
                out |= differences(expected[k], actual[k], p)
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(
            actual):
        for i, (e, a) in enumerate(zip(expected, actual)):
            out |= differences(e, a, "%s[%d]" % (path, i))
    elif expected != actual:
        out.add(("differs", path))
    return out


class CliExampleCase(ServerTestCase):
    """A server that reports the examples' AWS account id."""

    @classmethod
    def setUpClass(cls):
        unittest.TestCase.setUpClass()
        srv = ChimedServer(name=cls.__module__ + "." + cls.__name__,
                           extra_args=["--aws-account-id", AWS_ACCOUNT_ID])
        cls.addClassCleanup(srv.cleanup)
        srv.start()
        cls.server = srv
        cls.chime = srv.client()

    def run_example(self, command, ids, departures=None):
        """Runs the example with `ids` ({example id: real id}) substituted; compares the output
        with the example's. `departures`: {(kind, path): reason}. Returns the printed output."""
        argv, expected = read_example(command)
        argv = [ids.get(a, a) for a in argv]
        argv = [re.sub(r"UserId=([^,]+)", lambda m: "UserId=" + ids.get(m.group(1), m.group(1)),
                       a) for a in argv]
        for a in argv:
            for token in re.findall(r"[0-9a-zA-Z-]{36}", a):
                self.assertNotIn(token, ids, "example id left unsubstituted in %r" % a)
        rc, out, err = self.server.aws(*argv)
        self.assertEqual(rc, 0, "aws chime %s failed: %s" % (" ".join(argv), err))
        if expected is None:
            self.assertEqual(out, "", "the example prints nothing")
            return None
        self.assertIsInstance(out, dict, out)
        known = set(ids.values()) | {AWS_ACCOUNT_ID}
        expected_text = json.dumps(expected)
        for example_id, real_id in ids.items():
            expected_text = expected_text.replace(example_id, real_id)
        diffs = differences(normalise(json.loads(expected_text), known), normalise(out, known))
        documented = dict(departures or {})
        for reason in documented.values():
            self.assertTrue(reason.strip())
        self.assertEqual(diffs, set(documented),
                         "printed %s\nundocumented: %s\nno longer occurring: %s" % (
                             json.dumps(out, indent=1), sorted(diffs - set(documented)),
                             sorted(set(documented) - diffs)))
        return out

    # setup helpers

    def account(self, name=None, account_type=None, groups=()):
        account_id = self.chime.create_account(Name=name or unique("Ex"))["Account"]["AccountId"]
        if account_type:
            set_account_type(self, self.server, account_id, account_type)
        if groups:
            self.chime.associate_signin_delegate_groups_with_account(
                AccountId=account_id, SigninDelegateGroups=[{"GroupName": g} for g in groups])
        return account_id

    def user(self, account_id, email=None, name=None):
        kwargs = {"AccountId": account_id, "Email": email or unique("ex") + "@example.com"}
        if name:
            kwargs["Username"] = name
        return self.chime.create_user(**kwargs)["User"]["UserId"]


A_ACCOUNT = "a1b2c3d4-5678-90ab-cdef-11111EXAMPLE"
A_USERS = ["a1b2c3d4-5678-90ab-cdef-%s" % n for n in
           ("22222EXAMPLE", "33333EXAMPLE", "44444EXAMPLE", "55555EXAMPLE")]
B_ACCOUNT = "12a3456b-7c89-012d-3456-78901e23fg45"
B_USER = "1ab2345c-67de-8901-f23g-45h678901j2k"


class CliExamplesTest(CliExampleCase):

    def b_ids(self):
        account_id = self.account()
        return account_id, self.user(account_id), {}

    # ---- accounts --------------------------------------------------------------------------------

    def test_create_account(self):
        out = self.run_example("create-account", {}, {
            ("missing", "Account.SigninDelegateGroups"):
                "CreateAccount takes only a Name, so a new account has no sign-in delegate "
                "groups; the example shows an account that had been given one.",
            ("extra", "Account.AccountStatus"): ACCOUNT_STATUS,
        })
        self.assertEqual(out["Account"]["Name"], "MyChimeAccount")

    def test_get_account(self):
        account_id = self.account("EnterpriseDirectory", "EnterpriseDirectory", ["myGroup"])
        self.run_example("get-account", {A_ACCOUNT: account_id}, {
            ("extra", "Account.AccountStatus"): ACCOUNT_STATUS})

    def test_update_account(self):
        account_id = self.account(groups=["myGroup"])
        self.run_example("update-account", {A_ACCOUNT: account_id}, {
            ("extra", "Account.AccountStatus"): ACCOUNT_STATUS})
        self.assertEqual(self.chime.get_account(AccountId=account_id)["Account"]["Name"],
                         "MyAccountName")

    def test_delete_account(self):
        account_id = self.account()
        self.run_example("delete-account", {A_ACCOUNT: account_id})
        with self.assertRaises(self.chime.exceptions.NotFoundException):
            self.chime.get_account(AccountId=account_id)

    def test_get_account_settings(self):
        self.run_example("get-account-settings", {A_ACCOUNT: self.account()})

    def test_update_account_settings(self):
        account_id = self.account()
        self.run_example("update-account-settings", {A_ACCOUNT: account_id})
        self.assertTrue(self.chime.get_account_settings(AccountId=account_id)
                        ["AccountSettings"]["DisableRemoteControl"])

    def test_associate_signin_delegate_groups_with_account(self):
        account_id = self.account()
        self.run_example("associate-signin-delegate-groups-with-account", {B_ACCOUNT: account_id})
        self.assertEqual(self.chime.get_account(AccountId=account_id)["Account"]
                         ["SigninDelegateGroups"], [{"GroupName": "my_users"}])

    def test_disassociate_signin_delegate_groups_from_account(self):
        account_id = self.account(groups=["my_users", "other"])
        self.run_example("disassociate-signin-delegate-groups-from-account",
                         {B_ACCOUNT: account_id})
        self.assertEqual(self.chime.get_account(AccountId=account_id)["Account"]
                         ["SigninDelegateGroups"], [{"GroupName": "other"}])

    # ---- users -----------------------------------------------------------------------------------

    def test_create_user(self):
        account_id = self.account()
        out = self.run_example("create-user", {B_ACCOUNT: account_id}, {
            ("missing", "User.DisplayName"):
                "The example passes no --username; Amazon Chime took 'Room Device' from its "
                "directory, which chimed does not have. chimed sets DisplayName from Username.",
            ("missing", "User.AlexaForBusinessMetadata"): NO_ALEXA,
            ("extra", "User.PersonalPIN"): CREATED_USER_HAS_PIN,
        })
        self.assertRegex(out["User"]["PersonalPIN"], PIN_RE)

    def test_get_user(self):
        account_id = self.account()
        user_id = self.user(account_id, "marthar@example.com", "Martha Rivera")
        self.run_example("get-user", {A_ACCOUNT: account_id, A_USERS[0]: user_id}, {
            ("missing", "User.InvitedOn"):
                "The example's user was invited before registering; this one was made with "
                "CreateUser (an invited user registered with `chimed users register` has "
                "InvitedOn, but no DisplayName, as chimed has no directory).",
            ("missing", "User.AlexaForBusinessMetadata"): NO_ALEXA,
            ("extra", "User.UserType"): USER_TYPE,
        })

    def test_list_users(self):
        account_id = self.account()
        people = [("mariag@example.com", "Maria Garcia"), ("richardr@example.com", "Richard Roe"),
                  ("saanvis@example.com", "Saanvi Sarkar"), ("wxiulan@example.com", "Wang Xiulan")]
        ids = [self.user(account_id, e, n) for e, n in people]
        resp = self.chime.batch_update_user(AccountId=account_id, UpdateUserRequestItems=[
            {"UserId": ids[2], "LicenseType": "Basic"}, {"UserId": ids[3], "LicenseType": "Basic"}])
        self.assertEqual(resp["UserErrors"], [])
        mapping = dict(zip(A_USERS, ids), **{A_ACCOUNT: account_id})
        self.run_example("list-users", mapping, {
            ("missing", "Users[%d].AlexaForBusinessMetadata" % i): NO_ALEXA for i in range(4)})

    def test_invite_users(self):
        account_id = self.account()
        out = self.run_example("invite-users", {A_ACCOUNT: account_id}, {
            ("differs", "Invites[0].EmailStatus"):
                "chimed sends no email: EmailStatus is NotSent (docs/api.md, InviteUsers).",
            ("differs", "Invites[1].EmailStatus"):
                "chimed sends no email: EmailStatus is NotSent (docs/api.md, InviteUsers).",
        })
        for invite in out["Invites"]:
            self.assertRegex(invite["InviteId"], UUID_RE)
            self.assertEqual(invite["EmailStatus"], "NotSent")

    def test_update_user(self):
        account_id = self.account()
        user_id = self.user(account_id, name="Update Me")
        reason = ("chimed answers the whole updated User, as the model's UpdateUserResponse "
                  "allows; the example shows only its UserId.")
        self.run_example("update-user", {A_ACCOUNT: account_id, A_USERS[0]: user_id}, {
            ("extra", "User.%s" % m): reason for m in (
                "AccountId", "PrimaryEmail", "DisplayName", "LicenseType", "UserType",
                "UserRegistrationStatus", "RegisteredOn")})
        self.assertEqual(self.chime.get_user(AccountId=account_id, UserId=user_id)["User"]
                         ["LicenseType"], "Basic")

    def test_batch_update_user(self):
        account_id = self.account()
        ids = [self.user(account_id) for _ in range(2)]
        self.run_example("batch-update-user",
                         {A_ACCOUNT: account_id, A_USERS[0]: ids[0], A_USERS[1]: ids[1]})
        for user_id in ids:
            self.assertEqual(self.chime.get_user(AccountId=account_id, UserId=user_id)["User"]
                             ["LicenseType"], "Basic")

    def test_batch_suspend_user(self):
        account_id = self.account()
        ids = [self.user(account_id) for _ in range(3)]
        self.run_example("batch-suspend-user", dict(zip(A_USERS, ids), **{A_ACCOUNT: account_id}))
        for user_id in ids:
            self.assertEqual(self.chime.get_user(AccountId=account_id, UserId=user_id)["User"]
                             ["UserRegistrationStatus"], "Suspended")

    def test_batch_unsuspend_user(self):
        account_id = self.account()
        ids = [self.user(account_id) for _ in range(3)]
        self.chime.batch_suspend_user(AccountId=account_id, UserIdList=ids)
        self.run_example("batch-unsuspend-user",
                         dict(zip(A_USERS, ids), **{A_ACCOUNT: account_id}))
        for user_id in ids:
            self.assertEqual(self.chime.get_user(AccountId=account_id, UserId=user_id)["User"]
                             ["UserRegistrationStatus"], "Registered")

    def test_reset_personal_pin(self):
        account_id = self.account()
        user_id = self.user(account_id, "mateo@example.com", "Mateo Jackson")
        self.run_example("reset-personal-pin", {A_ACCOUNT: account_id, A_USERS[0]: user_id}, {
            ("missing", "User.AlexaForBusinessMetadata"): NO_ALEXA})

    def test_reset_personal_pin_of_an_invited_and_registered_user(self):
        # The lifecycle path: the same example for a user invited and then registered.
        account_id = self.account()
        invite = self.chime.invite_users(AccountId=account_id,
                                         UserEmailList=["mateo@example.com"])["Invites"][0]
        register_user(self, self.server, account_id, invite["InviteId"])
        self.run_example("reset-personal-pin",
                         {A_ACCOUNT: account_id, A_USERS[0]: invite["InviteId"]}, {
            ("missing", "User.DisplayName"):
                "An invited user has no display name: Amazon Chime took it from the account "
                "the invitee signed in with; chimed has no such account.",
            ("missing", "User.AlexaForBusinessMetadata"): NO_ALEXA,
            ("extra", "User.UserInvitationStatus"):
                "An invited user reports its invitation (Accepted once registered).",
            ("extra", "User.InvitedOn"): "An invited user reports when it was invited.",
        })

    def test_logout_user(self):
        account_id = self.account()
        self.run_example("logout-user", {A_ACCOUNT: account_id,
                                         A_USERS[0]: self.user(account_id)})

    def test_get_user_settings(self):
        account_id = self.account()
        self.run_example("get-user-settings", {B_ACCOUNT: account_id,
                                               B_USER: self.user(account_id)})

    def test_update_user_settings(self):
        account_id = self.account()
        user_id = self.user(account_id)
        self.chime.update_user_settings(AccountId=account_id, UserId=user_id, UserSettings={
            "Telephony": {"InboundCalling": False, "OutboundCalling": False, "SMS": False}})
        self.run_example("update-user-settings", {B_ACCOUNT: account_id, B_USER: user_id})
        self.assertEqual(self.chime.get_user_settings(AccountId=account_id, UserId=user_id)
                         ["UserSettings"]["Telephony"],
                         {"InboundCalling": True, "OutboundCalling": True, "SMS": True})

    def test_associate_and_disassociate_phone_number(self):
        account_id = self.account()
        user_id = self.user(account_id)
        ids = {B_ACCOUNT: account_id, B_USER: user_id}
        self.run_example("associate-phone-number-with-user", ids)
        self.assertEqual(self.chime.get_user(AccountId=account_id, UserId=user_id)["User"]
                         ["PrimaryProvisionedNumber"], "+12065550100")
        self.run_example("disassociate-phone-number-from-user", ids)
        self.assertNotIn("PrimaryProvisionedNumber",
                         self.chime.get_user(AccountId=account_id, UserId=user_id)["User"])

    # ---- global settings -------------------------------------------------------------------------

    def test_update_then_get_global_settings(self):
        self.run_example("update-global-settings", {})
        self.run_example("get-global-settings", {})


class ListAccountsExampleTest(CliExampleCase):
    """On a server of its own, so the listing holds exactly the example's two accounts."""

    def test_list_accounts(self):
        first = self.account("First Chime Account", "EnterpriseDirectory", ["myGroup"])
        second = self.account("Second Chime Account", None, ["myGroup"])
        self.run_example("list-accounts", {A_ACCOUNT: first, A_USERS[0]: second}, {
            ("extra", "Accounts[0].AccountStatus"): ACCOUNT_STATUS,
            ("extra", "Accounts[1].AccountStatus"): ACCOUNT_STATUS,
        })


if __name__ == "__main__":
    unittest.main()
