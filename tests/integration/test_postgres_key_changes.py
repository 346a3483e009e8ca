"""Access-key changes on PostgreSQL take effect on the next ResetPersonalPIN (issue 8).

On PostgreSQL the gate admits a ResetPersonalPIN from its cached copy of the caller's key, and
the reset's own statement checks that the key's row is unchanged (security_gate.h). Here
`chimed keys`, another process, narrows, disables, rotates and deletes a key that a running
chimed has cached: the very next reset gets the answer a fresh read would give (403 or 401 as
the modelled exception), a refused reset writes nothing, and a change the key survives (a policy
that still allows the reset) costs the client nothing: the reset runs once and answers 200.
chimed's log counts the requests that were admitted from the copy and authenticated again.

Skipped, with the reason printed, only where PostgreSQL is not installed."""

import json
import time
import unittest

import pg_fixture
from harness import ChimedServer, unique
from test_auth import admin, client_for, create_key
from test_postgres_instances import MASTER_KEY, start_instances


class PostgresKeyChangesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.pg = pg_fixture.start_server("keys", cls.addClassCleanup)
        cls.dbname = unique("keys").replace("-", "_")
        cls.url = cls.pg.create_database(cls.dbname)
        cls.server, = start_instances(cls.url, 1, "pg-keys")
        cls.addClassCleanup(cls.server.cleanup)
        root = cls.server.client()
        cls.account = root.create_account(Name=unique("acct"))["Account"]["AccountId"]
        cls.other = root.create_account(Name=unique("other"))["Account"]["AccountId"]
        cls.user = root.create_user(AccountId=cls.account, Email=unique("u") + "@example.com",
                                    Username=unique("u"))["User"]["UserId"]

    def stored(self):
        """The user's stored PIN, its number of reset audit rows and the number of retired PINs,
        read in PostgreSQL."""
        out = self.pg.sql("SELECT u.pin || ' ' || (SELECT count(*) FROM pin_reset_audit a "
                          "WHERE a.user_id = u.user_id) || ' ' || (SELECT count(*) FROM "
                          "all_retired_pins) FROM users u WHERE u.user_id = '%s'"
                          % self.user, self.dbname).strip()
        pin, audits, retired = out.split()
        return pin, int(audits), int(retired)

    def reset(self, client):
        return client.reset_personal_pin(AccountId=self.account,
                                         UserId=self.user)["User"]["PersonalPIN"]

    def assertRefusedUnchanged(self, client, exception_name):
        before = self.stored()
        with self.assertRaises(getattr(client.exceptions, exception_name)):
            self.reset(client)
        self.assertEqual(self.stored(), before, "a refused reset wrote something")

    AGAIN = "its access key changed before its write"

    def log_count(self, needle):
        n = 0
        for path in self.server.log_paths:
            with open(path, "rb") as f:
                n += f.read().decode("utf-8", "replace").count(needle)
        return n

    def assertReadmitted(self, before, timeout_s=10):
        """The log shows one more request admitted from the cached key, refused by its own
        statement and authenticated again (chimed writes its log in batches)."""
        deadline = time.monotonic() + timeout_s
        while self.log_count(self.AGAIN) < before + 1:
            if time.monotonic() > deadline:
                self.fail("no request was authenticated again after the key changed")
            time.sleep(0.05)
        self.assertEqual(self.log_count(self.AGAIN), before + 1)

    def assertRefusedFromTheCache(self, client, exception_name):
        before = self.log_count(self.AGAIN)
        self.assertRefusedUnchanged(client, exception_name)
        self.assertReadmitted(before)

    def test_changes_made_elsewhere_apply_to_the_next_reset(self):
        key = create_key(self.server, "--allow-account", self.account)
        c = client_for(self.server, key)
        # The first reset reads the key; the next ones are admitted from the cached copy.
        pins = [self.reset(c) for _ in range(3)]
        self.assertEqual(self.stored()[:2], (pins[-1], 3))

        rc, _, err = admin(self.server, "set-policy", key["AccessKeyId"], "--allow-account",
                           self.other)
        self.assertEqual(rc, 0, err)
        self.assertRefusedFromTheCache(c, "ForbiddenException")

        # Widened again: the copy (now the narrow policy) refuses, a fresh read admits.
        rc, _, err = admin(self.server, "set-policy", key["AccessKeyId"], "--allow-account",
                           self.account)
        self.assertEqual(rc, 0, err)
        self.reset(c)
        pin = self.reset(c)
        self.assertEqual(self.stored()[:2], (pin, 5))

        # Re-scoped to a policy that still allows the reset: the copy admits, the statement
        # refuses, the fresh read admits again, and the reset runs once, answered 200.
        rc, _, err = admin(self.server, "set-policy", key["AccessKeyId"], "--allow-all")
        self.assertEqual(rc, 0, err)
        before = self.log_count(self.AGAIN)
        pin = self.reset(c)
        self.assertReadmitted(before)
        self.assertEqual(self.stored()[:2], (pin, 6))

        self.assertEqual(admin(self.server, "disable", key["AccessKeyId"])[0], 0)
        self.assertRefusedFromTheCache(c, "UnauthorizedClientException")
        self.assertEqual(admin(self.server, "enable", key["AccessKeyId"])[0], 0)
        self.reset(c)
        self.reset(c)

        rc, out, err = admin(self.server, "rotate", key["AccessKeyId"], "--json")
        self.assertEqual(rc, 0, err)
        rotated = client_for(self.server, json.loads(out)["AccessKey"])
        self.assertRefusedFromTheCache(c, "UnauthorizedClientException")
        self.reset(rotated)
        pin = self.reset(rotated)
        self.assertEqual(self.stored()[:2], (pin, 10))

        self.assertEqual(admin(self.server, "delete", key["AccessKeyId"])[0], 0)
        self.assertRefusedFromTheCache(rotated, "UnauthorizedClientException")

    def test_a_disabled_key_is_refused_before_its_input_or_its_rate(self):
        """A reset admitted from the cached copy of a key disabled meanwhile, that chimed would
        refuse before its statement runs (a UserId too long: 400; the user's reset limit: 429),
        is answered 401 like any request of a disabled key, after a fresh read of the key."""
        srv = ChimedServer(name="pg-keys-limit", extra_env={
            "CHIMED_STORE_URL": self.url, "CHIMED_MASTER_KEY": MASTER_KEY,
            "CHIMED_THROTTLE": "100000:100000", "CHIMED_PIN_RESET_LIMIT": "2:0.001"})
        self.addCleanup(srv.cleanup)
        srv.start()
        user = srv.client().create_user(AccountId=self.account, Email=unique("l") + "@example.com",
                                        Username=unique("l"))["User"]["UserId"]
        key = create_key(srv, "--allow-account", self.account)
        c = client_for(srv, key)
        for _ in range(2):  # the first reads the key, the second is admitted from the copy
            c.reset_personal_pin(AccountId=self.account, UserId=user)
        too_long = "x" * 300
        with self.assertRaises(c.exceptions.BadRequestException):  # enabled: its input
            c.reset_personal_pin(AccountId=self.account, UserId=too_long)

        self.assertEqual(admin(srv, "disable", key["AccessKeyId"])[0], 0)
        with self.assertRaises(c.exceptions.UnauthorizedClientException):
            c.reset_personal_pin(AccountId=self.account, UserId=too_long)

        # Enabled again, the copy refreshed by a fresh read: the user's limit is spent (429).
        self.assertEqual(admin(srv, "enable", key["AccessKeyId"])[0], 0)
        with self.assertRaises(c.exceptions.ThrottledClientException):
            c.reset_personal_pin(AccountId=self.account, UserId=user)
        self.assertEqual(admin(srv, "disable", key["AccessKeyId"])[0], 0)
        with self.assertRaises(c.exceptions.UnauthorizedClientException):
            c.reset_personal_pin(AccountId=self.account, UserId=user)


if __name__ == "__main__":
    unittest.main()
