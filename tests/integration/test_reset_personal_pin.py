"""ResetPersonalPIN: the seed's call, exactly as boto3's documentation shows it, and the AWS CLI."""

import concurrent.futures
import json
import threading
import unittest

from botocore.exceptions import ClientError

from harness import PIN_RE, ServerTestCase, error_code, is_guessable_pin, q, unique

UNKNOWN_ID = "00000000-0000-4000-8000-00000000beef"


class ResetPersonalPinTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account_id = cls.chime.create_account(Name=unique("Reset"))["Account"]["AccountId"]

    def test_seed_call_returns_user_with_new_pin(self):
        user = self.make_user(self.account_id)
        old_pin = user["PersonalPIN"]
        response = self.chime.reset_personal_pin(AccountId=self.account_id, UserId=user["UserId"])
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertTrue(response["ResponseMetadata"].get("RequestId"))
        self.assertEqual(set(response) - {"ResponseMetadata"}, {"User"})
        new = response["User"]
        self.assertRegex(new["PersonalPIN"], PIN_RE)
        self.assertNotEqual(new["PersonalPIN"], old_pin)
        # Everything but the PIN is the same user.
        want = dict(user)
        got = dict(new)
        del want["PersonalPIN"], got["PersonalPIN"]
        self.assertEqual(got, want)
        fetched = self.chime.get_user(AccountId=self.account_id, UserId=user["UserId"])["User"]
        self.assertEqual(fetched["PersonalPIN"], new["PersonalPIN"])

    def test_raw_reset_has_no_body_and_answers_json(self):
        user = self.make_user(self.account_id)
        path = "/accounts/%s/users/%s?operation=reset-personal-pin" % (
            q(self.account_id), q(user["UserId"]))
        r = self.server.raw("POST", path)  # no body, no Content-Type, as botocore sends it
        self.assertEqual(r.status, 200, r)
        self.assertCommonHeaders(r)
        self.assertTrue((r.headers.get("Content-Type") or "").startswith("application/json"))
        doc = r.json()
        self.assertNoNulls(doc)
        self.assertIsInstance(doc["User"]["PersonalPIN"], str)
        self.assertRegex(doc["User"]["PersonalPIN"], PIN_RE)
        self.assertNotEqual(doc["User"]["PersonalPIN"], user["PersonalPIN"])

    def test_unknown_account_user_or_foreign_user_is_not_found(self):
        mine = self.make_user(self.account_id)
        other_account = self.make_account()["AccountId"]
        stranger = self.make_user(other_account)
        cases = {
            "unknown account": (UNKNOWN_ID, mine["UserId"]),
            "unknown user": (self.account_id, UNKNOWN_ID),
            "user of another account": (self.account_id, stranger["UserId"]),
        }
        for label, (account_id, user_id) in cases.items():
            with self.subTest(label):
                with self.assertRaises(self.chime.exceptions.NotFoundException) as ctx:
                    self.chime.reset_personal_pin(AccountId=account_id, UserId=user_id)
                self.assertModeledError(ctx, "NotFoundException")
                self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        # None of the failed calls changed a PIN.
        for acct, user in ((self.account_id, mine), (other_account, stranger)):
            got = self.chime.get_user(AccountId=acct, UserId=user["UserId"])["User"]
            self.assertEqual(got["PersonalPIN"], user["PersonalPIN"])

    def test_blank_ids_are_bad_request(self):
        user = self.make_user(self.account_id)
        for account_id, user_id in ((" ", user["UserId"]), (self.account_id, " "), (" ", " ")):
            with self.subTest(account=account_id, user=user_id):
                with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
                    self.chime.reset_personal_pin(AccountId=account_id, UserId=user_id)
                self.assertModeledError(ctx, "BadRequestException")
                self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        got = self.chime.get_user(AccountId=self.account_id, UserId=user["UserId"])["User"]
        self.assertEqual(got["PersonalPIN"], user["PersonalPIN"])

    def test_raw_errors_have_the_wire_format(self):
        user = self.make_user(self.account_id)
        r = self.server.raw("POST", "/accounts/%s/users/%s?operation=reset-personal-pin" % (
            q(UNKNOWN_ID), q(user["UserId"])))
        self.assertRawError(r, 404, "NotFoundException", "NotFound")
        r = self.server.raw("POST", "/accounts/%s/users/%%20?operation=reset-personal-pin" % (
            q(self.account_id)))
        self.assertRawError(r, 400, "BadRequestException", "BadRequest")

    def test_1000_resets_give_1000_distinct_pins(self):
        # 8 users keep each under the default per-user reset limit (burst 250) with a wide margin.
        users = [self.make_user(self.account_id) for _ in range(8)]
        initial = {u["PersonalPIN"] for u in users}
        client = self.server.client(max_pool_connections=8)

        def reset(i):
            u = users[i % len(users)]
            return u["UserId"], client.reset_personal_pin(
                AccountId=self.account_id, UserId=u["UserId"])["User"]["PersonalPIN"]

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(reset, range(1000)))
        pins = [pin for _, pin in results]
        self.assertEqual(len(pins), 1000)
        for pin in pins:
            self.assertRegex(pin, PIN_RE)
            self.assertFalse(is_guessable_pin(pin), pin)
        dupes = len(pins) - len(set(pins))
        self.assertEqual(dupes, 0, "%d PINs were issued twice" % dupes)
        self.assertFalse(set(pins) & initial, "a retired PIN was issued again")
        # Digits are spread: every digit appears at every position over 1000 PINs (a broken
        # generator, e.g. one with a constant prefix, fails this; a fair one misses with
        # probability about 10 * 10 * 0.9^1000, i.e. never).
        for pos in range(10):
            self.assertEqual({p[pos] for p in pins}, set("0123456789"), "position %d" % pos)
        # Each user's stored PIN is one of the PINs issued to that user (the last committed).
        for u in users:
            got = self.chime.get_user(AccountId=self.account_id, UserId=u["UserId"])["User"]
            issued = [pin for uid, pin in results if uid == u["UserId"]]
            self.assertIn(got["PersonalPIN"], issued)

    def test_pins_are_unique_across_users_and_accounts(self):
        other = self.make_account()["AccountId"]
        pins = [self.make_user(acct)["PersonalPIN"] for acct in (self.account_id, other)
                for _ in range(20)]
        self.assertEqual(len(pins), len(set(pins)))

    def test_two_concurrent_resets_of_one_user(self):
        user = self.make_user(self.account_id)
        clients = [self.server.client(), self.server.client()]
        for round_no in range(20):
            barrier = threading.Barrier(2)
            results = [None, None]

            def go(i):
                barrier.wait()
                try:
                    results[i] = clients[i].reset_personal_pin(
                        AccountId=self.account_id, UserId=user["UserId"])
                except ClientError as e:  # recorded, asserted below
                    results[i] = e

            threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            with self.subTest(round=round_no):
                for r in results:
                    self.assertIsInstance(r, dict, "a concurrent reset failed: %r" % (r,))
                    self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
                a, b = (r["User"]["PersonalPIN"] for r in results)
                self.assertNotEqual(a, b)
                got = self.chime.get_user(AccountId=self.account_id,
                                          UserId=user["UserId"])["User"]["PersonalPIN"]
                self.assertIn(got, (a, b))

    def test_unregistered_user_is_bad_request(self):
        email = unique("invitee") + "@example.com"
        try:
            resp = self.chime.invite_users(AccountId=self.account_id, UserEmailList=[email])
        except ClientError as e:
            # Is this the answer the server gives to any unknown operation on this path?
            probe = self.server.raw(
                "POST", "/accounts/%s/users?operation=no-such-operation" % q(self.account_id),
                b"{}", headers={"Content-Type": "application/json"})
            same = (probe.status == e.response["ResponseMetadata"]["HTTPStatusCode"]
                    and probe.headers.get("x-amzn-ErrorType") == error_code(e))
            if same:
                self.skipTest("InviteUsers is not implemented (answers like an unknown operation: "
                              "%s %s); no other API makes an Unregistered user"
                              % (error_code(e), e.response["Error"].get("Message")))
            raise
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual([i["EmailAddress"] for i in resp["Invites"]], [email])
        users = self.chime.list_users(AccountId=self.account_id, UserEmail=email)["Users"]
        self.assertEqual(len(users), 1, users)
        invitee = users[0]
        self.assertEqual(invitee["UserRegistrationStatus"], "Unregistered")
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.reset_personal_pin(AccountId=self.account_id, UserId=invitee["UserId"])
        self.assertModeledError(ctx, "BadRequestException")
        after = self.chime.get_user(AccountId=self.account_id, UserId=invitee["UserId"])["User"]
        self.assertNotIn("PersonalPIN", after)

    def test_aws_cli_reset_personal_pin_and_get_user(self):
        user = self.make_user(self.account_id)
        rc, out, err = self.server.aws("reset-personal-pin", "--account-id", self.account_id,
                                       "--user-id", user["UserId"])
        self.assertEqual(rc, 0, err)
        self.assertIsInstance(out, dict, out)
        new_pin = out["User"]["PersonalPIN"]
        self.assertRegex(new_pin, PIN_RE)
        self.assertNotEqual(new_pin, user["PersonalPIN"])
        self.assertEqual(out["User"]["UserId"], user["UserId"])
        self.assertEqual(out["User"]["PrimaryEmail"], user["PrimaryEmail"])
        rc, out, err = self.server.aws("get-user", "--account-id", self.account_id,
                                       "--user-id", user["UserId"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["User"]["PersonalPIN"], new_pin)

    def test_aws_cli_errors_name_the_exception(self):
        rc, out, err = self.server.aws("reset-personal-pin", "--account-id", UNKNOWN_ID,
                                       "--user-id", UNKNOWN_ID)
        self.assertNotEqual(rc, 0)
        self.assertIn("(NotFoundException)", err)
        self.assertIn("ResetPersonalPIN", err)
        rc, out, err = self.server.aws("reset-personal-pin", "--account-id", " ",
                                       "--user-id", UNKNOWN_ID)
        self.assertNotEqual(rc, 0)
        self.assertIn("(BadRequestException)", err)


if __name__ == "__main__":
    unittest.main()
