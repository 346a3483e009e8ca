"""`chimed migrate-store` (issue 8): data made through the API on SQLite is copied into PostgreSQL,
verified, and served from there by a new chimed: the same accounts, users (in the same listing
order), PINs, and retired PINs that stay retired. A copy that fails half way says that the
destination holds a partial copy and how to start again.

Skipped, with the reason printed, only where PostgreSQL is not installed."""

import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import unittest

import pg_fixture
from harness import ChimedServer, chimed_bin, unique

NO_THROTTLE = {"CHIMED_PIN_RESET_LIMIT": "100000:100000", "CHIMED_THROTTLE": "100000:100000"}


class MigrateStoreTest(unittest.TestCase):

    def setUp(self):
        self.pg = pg_fixture.start_server("migrate", self.addCleanup)
        self.master_key = secrets.token_hex(32)

    def migrate(self, source, dest, *args):
        env = dict(os.environ, CHIMED_MIGRATE_TO=dest)
        return subprocess.run([chimed_bin(), "migrate-store", "--from", "sqlite:" + source] +
                              list(args), env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=300)

    def test_a_copy_that_fails_half_way_says_the_destination_must_be_made_again(self):
        old = ChimedServer(name="migrate-half", extra_env=dict(NO_THROTTLE,
                                                                CHIMED_MASTER_KEY=self.master_key))
        self.addCleanup(old.cleanup)
        old.start()
        chime = old.client()
        account_id = chime.create_account(Name=unique("half"))["Account"]["AccountId"]
        users = []
        for _ in range(2):
            email = unique("u") + "@example.com"
            users.append(chime.create_user(AccountId=account_id, Email=email,
                                           Username=email.split("@")[0])["User"])
        old.stop(signal.SIGTERM)
        pristine = os.path.join(old.data_dir, "chimed.db")

        # Sources PostgreSQL refuses part way, as files edited past chimed: the second user
        # holds the first one's PIN (a unique violation), or a display name that is not UTF-8
        # (a data error, which chimed maps to the same code as a refused copy).
        def duplicate_pin(con):
            con.execute("DROP INDEX users_pin")
            con.execute("UPDATE users SET pin = ? WHERE user_id = ?",
                        (users[0]["PersonalPIN"], users[1]["UserId"]))

        def not_utf8(con):
            con.execute("UPDATE users SET display_name = CAST(x'ff41' AS TEXT) "
                        "WHERE user_id = ?", (users[1]["UserId"],))

        # What PostgreSQL says of each (as chimed words it), so that a failure to read the
        # source cannot pass for the refusal.
        for name, edit, refusal in (("dup", duplicate_pin, "PIN already in use"),
                                    ("utf8", not_utf8, "cannot hold")):
            with self.subTest(name):
                source = os.path.join(old.data_dir, name + ".db")
                shutil.copyfile(pristine, source)
                con = sqlite3.connect(source)
                edit(con)
                con.commit()
                con.close()

                url = self.pg.create_database("half_" + name)
                p = self.migrate(source, url, "--chunk", "1")  # one record per transaction
                err = p.stderr.decode(errors="replace")
                self.assertEqual(p.returncode, 1, err)
                self.assertIn("copy failed after 2 records; the destination holds a partial "
                              "copy: drop and create it again", err)  # the account and a user
                self.assertIn(refusal, err)
                self.assertNotIn("nothing was copied", err)
                self.assertNotIn(users[0]["PersonalPIN"], err)
                copied = self.pg.sql("SELECT count(*) FROM users", dbname="half_" + name).strip()
                self.assertEqual(int(copied), 1,
                                 "the first user's transaction should have committed")

                again = self.migrate(source, url)
                err = again.stderr.decode(errors="replace")
                self.assertEqual(again.returncode, 1, err)
                self.assertIn("nothing was copied", err)
                self.assertIn("If an earlier migrate-store was interrupted, drop and create the "
                              "database again", err)

    def test_sqlite_data_is_served_from_postgres_after_migration(self):
        env = dict(NO_THROTTLE, CHIMED_MASTER_KEY=self.master_key)
        old = ChimedServer(name="migrate-sqlite", extra_env=env)
        self.addCleanup(old.cleanup)
        old.start()
        chime = old.client()
        account_id = chime.create_account(Name=unique("moving"))["Account"]["AccountId"]
        users, retired = [], []
        for _ in range(7):
            email = unique("u") + "@example.com"
            u = chime.create_user(AccountId=account_id, Email=email,
                                  Username=email.split("@")[0])["User"]
            retired.append(u["PersonalPIN"])
            u = chime.reset_personal_pin(AccountId=account_id, UserId=u["UserId"])["User"]
            users.append(u)
        listing = [u["UserId"] for u in chime.list_users(AccountId=account_id)["Users"]]
        old.stop(signal.SIGTERM)

        url = self.pg.create_database("moved")
        p = self.migrate(os.path.join(old.data_dir, "chimed.db"), url)
        err = p.stderr.decode(errors="replace")
        self.assertEqual(p.returncode, 0, err)
        # Not a terminal: plain progress lines, a verification pass, and no password.
        self.assertIn("copying: ", err)
        self.assertIn("verifying: ", err)
        self.assertIn("copied and verified", err)
        self.assertNotIn(self.pg.password, err)
        for u in users:
            self.assertNotIn(u["PersonalPIN"], err)

        # A second run refuses to copy into the now populated database.
        again = self.migrate(os.path.join(old.data_dir, "chimed.db"), url)
        self.assertEqual(again.returncode, 1)
        self.assertIn("not empty", again.stderr.decode(errors="replace"))

        new = ChimedServer(name="migrate-postgres", extra_env=dict(env, CHIMED_STORE_URL=url))
        self.addCleanup(new.cleanup)
        new.start()
        chime = new.client()
        self.assertEqual(
            [u["UserId"] for u in chime.list_users(AccountId=account_id)["Users"]], listing)
        for u in users:
            got = chime.get_user(AccountId=account_id, UserId=u["UserId"])["User"]
            self.assertEqual(got, u)
        # Retired PINs came along: the store refuses them, and a reset never hands one out.
        taken = self.pg.sql("SELECT count(*) FROM all_retired_pins WHERE pin IN (%s)" % ",".join(
            "'%s'" % p for p in retired), dbname="moved").strip()
        self.assertEqual(int(taken), len(retired))
        fresh = chime.reset_personal_pin(AccountId=account_id, UserId=users[0]["UserId"])["User"]
        self.assertNotIn(fresh["PersonalPIN"], retired + [u["PersonalPIN"] for u in users])
        new.stop(signal.SIGTERM)


if __name__ == "__main__":
    unittest.main()
