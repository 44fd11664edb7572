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
        settings = site.build(settings_file, output_path=output, path=content)
    except site.content_error() as err:
        _report_and_exit(err.problems)
    except site.search_error() as err:
        print(f"网站已生成 / site built: {output or 'output/'}")
        raise Exit(err.report(), code=1)
    print(f"网站已生成 / site built: {output or 'output/'}")
    print(settings["PORTAL_SEARCH_RESULT"].summary())


@task(help={"path": "content directory to check (default: content/)",
            "inbox": "private case files to check too (default: $PORTAL_INBOX or inbox/)"})
def check(c, path=None, inbox=None):
    """Check every content file and private case; list each problem as file: field: message."""
    from portal_tools import site
    problems = site.check(path=path, inbox=inbox)
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


# -- 处理来信 / handling cases (portal_tools: pull, lifecycle, overdue, retention) --

_CASE_HELP = {"inbox": "case files directory (default: $PORTAL_INBOX, PORTAL_INBOX setting or inbox/)",
              "content": "content directory for unit/deputy IDs (default: content/)",
              "date": "date of the step, YYYY-MM-DD (default today; for entering paper records)"}
_INBOX_HELP = {k: v for k, v in _CASE_HELP.items() if k != "date"}


def _case_settings(content=None):
    from portal_tools import site
    return site.load_settings(path=content)


def _case_step(func, *args, **kwargs):
    """Run one lifecycle step; a refusal is printed in Chinese and exits 1."""
    from portal_tools import lifecycle
    content = kwargs.pop("content", None)
    try:
        print(func(*args, settings=_case_settings(content), **kwargs))
    except lifecycle.Refused as err:
        print(f"未修改 / nothing changed — {err}", file=sys.stderr)
        raise Exit(code=1)


@task(help={"batch": "messages per receive (1-10, default 10)", "limit": "stop after N messages",
            "visibility": "seconds a received message stays hidden (default 300)", **_INBOX_HELP})
def pull(c, batch=10, limit=None, visibility=300, inbox=None, content=None):
    """Pull the intake queue into private case files (inbox/<code>.md)."""
    from portal_tools import pull as puller
    sys.path.insert(0, str(ROOT / "intake"))
    from chalicelib.queues import QueueUnavailable
    try:
        result = puller.pull(_case_settings(content), inbox=inbox, batch=int(batch),
                             limit=int(limit) if limit else None, visibility_timeout=int(visibility))
    except (QueueUnavailable, OSError) as err:
        # Nothing is lost: a message is deleted only after its file is written.
        print(f"拉取中断，未处理的消息仍在队列中，可稍后重试 / pull stopped, unprocessed messages "
              f"stay on the queue: {err}", file=sys.stderr)
        raise Exit(code=1)
    print(result.summary())


@task(help={"unit": "lead handling unit ID (主办)", "assist": "assisting unit IDs, comma-separated (协办)",
            "deadline": "reply due, YYYY-MM-DD (default: DEADLINE_MONTHS after the assignment)", **_CASE_HELP})
def assign(c, code, unit=None, assist=None, deadline=None, date=None, inbox=None, content=None):
    """交办: assign a case to a handling unit."""
    from portal_tools import lifecycle
    _case_step(lifecycle.assign, code, unit, assist=assist, deadline=deadline, date=date,
               inbox=inbox, content=content)


@task(help=_CASE_HELP)
def progress(c, code, note, date=None, inbox=None, content=None):
    """办理进度: add a dated progress note."""
    from portal_tools import lifecycle
    _case_step(lifecycle.progress, code, note, date=date, inbox=inbox, content=content)


@task(help={"file": "Markdown file with the reply's full text", "result": "result class (A, B, C, D)",
            "face_to_face": "the reply was discussed face to face (面商)", **_CASE_HELP})
def reply(c, code, file=None, result=None, face_to_face=False, date=None, inbox=None, content=None):
    """答复: record the unit's reply (text from --file) and result class."""
    from portal_tools import lifecycle
    _case_step(lifecycle.reply, code, file, result, face_to_face=face_to_face, date=date,
               inbox=inbox, content=content)


@task(help=_CASE_HELP)
def evaluate(c, code, satisfaction, date=None, inbox=None, content=None):
    """评价: 满意 / 基本满意 / 不满意 (after a second reply: its evaluation)."""
    from portal_tools import lifecycle
    _case_step(lifecycle.evaluate, code, satisfaction, date=date, inbox=inbox, content=content)


@task(help={"file": "Markdown file with the second reply's full text", **_CASE_HELP})
def second_reply(c, code, file=None, date=None, inbox=None, content=None):
    """二次答复: the second reply after 不满意."""
    from portal_tools import lifecycle
    _case_step(lifecycle.second_reply, code, file, date=date, inbox=inbox, content=content)


@task(help={"unevaluated": "close although the proposer gave no evaluation", **_CASE_HELP})
def close(c, code, date=None, unevaluated=False, inbox=None, content=None):
    """办结: close an evaluated case."""
    from portal_tools import lifecycle
    _case_step(lifecycle.close, code, date=date, unevaluated=unevaluated, inbox=inbox, content=content)


@task(help={"into": "the code of the case this one duplicates", **_CASE_HELP})
def merge(c, code, into=None, date=None, inbox=None, content=None):
    """重复件: merge a case into another one."""
    from portal_tools import lifecycle
    _case_step(lifecycle.merge, code, into or "", date=date, inbox=inbox, content=content)


@task(help={"reason": "the public reason", **_CASE_HELP})
def reject(c, code, reason=None, date=None, inbox=None, content=None):
    """不予受理: refuse a case with a public reason."""
    from portal_tools import lifecycle
    _case_step(lifecycle.reject, code, reason, date=date, inbox=inbox, content=content)


@task(help=_CASE_HELP)
def withdraw(c, code, date=None, inbox=None, content=None):
    """撤回: the proposer withdraws the case."""
    from portal_tools import lifecycle
    _case_step(lifecycle.withdraw, code, date=date, inbox=inbox, content=content)


@task(help={"by": "the supervising leader, e.g. 县人大常委会副主任", **_INBOX_HELP})
def supervise(c, code, by=None, inbox=None, content=None):
    """重点督办: mark a key supervised item."""
    from portal_tools import lifecycle
    _case_step(lifecycle.supervise, code, by, inbox=inbox, content=content)


@task(help=_CASE_HELP)
def followup(c, code, finding, date=None, inbox=None, content=None):
    """回头看: add a dated follow-up finding to a closed case."""
    from portal_tools import lifecycle
    _case_step(lifecycle.followup, code, finding, date=date, inbox=inbox, content=content)


@task(help={"days": "also list cases due within this many days (default 7)", **_INBOX_HELP})
def overdue(c, days=7, inbox=None, content=None):
    """List open cases past or near their deadline, by handling unit."""
    from portal_tools import overdue as due
    groups = due.overdue(_case_settings(content), inbox=inbox, days=int(days))
    print(due.report(groups, int(days)))


@task(help={"days": "retention period in days (default PORTAL_RETENTION_DAYS, 180)",
            "dry_run": "only list what would be purged", **_INBOX_HELP})
def purge(c, days=None, dry_run=False, inbox=None, content=None):
    """Remove contact data from cases that ended longer ago than the retention period."""
    from portal_tools import cases, retention
    settings = _case_settings(content)
    days = int(days) if days is not None else cases.retention_days(settings)
    purged, dropped = retention.purge(settings, inbox=inbox, days=days, dry_run=dry_run)
    print(("（试运行，未修改 / dry run）\n" if dry_run else "") + retention.report(purged, dropped, days))


@task(help={"output": "built site to publish (default: output/)",
            "bucket": "S3 bucket (default: $PORTAL_DEPLOY_BUCKET, else var/cloud.env)",
            "prefix": "key prefix in the bucket (default: $PORTAL_DEPLOY_PREFIX, else none)",
            "distribution": "CloudFront distribution ID to invalidate (default: $PORTAL_CLOUDFRONT_ID)",
            "dry_run": "only print what would be uploaded, deleted and invalidated"})
def deploy(c, output=None, bucket=None, prefix=None, distribution=None, dry_run=False):
    """Upload the changed files of output/ to S3, delete removed ones, invalidate CloudFront."""
    from portal_tools import deploy as deploying
    defaults = deploying.settings_from_env()
    bucket = bucket or defaults["bucket"]
    if not bucket:
        raise Exit("没有指定存储桶 / no bucket: pass --bucket or set PORTAL_DEPLOY_BUCKET "
                   "(or run `invoke cloud-setup`)", code=1)
    try:
        result = deploying.deploy(output or ROOT / "output", bucket, prefix=defaults["prefix"] if prefix is None else prefix,
                                  distribution=distribution or defaults["distribution"],
                                  dry_run=dry_run, log=print)
    except FileNotFoundError as err:
        raise Exit(str(err), code=1)
    print(deploying.summary(result))


@task(name="cloud-setup",
      help={"name": "resource name prefix (default: portal)",
            "region": "AWS region (default: $AWS_REGION, else cn-north-1)",
            "bucket": "site bucket name (default: <name>-site-<account>)",
            "distribution": "existing CloudFront distribution ID: allow it to read the bucket",
            "stack": "instead: read the outputs of a deploy/cloudformation.yaml stack"})
def cloud_setup(c, name="portal", region=None, bucket=None, distribution=None, stack=None):
    """Create (or repair) the intake queues and the site bucket; idempotent."""
    from portal_tools import cloud
    if stack:
        result = cloud.from_stack(stack, region=region)
    else:
        result = cloud.setup(name, region=region, bucket=bucket, distribution=distribution)
    print(cloud.report(result))


# -- 发布答复 / publishing ------------------------------------------------------

# Invoke has no optional or repeated positional arguments, so the codes are
# a repeatable option: `invoke publish` (every ready case) or
# `invoke publish --code K7M-3PQ-XC4 [--code …]` (also "A,B" in one value).
@task(iterable=["code"],
      help={"code": "tracking code to publish; repeat for several (default: every ready case: "
                    "answered or later, merged, rejected, withdrawn)",
            "content": "content directory (default: content/)",
            "inbox": "case files directory (default: $PORTAL_INBOX, PORTAL_INBOX setting or inbox/)",
            "output": "output directory (default: output/)"})
def publish(c, code=None, content=None, inbox=None, output=None):
    """Publish answered cases into content/suggestions/, rebuild the site, deploy if configured."""
    import re
    from portal_tools import publish as publishing, site
    wanted = [item for value in code or [] for item in re.split(r"[\s,，、]+", value) if item]
    try:
        result = publishing.publish(wanted, content=content, inbox=inbox, output=output)
    except publishing.Refused as err:
        print("未发布任何内容 / nothing was published:", file=sys.stderr)
        _report_and_exit(err.problems)
    except site.content_error() as err:
        _report_and_exit(err.problems)
    print(result.summary())
    if result.search_error:
        raise Exit(code=1)


@task(help={"scale": "small, county or province (default county)",
            "out": "directory to write (empty or missing)",
            "seed": "random seed (same seed, same files)",
            "today": "the fixture's today, YYYY-MM-DD (default 2026-11-22)",
            "force": "replace the content directories already in --out"})
def fixture(c, out, scale="county", seed=None, today=None, force=False):
    """Generate deterministic, fictional content at a scale (for benchmarks and tests)."""
    from portal_tools import fixture as fixture_module
    argv = ["--scale", scale, "--out", out]
    if seed is not None:
        argv += ["--seed", str(seed)]
    if today:
        argv += ["--today", today]
    if force:
        argv.append("--force")
    fixture_module.main(argv)


@task(help={"scale": "small, county or province (default county)",
            "json": "also write the measurements as JSON to this path",
            "baseline": "measure plain Pelican side by side (default on)",
            "intake": "measure the intake (default on)",
            "search": "measure the search index (default on)",
            "province": "also build at province scale and report the ratio of the cold builds"})
def bench(c, scale="county", json=None, baseline=True, intake=True, search=True, province=False):
    """Measure builds and the intake on a generated fixture; print a table."""
    from portal_tools import bench as bench_module
    bench_module.run(scale, json_path=json, baseline=baseline, intake=intake, search=search, province=province)
