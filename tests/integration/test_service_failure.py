"""500 ServiceFailureException end to end: an unexpected failure inside chimed (here a row that
no longer decodes, as after a hand edit of the database) answers the modelled exception with a
message that reveals no internals, changes nothing, costs only that request, and the server
keeps serving everything else."""

import os
import sqlite3
import unittest

import harness


class ServiceFailureTest(harness.ServerTestCase):

    def corrupt_license(self, user_id):
        # A second writer on the live WAL database, as an operator's sqlite3 shell would be.
        db = sqlite3.connect(os.path.join(self.server.data_dir, "chimed.db"), timeout=10)
        try:
            with db:
                db.execute("UPDATE users SET license_type = 'NotALicense' WHERE user_id = ?",
                           (user_id,))
        finally:
            db.close()

    def test_undecodable_row_is_a_service_failure_without_internals(self):
        account = self.make_account()
        broken = self.make_user(account["AccountId"])
        healthy = self.make_user(account["AccountId"])
        self.corrupt_license(broken["UserId"])

        for call in (self.chime.get_user, self.chime.reset_personal_pin):
            with self.assertRaises(self.chime.exceptions.ServiceFailureException) as ctx:
                call(AccountId=account["AccountId"], UserId=broken["UserId"])
            self.assertModeledError(ctx, "ServiceFailureException")
            message = harness.error_message(ctx.exception)
            for internal in ("sqlite", "license_type", "NotALicense", "SELECT", ".db",
                             self.server.data_dir, broken["PersonalPIN"]):
                self.assertNotIn(internal.lower(), message.lower())

        raw = self.server.raw("GET", "/accounts/%s/users/%s" % (account["AccountId"],
                                                                  broken["UserId"]))
        self.assertRawError(raw, 500, "ServiceFailureException", "ServiceFailure")

        # The failed reset changed nothing: the stored PIN is still the one CreateUser returned.
        db = sqlite3.connect(os.path.join(self.server.data_dir, "chimed.db"), timeout=10)
        try:
            (pin,) = db.execute("SELECT pin FROM users WHERE user_id = ?",
                                (broken["UserId"],)).fetchone()
        finally:
            db.close()
        self.assertEqual(pin, broken["PersonalPIN"])

        # Only that request failed: the rest of the account is served as before.
        again = self.chime.reset_personal_pin(AccountId=account["AccountId"],
                                              UserId=healthy["UserId"])["User"]
        self.assertNotEqual(again["PersonalPIN"], healthy["PersonalPIN"])
        self.assertEqual(self.chime.get_user(AccountId=account["AccountId"],
                                             UserId=healthy["UserId"])["User"]["PersonalPIN"],
                         again["PersonalPIN"])


if __name__ == "__main__":
    unittest.main()
