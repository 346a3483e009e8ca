"""Several chimed instances on one PostgreSQL (issue 8): concurrent ResetPersonalPIN calls for the
same users through two processes. Every PIN handed out is unique, every acknowledged PIN is
either the user's stored PIN or was superseded by a later acknowledged one (and is retired), and
both instances agree on what is stored.

Skipped, with the reason printed, only where PostgreSQL is not installed."""

import collections
import concurrent.futures
import random
import secrets
import signal
import unittest

import pg_fixture
from harness import PIN_RE, ChimedServer, thread_names, unique

# Throttling is per instance and not what this test is about.
NO_THROTTLE = {"CHIMED_PIN_RESET_LIMIT": "100000:100000", "CHIMED_THROTTLE": "100000:100000"}
# Instances sharing a database must share the key that encrypts access-key secrets in it.
MASTER_KEY = secrets.token_hex(32)


def start_instances(url, n, name):
    servers = []
    for i in range(n):
        srv = ChimedServer(name="%s-%d" % (name, i),
                           extra_env=dict(NO_THROTTLE, CHIMED_STORE_URL=url,
                                         CHIMED_MASTER_KEY=MASTER_KEY))
        try:
            srv.start()
        except BaseException:
            srv.cleanup()
            for s in servers:
                s.cleanup()
            raise
        servers.append(srv)
    return servers


class PostgresInstancesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.pg = pg_fixture.start_server("instances", cls.addClassCleanup)

    def test_two_instances_start_together_and_migrate_once(self):
        url = self.pg.create_database(unique("migrate").replace("-", "_"))
        servers = []
        # The starting threads must outlive the servers: the harness ties each chimed to the
        # thread that spawned it (PR_SET_PDEATHSIG).
        pool = concurrent.futures.ThreadPoolExecutor(3)
        try:
            futures = [pool.submit(start_instances, url, 1, "together-%d" % i) for i in range(3)]
            for f in futures:
                servers.extend(f.result())
            # Each migration recorded once: versions 1..N, no repeats.
            versions = self.pg.sql("SELECT version FROM schema_migrations ORDER BY version",
                                   dbname=url.rsplit("/", 1)[1]).split()
            self.assertEqual(versions, [str(v) for v in range(1, len(versions) + 1)])
            self.assertGreaterEqual(len(versions), 2)
            acct = servers[0].client().create_account(Name=unique("acct"))["Account"]
            for srv in servers:
                got = srv.client().get_account(AccountId=acct["AccountId"])["Account"]
                self.assertEqual(got["Name"], acct["Name"])
                # The PostgreSQL store's writer thread is named; SQLite's helpers do not run.
                names = set(thread_names(srv.proc.pid).values())
                self.assertIn("chimed-pgwr-0", names)
                self.assertFalse(names & {"chimed-writer", "chimed-ckpt", "chimed-walzero"}, names)
        finally:
            for srv in servers:
                srv.stop(signal.SIGTERM)
                srv.cleanup()
            pool.shutdown()

    def test_concurrent_resets_through_two_instances(self):
        dbname = unique("resets").replace("-", "_")
        url = self.pg.create_database(dbname)
        servers = start_instances(url, 2, "resets")
        try:
            self._drive_resets(servers, dbname)
        finally:
            for srv in servers:
                srv.stop(signal.SIGTERM)
                srv.cleanup()

    def _drive_resets(self, servers, dbname):
        a, b = servers
        ca = a.client()
        account_id = ca.create_account(Name=unique("multi"))["Account"]["AccountId"]
        users = []
        for _ in range(6):
            email = unique("u") + "@example.com"
            users.append(ca.create_user(AccountId=account_id, Email=email,
                                        Username=email.split("@")[0])["User"])
        initial = {u["UserId"]: u["PersonalPIN"] for u in users}

        acked = collections.defaultdict(list)  # user id -> PINs acknowledged with 200
        errors = []
        resets_per_worker = 30

        def worker(seed):
            rng = random.Random(seed)
            clients = [a.client(), b.client()]
            for i in range(resets_per_worker):
                user_id = rng.choice(users)["UserId"]
                try:
                    resp = clients[i % 2].reset_personal_pin(AccountId=account_id,
                                                             UserId=user_id)
                except Exception as e:  # noqa: BLE001 - every failure is reported below
                    errors.append(repr(e))
                    continue
                pin = resp["User"]["PersonalPIN"]
                acked[user_id].append(pin)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(worker, range(8)))

        self.assertEqual(errors, [], "resets failed")
        all_pins = [p for pins in acked.values() for p in pins] + list(initial.values())
        self.assertEqual(len(all_pins), len(set(all_pins)), "a PIN was handed out twice")
        for pin in all_pins:
            self.assertRegex(pin, PIN_RE)

        stored = {}
        for u in users:
            uid = u["UserId"]
            got_a = a.client().get_user(AccountId=account_id, UserId=uid)["User"]["PersonalPIN"]
            got_b = b.client().get_user(AccountId=account_id, UserId=uid)["User"]["PersonalPIN"]
            self.assertEqual(got_a, got_b, "the instances disagree about %s" % uid)
            stored[uid] = got_a
            if acked[uid]:
                self.assertIn(got_a, acked[uid], "stored PIN of %s was never acknowledged" % uid)
            else:
                self.assertEqual(got_a, initial[uid])

        # Every other PIN the user ever had was superseded: retired, never to be issued again.
        superseded = [p for uid, pins in acked.items() for p in pins if p != stored[uid]]
        superseded += [p for uid, p in initial.items() if acked[uid]]
        in_list = ",".join("'%s'" % p for p in superseded)
        retired = self.pg.sql("SELECT count(*) FROM all_retired_pins WHERE pin IN (%s)" % in_list,
                              dbname=dbname).strip()
        self.assertEqual(int(retired), len(superseded))
        # One audit record per acknowledged reset, no more (retries leave no trace).
        audits = self.pg.sql("SELECT count(*) FROM pin_reset_audit", dbname=dbname).strip()
        self.assertEqual(int(audits), sum(len(p) for p in acked.values()))


if __name__ == "__main__":
    unittest.main()
