import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini"
TODAY = "2026-11-22"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

from portal_tools import site  # noqa: E402


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("PORTAL_TODAY", TODAY)


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory):
    """The sample ``content/`` built once per session (today = TODAY); the
    output directory. Shared by every test module that reads the built site."""
    out = tmp_path_factory.mktemp("sample") / "output"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PORTAL_TODAY", TODAY)
        build(ROOT / "content", out)
    return out


@pytest.fixture
def mini(tmp_path):
    """A writable copy of the small valid content set."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


def build(content, output, tmp_path=None):
    """Build ``content`` into ``output``; return the settings."""
    scratch = Path(output).parent
    return site.build(path=content, output_path=output, cache_path=scratch / "cache",
                      portal_intake_data=str(scratch / "site_data.json"))


def check(content):
    return site.check(path=content)


def edit(path, old, new):
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")
