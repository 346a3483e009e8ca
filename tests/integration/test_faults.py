"""A real full disk: chimed's data directory on a small tmpfs the test mounts (root only; the
test is skipped where mount is not permitted). Filling it makes SQLite's writes fail with
ENOSPC: writes answer 503 ServiceUnavailableException with retry hints, /readyz says not ready,
nothing acknowledged is lost, nothing refused is stored, and once space is freed the very next
request succeeds, without a restart."""

import os
import signal
import subprocess
import unittest

import botocore.exceptions

import harness
import reliability_util as ru

TMPFS_SIZE = "8m"


class FullDiskTest(unittest.TestCase):

    def mount_tmpfs(self, path):
        os.makedirs(path, exist_ok=True)
        if os.geteuid() != 0:
            self.skipTest("mounting a tmpfs needs root")
        p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % TMPFS_SIZE,
                            "tmpfs", path], capture_output=True)
        if p.returncode != 0:
            self.skipTest("cannot mount a tmpfs here: %s" % p.stderr.decode().strip())
        self.addCleanup(subprocess.run, ["umount", "-l", path], capture_output=True)

    def fill(self, path):
        # Unbuffered: a buffered file would keep what the full disk refused and fail again at
        # close. The last write may be partial; the next one fails.
        filler = os.path.join(path, "filler")
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * (64 << 10))
            except OSError:
                pass
        return filler

    def test_full_disk_answers_503_and_recovers_on_the_next_request(self):
        srv = harness.ChimedServer(name="full-disk",
                                   extra_args=["--throttle", "0:0", "--pin-reset-limit", "0:0"])
        self.addCleanup(srv.cleanup)
        self.mount_tmpfs(srv.data_dir)
        srv.start()
        chime = ru.client(srv)
        acct = chime.create_account(Name=harness.unique("Full"))["Account"]["AccountId"]
        self.assertEqual(srv.raw("GET", "/readyz", sign=False).status, 200)

        filler = self.fill(srv.data_dir)
        acked, refused = [], []
        for i in range(3000):
            email = "full-%d-%s@example.com" % (i, harness.unique("f"))
            try:
                chime.create_user(AccountId=acct, Email=email, Username="full%d" % i)
                acked.append(email)
            except botocore.exceptions.ClientError as e:
                self.assertEqual(harness.error_code(e), "ServiceUnavailableException")
                h = e.response["ResponseMetadata"]["HTTPHeaders"]
                self.assertEqual((h.get("retry-after"), h.get("x-amz-retry-after")), ("1", "1000"))
                refused.append(email)
                if len(refused) >= 3:
                    break
        self.assertEqual(len(refused), 3, "the disk never filled up")
        ready = srv.raw("GET", "/readyz", sign=False)
        self.assertEqual(ready.status, 503, ready)
        self.assertIn("disk is full", ready.json()["Message"])
        self.assertEqual(srv.raw("GET", "/healthz", sign=False).status, 200)
        # Reads still work on a full disk.
        chime.get_account(AccountId=acct)

        os.unlink(filler)
        email = "after-%s@example.com" % harness.unique("f")
        chime.create_user(AccountId=acct, Email=email, Username="after")  # first request: OK
        acked.append(email)
        self.assertEqual(srv.raw("GET", "/readyz", sign=False).status, 200)

        listed = set()
        for page in chime.get_paginator("list_users").paginate(AccountId=acct):
            listed.update(u["PrimaryEmail"] for u in page["Users"])
        self.assertEqual(set(acked) - listed, set(), "acknowledged users lost")
        self.assertEqual(set(refused) & listed, set(), "refused users stored")
        srv.stop(signal.SIGTERM)
        self.assertEqual(ru.offline_db_checks(ru.db_path(srv)), [])


if __name__ == "__main__":
    unittest.main()
