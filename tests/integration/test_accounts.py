"""CreateAccount, GetAccount, ListAccounts through boto3, and their raw JSON on the wire."""

import datetime
import json
import re
import unittest

from harness import (TIMESTAMP_RE, UUID_RE, ServerTestCase, q, unique)


class AccountsTest(ServerTestCase):

    def assertAccountShape(self, acct, name):
        self.assertRegex(acct["AwsAccountId"], r"^\d{12}$")
        self.assertRegex(acct["AccountId"], UUID_RE)
        self.assertEqual(acct["Name"], name)
        self.assertEqual(acct["AccountType"], "Team")
        self.assertIsInstance(acct["CreatedTimestamp"], datetime.datetime)
        self.assertIsNotNone(acct["CreatedTimestamp"].tzinfo)
        age = datetime.datetime.now(datetime.timezone.utc) - acct["CreatedTimestamp"]
        self.assertLess(abs(age.total_seconds()), 300, acct["CreatedTimestamp"])
        self.assertEqual(acct["DefaultLicense"], "Pro")
        self.assertEqual(acct["SupportedLicenses"], ["Basic", "Pro"])
        self.assertEqual(acct["AccountStatus"], "Active")

    # ---- CreateAccount / GetAccount -----------------------------------------------------------

    def test_create_account_returns_201_and_full_account(self):
        name = unique("Create Account")
        resp = self.chime.create_account(Name=name)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertAccountShape(resp["Account"], name)

    def test_create_account_ids_are_unique(self):
        a = self.make_account()
        b = self.make_account()
        self.assertNotEqual(a["AccountId"], b["AccountId"])

    def test_get_account_returns_what_create_returned(self):
        created = self.make_account()
        got = self.chime.get_account(AccountId=created["AccountId"])
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(got["Account"], created)

    def test_create_account_name_of_100_chars_is_accepted(self):
        name = "n" * 88 + unique("")[1:]
        self.assertEqual(len(name), 100)
        self.assertAccountShape(self.make_account(name), name)

    def test_create_account_name_of_101_chars_is_bad_request(self):
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.create_account(Name="x" * 101)
        self.assertModeledError(ctx, "BadRequestException", "Name")

    def test_create_account_blank_name_is_bad_request(self):
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.create_account(Name="   ")
        self.assertModeledError(ctx, "BadRequestException", "Name")

    def test_get_unknown_account_is_not_found(self):
        with self.assertRaises(self.chime.exceptions.NotFoundException) as ctx:
            self.chime.get_account(AccountId="00000000-0000-4000-8000-000000000000")
        self.assertModeledError(ctx, "NotFoundException")

    def test_get_account_blank_id_is_bad_request(self):
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.get_account(AccountId=" ")
        self.assertModeledError(ctx, "BadRequestException")

    # ---- ListAccounts -----------------------------------------------------------------------

    def test_list_accounts_name_filter_is_a_prefix_filter(self):
        stem = unique("Prefix")
        mine = {self.make_account(stem + suffix)["AccountId"] for suffix in ("-a", "-b", "-c")}
        # Contains the stem but does not start with it: must not match.
        other = self.make_account("zz" + stem)["AccountId"]
        got = self.chime.list_accounts(Name=stem)["Accounts"]
        ids = [a["AccountId"] for a in got]
        self.assertEqual(sorted(ids), sorted(mine))
        for a in got:
            self.assertTrue(a["Name"].startswith(stem), a)
        self.assertNotIn(other, ids)

    def test_list_accounts_name_filter_without_match_is_empty(self):
        resp = self.chime.list_accounts(Name=unique("NoSuchAccountPrefix"))
        self.assertEqual(resp.get("Accounts", []), [])
        self.assertNotIn("NextToken", resp)

    def test_list_accounts_user_email_filter(self):
        with_user = self.make_account()
        without_user = self.make_account()
        email = unique("owner") + "@example.com"
        self.make_user(with_user["AccountId"], email=email)
        self.make_user(without_user["AccountId"])
        got = self.chime.list_accounts(UserEmail=email)["Accounts"]
        self.assertEqual([a["AccountId"] for a in got], [with_user["AccountId"]])
        self.assertEqual(got[0], self.chime.get_account(AccountId=with_user["AccountId"])["Account"])

    def test_list_accounts_paginator_returns_each_account_once(self):
        stem = unique("Page")
        created = {self.make_account("%s-%02d" % (stem, i))["AccountId"] for i in range(33)}
        paginator = self.chime.get_paginator("list_accounts")
        # With the prefix filter: exactly our accounts.
        seen, pages = [], 0
        for page in paginator.paginate(Name=stem, PaginationConfig={"PageSize": 4}):
            pages += 1
            self.assertLessEqual(len(page["Accounts"]), 4)
            seen.extend(a["AccountId"] for a in page["Accounts"])
        self.assertEqual(len(seen), len(set(seen)), "an account came twice")
        self.assertEqual(set(seen), created)
        self.assertGreaterEqual(pages, 9)
        # Without a filter: every account of the server once, ours among them.
        seen = []
        for page in paginator.paginate(PaginationConfig={"PageSize": 7}):
            seen.extend(a["AccountId"] for a in page["Accounts"])
        self.assertEqual(len(seen), len(set(seen)), "an account came twice")
        self.assertTrue(created <= set(seen), created - set(seen))

    def test_list_accounts_max_results_201_is_bad_request(self):
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.list_accounts(MaxResults=201)
        self.assertModeledError(ctx, "BadRequestException", ["MaxResults", "max-results"])

    def test_list_accounts_max_results_0_is_bad_request(self):
        r = self.server.raw("GET", "/accounts?max-results=0")
        self.assertRawError(r, 400, "BadRequestException", "BadRequest",
                            ["MaxResults", "max-results"])

    def test_list_accounts_max_results_200_is_accepted(self):
        resp = self.chime.list_accounts(MaxResults=200)
        self.assertLessEqual(len(resp["Accounts"]), 200)

    def test_list_accounts_bad_user_email_is_bad_request(self):
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.list_accounts(UserEmail="not-an-email")
        self.assertModeledError(ctx, "BadRequestException", ["UserEmail", "user-email"])

    # ---- the raw wire ---------------------------------------------------------------------

    def test_raw_create_account_json(self):
        name = unique("Raw Account")
        r = self.server.raw("POST", "/accounts", json.dumps({"Name": name}).encode(),
                            headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 201, r)
        self.assertCommonHeaders(r)
        self.assertTrue((r.headers.get("Content-Type") or "").startswith("application/json"))
        doc = r.json()
        self.assertNoNulls(doc)
        self.assertEqual(set(doc), {"Account"})
        acct = doc["Account"]
        self.assertRegex(acct["CreatedTimestamp"], TIMESTAMP_RE)
        self.assertIsInstance(acct["AwsAccountId"], str)
        self.assertRegex(acct["AwsAccountId"], r"^\d{12}$")
        self.assertEqual(acct["Name"], name)

        g = self.server.raw("GET", "/accounts/" + q(acct["AccountId"]))
        self.assertEqual(g.status, 200, g)
        self.assertCommonHeaders(g)
        self.assertNoNulls(g.json())
        self.assertEqual(g.json()["Account"], acct)
        self.assertNotEqual(r.headers.get("x-amzn-RequestId"), g.headers.get("x-amzn-RequestId"))

    def test_raw_list_accounts_json(self):
        stem = unique("RawList")
        for i in range(3):
            self.make_account("%s-%d" % (stem, i))
        r = self.server.raw("GET", "/accounts?name=%s&max-results=2" % q(stem))
        self.assertEqual(r.status, 200, r)
        self.assertCommonHeaders(r)
        doc = r.json()
        self.assertNoNulls(doc)
        self.assertEqual(len(doc["Accounts"]), 2)
        self.assertIsInstance(doc["NextToken"], str)
        for a in doc["Accounts"]:
            self.assertRegex(a["CreatedTimestamp"], TIMESTAMP_RE)
        r2 = self.server.raw("GET", "/accounts?name=%s&max-results=2&next-token=%s" % (
            q(stem), q(doc["NextToken"])))
        self.assertEqual(r2.status, 200, r2)
        doc2 = r2.json()
        self.assertNoNulls(doc2)
        self.assertEqual(len(doc2["Accounts"]), 1)
        self.assertNotIn("NextToken", doc2)

    def test_raw_errors_have_the_wire_format(self):
        cases = [
            ("POST", "/accounts", json.dumps({"Name": "y" * 101}), 400, "BadRequestException",
             "BadRequest"),
            ("POST", "/accounts", json.dumps({"Name": "   "}), 400, "BadRequestException",
             "BadRequest"),
            ("GET", "/accounts/" + q("11111111-2222-4333-8444-555555555555"), "", 404,
             "NotFoundException", "NotFound"),
            ("GET", "/accounts?max-results=201", "", 400, "BadRequestException", "BadRequest"),
        ]
        for method, path, body, status, shape, code in cases:
            with self.subTest(path=path, body=body[:20]):
                headers = {"Content-Type": "application/json"} if body else {}
                r = self.server.raw(method, path, body.encode(), headers=headers)
                self.assertRawError(r, status, shape, code)

    def test_botocore_sees_request_id(self):
        resp = self.chime.list_accounts(MaxResults=1)
        self.assertTrue(resp["ResponseMetadata"].get("RequestId"))


if __name__ == "__main__":
    unittest.main()
