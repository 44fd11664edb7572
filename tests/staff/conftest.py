"""Fixtures for the staff workflow tests: a real SQLite queue and an inbox
in tmp_path, the small content set, messages built by the intake's code."""

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from staff_helpers import MINI, TODAY  # noqa: E402
from portal_tools import site  # noqa: E402


@pytest.fixture(autouse=True)
def env(tmp_path, monkeypatch):
    """A clean PORTAL_* environment: queue and inbox in tmp_path, fixed today."""
    for key in list(os.environ):
        if key.startswith("PORTAL_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PORTAL_TODAY", TODAY)
    monkeypatch.setenv("PORTAL_QUEUE", f"sqlite://{tmp_path / 'q.sqlite3'}")
    monkeypatch.setenv("PORTAL_INBOX", str(tmp_path / "inbox"))
    return monkeypatch


@pytest.fixture
def inbox(tmp_path):
    return tmp_path / "inbox"


@pytest.fixture(scope="session")
def settings():
    return site.load_settings(path=MINI)


@pytest.fixture
def content(tmp_path):
    """A writable copy of the small content set."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def queue(env):
    from chalicelib.queues import queue_from_env
    return queue_from_env()


