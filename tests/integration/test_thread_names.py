"""Every thread of a running chimed has a name that says what it does (`top -H`, `ps -L`, perf).
The PostgreSQL store's writers are checked in test_postgres_instances."""

import os
import unittest

from harness import ChimedServer, chimed_bin, thread_names, unique


class ThreadNamesTest(unittest.TestCase):

    def test_threads_are_named_after_their_work(self):
        srv = ChimedServer(name="ThreadNamesTest", extra_args=["--io-threads", "3"])
        self.addCleanup(srv.cleanup)
        srv.start()
        chime = srv.client()
        # A write, so that the store's writer has committed and the WAL's helpers run.
        account = chime.create_account(Name=unique("Threads"))["Account"]
        user = chime.create_user(AccountId=account["AccountId"], Email=unique("t") + "@example.com",
                                 Username="threads")["User"]
        chime.reset_personal_pin(AccountId=account["AccountId"], UserId=user["UserId"])

        pid = srv.proc.pid
        names = thread_names(pid)
        # The main thread keeps the process's name (it serves the first I/O context), so that
        # `pidof chimed` and `ps -C chimed` still find the server.
        self.assertEqual(names.pop(pid), os.path.basename(chimed_bin())[:15])
        # Exactly one of each: a thread that was never named inherits its creator's name, so a
        # second "chimed-writer" would be a thread nobody named.
        expected = ["chimed-ckpt", "chimed-io-1", "chimed-io-2", "chimed-log", "chimed-signals",
                    "chimed-walzero", "chimed-writer"]
        self.assertEqual(sorted(names.values()), expected)


if __name__ == "__main__":
    unittest.main()
