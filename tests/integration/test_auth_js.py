"""The AWS SDK for JavaScript v3 (@aws-sdk/client-chime, from npm) against the real server.

Runs tests/js/run.sh (Node's test runner) with the server's endpoint, the root key and a key
scoped to one account in its environment; every JS test must pass.
"""

import os
import subprocess
import unittest

import harness
from harness import ServerTestCase, unique
from test_auth import create_key

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "js")


class JavaScriptSdkTest(ServerTestCase):

    def test_aws_sdk_for_javascript(self):
        account = self.chime.create_account(Name=unique("js-scoped"))["Account"]["AccountId"]
        scoped = create_key(self.server, "--allow-account", account)
        env = dict(os.environ)
        env.update({
            "CHIMED_ENDPOINT": self.server.endpoint,
            "CHIMED_KEY_ID": harness.ACCESS_KEY_ID,
            "CHIMED_SECRET": harness.SECRET_ACCESS_KEY,
            "CHIMED_SCOPED_KEY_ID": scoped["AccessKeyId"],
            "CHIMED_SCOPED_SECRET": scoped["SecretAccessKey"],
            "CHIMED_SCOPED_ACCOUNT": account,
        })
        for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                    "AWS_PROFILE", "AWS_REGION"):
            env.pop(var, None)
        p = subprocess.run([os.path.join(JS_DIR, "run.sh")], env=env, capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=240)
        out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, out)
        self.assertRegex(out, r"\bpass 7\b")
        self.assertRegex(out, r"\bfail 0\b")


if __name__ == "__main__":
    unittest.main()
