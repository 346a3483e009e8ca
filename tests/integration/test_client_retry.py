"""The C++ client's retries, typed errors, keep-alive, timeouts and TLS, end to end through the
real chimectl binary against a scripted Python HTTP(S) server (chimed cannot be told to answer
503 or 429 on demand)."""

import os
import shutil
import ssl
import subprocess
import tempfile
import time
import unittest

from chimectl_util import ScriptedServer, error_entry, run_chimectl

USER = {"User": {"UserId": "u1", "AccountId": "a1", "PrimaryEmail": "u1@example.com",
                 "LicenseType": "Pro", "UserType": "PrivateUser",
                 "UserRegistrationStatus": "Registered", "PersonalPIN": "0123456789"}}


class RetryTest(unittest.TestCase):

    def test_503_then_200_is_retried_and_succeeds(self):
        script = [error_entry(503, "ServiceUnavailableException", "ServiceUnavailable",
                              headers={"Retry-After": "0", "x-amz-retry-after": "10"}),
                  (200, {}, USER)]
        with ScriptedServer(script) as srv:
            r = run_chimectl(srv.endpoint, "reset-personal-pin", "--account-id", "a1",
                             "--user-id", "u1")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json()["User"]["PersonalPIN"], "0123456789")
        self.assertEqual(len(srv.requests), 2)
        for i, req in enumerate(srv.requests):
            self.assertEqual(req["path"], "/accounts/a1/users/u1?operation=reset-personal-pin")
            self.assertTrue(req["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 "))
            self.assertTrue(req["headers"]["amz-sdk-request"].startswith("attempt=%d;" % (i + 1)))

    def test_throttled_is_retried_after_the_requested_delay(self):
        script = [error_entry(429, "ThrottledClientException", "Throttled",
                              headers={"x-amz-retry-after": "400", "Retry-After": "1"}),
                  (200, {}, USER)]
        with ScriptedServer(script) as srv:
            start = time.monotonic()
            r = run_chimectl(srv.endpoint, "get-user", "--account-id", "a1", "--user-id", "u1")
            elapsed = time.monotonic() - start
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(len(srv.requests), 2)
        self.assertGreaterEqual(elapsed, 0.4)

    def test_persistent_503_stops_at_max_attempts(self):
        script = [error_entry(503, "ServiceUnavailableException", "ServiceUnavailable",
                              headers={"x-amz-retry-after": "1"})]
        with ScriptedServer(script) as srv:
            r = run_chimectl(srv.endpoint, "get-user", "--account-id", "a", "--user-id", "u",
                             "--max-attempts", "3")
        self.assertEqual(r.rc, 255, r)
        self.assertEqual(len(srv.requests), 3)
        self.assertIn("(ServiceUnavailableException)", r.err)
        self.assertIn("reached max retries: 2", r.err)

    def test_client_errors_are_not_retried(self):
        with ScriptedServer([error_entry(404, "NotFoundException", "NotFound")]) as srv:
            r = run_chimectl(srv.endpoint, "get-user", "--account-id", "a", "--user-id", "u",
                             "--max-attempts", "5")
        self.assertEqual(r.rc, 254, r)
        self.assertEqual(len(srv.requests), 1)
        self.assertNotIn("reached max retries", r.err)

    def test_every_modelled_error_surfaces_typed(self):
        cases = [(400, "BadRequestException", "BadRequest", 254),
                 (401, "UnauthorizedClientException", "Unauthorized", 254),
                 (403, "ForbiddenException", "Forbidden", 254),
                 (404, "NotFoundException", "NotFound", 254),
                 (409, "ConflictException", "Conflict", 254),
                 (422, "UnprocessableEntityException", "Unprocessable", 254),
                 (429, "ThrottledClientException", "Throttled", 254),
                 (500, "ServiceFailureException", "ServiceFailure", 255),
                 (503, "ServiceUnavailableException", "ServiceUnavailable", 255)]
        for status, shape, code, rc in cases:
            with self.subTest(shape=shape):
                msg = "message for %s" % shape
                with ScriptedServer([error_entry(status, shape, code, msg)]) as srv:
                    r = run_chimectl(srv.endpoint, "--debug", "reset-personal-pin",
                                     "--account-id", "a", "--user-id", "u", "--max-attempts", "1")
                self.assertEqual(r.rc, rc, r)
                # --max-attempts 1 used every attempt: the AWS CLI then says so, and so do we.
                self.assertIn("An error occurred (%s) when calling the ResetPersonalPIN operation "
                              "(reached max retries: 0): %s" % (shape, msg), r.err)
                self.assertIn("request id scripted-1", r.err)

    def test_connection_is_reused_across_pages(self):
        script = [(200, {}, {"Users": [{"UserId": "1"}], "NextToken": "p2"}),
                  (200, {}, {"Users": [{"UserId": "2"}], "NextToken": "p3"}),
                  (200, {}, {"Users": [{"UserId": "3"}]})]
        with ScriptedServer(script) as srv:
            r = run_chimectl(srv.endpoint, "list-users", "--account-id", "a")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([u["UserId"] for u in r.json()["Users"]], ["1", "2", "3"])
        self.assertEqual(len(srv.requests), 3)
        self.assertEqual(len({req["port"] for req in srv.requests}), 1, "keep-alive not used")
        self.assertIn("next-token=p2", srv.requests[1]["path"])

    def test_read_timeout(self):
        with ScriptedServer([(200, {}, USER)], delay_s=2.0) as srv:
            start = time.monotonic()
            r = run_chimectl(srv.endpoint, "get-user", "--account-id", "a", "--user-id", "u",
                             "--cli-read-timeout", "0.3", "--max-attempts", "1")
            elapsed = time.monotonic() - start
        self.assertEqual(r.rc, 255, r)
        self.assertIn("ReadTimeoutError", r.err)
        self.assertLess(elapsed, 1.8)

    def test_unreachable_endpoint(self):
        with ScriptedServer([(200, {}, USER)]) as srv:
            endpoint = srv.endpoint
        r = run_chimectl(endpoint, "get-user", "--account-id", "a", "--user-id", "u",
                         "--max-attempts", "2")
        self.assertEqual(r.rc, 255, r)
        self.assertIn("EndpointConnectionError", r.err)


class TlsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not shutil.which("openssl"):
            raise unittest.SkipTest("openssl command not available")
        cls.dir = tempfile.mkdtemp(prefix="chimectl-tls-")
        cls.cert = os.path.join(cls.dir, "cert.pem")
        cls.key = os.path.join(cls.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", cls.key, "-out", cls.cert], check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def serve(self):
        srv = ScriptedServer([(200, {}, USER)])
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, self.key)
        srv.httpd.socket = ctx.wrap_socket(srv.httpd.socket, server_side=True)
        srv.endpoint = srv.endpoint.replace("http://", "https://")
        return srv

    def test_https_with_ca_bundle(self):
        with self.serve() as srv:
            r = run_chimectl(srv.endpoint, "get-user", "--account-id", "a", "--user-id", "u",
                             "--ca-bundle", self.cert)
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(r.json()["User"]["UserId"], "u1")
            env = run_chimectl(srv.endpoint, "get-user", "--account-id", "a", "--user-id", "u",
                               env_extra={"AWS_CA_BUNDLE": self.cert})
            self.assertEqual(env.rc, 0, env)

    def test_untrusted_certificate_is_refused(self):
        with self.serve() as srv:
            r = run_chimectl(srv.endpoint, "get-user", "--account-id", "a", "--user-id", "u",
                             "--max-attempts", "1")
        self.assertEqual(r.rc, 255, r)
        self.assertIn("SSLError", r.err)


if __name__ == "__main__":
    unittest.main()
