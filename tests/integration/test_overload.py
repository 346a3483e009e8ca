"""Admission control end to end: with one request in flight and one queued allowed, a burst
of concurrent writes gets some 503 ServiceUnavailableException with retry hints, each 503
changed nothing, health endpoints keep answering, and the service serves again at once."""

import signal
import threading
import unittest

import botocore.exceptions

import harness
import reliability_util as ru


class OverloadTest(unittest.TestCase):

    def test_full_queue_answers_503_writes_nothing_and_recovers(self):
        srv = harness.ChimedServer(name="overload", extra_args=[
            "--max-in-flight", "1", "--max-queue", "1", "--throttle", "0:0",
            "--pin-reset-limit", "0:0"])
        self.addCleanup(srv.cleanup)
        srv.start()
        chime = ru.client(srv)
        acct = chime.create_account(Name=harness.unique("Overload"))["Account"]["AccountId"]
        users = [chime.create_user(AccountId=acct, Email=harness.unique("o") + "@example.com",
                                   Username="o")["User"]["UserId"] for _ in range(4)]
        clients = [ru.client(srv) for _ in range(16)]
        results = {"ok": 0, "unavailable": 0, "other": [], "hints": set()}
        lock = threading.Lock()
        health = []

        def worker(i):
            for n in range(15):
                try:
                    clients[i].reset_personal_pin(AccountId=acct, UserId=users[(i + n) % 4])
                    with lock:
                        results["ok"] += 1
                except botocore.exceptions.ClientError as e:
                    meta = e.response["ResponseMetadata"]
                    with lock:
                        if harness.error_code(e) == "ServiceUnavailableException":
                            results["unavailable"] += 1
                            h = meta["HTTPHeaders"]
                            results["hints"].add((h.get("retry-after"),
                                                  h.get("x-amz-retry-after")))
                        else:
                            results["other"].append(harness.error_code(e))
            if i == 0:
                health.append(srv.raw("GET", "/healthz", sign=False).status)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results["other"], [])
        self.assertGreater(results["unavailable"], 0, "never overloaded: %r" % results)
        self.assertGreater(results["ok"], 0)
        self.assertEqual(results["hints"], {("1", "1000")})
        self.assertEqual(health, [200])
        # Recovery: the next request is served.
        chime.get_account(AccountId=acct)
        self.assertEqual(srv.raw("GET", "/readyz", sign=False).status, 200)
        srv.stop(signal.SIGTERM)
        # A 503 was answered before the handler ran: exactly the acknowledged resets are stored.
        db = ru.db_path(srv)
        self.assertEqual(ru.count_rows(db, "SELECT COUNT(*) FROM pin_reset_audit"), results["ok"])
        self.assertEqual(ru.offline_db_checks(db), [])


if __name__ == "__main__":
    unittest.main()
