"""Fixtures for the intake tests: a site-data file, a clean environment,
the Chalice test client, queue backends (SQLite and SQS on moto)."""

import json
import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INTAKE = os.path.join(REPO, "intake")
if INTAKE not in sys.path:
    sys.path.insert(0, INTAKE)

from intake_helpers import OPEN311_KEY, SECRET, SITE_DATA  # noqa: E402


@pytest.fixture
def site_file(tmp_path):
    path = tmp_path / "site_data.json"
    path.write_text(json.dumps(SITE_DATA, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path, monkeypatch, site_file):
    """A clean PORTAL_* environment on an embedded queue in tmp_path."""
    from chalicelib import config
    for key in list(os.environ):
        if key.startswith("PORTAL_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PORTAL_SECRET", SECRET)
    monkeypatch.setenv("PORTAL_SITE_DATA", str(site_file))
    monkeypatch.setenv("PORTAL_QUEUE", f"sqlite://{tmp_path / 'queue.sqlite3'}")
    monkeypatch.setenv("PORTAL_OPEN311_KEYS", config.hash_api_key(OPEN311_KEY))
    config.reset()
    yield monkeypatch
    config.reset()


@pytest.fixture
def configure(env):
    """configure(PORTAL_X="...") -- change settings within a test."""
    from chalicelib import config

    def apply(**values):
        for key, value in values.items():
            if value is None:
                env.delenv(key, raising=False)
            else:
                env.setenv(key, str(value))
        config.reset()
    return apply


@pytest.fixture
def client(env, tmp_path):
    from chalice.test import Client
    import app
    # project_dir without .chalice/: the stage's variables must not
    # override the test environment.
    with Client(app.app, project_dir=str(tmp_path)) as c:
        yield c


@pytest.fixture
def queue(env):
    from chalicelib import runtime
    return runtime.queue()


# --- SQS on moto ---------------------------------------------------------------

@pytest.fixture(scope="session")
def moto_endpoint():
    from moto.server import ThreadedMotoServer
    saved = {k: os.environ.get(k) for k in
             ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_DEFAULT_REGION="us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
