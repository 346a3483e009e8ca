"""HTTP hardening against the real chimed: strict RFC 9112 framing (400 and close), size limits
(413, 431, 414), pipelining order, connection limits, and a slowloris of 500 trickling
connections that leaves normal requests served."""

import socket
import threading
import time
import unittest

import harness
import reliability_util as ru

BAD_FRAMING = [
    b"POST /accounts HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST /accounts HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
    b"POST /accounts HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{} ",
    b"POST /accounts HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
    b"POST /accounts HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n{}",
    b"GET /accounts HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n b\r\n\r\n",
    b"GET /accounts HTTP/1.1\r\nHost : h\r\n\r\n",
    b"GET /accounts HTTP/1.1\nHost: h\n\n",
    b"GET /accounts HTTP/1.1\r\nHost: h\r\nX-Nul: a\x00b\r\n\r\n",
    b"GET /acc\x00ounts HTTP/1.1\r\nHost: h\r\n\r\n",
]


class HttpHardeningTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.ChimedServer(name="http-hardening", extra_args=[
            "--max-body-kib", "64", "--max-header-kib", "8", "--max-header-count", "50",
            "--max-uri-bytes", "2048", "--header-timeout", "3", "--idle-timeout", "30"])
        cls.addClassCleanup(cls.srv.cleanup)
        cls.srv.start()

    def exchange(self, data, source_ip="127.0.0.1"):
        s = ru.connect(self.srv.port, source_ip)
        self.addCleanup(s.close)
        s.sendall(data)
        return s, ru.read_response(s)

    def test_broken_framing_is_400_and_the_connection_closes(self):
        follow = ru.signed_bytes(self.srv, "GET", "/accounts")
        for data in BAD_FRAMING:
            with self.subTest(data=data):
                s, resp = self.exchange(data + follow)
                self.assertIsNotNone(resp, "no answer")
                status, head, body, _ = resp
                self.assertEqual(status, 400, head)
                self.assertIn("Connection: close", head)
                self.assertIn(b'"Code":"BadRequest"', body)
                self.assertTrue(ru.closed_by_peer(s), "connection left open")

    def test_size_limits(self):
        cases = [
            (b"POST /accounts HTTP/1.1\r\nHost: h\r\nContent-Length: 70000\r\n\r\n", 413),
            (b"GET /accounts HTTP/1.1\r\nHost: h\r\nX-Big: " + b"v" * 9000 + b"\r\n\r\n", 431),
            (b"GET /accounts HTTP/1.1\r\nHost: h\r\n" +
             b"".join(b"X-%d: v\r\n" % i for i in range(51)) + b"\r\n", 431),
            (b"GET /accounts/" + b"a" * 2100 + b" HTTP/1.1\r\nHost: h\r\n\r\n", 414),
        ]
        for data, want in cases:
            with self.subTest(want=want):
                s, resp = self.exchange(data)
                self.assertIsNotNone(resp)
                self.assertEqual(resp[0], want, resp[1])
                self.assertTrue(ru.closed_by_peer(s))

    def test_pipelined_requests_are_answered_in_order(self):
        chime = ru.client(self.srv)
        ids = [chime.create_account(Name=harness.unique("Pipe%d" % i))["Account"]["AccountId"]
               for i in range(3)]
        data = b"".join(ru.signed_bytes(self.srv, "GET", "/accounts/" + i) for i in ids)
        s = ru.connect(self.srv.port)
        self.addCleanup(s.close)
        s.sendall(data)
        rest = b""
        for account_id in ids:
            status, head, body, rest = ru.read_response(s, rest)
            self.assertEqual(status, 200, body)
            self.assertIn(account_id.encode(), body)

    def test_slowloris_of_500_trickling_connections_leaves_normal_requests_served(self):
        socks = []
        try:
            # Two loopback source addresses: 250 each stays under the per-client cap of 256.
            for i in range(500):
                s = ru.connect(self.srv.port, "127.0.0.%d" % (2 + i % 2))
                s.sendall(b"POST /accounts HTTP/1.1\r\n")
                socks.append(s)
            chime = ru.client(self.srv)
            latencies = []
            stop = time.monotonic() + 2.5
            while time.monotonic() < stop:
                for s in socks:  # trickle: one header byte per connection per round
                    try:
                        s.send(b"X")
                    except OSError:
                        pass
                t = time.monotonic()
                chime.list_accounts(MaxResults=1)
                latencies.append(time.monotonic() - t)
                time.sleep(0.2)
            self.assertGreater(len(latencies), 3)
            self.assertLess(max(latencies), 2.0, latencies)
            # The header deadline (3 s here) closes every trickling connection.
            deadline = time.monotonic() + 10
            open_socks = list(socks)
            while open_socks and time.monotonic() < deadline:
                open_socks = [s for s in open_socks if not ru.closed_by_peer(s, 0.01)]
            self.assertEqual(len(open_socks), 0, "%d still open" % len(open_socks))
            chime.list_accounts(MaxResults=1)
        finally:
            for s in socks:
                s.close()

    def test_connections_per_client_are_capped(self):
        srv = harness.ChimedServer(name="conn-cap",
                                   extra_args=["--max-connections-per-client", "4"])
        self.addCleanup(srv.cleanup)
        srv.start()
        held = [ru.connect(srv.port, "127.0.0.5") for _ in range(4)]
        for s in held:
            self.addCleanup(s.close)
        time.sleep(0.2)
        extra = ru.connect(srv.port, "127.0.0.5")
        self.addCleanup(extra.close)
        self.assertTrue(ru.closed_by_peer(extra, 3))
        # Other clients are served.
        self.assertEqual(srv.raw("GET", "/healthz", sign=False).status, 200)


if __name__ == "__main__":
    unittest.main()
