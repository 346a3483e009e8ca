"""Throttling end to end: token buckets per access key and per user for ResetPersonalPIN,
429 ThrottledClientException with Retry-After / x-amz-retry-after, nothing written for a
throttled request, and boto3's legacy retry mode riding through a short throttle."""

import signal
import threading
import time
import unittest

import botocore.exceptions

import harness
import reliability_util as ru

FLOOD_SECONDS = 20.0


class ThrottlingTest(unittest.TestCase):

    def start(self, *args):
        srv = harness.ChimedServer(name="throttle-" + self._testMethodName, extra_args=args)
        self.addCleanup(srv.cleanup)
        srv.start()
        return srv

    def setup_user(self, chime):
        acct = chime.create_account(Name=harness.unique("Throttle"))["Account"]["AccountId"]
        user = chime.create_user(AccountId=acct, Email=harness.unique("t") + "@example.com",
                                 Username="throttled")["User"]
        return acct, user["UserId"], user.get("PersonalPIN")

    def test_bucket_of_10_at_5_per_second_admits_10_plus_5_per_second_over_a_20s_flood(self):
        srv = self.start("--throttle", "10:5", "--pin-reset-limit", "0:0")
        acct, user_id, _ = self.setup_user(ru.client(srv))
        # Clients are built first: tokens minted while nobody asks are lost to the burst cap.
        clients = [ru.client(srv) for _ in range(4)]
        time.sleep(2.5)  # the bucket refills to its burst after the two set-up calls
        counts = {"ok": 0, "throttled": 0, "other": []}
        last_pin = {}
        lock = threading.Lock()
        start = time.monotonic()
        stop_at = start + FLOOD_SECONDS

        def flood(worker):
            chime = clients[worker]
            while time.monotonic() < stop_at:
                try:
                    resp = chime.reset_personal_pin(AccountId=acct, UserId=user_id)
                    with lock:
                        counts["ok"] += 1
                        last_pin["pin"] = resp["User"]["PersonalPIN"]
                except botocore.exceptions.ClientError as e:
                    code = harness.error_code(e)
                    with lock:
                        if code == "ThrottledClientException" and \
                                e.response["ResponseMetadata"]["HTTPStatusCode"] == 429:
                            counts["throttled"] += 1
                        else:
                            counts["other"].append(code)

        threads = [threading.Thread(target=flood, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = min(time.monotonic(), stop_at) - start
        expected = 10 + 5 * elapsed
        self.assertEqual(counts["other"], [])
        self.assertGreater(counts["throttled"], counts["ok"], counts)
        self.assertLessEqual(abs(counts["ok"] - expected), 0.05 * expected,
                             "admitted %d, expected %.1f (+-5%%) in %.2fs" % (
                                 counts["ok"], expected, elapsed))

        # A throttled answer carries both retry hints.
        resp = srv.raw("GET", "/accounts/%s/users/%s" % (acct, user_id))
        while resp.status != 429:
            resp = srv.raw("GET", "/accounts/%s/users/%s" % (acct, user_id))
        self.assertEqual(resp.headers.get("x-amzn-ErrorType"), "ThrottledClientException")
        self.assertGreaterEqual(int(resp.headers.get("Retry-After")), 1)
        self.assertGreaterEqual(int(resp.headers.get("x-amz-retry-after")), 1)
        self.assertEqual(resp.json()["Code"], "Throttled")

        # The 429s changed nothing: the PIN is the last acknowledged one and the store holds
        # exactly one audit record and one retired PIN per admitted reset.
        time.sleep(1.0)
        got = ru.client(srv).get_user(AccountId=acct, UserId=user_id)["User"]
        self.assertEqual(got["PersonalPIN"], last_pin["pin"])
        srv.stop(signal.SIGTERM)
        db = ru.db_path(srv)
        self.assertEqual(ru.count_rows(db, "SELECT COUNT(*) FROM pin_reset_audit WHERE user_id=?",
                                       (user_id,)), counts["ok"])
        self.assertEqual(ru.count_rows(db, "SELECT COUNT(*) FROM retired_pins"), counts["ok"])
        self.assertEqual(ru.offline_db_checks(db), [])

    def test_legacy_retry_mode_rides_through_a_short_throttle(self):
        srv = self.start("--throttle", "2:4")
        # boto3's default: legacy mode, 4 retries with exponential backoff on 429.
        chime = ru.client(srv, mode="legacy")
        acct = chime.create_account(Name=harness.unique("Legacy"))["Account"]["AccountId"]
        for _ in range(12):
            self.assertEqual(chime.get_account(AccountId=acct)["Account"]["AccountId"], acct)
        srv.stop(signal.SIGTERM)
        with open([p for p in srv.log_paths if p.endswith(".stderr.log")][-1]) as f:
            throttled = sum(1 for line in f if "status=429" in line)
        self.assertGreater(throttled, 0, "the client was never throttled: the test proves nothing")

    def test_pin_resets_are_capped_per_user(self):
        srv = self.start("--pin-reset-limit", "3:0.01")
        chime = ru.client(srv)
        acct, user_id, _ = self.setup_user(chime)
        other = chime.create_user(AccountId=acct, Email=harness.unique("o") + "@example.com",
                                  Username="other")["User"]["UserId"]
        pins = [chime.reset_personal_pin(AccountId=acct, UserId=user_id)["User"]["PersonalPIN"]
                for _ in range(3)]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            chime.reset_personal_pin(AccountId=acct, UserId=user_id)
        self.assertEqual(harness.error_code(ctx.exception), "ThrottledClientException")
        headers = ctx.exception.response["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers.get("retry-after"), "100")  # one token per 100 s
        self.assertTrue(90000 <= int(headers.get("x-amz-retry-after")) <= 100000, headers)
        self.assertEqual(chime.get_user(AccountId=acct, UserId=user_id)["User"]["PersonalPIN"],
                         pins[-1])
        # Another user of the same account is unaffected.
        chime.reset_personal_pin(AccountId=acct, UserId=other)


if __name__ == "__main__":
    unittest.main()
