"""Deploy tests run against moto's server mode: a real HTTP endpoint, so the
code under test uses ordinary boto3 clients with an endpoint URL."""

import os
import shutil
import socket
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini"
TODAY = "2026-11-22"
REGION = "us-east-1"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

from portal_tools import site  # noqa: E402


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def aws_endpoint():
    from moto.server import ThreadedMotoServer
    # Never reach a real account, whatever the developer's machine has configured.
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                            "AWS_SESSION_TOKEN", "AWS_PROFILE")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _client(service, endpoint):
    import boto3
    from botocore.config import Config
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(s3={"addressing_style": "path"}))


@pytest.fixture(scope="session")
def s3(aws_endpoint):
    return _client("s3", aws_endpoint)


@pytest.fixture(scope="session")
def cloudfront(aws_endpoint):
    return _client("cloudfront", aws_endpoint)


@pytest.fixture(scope="session")
def sqs(aws_endpoint):
    return _client("sqs", aws_endpoint)


@pytest.fixture
def bucket(s3):
    name = f"site-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("PORTAL_TODAY", TODAY)


def build(content, output):
    """Build ``content`` into ``output`` (scratch files beside it)."""
    scratch = Path(output).parent
    saved = os.environ.get("PORTAL_TODAY")
    os.environ["PORTAL_TODAY"] = TODAY
    try:
        site.build(path=content, output_path=output, cache_path=scratch / f"{Path(output).name}-cache",
                   portal_intake_data=str(scratch / "site_data.json"))
    finally:
        if saved is None:
            os.environ.pop("PORTAL_TODAY", None)
        else:
            os.environ["PORTAL_TODAY"] = saved
    return Path(output)


@pytest.fixture(scope="session")
def build_site():
    return build


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory):
    """The small content set built once: (content copy, output)."""
    base = tmp_path_factory.mktemp("mini")
    content = base / "content"
    shutil.copytree(MINI, content)
    return content, build(content, base / "out")
