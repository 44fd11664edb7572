"""Staff and developer commands: `invoke --list` shows them all."""

import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def _report_and_exit(problems):
    for problem in problems:
        print(problem, file=sys.stderr)
    raise Exit(f"共 {len(problems)} 处问题 / {len(problems)} problem(s).", code=1)


@task(help={"production": "use publishconf.py (the public site's settings)",
            "output": "output directory (default: output/)",
            "content": "content directory (default: content/)"})
def build(c, production=False, output=None, content=None):
    """Build the site into output/."""
    from portal_tools import site
    settings_file = ROOT / ("publishconf.py" if production else "pelicanconf.py")
    try:
        site.build(settings_file, output_path=output, path=content)
    except site.content_error() as err:
        _report_and_exit(err.problems)
    print(f"网站已生成 / site built: {output or 'output/'}")


@task(help={"path": "content directory to check (default: content/)"})
def check(c, path=None):
    """Check every content file; list each problem as file: field: message."""
    from portal_tools import site
    problems = site.check(path=path)
    if problems:
        _report_and_exit(problems)
    print("内容检查通过 / content OK")


@task(help={"port": "port to serve on (default 8000)", "host": "address (default 127.0.0.1)",
            "content": "content directory (default: content/)",
            "output": "output directory (default: output/)"})
def up(c, port=8000, host="127.0.0.1", content=None, output=None):
    """Build and serve the portal on http://127.0.0.1:8000/, rebuilding on changes."""
    from portal_tools import serve
    serve.run(host=host, port=int(port), content=content, output=output)


def _ensure_browser(c):
    """Browser tests drive Debian's Chromium; install it (and CJK fonts) when missing."""
    import shutil
    if shutil.which("chromium") and Path("/usr/share/fonts/opentype/noto").exists():
        return
    sudo = "" if _is_root() else "sudo "
    c.run(f"{sudo}apt-get update -qq", hide=True)
    c.run(f"{sudo}apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk", hide=True)


def _is_root():
    import os
    return hasattr(os, "geteuid") and os.geteuid() == 0


@task(help={"args": "extra pytest arguments, e.g. -k deputies"})
def test(c, args=""):
    """Run the whole test suite (installs the headless browser if missing)."""
    _ensure_browser(c)
    c.run(f"{sys.executable} -m pytest {args}", pty=False)
