"""SigV4 authentication end to end with boto3, raw signed requests and the AWS CLI.

Also holds the helpers the other security modules (test_authz, test_auth_js, test_log_hygiene)
share: running `chimed keys ...` on a test server's data dir, clients for arbitrary keys, and
signing with a shifted clock.
"""

import contextlib
import datetime
import json
import os
import stat
import subprocess
import unittest
import urllib.error
import urllib.request
from unittest import mock

import boto3
import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import harness
from harness import REGION, ChimedServer, ServerTestCase, q, unique

SIGNATURE_MISMATCH = "signature we calculated does not match"


# ---- helpers shared by the security modules ----------------------------------------------------

def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def admin(server, *args, env=None):
    """Runs `chimed --data-dir <server's> keys <args>`; returns (rc, stdout, stderr)."""
    full_env = dict(os.environ)
    full_env.update(server.extra_env)  # e.g. the server's CHIMED_MASTER_KEY
    full_env.update(env or {})
    p = subprocess.run([harness.chimed_bin(), "--data-dir", server.data_dir, "keys"] +
                       [str(a) for a in args], capture_output=True, env=full_env,
                       stdin=subprocess.DEVNULL, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def create_key(server, *policy_args, name=None, session_token=False):
    """Creates a key with the admin command; returns {"AccessKeyId", "SecretAccessKey"[,
    "SessionToken"]}."""
    args = ["create", "--name", name or unique("key"), "--json"] + list(policy_args)
    if session_token:
        args.append("--session-token")
    rc, out, err = admin(server, *args)
    if rc != 0:
        raise AssertionError("chimed keys create failed (%d): %s" % (rc, err))
    return json.loads(out)["AccessKey"]


def client_for(server, key, region=REGION, **config_kwargs):
    """A boto3 chime client signing with `key` (a create_key() dict)."""
    cfg = Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=60,
                 **config_kwargs)
    return boto3.session.Session().client(
        "chime", endpoint_url=server.endpoint, region_name=region,
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
        aws_session_token=key.get("SessionToken"), config=cfg)


ROOT_KEY = {"AccessKeyId": harness.ACCESS_KEY_ID, "SecretAccessKey": harness.SECRET_ACCESS_KEY}


@contextlib.contextmanager
def shifted_clock(seconds):
    """botocore signs as if its clock were `seconds` off. X-Amz-Date has whole seconds, so a
    positive shift is also aligned up to the next second: the signed time is then at least
    `seconds` ahead of the server's clock (a plain +301 s could truncate to 300.x s)."""
    real = botocore.auth.get_current_datetime

    def fake():
        now = real()
        shifted = now + datetime.timedelta(seconds=seconds)
        if seconds > 0 and now.microsecond:
            shifted += datetime.timedelta(microseconds=1000000 - now.microsecond)
        return shifted

    with mock.patch.object(botocore.auth, "get_current_datetime", fake):
        yield


def sign_headers(server, method, path_and_query, body=b"", key=ROOT_KEY, region=REGION,
                 headers=None):
    """The headers botocore's SigV4Auth adds for this request (Authorization included)."""
    req = AWSRequest(method=method, url=server.endpoint + path_and_query, data=body,
                     headers=dict(headers or {}))
    SigV4Auth(Credentials(key["AccessKeyId"], key["SecretAccessKey"], key.get("SessionToken")),
              "chime", region).add_auth(req)
    return dict(req.headers.items())


def raw_as(server, key, method, path_and_query, body=b"", region=REGION, send_path=None,
           send_body=None):
    """A request signed with `key` for (method, path_and_query, body), then sent to send_path
    with send_body (default: what was signed)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    hdrs = sign_headers(server, method, path_and_query, body, key, region)
    return server.raw(method, send_path or path_and_query,
                      body=body if send_body is None else send_body, headers=hdrs, sign=False)


# ---- tests -------------------------------------------------------------------------------------

class AuthenticationTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.chime.create_account(Name=unique("auth"))["Account"]
        cls.user = cls.chime.create_user(AccountId=cls.account["AccountId"],
                                         Email=unique("u") + "@example.com",
                                         Username=unique("u"))["User"]

    def assertUnauthorized(self, ctx, message=None):
        self.assertModeledError(ctx, "UnauthorizedClientException", message)

    def test_root_key_runs_the_core_operations(self):
        acc = self.account["AccountId"]
        self.assertEqual(self.chime.get_account(AccountId=acc)["Account"]["AccountId"], acc)
        ids = [a["AccountId"] for a in self.chime.list_accounts()["Accounts"]]
        self.assertIn(acc, ids)
        self.assertEqual(self.chime.get_user(AccountId=acc, UserId=self.user["UserId"])
                         ["User"]["UserId"], self.user["UserId"])
        self.assertTrue(self.chime.list_users(AccountId=acc)["Users"])
        pin = self.chime.reset_personal_pin(AccountId=acc, UserId=self.user["UserId"])
        self.assertRegex(pin["User"]["PersonalPIN"], harness.PIN_RE)

    def test_wrong_secret_is_unauthorized(self):
        bad = dict(ROOT_KEY, SecretAccessKey=ROOT_KEY["SecretAccessKey"][:-1] + "x"
                   if not ROOT_KEY["SecretAccessKey"].endswith("x") else
                   ROOT_KEY["SecretAccessKey"][:-1] + "y")
        c = client_for(self.server, bad)
        with self.assertRaises(c.exceptions.UnauthorizedClientException) as ctx:
            c.get_account(AccountId=self.account["AccountId"])
        self.assertUnauthorized(ctx, SIGNATURE_MISMATCH)
        self.assertNotIn(harness.SECRET_ACCESS_KEY, str(ctx.exception.response))

    def test_unknown_key_is_indistinguishable_from_a_wrong_secret(self):
        c = client_for(self.server, {"AccessKeyId": "AKIAUNKNOWNKEY000000",
                                     "SecretAccessKey": harness.SECRET_ACCESS_KEY})
        with self.assertRaises(c.exceptions.UnauthorizedClientException) as ctx:
            c.reset_personal_pin(AccountId=self.account["AccountId"], UserId=self.user["UserId"])
        self.assertUnauthorized(ctx, SIGNATURE_MISMATCH)

    def test_clock_skew_of_301_seconds_either_way_is_unauthorized(self):
        for shift, words in ((-301, "Signature expired"), (301, "not yet current")):
            with self.subTest(shift=shift):
                with shifted_clock(shift):
                    with self.assertRaises(self.chime.exceptions.UnauthorizedClientException) as ctx:
                        self.chime.get_account(AccountId=self.account["AccountId"])
                self.assertUnauthorized(ctx, words)
        for shift in (-290, 290):
            with self.subTest(shift=shift), shifted_clock(shift):
                self.chime.get_account(AccountId=self.account["AccountId"])

    def test_raw_requests_with_a_shifted_x_amz_date(self):
        path = "/accounts/" + q(self.account["AccountId"])
        for shift in (-301, 301):
            with self.subTest(shift=shift), shifted_clock(shift):
                r = raw_as(self.server, ROOT_KEY, "GET", path)
            self.assertRawError(r, 401, "UnauthorizedClientException", "Unauthorized")

    def test_tampered_body_is_unauthorized(self):
        c = self.server.client()

        def tamper(request, **kwargs):
            request.body = request.body.replace(b"honest", b"forged")

        c.meta.events.register("before-send.chime.CreateAccount", tamper)
        with self.assertRaises(c.exceptions.UnauthorizedClientException) as ctx:
            c.create_account(Name=unique("honest"))
        self.assertUnauthorized(ctx)
        names = [a["Name"] for a in self.chime.list_accounts(MaxResults=200)["Accounts"]]
        self.assertFalse([n for n in names if n.startswith("forged")], names)
        # Raw: signed body A, sent body B of the same length.
        body = json.dumps({"Name": "honest-1"})
        r = raw_as(self.server, ROOT_KEY, "POST", "/accounts", body,
                   send_body=body.replace("honest", "forged").encode())
        self.assertRawError(r, 401, "UnauthorizedClientException", "Unauthorized")

    def test_replay_on_another_path_is_unauthorized(self):
        other = self.chime.create_user(AccountId=self.account["AccountId"],
                                       Email=unique("o") + "@example.com",
                                       Username=unique("o"))["User"]
        before = self.chime.get_user(AccountId=self.account["AccountId"],
                                     UserId=other["UserId"])["User"].get("PersonalPIN")
        c = self.server.client()

        def redirect(request, **kwargs):
            request.url = request.url.replace(self.user["UserId"], other["UserId"])

        c.meta.events.register("before-send.chime.ResetPersonalPIN", redirect)
        with self.assertRaises(c.exceptions.UnauthorizedClientException) as ctx:
            c.reset_personal_pin(AccountId=self.account["AccountId"], UserId=self.user["UserId"])
        self.assertUnauthorized(ctx, SIGNATURE_MISMATCH)
        after = self.chime.get_user(AccountId=self.account["AccountId"],
                                    UserId=other["UserId"])["User"].get("PersonalPIN")
        self.assertEqual(before, after)
        # Raw replay of captured headers on another path, and with another operation= value.
        acc = q(self.account["AccountId"])
        signed = "/accounts/%s/users/%s" % (acc, q(self.user["UserId"]))
        for method, send in (("GET", "/accounts/%s/users/%s" % (acc, q(other["UserId"]))),
                             ("GET", "/console" + signed),
                             ("POST", signed + "?operation=logout"),
                             ("POST", signed + "?operation=reset-personal-pin")):
            with self.subTest(send=send):
                r = raw_as(self.server, ROOT_KEY, method, signed, send_path=send)
                self.assertRawError(r, 401, "UnauthorizedClientException", "Unauthorized")

    def test_unsigned_and_malformed_requests_are_unauthorized(self):
        path = "/accounts/" + q(self.account["AccountId"])
        r = self.server.raw("GET", path, sign=False)
        self.assertRawError(r, 401, "UnauthorizedClientException", "Unauthorized")
        for auth in ("AWS4-HMAC-SHA256", "Bearer abc", "AWS4-HMAC-SHA256 Credential=x, "
                     "SignedHeaders=host, Signature=00"):
            with self.subTest(auth=auth):
                hdrs = sign_headers(self.server, "GET", path)
                hdrs["Authorization"] = auth
                r = self.server.raw("GET", path, headers=hdrs, sign=False)
                self.assertRawError(r, 401, "UnauthorizedClientException", "Unauthorized")
                self.assertNotIn(auth, r.body.decode("utf-8", "replace")[40:] if len(auth) > 20
                                 else "")

    def test_health_endpoints_need_no_signature(self):
        self.assertEqual(self.server.raw("GET", "/healthz", sign=False).status, 200)
        self.assertIn(self.server.raw("GET", "/readyz", sign=False).status, (200, 503))

    def test_awkward_ids_verify_and_reach_the_handler(self):
        acc = self.account["AccountId"]
        for weird in ("a b", "100%", "a/b", "til~de", "plus+sign", "ünï ©ødé", "a%2Fb", "%20",
                      "x y/z%~+é"):
            with self.subTest(id=weird):
                with self.assertRaises(self.chime.exceptions.NotFoundException):
                    self.chime.get_account(AccountId=weird)
                with self.assertRaises(self.chime.exceptions.NotFoundException):
                    self.chime.get_user(AccountId=acc, UserId=weird)
                with self.assertRaises(self.chime.exceptions.NotFoundException):
                    self.chime.reset_personal_pin(AccountId=weird, UserId=weird)
                if weird in ("x y/z%~+é", "a%2Fb"):  # the CLI is slow: two ids suffice
                    code, _, err = self.server.aws("get-user", "--account-id", acc,
                                                   "--user-id", weird)
                    self.assertNotEqual(code, 0)
                    self.assertIn("NotFoundException", err)

    def test_presigned_url_is_verified(self):
        url = self.chime.generate_presigned_url(
            "get_account", Params={"AccountId": self.account["AccountId"]}, ExpiresIn=60)
        with urllib.request.urlopen(url, timeout=30) as resp:
            self.assertEqual(resp.status, 200)
            self.assertEqual(json.loads(resp.read())["Account"]["AccountId"],
                             self.account["AccountId"])
        forged = url.replace(q(self.account["AccountId"]), "other")
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(forged, timeout=30)
        self.assertEqual(ctx.exception.code, 401)

    def test_session_token_keys(self):
        key = create_key(self.server, "--allow-all", session_token=True)
        c = client_for(self.server, key)
        self.assertEqual(c.get_account(AccountId=self.account["AccountId"])["Account"]["AccountId"],
                         self.account["AccountId"])
        for token in (None, key["SessionToken"][:-2] + "xx"):
            with self.subTest(token=token is not None):
                bad = dict(key)
                bad.pop("SessionToken")
                if token:
                    bad["SessionToken"] = token
                c2 = client_for(self.server, bad)
                with self.assertRaises(c2.exceptions.UnauthorizedClientException):
                    c2.get_account(AccountId=self.account["AccountId"])

    def test_aws_cli(self):
        acc = self.account["AccountId"]
        code, out, err = self.server.aws("get-account", "--account-id", acc)
        self.assertEqual(code, 0, err)
        self.assertEqual(out["Account"]["AccountId"], acc)
        code, out, err = self.server.aws("reset-personal-pin", "--account-id", acc,
                                         "--user-id", self.user["UserId"])
        self.assertEqual(code, 0, err)
        self.assertRegex(out["User"]["PersonalPIN"], harness.PIN_RE)
        code, out, err = self.server.aws("list-accounts")
        self.assertEqual(code, 0, err)
        # Wrong secret and unknown key through the CLI.
        orig = harness.SECRET_ACCESS_KEY
        for key_id, secret in ((harness.ACCESS_KEY_ID, orig[::-1]),
                               ("AKIAUNKNOWNKEY000000", orig)):
            with self.subTest(key_id=key_id), \
                    mock.patch.object(harness, "SECRET_ACCESS_KEY", secret), \
                    mock.patch.object(harness, "ACCESS_KEY_ID", key_id):
                code, out, err = self.server.aws("get-account", "--account-id", acc)
                self.assertNotEqual(code, 0)
                self.assertIn("UnauthorizedClientException", err)
                self.assertIn(SIGNATURE_MISMATCH, err)


class RegionsTest(unittest.TestCase):

    def test_default_accepts_us_east_1_only(self):
        with ChimedServer(name="auth-regions-default") as srv:
            c = client_for(srv, ROOT_KEY, region="eu-west-1")
            with self.assertRaises(c.exceptions.UnauthorizedClientException) as ctx:
                c.list_accounts()
            self.assertIn("eu-west-1", ctx.exception.response["Error"]["Message"])
            client_for(srv, ROOT_KEY).list_accounts()

    def test_configured_regions(self):
        with ChimedServer(name="auth-regions", extra_env={"CHIMED_REGIONS": "eu-west-1,us-east-1"}
                          ) as srv:
            client_for(srv, ROOT_KEY, region="eu-west-1").list_accounts()
            client_for(srv, ROOT_KEY).list_accounts()
            c = client_for(srv, ROOT_KEY, region="us-west-2")
            with self.assertRaises(c.exceptions.UnauthorizedClientException):
                c.list_accounts()


class BootstrapTest(unittest.TestCase):
    """The root key when CHIMED_ROOT_* are not set, and the files in the data dir."""

    def test_generated_root_credentials(self):
        old = os.umask(0)  # file modes must not depend on the umask
        try:
            srv = ChimedServer(name="auth-bootstrap", extra_env={
                "CHIMED_ROOT_ACCESS_KEY_ID": "", "CHIMED_ROOT_SECRET_ACCESS_KEY": ""})
            srv.start()
        finally:
            os.umask(old)
        try:
            path = os.path.join(srv.data_dir, "root-credentials")
            mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)
            self.assertEqual(mode(srv.data_dir), 0o700)
            self.assertEqual(mode(path), 0o600)
            self.assertEqual(mode(os.path.join(srv.data_dir, "master.key")), 0o600)
            self.assertEqual(mode(os.path.join(srv.data_dir, "chimed.db")), 0o600)
            text = read_text(path)
            self.assertRegex(text, r"\[default\]\naws_access_key_id = AKIA[A-Z2-7]{16}\n"
                                   r"aws_secret_access_key = [A-Za-z0-9+/]{40}\n")
            creds = dict(line.split(" = ") for line in text.splitlines() if " = " in line)
            key = {"AccessKeyId": creds["aws_access_key_id"],
                   "SecretAccessKey": creds["aws_secret_access_key"]}
            # The path is printed, the secret never.
            self.assertTrue(any(path in line for line in srv.stdout_lines), srv.stdout_lines)
            srv.stop()
            for log in srv.log_paths:
                self.assertNotIn(key["SecretAccessKey"], read_text(log))
            # Works with the AWS shared-credentials loader, as `make run` suggests.
            srv.start()
            session = boto3.session.Session()
            with mock.patch.dict(os.environ, {"AWS_SHARED_CREDENTIALS_FILE": path}):
                for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
                    os.environ.pop(var, None)
                c = boto3.session.Session().client("chime", endpoint_url=srv.endpoint,
                                                   region_name=REGION)
                acc = c.create_account(Name=unique("boot"))["Account"]
            del session
            # A restart keeps the same key and does not rewrite the file.
            srv.restart()
            self.assertEqual(read_text(path), text)
            client_for(srv, key).get_account(AccountId=acc["AccountId"])
            srv.stop()
        finally:
            srv.cleanup()

    def test_master_key_from_environment(self):
        mk = os.urandom(32).hex()
        srv = ChimedServer(name="auth-masterkey", extra_env={"CHIMED_MASTER_KEY": mk})
        try:
            srv.start()
            self.assertFalse(os.path.exists(os.path.join(srv.data_dir, "master.key")))
            key = create_key_env(srv, {"CHIMED_MASTER_KEY": mk}, "--allow-all")
            client_for(srv, key).list_accounts()
            # Another master key: the env root key is re-sealed and works, the other key is
            # refused (its secret cannot be decrypted) and the log says so by id only.
            srv.stop()
            srv.extra_env["CHIMED_MASTER_KEY"] = os.urandom(32).hex()
            srv.start()
            client_for(srv, ROOT_KEY).list_accounts()
            c = client_for(srv, key)
            with self.assertRaises(c.exceptions.UnauthorizedClientException):
                c.list_accounts()
            srv.stop()
            log = "".join(read_text(p) for p in srv.log_paths)
            self.assertIn(key["AccessKeyId"] + " cannot be decrypted", log)
            self.assertNotIn(key["SecretAccessKey"], log)
        finally:
            srv.cleanup()


def create_key_env(server, env, *policy_args):
    rc, out, err = admin(server, "create", "--name", unique("k"), "--json", *policy_args, env=env)
    if rc != 0:
        raise AssertionError(err)
    return json.loads(out)["AccessKey"]


if __name__ == "__main__":
    unittest.main()
