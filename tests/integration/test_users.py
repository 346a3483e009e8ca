"""CreateUser, GetUser, ListUsers through boto3 and on the raw wire."""

import datetime
import json
import unittest

from harness import (PIN_RE, TIMESTAMP_RE, UUID_RE, ServerTestCase, q, unique)

UNKNOWN_ID = "00000000-0000-4000-8000-00000000abcd"


class UsersTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.chime.create_account(Name=unique("Users"))["Account"]
        cls.account_id = cls.account["AccountId"]

    def assertRegisteredUser(self, user, email, username, user_type="PrivateUser"):
        self.assertRegex(user["UserId"], UUID_RE)
        self.assertEqual(user["AccountId"], self.account_id)
        self.assertEqual(user["PrimaryEmail"], email)
        self.assertEqual(user["DisplayName"], username)
        self.assertEqual(user["UserType"], user_type)
        self.assertEqual(user["LicenseType"], self.account["DefaultLicense"])
        self.assertEqual(user["UserRegistrationStatus"], "Registered")
        self.assertIsInstance(user["RegisteredOn"], datetime.datetime)
        age = datetime.datetime.now(datetime.timezone.utc) - user["RegisteredOn"]
        self.assertLess(abs(age.total_seconds()), 300)

    # ---- CreateUser -------------------------------------------------------------------------

    def test_create_user_returns_201_registered_user_with_pin(self):
        email = unique("alice") + "@example.com"
        username = unique("alice")
        resp = self.chime.create_user(AccountId=self.account_id, Email=email, Username=username)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        user = resp["User"]
        self.assertRegisteredUser(user, email, username)
        self.assertRegex(user["PersonalPIN"], PIN_RE)

    def test_create_shared_device_user(self):
        email = unique("room") + "@example.com"
        user = self.make_user(self.account_id, email=email, username="room",
                              user_type="SharedDevice")
        self.assertRegisteredUser(user, email, "room", user_type="SharedDevice")

    def test_create_user_raw_json(self):
        email = unique("raw") + "@example.com"
        r = self.server.raw("POST", "/accounts/%s/users?operation=create" % q(self.account_id),
                            json.dumps({"Email": email, "Username": "raw"}).encode(),
                            headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 201, r)
        self.assertCommonHeaders(r)
        doc = r.json()
        self.assertNoNulls(doc)
        user = doc["User"]
        self.assertRegex(user["RegisteredOn"], TIMESTAMP_RE)
        self.assertIsInstance(user["PersonalPIN"], str)
        self.assertRegex(user["PersonalPIN"], PIN_RE)

    def test_duplicate_email_in_same_account_is_conflict_case_insensitively(self):
        email = unique("Dup") + "@Example.com"
        self.make_user(self.account_id, email=email)
        for variant in (email, email.lower(), email.upper()):
            with self.subTest(email=variant):
                with self.assertRaises(self.chime.exceptions.ConflictException) as ctx:
                    self.chime.create_user(AccountId=self.account_id, Email=variant,
                                           Username="dup")
                self.assertModeledError(ctx, "ConflictException")
        users = self.chime.list_users(AccountId=self.account_id, UserEmail=email.lower())["Users"]
        self.assertEqual(len(users), 1, users)

    def test_bad_email_is_bad_request(self):
        for bad in ("not-an-email", "a@b", "@example.com"):
            with self.subTest(email=bad):
                with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
                    self.chime.create_user(AccountId=self.account_id, Email=bad, Username="x")
                self.assertModeledError(ctx, "BadRequestException", "Email")

    def test_bad_user_type_is_bad_request(self):
        email = unique("enum") + "@example.com"
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.create_user(AccountId=self.account_id, Email=email, Username="x",
                                   UserType="Robot")
        self.assertModeledError(ctx, "BadRequestException", "UserType")
        r = self.server.raw("POST", "/accounts/%s/users?operation=create" % q(self.account_id),
                            json.dumps({"Email": email, "UserType": "robot"}).encode(),
                            headers={"Content-Type": "application/json"})
        self.assertRawError(r, 400, "BadRequestException", "BadRequest", "UserType")
        # Nothing was written by the rejected requests.
        self.assertEqual(
            self.chime.list_users(AccountId=self.account_id, UserEmail=email)["Users"], [])

    def test_create_user_in_unknown_account_is_not_found(self):
        with self.assertRaises(self.chime.exceptions.NotFoundException) as ctx:
            self.chime.create_user(AccountId=UNKNOWN_ID, Email=unique("x") + "@example.com",
                                   Username="x")
        self.assertModeledError(ctx, "NotFoundException")

    # ---- GetUser ----------------------------------------------------------------------------

    def test_get_user_returns_pin(self):
        created = self.make_user(self.account_id)
        got = self.chime.get_user(AccountId=self.account_id, UserId=created["UserId"])
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(got["User"], created)
        self.assertRegex(got["User"]["PersonalPIN"], PIN_RE)

    def test_get_user_raw_json(self):
        created = self.make_user(self.account_id)
        r = self.server.raw("GET", "/accounts/%s/users/%s" % (q(self.account_id),
                                                               q(created["UserId"])))
        self.assertEqual(r.status, 200, r)
        self.assertCommonHeaders(r)
        self.assertNoNulls(r.json())
        self.assertEqual(r.json()["User"]["PersonalPIN"], created["PersonalPIN"])
        self.assertRegex(r.json()["User"]["RegisteredOn"], TIMESTAMP_RE)

    def test_get_user_of_another_account_is_not_found(self):
        other = self.make_account()
        stranger = self.make_user(other["AccountId"])
        with self.assertRaises(self.chime.exceptions.NotFoundException) as ctx:
            self.chime.get_user(AccountId=self.account_id, UserId=stranger["UserId"])
        self.assertModeledError(ctx, "NotFoundException")
        # The error must not leak the user's data.
        self.assertNotIn(stranger["PersonalPIN"], ctx.exception.response["Error"]["Message"])

    def test_get_user_unknown_user_or_account_is_not_found(self):
        user = self.make_user(self.account_id)
        for account_id, user_id in ((self.account_id, UNKNOWN_ID), (UNKNOWN_ID, user["UserId"])):
            with self.subTest(account=account_id, user=user_id):
                with self.assertRaises(self.chime.exceptions.NotFoundException) as ctx:
                    self.chime.get_user(AccountId=account_id, UserId=user_id)
                self.assertModeledError(ctx, "NotFoundException")

    # ---- ListUsers --------------------------------------------------------------------------

    def test_list_users_omits_pin(self):
        acct = self.make_account()
        created = {u["UserId"]: u for u in (self.make_user(acct["AccountId"]) for _ in range(3))}
        listed = self.chime.list_users(AccountId=acct["AccountId"])["Users"]
        self.assertEqual({u["UserId"] for u in listed}, set(created))
        for u in listed:
            self.assertNotIn("PersonalPIN", u)
            want = dict(created[u["UserId"]])
            del want["PersonalPIN"]
            self.assertEqual(u, want)
        r = self.server.raw("GET", "/accounts/%s/users" % q(acct["AccountId"]))
        self.assertEqual(r.status, 200, r)
        self.assertCommonHeaders(r)
        self.assertNoNulls(r.json())
        for u in r.json()["Users"]:
            self.assertNotIn("PersonalPIN", u)
            for pin in (c["PersonalPIN"] for c in created.values()):
                self.assertNotIn(pin.encode(), r.body)

    def test_list_users_filters(self):
        acct = self.make_account()["AccountId"]
        email = unique("Find.Me") + "@example.com"
        target = self.make_user(acct, email=email)
        device = self.make_user(acct, user_type="SharedDevice")
        plain = self.make_user(acct)
        by_email = self.chime.list_users(AccountId=acct, UserEmail=email)["Users"]
        self.assertEqual([u["UserId"] for u in by_email], [target["UserId"]])
        by_email_ci = self.chime.list_users(AccountId=acct, UserEmail=email.upper())["Users"]
        self.assertEqual([u["UserId"] for u in by_email_ci], [target["UserId"]])
        shared = self.chime.list_users(AccountId=acct, UserType="SharedDevice")["Users"]
        self.assertEqual([u["UserId"] for u in shared], [device["UserId"]])
        private = self.chime.list_users(AccountId=acct, UserType="PrivateUser")["Users"]
        self.assertEqual(sorted(u["UserId"] for u in private),
                         sorted([target["UserId"], plain["UserId"]]))
        none = self.chime.list_users(AccountId=acct, UserEmail="nobody@example.com")["Users"]
        self.assertEqual(none, [])

    def test_list_users_bad_parameters_are_bad_request(self):
        cases = [({"MaxResults": 201}, ["MaxResults", "max-results"]),
                 ({"UserType": "Robot"}, ["UserType", "user-type"]),
                 ({"UserEmail": "nope"}, ["UserEmail", "user-email"])]
        for kwargs, field in cases:
            with self.subTest(kwargs=kwargs):
                with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
                    self.chime.list_users(AccountId=self.account_id, **kwargs)
                self.assertModeledError(ctx, "BadRequestException", field)
        # botocore itself refuses MaxResults=0 (model minimum), so send it raw.
        for query in ("max-results=0", "max-results=abc", "max-results=-1"):
            with self.subTest(query=query):
                r = self.server.raw("GET", "/accounts/%s/users?%s" % (q(self.account_id), query))
                self.assertRawError(r, 400, "BadRequestException", "BadRequest",
                                    ["MaxResults", "max-results"])

    def test_list_users_of_unknown_account_is_not_found(self):
        with self.assertRaises(self.chime.exceptions.NotFoundException) as ctx:
            self.chime.list_users(AccountId=UNKNOWN_ID)
        self.assertModeledError(ctx, "NotFoundException")

    def test_list_users_default_page_is_100(self):
        acct = self.make_account()["AccountId"]
        for _ in range(101):
            self.make_user(acct)
        resp = self.chime.list_users(AccountId=acct)
        self.assertEqual(len(resp["Users"]), 100)
        self.assertIn("NextToken", resp)
        rest = self.chime.list_users(AccountId=acct, NextToken=resp["NextToken"])
        self.assertEqual(len(rest["Users"]), 1)
        self.assertNotIn("NextToken", rest)

    def test_list_users_paginator_over_250_users_returns_each_once(self):
        acct = self.make_account()["AccountId"]
        created = {self.make_user(acct)["UserId"] for _ in range(260)}
        for page_size in (200, 37):
            with self.subTest(page_size=page_size):
                seen, pages = [], 0
                paginator = self.chime.get_paginator("list_users")
                for page in paginator.paginate(AccountId=acct,
                                               PaginationConfig={"PageSize": page_size}):
                    pages += 1
                    self.assertLessEqual(len(page["Users"]), page_size)
                    seen.extend(u["UserId"] for u in page["Users"])
                self.assertEqual(len(seen), len(set(seen)), "a user came twice")
                self.assertEqual(set(seen), created)
                self.assertEqual(pages, -(-len(created) // page_size))

    def test_list_users_next_token_stays_correct_while_users_are_added(self):
        acct = self.make_account()["AccountId"]
        before = {self.make_user(acct)["UserId"] for _ in range(250)}
        added, seen, token, pages = set(), [], None, 0
        while True:
            kwargs = {"AccountId": acct, "MaxResults": 23}
            if token:
                kwargs["NextToken"] = token
            page = self.chime.list_users(**kwargs)
            pages += 1
            seen.extend(u["UserId"] for u in page["Users"])
            token = page.get("NextToken")
            if not token:
                break
            for _ in range(2):  # users arrive between pages
                added.add(self.make_user(acct)["UserId"])
            self.assertLess(pages, 100, "pagination does not end")
        self.assertEqual(len(seen), len(set(seen)), "a user came twice")
        missing = before - set(seen)
        self.assertEqual(missing, set(), "users that existed throughout were skipped")
        self.assertTrue(set(seen) <= before | added, "unknown users listed")


if __name__ == "__main__":
    unittest.main()
