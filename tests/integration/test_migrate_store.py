"""`chimed migrate-store` from SQLite (issue 8), on what needs no PostgreSQL: the source file is
never written, not even by a schema upgrade: a source from an older chimed is copied, the copy
upgraded and read, and the copy removed; a mistyped source path is an error, not a new empty
database that "migrates" nothing; a source from a newer chimed is refused. The copy goes to
another SQLite file here, which a new chimed then serves (the PostgreSQL destination is
test_postgres_migrate's)."""

import glob
import hashlib
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import unittest

from harness import ChimedServer, chimed_bin, unique

ENV = {"CHIMED_PIN_RESET_LIMIT": "100000:100000", "CHIMED_THROTTLE": "100000:100000"}


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def query(path, sql):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


class MigrateStoreFromSqliteTest(unittest.TestCase):

    def setUp(self):
        self.env = dict(ENV, CHIMED_MASTER_KEY=secrets.token_hex(32))
        self.work = tempfile.mkdtemp(prefix="chimed-migrate-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.snapshots = os.path.join(self.work, "snapshots")
        os.makedirs(self.snapshots)

    def migrate(self, source, dest, want_exit):
        """Runs migrate-store, checks its exit status and returns its stderr."""
        p = subprocess.run(
            [chimed_bin(), "migrate-store", "--from", "sqlite:" + source, "--to", "sqlite:" + dest,
             "--snapshot-dir", self.snapshots],
            env=dict(os.environ, **self.env), stdin=subprocess.DEVNULL, capture_output=True,
            timeout=300)
        err = p.stderr.decode(errors="replace")
        self.assertEqual(p.returncode, want_exit, err)
        return err

    def make_source(self):
        """A chimed database with an account, users and reset PINs, chimed stopped: returns the
        file, the account id and the users as GetUser returns them."""
        old = ChimedServer(name="migrate-source", extra_env=self.env)
        self.addCleanup(old.cleanup)
        old.start()
        chime = old.client()
        account_id = chime.create_account(Name=unique("moving"))["Account"]["AccountId"]
        users = []
        for _ in range(5):
            email = unique("u") + "@example.com"
            u = chime.create_user(AccountId=account_id, Email=email,
                                  Username=email.split("@")[0])["User"]
            users.append(chime.reset_personal_pin(AccountId=account_id,
                                                  UserId=u["UserId"])["User"])
        old.stop(signal.SIGTERM)
        return os.path.join(old.data_dir, "chimed.db"), account_id, users

    def test_an_older_source_is_copied_upgraded_and_left_as_it_was(self):
        source, account_id, users = self.make_source()
        # Back to what a chimed from before migration 2 left: its index, and version 1.
        db = sqlite3.connect(source)
        db.executescript("CREATE INDEX pin_reset_audit_user ON pin_reset_audit(account_id, user_id);"
                         "DELETE FROM schema_migrations WHERE version > 1;")
        db.close()  # the last connection: checkpoints, and the WAL goes
        self.assertFalse(os.path.exists(source + "-wal"))
        before = file_digest(source)

        dest = os.path.join(self.work, "moved.db")
        err = self.migrate(source, dest, want_exit=0)
        self.assertIn("is at schema version 1", err)
        self.assertIn("the source stays as it is", err)
        self.assertIn("copied and verified", err)
        for u in users:
            self.assertNotIn(u["PersonalPIN"], err)

        # Not a byte of the source changed; the old chimed could still open it.
        self.assertEqual(file_digest(source), before)
        self.assertEqual(query(source, "SELECT max(version) FROM schema_migrations"), [(1,)])
        self.assertEqual(query(source, "SELECT count(*) FROM sqlite_schema "
                                       "WHERE name = 'pin_reset_audit_user'"), [(1,)])
        # The upgraded copy is gone; the destination is at the latest schema.
        self.assertEqual(os.listdir(self.snapshots), [])
        self.assertGreater(query(dest, "SELECT max(version) FROM schema_migrations")[0][0], 1)

        new = ChimedServer(name="migrate-dest", extra_env=self.env,
                           extra_args=["--store", "sqlite:" + dest])
        self.addCleanup(new.cleanup)
        new.start()
        chime = new.client()
        for u in users:
            self.assertEqual(chime.get_user(AccountId=account_id, UserId=u["UserId"])["User"], u)
        new.stop(signal.SIGTERM)

    def test_a_source_at_the_current_schema_is_read_in_place(self):
        source, _, users = self.make_source()
        db = sqlite3.connect(source)
        db.close()  # checkpoints what chimed left in the WAL, which goes
        before = file_digest(source)
        dest = os.path.join(self.work, "moved.db")
        err = self.migrate(source, dest, want_exit=0)
        self.assertNotIn("schema version", err)
        self.assertEqual(file_digest(source), before)
        self.assertEqual(os.listdir(self.snapshots), [])
        self.assertEqual(query(dest, "SELECT count(*) FROM users"), [(len(users),)])

    def test_a_missing_source_is_an_error_and_is_not_created(self):
        missing = os.path.join(self.work, "chimed-typo.db")
        err = self.migrate(missing, os.path.join(self.work, "moved.db"), want_exit=1)
        self.assertIn("There is no database at", err)
        self.assertFalse(os.path.exists(missing))
        self.assertEqual(glob.glob(os.path.join(self.work, "*.db*")), [])

    def test_a_source_from_a_newer_chimed_is_refused_untouched(self):
        source, _, _ = self.make_source()
        db = sqlite3.connect(source)
        db.execute("INSERT INTO schema_migrations(version, name, applied_ms) "
                   "VALUES (9999, 'from the future', 0)")
        db.commit()
        db.close()
        before = file_digest(source)
        dest = os.path.join(self.work, "moved.db")
        err = self.migrate(source, dest, want_exit=1)
        self.assertIn("newer chimed", err)
        self.assertEqual(file_digest(source), before)
        self.assertFalse(os.path.exists(dest))


if __name__ == "__main__":
    unittest.main()
