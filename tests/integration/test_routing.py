"""rest-json routing on the raw wire: /console prefix, operation values, unknown routes,
percent-encoded labels, request bodies, /healthz."""

import json
import unittest

from harness import PIN_RE, ServerTestCase, q, unique

JSON = {"Content-Type": "application/json"}


class RoutingTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.chime.create_account(Name=unique("Routing"))["Account"]
        cls.account_id = cls.account["AccountId"]

    def pin_of(self, user_id):
        return self.chime.get_user(AccountId=self.account_id, UserId=user_id)["User"]["PersonalPIN"]

    def assertAlive(self):
        r = self.server.raw("GET", "/healthz", sign=False)
        self.assertEqual(r.status, 200, r)

    # ---- /console ---------------------------------------------------------------------------

    def test_console_prefix_get_account(self):
        r = self.server.raw("GET", "/console/accounts/" + q(self.account_id))
        self.assertEqual(r.status, 200, r)
        self.assertCommonHeaders(r)
        plain = self.server.raw("GET", "/accounts/" + q(self.account_id))
        self.assertEqual(r.json(), plain.json())
        self.assertEqual(r.json()["Account"]["AccountId"], self.account_id)

    def test_console_prefix_reset_personal_pin(self):
        user = self.make_user(self.account_id)
        r = self.server.raw("POST", "/console/accounts/%s/users/%s?operation=reset-personal-pin"
                            % (q(self.account_id), q(user["UserId"])))
        self.assertEqual(r.status, 200, r)
        pin = r.json()["User"]["PersonalPIN"]
        self.assertRegex(pin, PIN_RE)
        self.assertNotEqual(pin, user["PersonalPIN"])
        self.assertEqual(self.pin_of(user["UserId"]), pin)

    def test_console_prefix_create_account(self):
        name = unique("Console")
        r = self.server.raw("POST", "/console/accounts", json.dumps({"Name": name}), JSON)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["Account"]["Name"], name)

    # ---- operation values -------------------------------------------------------------------

    def test_unknown_operation_is_bad_request_and_changes_nothing(self):
        user = self.make_user(self.account_id)
        base = "/accounts/%s/users/%s" % (q(self.account_id), q(user["UserId"]))
        for query in ("?operation=nope", "?operation=reset-personal-pin-x",
                      "?operation=RESET-PERSONAL-PIN"):
            with self.subTest(query=query):
                r = self.server.raw("POST", base + query)
                self.assertRawError(r, 400, "BadRequestException", "BadRequest")
                self.assertEqual(self.pin_of(user["UserId"]), user["PersonalPIN"])

    def test_unknown_operation_on_users_collection_creates_nobody(self):
        email = unique("ghost") + "@example.com"
        r = self.server.raw("POST", "/accounts/%s/users?operation=nope" % q(self.account_id),
                            json.dumps({"Email": email, "Username": "ghost"}), JSON)
        self.assertRawError(r, 400, "BadRequestException", "BadRequest")
        self.assertEqual(
            self.chime.list_users(AccountId=self.account_id, UserEmail=email)["Users"], [])

    def test_reset_operation_with_get_is_not_a_reset(self):
        user = self.make_user(self.account_id)
        r = self.server.raw("GET", "/accounts/%s/users/%s?operation=reset-personal-pin" % (
            q(self.account_id), q(user["UserId"])))
        # Whatever the answer (GetUser ignoring the query, or an error), the PIN is unchanged.
        self.assertIn(r.status, (200, 400, 404, 405), r)
        self.assertEqual(self.pin_of(user["UserId"]), user["PersonalPIN"])

    # ---- unknown routes ---------------------------------------------------------------------

    def test_unknown_paths_are_not_found(self):
        for method, path in (("GET", "/nope"), ("GET", "/accounts/%s/nope" % q(self.account_id)),
                             ("POST", "/v2/accounts"), ("GET", "/console"),
                             ("GET", "/accounts/%s/users/x/y/z" % q(self.account_id))):
            with self.subTest(method=method, path=path):
                r = self.server.raw(method, path)
                self.assertRawError(r, 404, "NotFoundException", "NotFound")
        self.assertAlive()

    # ---- percent-encoded labels ---------------------------------------------------------------

    def test_percent_encoded_unknown_label_is_not_found(self):
        for label in ("a%20b", "a%2Fb", "%2e%2e", "%00", "%ff%fe", "a%2"):
            with self.subTest(label=label):
                r = self.server.raw("GET", "/accounts/" + label)
                self.assertIn(r.status, (400, 404), r)
                shape = {400: "BadRequestException", 404: "NotFoundException"}[r.status]
                code = {400: "BadRequest", 404: "NotFound"}[r.status]
                self.assertRawError(r, r.status, shape, code)
        r = self.server.raw("GET", "/accounts/a%20b")
        self.assertRawError(r, 404, "NotFoundException", "NotFound")
        self.assertAlive()

    def test_label_is_decoded_after_routing(self):
        # %2F inside a label is part of the id, not a path separator: this is GetAccount of the
        # account "<id>/users", which does not exist, and never ListUsers of <id>.
        r = self.server.raw("GET", "/accounts/%s%%2Fusers" % q(self.account_id))
        self.assertRawError(r, 404, "NotFoundException", "NotFound")
        self.assertNotIn("Users", r.json())

    def test_label_is_decoded_once(self):
        # Every character of the id percent-encoded still names the account...
        encoded = "".join("%%%02X" % ord(c) for c in self.account_id)
        r = self.server.raw("GET", "/accounts/" + encoded)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["Account"]["AccountId"], self.account_id)
        # ...but encoding it twice does not (decoded once it is "%37..." etc.).
        twice = encoded.replace("%", "%25")
        r = self.server.raw("GET", "/accounts/" + twice)
        self.assertRawError(r, 404, "NotFoundException", "NotFound")

    # ---- bodies -----------------------------------------------------------------------------

    def test_malformed_json_body_is_bad_request(self):
        for body in (b"{", b"{\"Name\": }", b"[1,2]", b"\"Name\"", b"{\"Name\": \"a\"} trailing",
                     b"\xff\xfe{}", b"{\"Name\": 42}", b"null"):
            with self.subTest(body=body):
                r = self.server.raw("POST", "/accounts", body, JSON)
                self.assertRawError(r, 400, "BadRequestException", "BadRequest")
        self.assertAlive()

    def test_empty_body_names_the_missing_member(self):
        for body in (b"", b"{}"):
            with self.subTest(body=body):
                r = self.server.raw("POST", "/accounts", body, JSON)
                self.assertRawError(r, 400, "BadRequestException", "BadRequest", "Name")

    def test_path_member_wins_over_body_member(self):
        user = self.make_user(self.account_id)
        r = self.server.raw("POST", "/accounts/%s/users?operation=create" % q(self.account_id),
                            json.dumps({"AccountId": "00000000-0000-4000-8000-000000000000",
                                        "Email": unique("pw") + "@example.com", "Username": "pw"}),
                            JSON)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["User"]["AccountId"], self.account_id)
        self.assertEqual(self.pin_of(user["UserId"]), user["PersonalPIN"])

    # ---- health -----------------------------------------------------------------------------

    def test_healthz_without_signature(self):
        r = self.server.raw("GET", "/healthz", sign=False)
        self.assertEqual(r.status, 200, r)
        self.assertCommonHeaders(r)


if __name__ == "__main__":
    unittest.main()
