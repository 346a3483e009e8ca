#!/usr/bin/env python3
"""Regenerates signing_fixture.json: requests exactly as botocore builds and signs them.

client_signing_test.cc builds the same calls with chime::client::Client at the same instant and
checks that method, target, body, Content-Type and Authorization are byte-identical. Run it with
the botocore the AWS CLI / boto3 on this machine use:  python3 gen_signing_fixture.py > signing_fixture.json
"""
import datetime
import json
import sys
from unittest import mock

import boto3
import botocore
from botocore.config import Config

FIXED = datetime.datetime(2026, 11, 28, 23, 22, 22, tzinfo=datetime.timezone.utc)
ENDPOINT = "http://chime.example.com:8080"
KEY, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

CASES = [
    ("reset_personal_pin", None, dict(AccountId="a b/c", UserId="u1")),
    ("get_user", "session-token/with+chars==", dict(AccountId="acct%1", UserId="ü ser")),
    ("create_user", None,
     dict(AccountId="acct", Username="x y", Email="x@y.com", UserType="PrivateUser")),
    ("create_account", None, dict(Name="Zürich \"team\" \\ 日本")),
    ("list_users", None, dict(AccountId="acct", UserEmail="a+b@c.com", UserType="SharedDevice",
                              MaxResults=5, NextToken="tok/=+")),
    ("list_accounts", None, dict(Name="n", MaxResults=200)),
    ("batch_suspend_user", None, dict(AccountId="acct", UserIdList=["u1", "u2"])),
    ("update_user", None, dict(AccountId="acct", UserId="u1", LicenseType="Basic",
                               AlexaForBusinessMetadata=dict(IsAlexaForBusinessEnabled=True,
                                                             AlexaForBusinessRoomArn="arn:x"))),
    ("update_user_settings", None, dict(AccountId="acct", UserId="u1", UserSettings=dict(
        Telephony=dict(InboundCalling=True, OutboundCalling=False, SMS=True)))),
    ("put_retention_settings", None, dict(AccountId="acct", RetentionSettings=dict(
        RoomRetentionSettings=dict(RetentionDays=30)))),
    ("delete_account", None, dict(AccountId="acct")),
]


class FixedDatetime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return FIXED.replace(tzinfo=None)

    @classmethod
    def now(cls, tz=None):
        return FIXED if tz else FIXED.replace(tzinfo=None)


class Captured(Exception):
    pass


def capture(method_name, token, kwargs):
    client = boto3.session.Session().client(
        "chime", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id=KEY,
        aws_secret_access_key=SECRET, aws_session_token=token,
        config=Config(retries={"max_attempts": 1}))
    out = {}

    def hook(request, **_):
        hdrs = {k: (v.decode() if isinstance(v, bytes) else str(v))
                for k, v in request.headers.items()}
        body = request.body or b""
        out.update(method=request.method, url=request.url, body=body.decode("utf-8"),
                   headers={k: v for k, v in hdrs.items()
                            if k.lower() not in ("user-agent", "amz-sdk-invocation-id",
                                                 "amz-sdk-request")})
        raise Captured()

    client.meta.events.register("before-send.chime.*", hook)
    with mock.patch("botocore.auth.datetime.datetime", FixedDatetime):
        try:
            getattr(client, method_name)(**kwargs)
        except Captured:
            pass
    target = out["url"][len(ENDPOINT):]
    return {"operation": method_name, "params": kwargs, "session_token": token,
            "method": out["method"], "target": target, "body": out["body"],
            "headers": out["headers"]}


def main():
    doc = {"botocore_version": botocore.__version__, "endpoint": ENDPOINT,
           "access_key_id": KEY, "secret_access_key": SECRET,
           "time_ms": int(FIXED.timestamp() * 1000),
           "cases": [capture(*c) for c in CASES]}
    json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
