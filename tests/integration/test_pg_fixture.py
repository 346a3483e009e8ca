"""The throwaway PostgreSQL servers of the tests (pg_fixture.py) do not outlive the process that
started them: a test process killed by SIGKILL (a ctest timeout, a developer's kill -9 of
`make test`) leaves no running server and no /tmp/chimed-pg-* directory behind.

Skipped, with the reason printed, only where PostgreSQL is not installed."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import unittest
from unittest import mock

import pg_fixture

HERE = os.path.dirname(os.path.abspath(__file__))

# A stand-in for a test process: starts a server, says where it is, then waits to be killed.
OWNER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, %r)
    import pg_fixture
    pg = pg_fixture.PgServer(name="owner")
    pg.start()
    print(pg.tmpdir, pg.postmaster_pid(), flush=True)
    time.sleep(600)
""") % HERE


alive = pg_fixture.process_alive


def wait_until(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


class PgFixtureTest(unittest.TestCase):

    def setUp(self):
        pg_fixture.skip_unless_available()
        # These tests check that directories go; a developer's CHIMED_TEST_KEEP_TMP keeps them.
        env = mock.patch.dict(os.environ)
        env.start()
        self.addCleanup(env.stop)
        os.environ.pop("CHIMED_TEST_KEEP_TMP", None)

    def start_owner(self):
        owner = subprocess.Popen([sys.executable, "-c", OWNER], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (owner.kill(), owner.wait(), owner.stdout.close()))
        line = owner.stdout.readline().split()
        self.assertEqual(len(line), 2, "the owner did not report its server")
        tmpdir, pid = line[0], int(line[1])
        # If this test fails, do not leave the server behind either.
        self.addCleanup(lambda: pg_fixture._stop_dir(tmpdir))
        self.assertTrue(tmpdir.startswith("/tmp/chimed-pg-"), tmpdir)
        self.assertTrue(os.path.isdir(tmpdir))
        self.assertTrue(alive(pid), "the postmaster is not running")
        return owner, tmpdir, pid

    def test_a_killed_owner_leaves_no_server_and_no_directory(self):
        owner, tmpdir, pid = self.start_owner()
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        self.assertTrue(wait_until(lambda: not alive(pid), 30),
                        "the server of a killed test process is still running")
        self.assertTrue(wait_until(lambda: not os.path.exists(tmpdir), 10),
                        "%s outlived the test process that made it" % tmpdir)

    def test_a_living_owner_keeps_its_server(self):
        owner, tmpdir, pid = self.start_owner()
        time.sleep(2.5)  # more than two of the watchdog's one-second checks
        self.assertTrue(alive(pid))
        self.assertTrue(os.path.isdir(tmpdir))

    def test_cleanup_stops_the_server_and_its_watchdog(self):
        pg = pg_fixture.PgServer(name="cleanup")
        self.addCleanup(pg.cleanup)
        pg.start()
        pid, watchdog = pg.postmaster_pid(), pg._watchdog
        self.assertIsNotNone(watchdog)
        self.assertIsNone(watchdog.poll(), "the watchdog is not running")
        pg.cleanup()
        self.assertTrue(wait_until(lambda: not alive(pid), 10), "the server outlived cleanup()")
        self.assertIsNotNone(watchdog.poll(), "the watchdog outlived cleanup()")
        self.assertFalse(os.path.exists(pg.tmpdir))

    def test_a_killed_server_leaves_no_pid_file_for_a_later_stop_to_signal(self):
        pg = pg_fixture.PgServer(name="kill9")
        self.addCleanup(pg.cleanup)
        pg.start()
        pid = pg.postmaster_pid()
        pg.kill9()
        self.assertFalse(alive(pid), "kill9() returned with the postmaster running")
        self.assertFalse(os.path.exists(os.path.join(pg.data, "postmaster.pid")),
                         "a stale postmaster.pid names a pid that another process may get")
        with mock.patch.object(pg, "_run") as run:
            pg.stop("immediate")
        run.assert_not_called()


if __name__ == "__main__":
    unittest.main()
