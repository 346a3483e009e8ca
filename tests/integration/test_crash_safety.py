"""kill -9 at random moments during concurrent resets, restart, repeat (CHIMED_KILL_LOOPS
times, default 50; `make soak` runs more). After every restart each user's PIN is the last
acknowledged one (or a later, unacknowledged one); at checkpoints and at the end the file
passes PRAGMA integrity_check with no PIN held twice and no current PIN retired."""

import os
import random
import threading
import time
import unittest

import harness
import reliability_util as ru

KILL_LOOPS = int(os.environ.get("CHIMED_KILL_LOOPS", "50"))
USERS = 6
WORKERS = 3


class CrashSafetyTest(unittest.TestCase):

    def test_kill_9_loop_keeps_every_acknowledged_reset(self):
        srv = harness.ChimedServer(name="crash-loop", extra_args=[
            "--throttle", "0:0", "--pin-reset-limit", "0:0"])
        self.addCleanup(srv.cleanup)
        srv.start()
        chime = ru.client(srv)
        acct = chime.create_account(Name=harness.unique("Crash"))["Account"]["AccountId"]
        users = []
        for _ in range(USERS):
            u = chime.create_user(AccountId=acct, Email=harness.unique("c") + "@example.com",
                                  Username="c")["User"]
            users.append(u["UserId"])
        acked = {u: [] for u in users}  # every acknowledged PIN, in order (one writer per user)
        rng = random.Random(int(os.environ.get("CHIMED_KILL_SEED", time.time())))
        started = time.monotonic()

        for loop in range(KILL_LOOPS):
            stop = threading.Event()

            def worker(mine):
                while not stop.is_set():
                    for user_id in mine:
                        try:
                            resp = srv.raw("POST", "/accounts/%s/users/%s?operation=reset-"
                                           "personal-pin" % (acct, user_id), timeout=5)
                        except OSError:
                            return  # the server died under us: this reset is unacknowledged
                        if resp.status == 200:
                            acked[user_id].append(resp.json()["User"]["PersonalPIN"])
                        elif resp.status not in (503,):
                            raise AssertionError("unexpected %r" % (resp,))

            threads = [threading.Thread(target=worker, args=(users[w::WORKERS],))
                       for w in range(WORKERS)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.02, 0.3))
            srv.kill()
            stop.set()
            for t in threads:
                t.join(10)
            if loop % 10 == 9:
                self.assertEqual(ru.offline_db_checks(ru.db_path(srv)), [], "after kill %d" % loop)
            srv.start()
            for user_id in users:
                got = srv.raw("GET", "/accounts/%s/users/%s" % (acct, user_id))
                self.assertEqual(got.status, 200, got)
                pin = got.json()["User"]["PersonalPIN"]
                history = acked[user_id]
                if history and pin != history[-1]:
                    # Allowed only if it came from a reset whose answer the kill swallowed.
                    self.assertNotIn(pin, history, "kill %d: user %s went back to an older PIN"
                                     % (loop, user_id))
        srv.kill()
        self.assertEqual(ru.offline_db_checks(ru.db_path(srv)), [])
        total = sum(len(v) for v in acked.values())
        self.assertGreater(total, KILL_LOOPS, "too few acknowledged resets to prove anything")
        all_pins = [p for v in acked.values() for p in v]
        self.assertEqual(len(all_pins), len(set(all_pins)), "an acknowledged PIN was issued twice")
        print("\n%d kills, %d acknowledged resets in %.1fs" % (
            KILL_LOOPS, total, time.monotonic() - started))


if __name__ == "__main__":
    unittest.main()
