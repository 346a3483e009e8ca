"""No secret, session token, signature, Authorization header or PIN in any log line.

Runs its own full scenario (so it knows every secret that existed) on its own server: root and
admin-created keys, a session-token key, rotation, successes and every kind of refusal, PIN
resets, a presigned URL, the AWS CLI. Then scans every line that server and the admin commands
logged. Also scans the shared CHIMED_TEST_LOG_DIR of the whole e2e run (when set) for the
shapes those secrets take (Signature=, X-Amz-Signature, aws_secret_access_key, ...).
"""

import glob
import json
import os
import re
import unittest
import urllib.error
import urllib.request

import harness
from harness import ChimedServer, q, unique
from test_auth import (ROOT_KEY, admin, client_for, create_key, raw_as, read_text,
                       shifted_clock)

# Shapes of secret material that must never appear in any server log of the run.
FORBIDDEN_SHAPES = [
    re.compile(r"Signature=[0-9a-f]{16}", re.I),
    re.compile(r"X-Amz-Signature", re.I),
    re.compile(r"X-Amz-Security-Token", re.I),
    re.compile(r"aws_secret_access_key", re.I),
    re.compile(r"SecretAccessKey", re.I),
    re.compile(r"AWS4-HMAC-SHA256 Credential=", re.I),
    re.compile(r"Authorization:", re.I),
    re.compile(r"\"PersonalPIN\""),  # a rendered user (the op name ResetPersonalPIN is fine)
    re.compile(r"\b[0-9a-f]{64}\b"),  # a hex signature, key or token hash
]


class LogHygieneTest(unittest.TestCase):

    def setUp(self):
        self.secrets = {}  # value -> what it is
        self.admin_logs = []

    def remember(self, value, what):
        if value and len(value) >= 8:
            self.secrets[value] = what

    def record_client(self, client):
        def capture(request, **kwargs):
            auth = request.headers.get("Authorization")
            if auth:
                auth = auth.decode() if isinstance(auth, bytes) else auth
                self.remember(auth, "Authorization header")
                self.remember(auth.rsplit("Signature=", 1)[-1], "signature")
            token = request.headers.get("X-Amz-Security-Token")
            if token:
                self.remember(token.decode() if isinstance(token, bytes) else token,
                              "session token")
        client.meta.events.register("before-send.chime", capture)
        return client

    def keys_cmd(self, srv, *args):
        rc, out, err = admin(srv, *args)
        self.admin_logs.append(err)
        return rc, out, err

    def new_key(self, srv, *args, session_token=False):
        key = create_key(srv, *args, session_token=session_token)
        self.remember(key["SecretAccessKey"], "secret of " + key["AccessKeyId"])
        self.remember(key.get("SessionToken"), "session token")
        return key

    def pins_of(self, response):
        pin = response.get("User", {}).get("PersonalPIN")
        if pin:
            self.remember(pin, "PIN")
        return pin

    def scenario(self, srv):
        self.remember(harness.SECRET_ACCESS_KEY, "root secret")
        self.remember(read_text(os.path.join(srv.data_dir, "master.key")).strip(), "master key")
        root = self.record_client(srv.client())
        acc_a = root.create_account(Name=unique("hyg-a"))["Account"]["AccountId"]
        acc_b = root.create_account(Name=unique("hyg-b"))["Account"]["AccountId"]
        users = [root.create_user(AccountId=acc, Email=unique("h") + "@example.com",
                                  Username=unique("h"))["User"]["UserId"]
                 for acc in (acc_a, acc_b)]
        for acc, u in zip((acc_a, acc_b), users):
            for _ in range(3):
                self.pins_of(root.reset_personal_pin(AccountId=acc, UserId=u))
            self.pins_of(root.get_user(AccountId=acc, UserId=u))

        scoped = self.new_key(srv, "--allow-account", acc_a)
        temp = self.new_key(srv, "--allow-all", session_token=True)
        getter = self.new_key(srv, "--policy", json.dumps({"Statement": [
            {"Effect": "Allow", "Action": "chime:GetUser", "Resource": "*"}]}))
        c = self.record_client(client_for(srv, scoped))
        self.pins_of(c.reset_personal_pin(AccountId=acc_a, UserId=users[0]))
        with self.assertRaises(c.exceptions.ForbiddenException):
            c.reset_personal_pin(AccountId=acc_b, UserId=users[1])
        t = self.record_client(client_for(srv, temp))
        self.pins_of(t.get_user(AccountId=acc_b, UserId=users[1]))
        bad_token = dict(temp, SessionToken=temp["SessionToken"][::-1])
        self.remember(bad_token["SessionToken"], "wrong session token")
        tb = self.record_client(client_for(srv, bad_token))
        with self.assertRaises(tb.exceptions.UnauthorizedClientException):
            tb.get_user(AccountId=acc_b, UserId=users[1])
        g = self.record_client(client_for(srv, getter))
        with self.assertRaises(g.exceptions.ForbiddenException):
            g.reset_personal_pin(AccountId=acc_b, UserId=users[1])

        # Refusals: wrong secret, unknown key, skew, tampered body, replay elsewhere.
        wrong = dict(ROOT_KEY, SecretAccessKey=harness.SECRET_ACCESS_KEY[::-1])
        self.remember(wrong["SecretAccessKey"], "wrong secret")
        w = self.record_client(client_for(srv, wrong))
        with self.assertRaises(w.exceptions.UnauthorizedClientException):
            w.get_account(AccountId=acc_a)
        u = self.record_client(client_for(srv, {"AccessKeyId": "AKIAHYGIENEUNKNOWN00",
                                                "SecretAccessKey": harness.SECRET_ACCESS_KEY}))
        with self.assertRaises(u.exceptions.UnauthorizedClientException):
            u.get_account(AccountId=acc_a)
        for shift in (-400, 400):
            with shifted_clock(shift), self.assertRaises(root.exceptions.UnauthorizedClientException):
                root.get_account(AccountId=acc_a)
        body = json.dumps({"Name": "hygiene-honest"})
        r = raw_as(srv, ROOT_KEY, "POST", "/accounts", body,
                   send_body=body.replace("honest", "forged").encode())
        self.assertEqual(r.status, 401)
        r = raw_as(srv, ROOT_KEY, "GET", "/accounts/" + q(acc_a), send_path="/accounts/" + q(acc_b))
        self.assertEqual(r.status, 401)
        # A made-up Authorization header with a signature-shaped value.
        fake_sig = os.urandom(32).hex()
        self.remember(fake_sig, "client-sent signature")
        r = srv.raw("GET", "/accounts/" + q(acc_a), sign=False, headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAHYGIENEFAKE00000/20200101/us-east-1/"
                             "chime/aws4_request, SignedHeaders=host, Signature=" + fake_sig})
        self.assertEqual(r.status, 401)
        # Presigned URL: the signature travels in the query string.
        url = root.generate_presigned_url("get_account", Params={"AccountId": acc_a},
                                          ExpiresIn=60)
        self.remember(re.search(r"X-Amz-Signature=([0-9a-f]+)", url).group(1), "presign signature")
        with urllib.request.urlopen(url, timeout=30) as resp:
            self.assertEqual(resp.status, 200)
        with self.assertRaises(urllib.error.HTTPError):
            urllib.request.urlopen(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"),
                                   timeout=30)
        # The AWS CLI, and rotation through the admin command.
        code, out, err = srv.aws("reset-personal-pin", "--account-id", acc_a, "--user-id",
                                 users[0])
        self.assertEqual(code, 0, err)
        self.pins_of(out)
        rc, out, err = self.keys_cmd(srv, "rotate", scoped["AccessKeyId"], "--json")
        self.assertEqual(rc, 0, err)
        self.remember(json.loads(out)["AccessKey"]["SecretAccessKey"], "rotated secret")
        for args in (["list"], ["list", "--json"], ["show", temp["AccessKeyId"]],
                     ["disable", getter["AccessKeyId"]], ["delete", getter["AccessKeyId"]]):
            rc, out, err = self.keys_cmd(srv, *args)
            self.assertEqual(rc, 0, err)
            for value, what in self.secrets.items():
                self.assertNotIn(value, out, "%s printed by keys %s" % (what, args[0]))
        return acc_a

    def scan(self, name, text):
        leaks = []
        for lineno, line in enumerate(text.splitlines(), 1):
            for value, what in self.secrets.items():
                if value in line:
                    leaks.append("%s:%d: %s" % (name, lineno, what))
            for shape in FORBIDDEN_SHAPES:
                if shape.search(line):
                    leaks.append("%s:%d: matches %s: %s" % (name, lineno, shape.pattern, line[:200]))
        return leaks

    def test_no_secret_in_any_log_line(self):
        with ChimedServer(name="log-hygiene") as srv:
            self.scenario(srv)
            srv.stop()
            self.assertGreater(len(self.secrets), 10)
            lines = 0
            leaks = []
            for path in srv.log_paths:
                text = read_text(path)
                lines += len(text.splitlines())
                leaks += self.scan(os.path.basename(path), text)
            for i, text in enumerate(self.admin_logs):
                leaks += self.scan("admin-%d" % i, text)
            self.assertGreater(lines, 30, "the scenario should have produced request logs")
            # The scanner itself finds what it looks for.
            self.assertTrue(self.scan("probe", "x " + harness.SECRET_ACCESS_KEY + " y"))
            self.assertTrue(self.scan("probe", "Authorization: AWS4-HMAC-SHA256 Credential=x"))
            self.assertEqual(leaks, [], "\n".join(leaks))

    def test_refusals_are_logged_with_their_operation(self):
        # An operator looking for why a client's calls fail greps the request log for the
        # operation: its 401s and 403s must name it as its successes do.
        request_line = re.compile(r"request id=\S+ method=\S+ op=(\S+) status=(\d+)")
        with ChimedServer(name="log-refusals") as srv:
            self.scenario(srv)
            srv.stop()
            refused = []
            for path in srv.log_paths:
                for m in request_line.finditer(read_text(path)):
                    if m.group(2) in ("401", "403"):
                        refused.append(m.group(1))
        self.assertGreaterEqual(len(refused), 10, refused)
        self.assertNotIn("-", refused)
        self.assertLessEqual({"GetAccount", "CreateAccount", "GetUser", "ResetPersonalPIN"},
                             set(refused))

    def test_shared_log_dir_of_the_run(self):
        log_dir = os.environ.get("CHIMED_TEST_LOG_DIR")
        if not log_dir or not os.path.isdir(log_dir):
            self.skipTest("CHIMED_TEST_LOG_DIR is not set (run through ctest)")
        self.remember(harness.SECRET_ACCESS_KEY, "this process's root secret")
        leaks = []
        for path in sorted(glob.glob(os.path.join(log_dir, "*.log"))):
            leaks += self.scan(os.path.basename(path), read_text(path))
        self.assertEqual(leaks, [], "\n".join(leaks))


if __name__ == "__main__":
    unittest.main()
