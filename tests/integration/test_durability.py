"""A 2xx answer means the change is on disk: every acknowledged PIN survives SIGTERM and SIGKILL."""

import signal
import threading
import time
import unittest

from harness import PIN_RE, ChimedServer, unique


class DurabilityTest(unittest.TestCase):

    def start_server(self):
        srv = ChimedServer(name="%s.%s" % (type(self).__name__, self._testMethodName))
        self.addCleanup(srv.cleanup)
        srv.start()
        return srv

    def populate(self, chime, accounts=2, users_per_account=5, resets_per_user=3):
        """Creates accounts and users and resets PINs; returns {(account, user): last PIN} and
        the accounts as created."""
        pins, created = {}, {}
        for _ in range(accounts):
            acct = chime.create_account(Name=unique("Durable"))["Account"]
            created[acct["AccountId"]] = acct
            for _ in range(users_per_account):
                user = chime.create_user(AccountId=acct["AccountId"],
                                         Email=unique("d") + "@example.com",
                                         Username="durable")["User"]
                pin = user["PersonalPIN"]
                for _ in range(resets_per_user):
                    pin = chime.reset_personal_pin(AccountId=acct["AccountId"],
                                                   UserId=user["UserId"])["User"]["PersonalPIN"]
                pins[(acct["AccountId"], user["UserId"])] = pin
        return pins, created

    def assertStateIs(self, chime, pins, accounts):
        for acct_id, acct in accounts.items():
            self.assertEqual(chime.get_account(AccountId=acct_id)["Account"], acct)
            listed = set()
            for page in chime.get_paginator("list_users").paginate(AccountId=acct_id):
                listed.update(u["UserId"] for u in page["Users"])
            self.assertEqual(listed, {u for (a, u) in pins if a == acct_id})
        for (acct_id, user_id), pin in pins.items():
            got = chime.get_user(AccountId=acct_id, UserId=user_id)["User"]["PersonalPIN"]
            self.assertEqual(got, pin, "user %s lost its acknowledged PIN" % user_id)

    def test_sigterm_restart_keeps_every_acknowledged_pin(self):
        srv = self.start_server()
        pins, accounts = self.populate(srv.client())
        self.assertEqual(srv.stop(signal.SIGTERM), 0)
        srv.start()
        chime = srv.client()
        self.assertStateIs(chime, pins, accounts)
        # The server still works after a restart: a reset gives a new, different PIN.
        (acct_id, user_id), old = next(iter(pins.items()))
        new = chime.reset_personal_pin(AccountId=acct_id, UserId=user_id)["User"]["PersonalPIN"]
        self.assertRegex(new, PIN_RE)
        self.assertNotEqual(new, old)
        pins[(acct_id, user_id)] = new
        srv.restart(signal.SIGTERM)
        self.assertStateIs(srv.client(), pins, accounts)

    def test_sigint_stops_cleanly(self):
        srv = self.start_server()
        pins, accounts = self.populate(srv.client(), accounts=1, users_per_account=2)
        self.assertEqual(srv.stop(signal.SIGINT), 0)
        srv.start()
        self.assertStateIs(srv.client(), pins, accounts)

    def test_sigkill_when_idle_keeps_every_acknowledged_pin(self):
        srv = self.start_server()
        pins, accounts = self.populate(srv.client())
        srv.kill()
        srv.start()
        self.assertStateIs(srv.client(), pins, accounts)
        # A second crash right after recovery, with no request in between, loses nothing either.
        srv.kill()
        srv.start()
        chime = srv.client()
        self.assertStateIs(chime, pins, accounts)
        for key in list(pins)[:3]:
            pins[key] = chime.reset_personal_pin(AccountId=key[0],
                                                 UserId=key[1])["User"]["PersonalPIN"]
        srv.kill()
        srv.start()
        self.assertStateIs(srv.client(), pins, accounts)

    def test_sigkill_during_resets_keeps_every_acknowledged_pin(self):
        srv = self.start_server()
        chime = srv.client()
        acct_id = chime.create_account(Name=unique("Crash"))["Account"]["AccountId"]
        workers, users_per_worker = 4, 3
        # history[user] = list of PINs in send order; None = sent, never acknowledged.
        history, initial = {}, {}
        owners = []
        for w in range(workers):
            mine = []
            for _ in range(users_per_worker):
                u = chime.create_user(AccountId=acct_id, Email=unique("k") + "@example.com",
                                      Username="crash")["User"]
                initial[u["UserId"]] = u["PersonalPIN"]
                history[u["UserId"]] = []
                mine.append(u["UserId"])
            owners.append(mine)
        acked = [0]
        lock = threading.Lock()
        stop = threading.Event()
        failures = []

        def worker(user_ids):
            client = srv.client()
            i = 0
            while not stop.is_set():
                uid = user_ids[i % len(user_ids)]
                i += 1
                history[uid].append(None)  # sent
                try:
                    pin = client.reset_personal_pin(AccountId=acct_id,
                                                    UserId=uid)["User"]["PersonalPIN"]
                except Exception:  # the server died under us: this reset is unacknowledged
                    return
                if not PIN_RE.match(pin):
                    failures.append(pin)
                history[uid][-1] = pin
                with lock:
                    acked[0] += 1

        threads = [threading.Thread(target=worker, args=(ids,), daemon=True) for ids in owners]
        for t in threads:
            t.start()
        try:
            deadline = time.monotonic() + 120
            while acked[0] < 300 and time.monotonic() < deadline and all(
                    t.is_alive() for t in threads):
                time.sleep(0.01)
            self.assertGreaterEqual(acked[0], 300, "resets too slow or failing before the kill")
            srv.kill()
        finally:
            stop.set()
            for t in threads:
                t.join(60)
        self.assertEqual(failures, [], "malformed PINs acknowledged")
        srv.start()
        chime = srv.client()
        in_flight = 0
        stored = set()
        for uid, events in history.items():
            got = chime.get_user(AccountId=acct_id, UserId=uid)["User"]["PersonalPIN"]
            self.assertRegex(got, PIN_RE)
            stored.add(got)
            acked_pins = [initial[uid]] + [p for p in events if p is not None]
            last_ack = acked_pins[-1]
            if events and events[-1] is None:
                in_flight += 1
                # The unacknowledged reset may or may not have committed, but nothing older
                # than the last acknowledged PIN may come back.
                self.assertNotIn(got, acked_pins[:-1], "user %s went back in time" % uid)
            else:
                self.assertEqual(got, last_ack, "user %s lost its acknowledged PIN" % uid)
        self.assertEqual(len(stored), len(history), "two users share a PIN after recovery")
        # Report, not assert: the kill is asynchronous to the workers.
        print("\n[durability] %d acknowledged resets, %d in flight at SIGKILL"
              % (acked[0], in_flight))
        # And the recovered server keeps working.
        uid = next(iter(history))
        new = chime.reset_personal_pin(AccountId=acct_id, UserId=uid)["User"]["PersonalPIN"]
        self.assertRegex(new, PIN_RE)
        srv.stop(signal.SIGTERM)


if __name__ == "__main__":
    unittest.main()
