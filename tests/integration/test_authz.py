"""Authorization end to end: keys made with `chimed keys` on the running server's data dir.

The matrix: a key scoped to account A, every routed operation, aimed at account B's objects (and
at B's users through A's path): zero successes, and B's full state (read back with the root key)
unchanged. Also function-level authorization (GetUser-only cannot reset a PIN), deny overriding
allow, and admin changes taking effect without a restart.
"""

import json
import unittest

import harness
from harness import ServerTestCase, q, unique
from test_auth import ROOT_KEY, admin, client_for, create_key, raw_as


def operations(account, user, other_user=None):
    """(name, method, path, body) for every routed operation, aimed at `account`/`user`."""
    a, u = q(account), q(user)
    other = other_user or user
    return [
        ("GetAccount", "GET", "/accounts/%s" % a, None),
        ("UpdateAccount", "POST", "/accounts/%s" % a, {"Name": "renamed"}),
        ("AssociateSigninDelegateGroupsWithAccount", "POST",
         "/accounts/%s?operation=associate-signin-delegate-groups" % a,
         {"SigninDelegateGroups": [{"GroupName": "g"}]}),
        ("DisassociateSigninDelegateGroupsFromAccount", "POST",
         "/accounts/%s?operation=disassociate-signin-delegate-groups" % a, {"GroupNames": ["g"]}),
        ("DeleteAccount", "DELETE", "/accounts/%s" % a, None),
        ("GetAccountSettings", "GET", "/accounts/%s/settings" % a, None),
        ("UpdateAccountSettings", "PUT", "/accounts/%s/settings" % a,
         {"AccountSettings": {"DisableRemoteControl": True, "EnableDialOut": False}}),
        ("GetRetentionSettings", "GET", "/accounts/%s/retention-settings" % a, None),
        ("PutRetentionSettings", "PUT", "/accounts/%s/retention-settings" % a,
         {"RetentionSettings": {"RoomRetentionSettings": {"RetentionDays": 5}}}),
        ("ListUsers", "GET", "/accounts/%s/users" % a, None),
        ("BatchUpdateUser", "POST", "/accounts/%s/users" % a,
         {"UpdateUserRequestItems": [{"UserId": other, "LicenseType": "Basic"}]}),
        ("CreateUser", "POST", "/accounts/%s/users?operation=create" % a,
         {"Username": "intruder", "Email": "intruder@example.com"}),
        ("InviteUsers", "POST", "/accounts/%s/users?operation=add" % a,
         {"UserEmailList": ["intruder2@example.com"]}),
        ("BatchSuspendUser", "POST", "/accounts/%s/users?operation=suspend" % a,
         {"UserIdList": [other]}),
        ("BatchUnsuspendUser", "POST", "/accounts/%s/users?operation=unsuspend" % a,
         {"UserIdList": [other]}),
        ("GetUser", "GET", "/accounts/%s/users/%s" % (a, u), None),
        ("UpdateUser", "POST", "/accounts/%s/users/%s" % (a, u), {"LicenseType": "Basic"}),
        ("ResetPersonalPIN", "POST", "/accounts/%s/users/%s?operation=reset-personal-pin" % (a, u),
         None),
        ("LogoutUser", "POST", "/accounts/%s/users/%s?operation=logout" % (a, u), None),
        ("AssociatePhoneNumberWithUser", "POST",
         "/accounts/%s/users/%s?operation=associate-phone-number" % (a, u),
         {"E164PhoneNumber": "+12065550100"}),
        ("DisassociatePhoneNumberFromUser", "POST",
         "/accounts/%s/users/%s?operation=disassociate-phone-number" % (a, u), None),
        ("GetUserSettings", "GET", "/accounts/%s/users/%s/settings" % (a, u), None),
        ("UpdateUserSettings", "PUT", "/accounts/%s/users/%s/settings" % (a, u),
         {"UserSettings": {"Telephony": {"InboundCalling": False, "OutboundCalling": False,
                                         "SMS": False}}}),
    ]


GLOBAL_OPERATIONS = [
    ("CreateAccount", "POST", "/accounts", {"Name": "intruder-account"}),
    ("GetGlobalSettings", "GET", "/settings", None),
    ("UpdateGlobalSettings", "PUT", "/settings", {"BusinessCalling": {"CdrBucket": "x"}}),
]


def body_bytes(body):
    return b"" if body is None else json.dumps(body).encode()


def send(server, key, method, path, body):
    return raw_as(server, key, method, path, body_bytes(body))


class AuthorizationMatrixTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.chime
        cls.a = c.create_account(Name=unique("acct-a"))["Account"]["AccountId"]
        cls.b = c.create_account(Name=unique("acct-b"))["Account"]["AccountId"]
        cls.a_users = [c.create_user(AccountId=cls.a, Email=unique("a") + "@example.com",
                                     Username=unique("a"))["User"]["UserId"] for _ in range(2)]
        cls.b_users = [c.create_user(AccountId=cls.b, Email=unique("b") + "@example.com",
                                     Username=unique("b"))["User"]["UserId"] for _ in range(2)]
        for u in cls.b_users:
            c.reset_personal_pin(AccountId=cls.b, UserId=u)
        cls.key_a = create_key(cls.server, "--allow-account", cls.a, name="scoped-to-a")

    def dump(self):
        """Everything the root key can read about B (and the account list), as (status, body)."""
        out = {}
        paths = ["/accounts/%s" % q(self.b), "/accounts/%s/users" % q(self.b),
                 "/accounts/%s/settings" % q(self.b), "/accounts/%s/retention-settings" % q(self.b),
                 "/settings", "/accounts?max-results=200"]
        for u in self.b_users:
            paths += ["/accounts/%s/users/%s" % (q(self.b), q(u)),
                      "/accounts/%s/users/%s/settings" % (q(self.b), q(u))]
        for p in paths:
            r = self.server.raw("GET", p)
            out[p] = (r.status, r.body)
        return out

    def assertForbidden(self, r, what):
        self.assertRawError(r, 403, "ForbiddenException", "Forbidden")
        msg = r.json()["Message"]
        self.assertIn(self.key_a["AccessKeyId"], msg, what)
        self.assertNotIn(self.key_a["SecretAccessKey"], msg)

    def test_scoped_key_x_every_operation_x_account_b(self):
        before = self.dump()
        successes = []
        for prefix in ("", "/console"):
            for name, method, path, body in operations(self.b, self.b_users[0], self.b_users[1]):
                with self.subTest(op=name, prefix=prefix):
                    r = send(self.server, self.key_a, method, prefix + path, body)
                    if 200 <= r.status < 300:
                        successes.append(name)
                    self.assertForbidden(r, name)
            for name, method, path, body in GLOBAL_OPERATIONS:
                with self.subTest(op=name, prefix=prefix):
                    r = send(self.server, self.key_a, method, prefix + path, body)
                    if 200 <= r.status < 300:
                        successes.append(name)
                    self.assertForbidden(r, name)
        self.assertEqual(successes, [])
        self.assertEqual(self.dump(), before, "account B changed")

    def test_b_users_through_a_path_are_not_found_and_untouched(self):
        before = self.dump()
        for name, method, path, body in operations(self.a, self.b_users[0], self.b_users[1]):
            if name in ("DeleteAccount", "UpdateAccount"):
                continue  # would change A, which this key may do; irrelevant to B
            with self.subTest(op=name):
                r = send(self.server, self.key_a, method, path, body)
                self.assertNotIn(r.status, (401, 403), r)
                if name in ("GetUser", "UpdateUser", "ResetPersonalPIN", "LogoutUser",
                            "GetUserSettings", "UpdateUserSettings"):
                    self.assertIn(r.status, (400, 404), r)
                    if r.status == 200:
                        self.fail("%s reached B's user through A: %r" % (name, r))
        # Batch operations on A naming B's users report them as errors, never act on them.
        self.assertEqual(self.dump(), before, "account B changed")

    def test_scoped_key_works_in_its_own_account(self):
        c = client_for(self.server, self.key_a)
        self.assertEqual(c.get_account(AccountId=self.a)["Account"]["AccountId"], self.a)
        listed = [u["UserId"] for u in c.list_users(AccountId=self.a)["Users"]]
        self.assertTrue(set(self.a_users) <= set(listed), listed)
        pin = c.reset_personal_pin(AccountId=self.a, UserId=self.a_users[0])["User"]["PersonalPIN"]
        self.assertRegex(pin, harness.PIN_RE)
        ids = []
        kwargs = {}
        while True:
            page = c.list_accounts(MaxResults=200, **kwargs)
            ids += [x["AccountId"] for x in page["Accounts"]]
            if not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
        self.assertEqual(ids, [self.a])
        with self.assertRaises(c.exceptions.ForbiddenException):
            c.get_account(AccountId=self.b)
        with self.assertRaises(c.exceptions.ForbiddenException):
            c.reset_personal_pin(AccountId=self.b, UserId=self.b_users[0])
        with self.assertRaises(c.exceptions.ForbiddenException):
            c.create_account(Name=unique("nope"))
        with self.assertRaises(c.exceptions.NotFoundException):
            c.get_user(AccountId=self.a, UserId=self.b_users[0])

    def test_get_user_only_key_cannot_reset_a_pin(self):
        key = create_key(self.server, "--policy", json.dumps({"Statement": [
            {"Effect": "Allow", "Action": "chime:GetUser", "Resource": "*"}]}))
        c = client_for(self.server, key)
        user = c.get_user(AccountId=self.b, UserId=self.b_users[0])["User"]
        with self.assertRaises(c.exceptions.ForbiddenException) as ctx:
            c.reset_personal_pin(AccountId=self.b, UserId=self.b_users[0])
        self.assertIn("chime:ResetPersonalPIN", ctx.exception.response["Error"]["Message"])
        after = self.chime.get_user(AccountId=self.b, UserId=self.b_users[0])["User"]
        self.assertEqual(after.get("PersonalPIN"), user.get("PersonalPIN"))
        with self.assertRaises(c.exceptions.ForbiddenException):
            c.list_accounts()

    def test_deny_overrides_allow(self):
        key = create_key(self.server, "--policy", json.dumps({"Statement": [
            {"Effect": "Allow", "Action": "chime:*", "Resource": "*"},
            {"Effect": "Deny", "Action": ["chime:ResetPersonalPIN", "chime:Delete*"],
             "Resource": self.b}]}))
        c = client_for(self.server, key)
        c.get_user(AccountId=self.b, UserId=self.b_users[0])
        c.reset_personal_pin(AccountId=self.a, UserId=self.a_users[1])
        for call in (lambda: c.reset_personal_pin(AccountId=self.b, UserId=self.b_users[0]),
                     lambda: c.delete_account(AccountId=self.b)):
            with self.assertRaises(c.exceptions.ForbiddenException) as ctx:
                call()
            self.assertIn("explicit deny", ctx.exception.response["Error"]["Message"])
        self.chime.get_account(AccountId=self.b)

    def test_admin_changes_apply_without_restart(self):
        key = create_key(self.server, "--allow-account", self.a)
        c = client_for(self.server, key)
        c.get_account(AccountId=self.a)
        with self.assertRaises(c.exceptions.ForbiddenException):
            c.get_account(AccountId=self.b)
        rc, out, err = admin(self.server, "set-policy", key["AccessKeyId"], "--allow-account",
                             self.b)
        self.assertEqual(rc, 0, err)
        c.get_account(AccountId=self.b)
        with self.assertRaises(c.exceptions.ForbiddenException):
            c.get_account(AccountId=self.a)
        self.assertEqual(admin(self.server, "disable", key["AccessKeyId"])[0], 0)
        with self.assertRaises(c.exceptions.UnauthorizedClientException):
            c.get_account(AccountId=self.b)
        self.assertEqual(admin(self.server, "enable", key["AccessKeyId"])[0], 0)
        c.get_account(AccountId=self.b)
        rc, out, err = admin(self.server, "rotate", key["AccessKeyId"], "--json")
        self.assertEqual(rc, 0, err)
        new = json.loads(out)["AccessKey"]
        with self.assertRaises(c.exceptions.UnauthorizedClientException):
            c.get_account(AccountId=self.b)
        client_for(self.server, new).get_account(AccountId=self.b)
        rc, out, err = admin(self.server, "list", "--json")
        listed = {k["AccessKeyId"]: k for k in json.loads(out)["AccessKeys"]}
        self.assertIn(key["AccessKeyId"], listed)
        self.assertNotIn(new["SecretAccessKey"], out)
        self.assertNotIn("SecretAccessKey", out)
        self.assertEqual(admin(self.server, "delete", key["AccessKeyId"])[0], 0)
        c_new = client_for(self.server, new)
        with self.assertRaises(c_new.exceptions.UnauthorizedClientException):
            c_new.get_account(AccountId=self.b)
        rc, _, err = admin(self.server, "delete", key["AccessKeyId"])
        self.assertEqual(rc, 1)
        self.assertIn("does not exist", err)

    def test_admin_refuses_bad_policies(self):
        for args in ([], ["--allow-all", "--allow-account", "x"], ["--policy", "{"],
                     ["--policy", json.dumps({"Statement": [{"Effect": "Allow",
                                                             "Action": "chime:*",
                                                             "Resource": "*",
                                                             "Condition": {}}]})],
                     ["--policy-file", "/nonexistent/policy.json"]):
            with self.subTest(args=args):
                rc, out, err = admin(self.server, "create", "--name", "bad", *args)
                self.assertEqual(rc, 1, out)
                self.assertTrue(err.strip())
                self.assertNotIn("aws_secret_access_key", out)


if __name__ == "__main__":
    unittest.main()
