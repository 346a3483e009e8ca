"""The user lifecycle (invite -> register -> suspend/unsuspend), DeleteAccount's safety rules,
mass assignment, per-item batch errors, and the account-type rules of the lenient default and of
--strict-account-types. See docs/api.md."""

import datetime
import json
import os
import sqlite3
import unittest

from chimed_admin import register_user, run_admin, set_account_type
from harness import PIN_RE, UUID_RE, ChimedServer, ServerTestCase, error_code, unique

UNKNOWN_ID = "00000000-0000-4000-8000-00000000dead"


def email():
    return unique("life") + "@example.com"


class LifecycleMixin:
    """Helpers over self.chime / self.server."""

    def invite(self, account_id, *emails):
        resp = self.chime.invite_users(AccountId=account_id, UserEmailList=list(emails))
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 201)
        return resp["Invites"]

    def invite_one(self, account_id):
        return self.invite(account_id, email())[0]["InviteId"]

    def user(self, account_id, user_id):
        return self.chime.get_user(AccountId=account_id, UserId=user_id)["User"]

    def registered_user(self, account_id):
        user_id = self.invite_one(account_id)
        register_user(self, self.server, account_id, user_id)
        return self.user(account_id, user_id)

    def suspend(self, account_id, *user_ids):
        resp = self.chime.batch_suspend_user(AccountId=account_id, UserIdList=list(user_ids))
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        return resp["UserErrors"]

    def unsuspend(self, account_id, *user_ids):
        resp = self.chime.batch_unsuspend_user(AccountId=account_id, UserIdList=list(user_ids))
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        return resp["UserErrors"]

    def retired_pins(self):
        """The retired_pins table of the SQLite store (white box: the API never shows it)."""
        db = os.path.join(self.server.data_dir, "chimed.db")
        if not os.path.exists(db):
            self.skipTest("not running on the SQLite store")
        conn = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
        try:
            return {row[0] for row in conn.execute("SELECT pin FROM retired_pins")}
        finally:
            conn.close()


class LifecycleTest(LifecycleMixin, ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account_id = cls.chime.create_account(Name=unique("Life"))["Account"]["AccountId"]

    # ---- invitation and registration ----------------------------------------------------------

    def test_invite_makes_unregistered_pending_user_without_pin(self):
        address = email()
        invites = self.invite(self.account_id, address)
        self.assertEqual(len(invites), 1)
        invite = invites[0]
        self.assertRegex(invite["InviteId"], UUID_RE)
        self.assertEqual(invite["Status"], "Pending")
        self.assertEqual(invite["EmailAddress"], address)
        self.assertEqual(invite["EmailStatus"], "NotSent")  # chimed sends no email
        user = self.user(self.account_id, invite["InviteId"])  # InviteId is the UserId
        self.assertEqual(user["PrimaryEmail"], address)
        self.assertEqual(user["UserRegistrationStatus"], "Unregistered")
        self.assertEqual(user["UserInvitationStatus"], "Pending")
        self.assertIsInstance(user["InvitedOn"], datetime.datetime)
        self.assertNotIn("RegisteredOn", user)
        self.assertNotIn("PersonalPIN", user)
        listed = self.chime.list_users(AccountId=self.account_id, UserEmail=address)["Users"]
        self.assertEqual([u["UserId"] for u in listed], [invite["InviteId"]])

    def test_reset_pin_of_invitee_is_bad_request(self):
        user_id = self.invite_one(self.account_id)
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.reset_personal_pin(AccountId=self.account_id, UserId=user_id)
        self.assertModeledError(ctx, "BadRequestException", "not registered")
        self.assertNotIn("PersonalPIN", self.user(self.account_id, user_id))

    def test_register_assigns_pin_and_accepts_invitation(self):
        user_id = self.invite_one(self.account_id)
        printed = register_user(self, self.server, self.account_id, user_id)
        self.assertRegex(printed["PersonalPIN"], PIN_RE)
        user = self.user(self.account_id, user_id)
        self.assertEqual(user["UserRegistrationStatus"], "Registered")
        self.assertEqual(user["UserInvitationStatus"], "Accepted")
        self.assertIsInstance(user["RegisteredOn"], datetime.datetime)
        self.assertIsInstance(user["InvitedOn"], datetime.datetime)
        self.assertEqual(user["PersonalPIN"], printed["PersonalPIN"])
        # Now ResetPersonalPIN works.
        reset = self.chime.reset_personal_pin(AccountId=self.account_id, UserId=user_id)["User"]
        self.assertNotEqual(reset["PersonalPIN"], printed["PersonalPIN"])

    def test_register_refuses_registered_unknown_and_suspended_users(self):
        user = self.registered_user(self.account_id)
        rc, _, err = run_admin(self.server, "users", "register", "--account-id", self.account_id,
                               "--user-id", user["UserId"])
        self.assertEqual(rc, 1)
        self.assertIn("already registered", err)
        rc, _, err = run_admin(self.server, "users", "register", "--account-id", self.account_id,
                               "--user-id", UNKNOWN_ID)
        self.assertEqual(rc, 1)
        self.assertIn(UNKNOWN_ID, err)
        self.assertEqual(self.suspend(self.account_id, user["UserId"]), [])
        rc, _, err = run_admin(self.server, "users", "register", "--account-id", self.account_id,
                               "--user-id", user["UserId"])
        self.assertEqual(rc, 1)
        self.assertIn("suspended", err)
        self.assertEqual(self.user(self.account_id, user["UserId"])["PersonalPIN"],
                         user["PersonalPIN"])

    # ---- suspension -----------------------------------------------------------------------------

    def test_suspend_and_unsuspend_keep_the_pin(self):
        user = self.registered_user(self.account_id)
        uid = user["UserId"]
        self.assertEqual(self.suspend(self.account_id, uid), [])
        suspended = self.user(self.account_id, uid)
        self.assertEqual(suspended["UserRegistrationStatus"], "Suspended")
        self.assertEqual(suspended["PersonalPIN"], user["PersonalPIN"])
        self.assertEqual(self.suspend(self.account_id, uid), [])  # already suspended: ignored
        # A suspended user's PIN can be rotated (docs/pins.md).
        pin = self.chime.reset_personal_pin(AccountId=self.account_id,
                                            UserId=uid)["User"]["PersonalPIN"]
        self.assertEqual(self.unsuspend(self.account_id, uid), [])
        back = self.user(self.account_id, uid)
        self.assertEqual(back["UserRegistrationStatus"], "Registered")
        self.assertEqual(back["PersonalPIN"], pin)
        self.assertEqual(self.unsuspend(self.account_id, uid), [])  # not suspended: ignored
        self.assertEqual(self.user(self.account_id, uid)["UserRegistrationStatus"], "Registered")

    def test_suspended_invitee_returns_to_unregistered(self):
        uid = self.invite_one(self.account_id)
        self.assertEqual(self.suspend(self.account_id, uid), [])
        self.assertEqual(self.user(self.account_id, uid)["UserRegistrationStatus"], "Suspended")
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.reset_personal_pin(AccountId=self.account_id, UserId=uid)
        self.assertModeledError(ctx, "BadRequestException", "no personal meeting PIN")
        self.assertEqual(self.unsuspend(self.account_id, uid), [])
        self.assertEqual(self.user(self.account_id, uid)["UserRegistrationStatus"], "Unregistered")

    def test_batch_reports_unknown_users_and_applies_the_rest(self):
        a = self.registered_user(self.account_id)["UserId"]
        b = self.registered_user(self.account_id)["UserId"]
        errors = self.suspend(self.account_id, a, UNKNOWN_ID, b)
        self.assertEqual(len(errors), 1, errors)
        self.assertEqual(errors[0]["UserId"], UNKNOWN_ID)
        self.assertEqual(errors[0]["ErrorCode"], "NotFound")
        self.assertTrue(errors[0]["ErrorMessage"])
        for uid in (a, b):
            self.assertEqual(self.user(self.account_id, uid)["UserRegistrationStatus"],
                             "Suspended")
        errors = self.unsuspend(self.account_id, UNKNOWN_ID, a)
        self.assertEqual([e["UserId"] for e in errors], [UNKNOWN_ID])
        self.assertEqual(self.user(self.account_id, a)["UserRegistrationStatus"], "Registered")

    def test_user_of_another_account_is_not_found_in_batches(self):
        other = self.chime.create_account(Name=unique("Other"))["Account"]["AccountId"]
        foreign = self.registered_user(other)["UserId"]
        errors = self.suspend(self.account_id, foreign)
        self.assertEqual([(e["UserId"], e["ErrorCode"]) for e in errors], [(foreign, "NotFound")])
        self.assertEqual(self.user(other, foreign)["UserRegistrationStatus"], "Registered")

    def test_oversized_batch_changes_nothing(self):
        uid = self.registered_user(self.account_id)["UserId"]
        ids = [uid] + ["%s-%d" % (UNKNOWN_ID[:-4], i) for i in range(50)]
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.batch_suspend_user(AccountId=self.account_id, UserIdList=ids)
        self.assertModeledError(ctx, "BadRequestException", "UserIdList")
        self.assertEqual(self.user(self.account_id, uid)["UserRegistrationStatus"], "Registered")

    # ---- invitation again -----------------------------------------------------------------------

    def test_reinviting_a_registered_user_changes_nothing(self):
        user = self.registered_user(self.account_id)
        invites = self.invite(self.account_id, user["PrimaryEmail"].upper())
        self.assertEqual(invites[0]["InviteId"], user["UserId"])
        self.assertEqual(invites[0]["Status"], "Accepted")
        after = self.user(self.account_id, user["UserId"])
        self.assertEqual(after, user)

    def test_reinviting_a_pending_user_refreshes_the_invitation(self):
        address = email()
        first = self.invite(self.account_id, address)[0]
        again = self.invite(self.account_id, address)[0]
        self.assertEqual(again["InviteId"], first["InviteId"])
        self.assertEqual(again["Status"], "Pending")
        users = self.chime.list_users(AccountId=self.account_id, UserEmail=address)["Users"]
        self.assertEqual(len(users), 1)

    def test_reinviting_a_suspended_user_starts_a_new_membership(self):
        user = self.registered_user(self.account_id)
        old_pin = user["PersonalPIN"]
        self.suspend(self.account_id, user["UserId"])
        invite = self.invite(self.account_id, user["PrimaryEmail"])[0]
        self.assertEqual((invite["InviteId"], invite["Status"]), (user["UserId"], "Pending"))
        pending = self.user(self.account_id, user["UserId"])
        self.assertEqual(pending["UserRegistrationStatus"], "Unregistered")
        self.assertEqual(pending["UserInvitationStatus"], "Pending")
        self.assertNotIn("PersonalPIN", pending)
        self.assertIn(old_pin, self.retired_pins())
        again = register_user(self, self.server, self.account_id, user["UserId"])
        self.assertNotEqual(again["PersonalPIN"], old_pin)
        self.assertEqual(again["UserRegistrationStatus"], "Registered")

    def test_invite_list_deduplicates_case_insensitively(self):
        address = email()
        invites = self.invite(self.account_id, address, address.upper(), address)
        self.assertEqual(len(invites), 1, invites)

    # ---- updates: mass assignment, per-item errors ----------------------------------------------

    def test_update_user_ignores_non_input_members(self):
        user = self.registered_user(self.account_id)
        body = {"LicenseType": "Basic", "PersonalPIN": "0000000000", "UserId": UNKNOWN_ID,
                "AccountId": UNKNOWN_ID, "UserRegistrationStatus": "Suspended",
                "PrimaryEmail": "evil@example.com", "DisplayName": "Evil",
                "RegisteredOn": "2001-01-01T00:00:00.000Z", "UserInvitationStatus": "Failed"}
        r = self.server.raw("POST", "/accounts/%s/users/%s" % (self.account_id, user["UserId"]),
                            json.dumps(body),
                            headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r)
        returned = r.json()["User"]
        self.assertEqual(returned["UserId"], user["UserId"])
        self.assertNotIn("PersonalPIN", returned)
        after = self.user(self.account_id, user["UserId"])
        expected = dict(user, LicenseType="Basic")
        self.assertEqual(after, expected)

    def test_update_account_ignores_non_input_members(self):
        account = self.chime.create_account(Name=unique("Mass"))["Account"]
        body = {"Name": "Renamed", "AccountType": "EnterpriseLWA", "AwsAccountId": "999999999999",
                "AccountId": UNKNOWN_ID, "SupportedLicenses": ["Plus"], "AccountStatus": "Suspended",
                "SigninDelegateGroups": [{"GroupName": "g"}]}
        r = self.server.raw("POST", "/accounts/%s" % account["AccountId"],
                            json.dumps(body),
                            headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r)
        after = self.chime.get_account(AccountId=account["AccountId"])["Account"]
        self.assertEqual(after, dict(account, Name="Renamed"))

    def test_update_user_license_must_be_supported(self):
        user = self.registered_user(self.account_id)
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.update_user(AccountId=self.account_id, UserId=user["UserId"],
                                   LicenseType="Plus")
        self.assertModeledError(ctx, "BadRequestException", "LicenseType")
        self.assertEqual(self.user(self.account_id, user["UserId"])["LicenseType"],
                         user["LicenseType"])

    def test_batch_update_user_reports_items_and_applies_the_rest(self):
        good = self.registered_user(self.account_id)["UserId"]
        plus = self.registered_user(self.account_id)["UserId"]
        resp = self.chime.batch_update_user(AccountId=self.account_id, UpdateUserRequestItems=[
            {"UserId": good, "LicenseType": "Basic", "UserType": "SharedDevice"},
            {"UserId": UNKNOWN_ID, "LicenseType": "Basic"},
            {"UserId": plus, "LicenseType": "Plus"},
        ])
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        codes = {(e["UserId"], e["ErrorCode"]) for e in resp["UserErrors"]}
        self.assertEqual(codes, {(UNKNOWN_ID, "NotFound"), (plus, "BadRequest")})
        updated = self.user(self.account_id, good)
        self.assertEqual((updated["LicenseType"], updated["UserType"]), ("Basic", "SharedDevice"))
        self.assertEqual(self.user(self.account_id, plus)["LicenseType"], "Pro")

    def test_malformed_batch_update_changes_nothing(self):
        uid = self.registered_user(self.account_id)["UserId"]
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            self.chime.batch_update_user(AccountId=self.account_id, UpdateUserRequestItems=[
                {"UserId": uid, "LicenseType": "Basic"},
                {"UserId": uid, "LicenseType": "Gold"},
            ])
        self.assertModeledError(ctx, "BadRequestException", "UpdateUserRequestItems[1].LicenseType")
        self.assertEqual(self.user(self.account_id, uid)["LicenseType"], "Pro")

    def test_phone_number_association(self):
        uid = self.registered_user(self.account_id)["UserId"]
        self.chime.associate_phone_number_with_user(AccountId=self.account_id, UserId=uid,
                                                    E164PhoneNumber="12065550100")
        self.assertEqual(self.user(self.account_id, uid)["PrimaryProvisionedNumber"],
                         "+12065550100")
        self.chime.disassociate_phone_number_from_user(AccountId=self.account_id, UserId=uid)
        self.assertNotIn("PrimaryProvisionedNumber", self.user(self.account_id, uid))

    def test_logout_user(self):
        uid = self.registered_user(self.account_id)["UserId"]
        resp = self.chime.logout_user(AccountId=self.account_id, UserId=uid)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertRaises(self.chime.exceptions.NotFoundException):
            self.chime.logout_user(AccountId=self.account_id, UserId=UNKNOWN_ID)

    # ---- lenient account-type departures --------------------------------------------------------

    def test_lenient_mode_allows_what_amazon_chime_refused(self):
        account_id = self.chime.create_account(Name=unique("Lenient"))["Account"]["AccountId"]
        # CreateUser on a Team account, BatchUnsuspendUser on a Team account, retention settings
        # on a Team account: all departures listed in docs/api.md.
        user = self.chime.create_user(AccountId=account_id, Email=email())["User"]
        self.suspend(account_id, user["UserId"])
        self.assertEqual(self.unsuspend(account_id, user["UserId"]), [])
        self.chime.put_retention_settings(AccountId=account_id, RetentionSettings={
            "ConversationRetentionSettings": {"RetentionDays": 30}})
        got = self.chime.get_retention_settings(AccountId=account_id)
        self.assertEqual(got["RetentionSettings"],
                         {"ConversationRetentionSettings": {"RetentionDays": 30}})
        self.assertIsInstance(got["InitiateDeletionTimestamp"], datetime.datetime)
        # InviteUsers and BatchSuspendUser on an EnterpriseDirectory account.
        set_account_type(self, self.server, account_id, "EnterpriseDirectory")
        uid = self.invite_one(account_id)
        self.assertEqual(self.suspend(account_id, uid), [])

    # ---- DeleteAccount --------------------------------------------------------------------------

    def test_delete_team_account_needs_suspended_users_and_retires_pins(self):
        account_id = self.chime.create_account(Name=unique("Doomed"))["Account"]["AccountId"]
        registered = [self.registered_user(account_id) for _ in range(3)]
        invitee = self.invite_one(account_id)
        pins = {u["PersonalPIN"] for u in registered}
        with self.assertRaises(self.chime.exceptions.UnprocessableEntityException) as ctx:
            self.chime.delete_account(AccountId=account_id)
        self.assertModeledError(ctx, "UnprocessableEntityException", "4 user(s) are not suspended")
        self.chime.get_account(AccountId=account_id)  # still there
        self.suspend(account_id, *[u["UserId"] for u in registered[:2]])
        with self.assertRaises(self.chime.exceptions.UnprocessableEntityException) as ctx:
            self.chime.delete_account(AccountId=account_id)
        self.assertModeledError(ctx, "UnprocessableEntityException", "2 user(s) are not suspended")
        self.suspend(account_id, registered[2]["UserId"], invitee)
        resp = self.chime.delete_account(AccountId=account_id)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertRaises(self.chime.exceptions.NotFoundException):
            self.chime.get_account(AccountId=account_id)
        with self.assertRaises(self.chime.exceptions.NotFoundException):
            self.chime.get_user(AccountId=account_id, UserId=registered[0]["UserId"])
        with self.assertRaises(self.chime.exceptions.NotFoundException):
            self.chime.delete_account(AccountId=account_id)
        retired = self.retired_pins()
        self.assertTrue(pins <= retired, pins - retired)
        # New users never receive a retired PIN.
        fresh = self.chime.create_account(Name=unique("After"))["Account"]["AccountId"]
        for _ in range(20):
            self.assertNotIn(self.registered_user(fresh)["PersonalPIN"], retired)

    def test_delete_enterprise_account_with_active_users_in_lenient_mode(self):
        account_id = self.chime.create_account(Name=unique("Ent"))["Account"]["AccountId"]
        set_account_type(self, self.server, account_id, "EnterpriseLWA")
        pin = self.registered_user(account_id)["PersonalPIN"]
        self.assertEqual(
            self.chime.delete_account(AccountId=account_id)["ResponseMetadata"]["HTTPStatusCode"],
            204)
        self.assertIn(pin, self.retired_pins())

    def test_delete_account_removes_its_settings(self):
        account_id = self.chime.create_account(Name=unique("Settings"))["Account"]["AccountId"]
        self.chime.update_account_settings(AccountId=account_id,
                                           AccountSettings={"EnableDialOut": True})
        self.chime.delete_account(AccountId=account_id)
        with self.assertRaises(self.chime.exceptions.NotFoundException):
            self.chime.get_account_settings(AccountId=account_id)


class StrictModeTest(LifecycleMixin, ServerTestCase):
    """--strict-account-types: Amazon Chime's account-type rules, with specific messages."""

    @classmethod
    def setUpClass(cls):
        # ServerTestCase's setup, with the flag (its tearDownClass stops the server).
        unittest.TestCase.setUpClass()
        srv = ChimedServer(name=cls.__module__ + "." + cls.__name__,
                           extra_args=["--strict-account-types"])
        cls.addClassCleanup(srv.cleanup)
        srv.start()
        cls.server = srv
        cls.chime = srv.client()

    def account(self, account_type=None):
        account_id = self.chime.create_account(Name=unique("Strict"))["Account"]["AccountId"]
        if account_type:
            account = set_account_type(self, self.server, account_id, account_type)
            self.assertEqual(account["AccountType"], account_type)
            got = self.chime.get_account(AccountId=account_id)["Account"]
            self.assertEqual(got["AccountType"], account_type)
        return account_id

    def assertRefused(self, call, *words):
        with self.assertRaises(self.chime.exceptions.BadRequestException) as ctx:
            call()
        msg = ctx.exception.response["Error"]["Message"]
        for word in words + ("--strict-account-types",):
            self.assertIn(word, msg)
        self.assertNotIn("Service received a bad request", msg)

    def test_team_account(self):
        account_id = self.account()
        self.assertRefused(lambda: self.chime.create_user(AccountId=account_id, Email=email()),
                           "CreateUser", "Enterprise", "Team")
        uid = self.invite_one(account_id)  # InviteUsers: Team only
        register_user(self, self.server, account_id, uid)
        self.assertEqual(self.suspend(account_id, uid), [])
        self.assertRefused(lambda: self.unsuspend(account_id, uid),
                           "BatchUnsuspendUser", "EnterpriseLWA", "InviteUsers")
        self.assertEqual(self.user(account_id, uid)["UserRegistrationStatus"], "Suspended")
        # The Team way back: invite again, then register.
        self.invite(account_id, self.user(account_id, uid)["PrimaryEmail"])
        register_user(self, self.server, account_id, uid)
        self.assertRefused(lambda: self.chime.get_retention_settings(AccountId=account_id),
                           "Retention settings", "Enterprise")
        self.assertRefused(lambda: self.chime.put_retention_settings(
            AccountId=account_id,
            RetentionSettings={"RoomRetentionSettings": {"RetentionDays": 7}}),
            "Retention settings")
        with self.assertRaises(self.chime.exceptions.UnprocessableEntityException) as ctx:
            self.chime.delete_account(AccountId=account_id)
        self.assertModeledError(ctx, "UnprocessableEntityException", "Team account")

    def test_enterprise_lwa_account(self):
        account_id = self.account("EnterpriseLWA")
        self.assertRefused(lambda: self.invite(account_id, email()),
                           "InviteUsers", "Team", "EnterpriseLWA")
        user = self.chime.create_user(AccountId=account_id, Email=email())["User"]
        self.assertEqual(self.suspend(account_id, user["UserId"]), [])
        self.assertEqual(self.unsuspend(account_id, user["UserId"]), [])
        self.assertEqual(self.user(account_id, user["UserId"])["UserRegistrationStatus"],
                         "Registered")
        self.chime.put_retention_settings(AccountId=account_id, RetentionSettings={
            "RoomRetentionSettings": {"RetentionDays": 7}})
        self.assertEqual(self.chime.get_retention_settings(AccountId=account_id)
                         ["RetentionSettings"], {"RoomRetentionSettings": {"RetentionDays": 7}})
        # Strict mode: Enterprise accounts too need every user suspended before deletion.
        with self.assertRaises(self.chime.exceptions.UnprocessableEntityException) as ctx:
            self.chime.delete_account(AccountId=account_id)
        self.assertModeledError(ctx, "UnprocessableEntityException", "EnterpriseLWA")
        self.suspend(account_id, user["UserId"])
        self.chime.delete_account(AccountId=account_id)

    def test_enterprise_directory_and_oidc_accounts(self):
        for account_type in ("EnterpriseDirectory", "EnterpriseOIDC"):
            with self.subTest(account_type=account_type):
                account_id = self.account(account_type)
                user = self.chime.create_user(AccountId=account_id, Email=email())["User"]
                self.assertRefused(lambda: self.suspend(account_id, user["UserId"]),
                                   "BatchSuspendUser", "Team and EnterpriseLWA", account_type)
                self.assertRefused(lambda: self.unsuspend(account_id, user["UserId"]),
                                   "BatchUnsuspendUser", "EnterpriseLWA", account_type)
                self.assertRefused(lambda: self.invite(account_id, email()), "InviteUsers")
                self.assertEqual(self.user(account_id, user["UserId"])["UserRegistrationStatus"],
                                 "Registered")

    def test_set_type_validates_its_input(self):
        rc, _, err = run_admin(self.server, "accounts", "set-type", "--account-id", UNKNOWN_ID,
                               "--type", "Team")
        self.assertEqual(rc, 1)
        self.assertIn(UNKNOWN_ID, err)
        rc, _, err = run_admin(self.server, "accounts", "set-type", "--account-id", UNKNOWN_ID,
                               "--type", "Galactic")
        self.assertNotEqual(rc, 0)


if __name__ == "__main__":
    unittest.main()
