"""Real SigV4-signed raw HTTP requests for the benchmark, signed by botocore.

The benchmark replays request bytes with wrk, so the requests are signed here (the exact
signer boto3 uses) and written out whole: request line, headers, body. A signature stays valid
inside chimed's clock-skew window (5 minutes), so the harness signs a fresh set right before
each measured block.
"""

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"


class Signer:
    """Signs requests for one host:port with one access key (service `chime` by default)."""

    def __init__(self, host_port, access_key_id, secret, service="chime", region=REGION):
        self.host_port = host_port
        self.creds = Credentials(access_key_id, secret)
        self.service = service
        self.region = region

    def raw(self, method, path_and_query, body=b"", content_type=None):
        """One signed request as the bytes a client sends (HTTP/1.1, keep-alive)."""
        headers = {"Host": self.host_port}
        if content_type:
            headers["Content-Type"] = content_type
        request = AWSRequest(method=method, url=f"http://{self.host_port}{path_and_query}",
                             data=body, headers=headers)
        SigV4Auth(self.creds, self.service, self.region).add_auth(request)
        lines = [f"{method} {path_and_query} HTTP/1.1"]
        for name, value in request.headers.items():
            lines.append(f"{name}: {value}")
        if body or method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def reset_pin(signer, account_id, user_id):
    return signer.raw("POST", f"/accounts/{account_id}/users/{user_id}"
                      "?operation=reset-personal-pin")


def get_user(signer, account_id, user_id):
    return signer.raw("GET", f"/accounts/{account_id}/users/{user_id}")


def list_users(signer, account_id, next_token=None, page=100):
    query = f"max-results={page}"
    if next_token:
        query += f"&next-token={next_token}"
    return signer.raw("GET", f"/accounts/{account_id}/users?{query}")


def write_requests(path, requests):
    """Writes requests for replay.lua: each one preceded by its length and a newline."""
    with open(path, "wb") as f:
        for r in requests:
            f.write(b"%d\n" % len(r))
            f.write(r)
