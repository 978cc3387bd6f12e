"""An S3-compatible server for tests: moto's HTTP server on a free port (S3 itself cannot run here)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.conftest import free_port

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "reelcast-test", "AWS_SECRET_ACCESS_KEY": "reelcast-test-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass
class FakeS3:
    """Where the fake answers and a client to prepare buckets."""

    endpoint: str

    def make_bucket(self, name: str) -> None:
        """Create a bucket."""
        import boto3

        boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1").create_bucket(Bucket=name)

    def object_keys(self, bucket: str) -> list[str]:
        """Every object key in a bucket (what really reached the store)."""
        import boto3

        client = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")
        return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))


@contextmanager
def fake_s3() -> Iterator[FakeS3]:
    """Run moto's S3 server with test credentials in the environment."""
    from moto.server import ThreadedMotoServer

    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield FakeS3(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
