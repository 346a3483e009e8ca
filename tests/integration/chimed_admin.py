"""Runs chimed's administrative subcommands (`chimed users register`, `chimed accounts set-type`)
against the data directory of a running ChimedServer, the way an administrator would."""

import json
import os
import subprocess

from harness import chimed_bin


def run_admin(server, *args, timeout=60):
    """Runs `chimed <server's flags> <args>` on the server's data dir (while it serves).
    Returns (exit code, parsed JSON stdout or raw text, stderr)."""
    env = dict(os.environ)
    env.update(server.extra_env)
    cmd = [chimed_bin(), "--data-dir", server.data_dir] + list(server.extra_args) + [
        str(a) for a in args]
    p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout)
    out = p.stdout.decode("utf-8", "replace")
    try:
        parsed = json.loads(out) if out.strip() else out
    except ValueError:
        parsed = out
    return p.returncode, parsed, p.stderr.decode("utf-8", "replace")


def register_user(testcase, server, account_id, user_id):
    """`chimed users register`; asserts success and returns the printed User."""
    rc, out, err = run_admin(server, "users", "register", "--account-id", account_id,
                             "--user-id", user_id)
    testcase.assertEqual(rc, 0, "chimed users register failed: %s" % err)
    testcase.assertIsInstance(out, dict, out)
    return out["User"]


def set_account_type(testcase, server, account_id, account_type):
    """`chimed accounts set-type`; asserts success and returns the printed Account."""
    rc, out, err = run_admin(server, "accounts", "set-type", "--account-id", account_id,
                             "--type", account_type)
    testcase.assertEqual(rc, 0, "chimed accounts set-type failed: %s" % err)
    testcase.assertIsInstance(out, dict, out)
    return out["Account"]
