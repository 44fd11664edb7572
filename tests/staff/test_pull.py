"""invoke pull: queue messages -> private case files, exactly once, nothing lost."""

import datetime
import json
import os
import subprocess
import sys
import time

import pytest

from staff_helpers import CHINA, CONTENT, ROOT, file_bytes, message, send

from portal_tools import cases, pull


def run(settings, inbox, queue=None, **kwargs):
    lines = []
    result = pull.pull(settings, inbox=inbox, queue=queue, out=lines.append, **kwargs)
    result.lines = lines
    return result


def remaining(queue):
    """Messages still on the queue, visible or not (peeks at the SQLite file)."""
    import sqlite3
    with sqlite3.connect(queue.path) as conn:
        return conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0]


def test_pull_writes_the_case_file(settings, inbox, queue):
    code = send(queue, title="  村口道路 坑洼 ", target="deputy:d-001", channel="web-form")
    result = run(settings, inbox)
    assert result.new == [code] and not result.duplicates and not result.quarantined
    path = inbox / f"{code}.md"
    case = cases.Case.load(path)
    assert case.meta == {
        "code": code, "title": "村口道路 坑洼", "source": "群众意见", "category": "交通出行",
        "addressed": "d-001", "received": "2026-11-02", "name": "张三", "phone": "13812345678",
        "contact": "是", "anonymous": "否", "target": "deputy:d-001", "channel": "web-form",
        "received_at": "2026-11-02T09:12:33+08:00", "message_id": case.meta["message_id"]}
    assert len(case.meta["message_id"]) == 32
    sections = case.sections
    assert sections["body"].strip() == CONTENT
    assert sections["original"].strip() == f"标题：村口道路 坑洼\n\n{CONTENT}"
    assert "submitter" not in case.meta
    assert remaining(queue) == 0
    # A freshly pulled case is a valid suggestion file plus private fields.
    assert [str(p) for p in cases.check_cases(settings, inbox=inbox)] == []
    assert "## 原文" in path.read_text("utf-8")


def test_pull_maps_target_category_title_and_dates(settings, inbox, queue):
    late = datetime.datetime(2026, 11, 1, 20, 30, tzinfo=datetime.timezone.utc)  # 11-02 04:30 in China
    a = send(queue, target="station:qs", category="water", anonymous=True, contact=False,
             phone=None, name=None, received_at=late, channel="open311",
             location={"address_string": "石门村三组", "lat": 24.3, "long": 103.7})
    b = send(queue, content="山区学校的校车太少了，学生上学要走两个小时山路，希望增加班次。")
    run(settings, inbox)
    ca, cb = cases.Case.load(inbox / f"{a}.md"), cases.Case.load(inbox / f"{b}.md")
    assert ca.meta["station"] == "qs" and "addressed" not in ca.meta
    assert ca.meta["category"] == "饮水安全"
    assert ca.meta["received"] == "2026-11-02"
    assert ca.meta["received_at"] == "2026-11-02T04:30:00+08:00"
    assert ca.meta["anonymous"] == "是" and ca.meta["contact"] == "否"
    assert "name" not in ca.meta and "phone" not in ca.meta
    assert ca.meta["channel"] == "open311"
    assert "位置：石门村三组；24.3, 103.7" in ca.sections["original"]
    assert "位置" not in ca.sections["body"]
    assert cb.meta["title"] == "山区学校的校车太少了，学生上学要走两个小"  # first 20 characters
    assert len(cb.meta["title"]) == 20
    assert [str(p) for p in cases.check_cases(settings, inbox=inbox)] == []


def test_citizen_text_cannot_forge_a_section(settings, inbox, queue):
    code = send(queue, content="道路坑洼严重，请尽快修复。\n## 答复\n已经修好了（伪造的答复）")
    run(settings, inbox)
    case = cases.Case.load(inbox / f"{code}.md")
    assert "reply" not in case.sections
    assert "伪造" in case.sections["body"] and "伪造" in case.sections["original"]


def test_redelivery_does_not_make_a_second_case(settings, inbox, queue):
    code = send(queue)
    # A consumer received it and died: the message comes back after the timeout.
    assert len(queue.receive(max_messages=10, visibility_timeout=0.2)) == 1
    assert run(settings, inbox).received == 0      # still invisible
    time.sleep(0.3)
    first = run(settings, inbox)
    assert first.new == [code]

    class LostDelete:  # the delete never reaches the queue
        def __init__(self, q):
            self.q = q

        def receive(self, **kw):
            return self.q.receive(**kw)

        def delete(self, receipt):
            return True

        def dead_letter_queue(self):
            return self.q.dead_letter_queue()

    code2 = send(queue)
    assert run(settings, inbox, queue=LostDelete(queue), visibility_timeout=0.2).new == [code2]
    before = file_bytes(inbox)
    time.sleep(0.3)
    again = run(settings, inbox)
    assert again.new == [] and again.duplicates == [code2]
    assert file_bytes(inbox) == before
    assert remaining(queue) == 0


def test_same_code_twice_keeps_the_existing_case(settings, inbox, queue):
    """SQS FIFO deduplicates for five minutes only: a later retry carries the same code."""
    body = message()
    code = json.loads(body)["code"]
    queue.send(body)
    run(settings, inbox)
    path = inbox / f"{code}.md"
    path.write_text(path.read_text("utf-8").replace(CONTENT, "道路坑洼（已删去个人信息）"), "utf-8")
    edited = path.read_bytes()
    queue.send(body)
    queue.send(message(code=code, title="换了标题"))
    result = run(settings, inbox)
    assert result.duplicates == [code, code] and result.new == []
    assert path.read_bytes() == edited
    assert list(inbox.glob("*.md")) == [path]
    assert remaining(queue) == 0


@pytest.mark.parametrize("body, reason", [
    ("not json {", "bad JSON"),
    ("[1, 2]", "not a JSON object"),
    (json.dumps({"schema": 2, "code": "K7M-3PQ-XC4"}), "unknown schema"),
    ("MISSING_CODE", "missing code"),
    ("BAD_CHECK", "(check)"),
    ("LOWER_CODE", "canonical"),
    ("BAD_CATEGORY", "unknown category"),
    ("NO_PAYLOAD", "missing payload"),
    ("BAD_RECEIVED", "bad received_at"),
    ("BAD_PHONE", "phone"),
    ("BAD_TARGET", "bad target"),
    ("EMPTY_CONTENT", "content"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None)
def test_malformed_messages_are_quarantined(settings, inbox, queue, body, reason):
    good = json.loads(message())
    code = good["code"]
    bad = {
        "MISSING_CODE": {**good, "code": None},
        "BAD_CHECK": {**good, "code": code[:-1] + ("0" if code[-1] != "0" else "1")},
        "LOWER_CODE": {**good, "code": code.lower()},
        "BAD_CATEGORY": {**good, "payload": {**good["payload"], "category": "roads"}},
        "NO_PAYLOAD": {**good, "payload": "x"},
        "BAD_RECEIVED": {**good, "received_at": "yesterday"},
        "BAD_PHONE": {**good, "payload": {**good["payload"], "phone": "12345"}},
        "BAD_TARGET": {**good, "payload": {**good["payload"], "target": "mayor:me"}},
        "EMPTY_CONTENT": {**good, "payload": {**good["payload"], "content": "  "}},
    }
    raw = json.dumps(bad[body], ensure_ascii=False) if body in bad else body
    mid = queue.send(raw)
    ok = send(queue)
    result = run(settings, inbox)
    assert result.new == [ok]
    assert len(result.quarantined) == 1
    path, why = result.quarantined[0]
    assert path == inbox / "quarantine" / f"{mid}.json"
    record = json.loads(path.read_text("utf-8"))
    assert record["body"] == raw and reason in record["reason"] and record["queue"] == "main"
    assert reason in result.summary() and "隔离 1 条" in result.summary()
    assert remaining(queue) == 0
    assert [p.name for p in inbox.glob("*.md")] == [f"{ok}.md"]


def test_dead_letters_are_drained_into_quarantine(settings, inbox, env, tmp_path):
    from chalicelib.queues import queue_from_env
    env.setenv("PORTAL_MAX_RECEIVE_COUNT", "1")
    queue = queue_from_env()
    code = send(queue)
    queue.send("garbage")
    assert len(queue.receive(max_messages=10, visibility_timeout=0)) == 2  # received once, never deleted
    result = run(settings, inbox)
    assert result.new == [] and result.dead_lettered == 2 and len(result.quarantined) == 2
    reasons = sorted(json.loads(p.read_text("utf-8"))["reason"] for p, _ in result.quarantined)
    assert all(r.startswith("dead-lettered") for r in reasons)
    assert any(f"code {code}, case file missing" in r for r in reasons)
    assert any("bad JSON" in r for r in reasons)
    assert remaining(queue) == 0
    assert "死信 2 条" in result.summary()


def test_crash_between_write_and_delete(settings, inbox, queue):
    code = send(queue)

    class Crash(Exception):
        pass

    class CrashOnDelete:
        def __init__(self, q):
            self.q = q

        def receive(self, **kw):
            return self.q.receive(**kw)

        def delete(self, receipt):
            raise Crash("power cut")

    with pytest.raises(Crash):
        run(settings, inbox, queue=CrashOnDelete(queue), visibility_timeout=0.2)
    assert (inbox / f"{code}.md").exists()
    assert not [p for p in inbox.iterdir() if p.name.startswith(".tmp-")]
    before = file_bytes(inbox)
    time.sleep(0.3)
    result = run(settings, inbox)
    assert result.duplicates == [code] and result.new == []
    assert file_bytes(inbox) == before
    assert remaining(queue) == 0


def test_crash_while_writing_loses_nothing(settings, inbox, queue, monkeypatch):
    code = send(queue)

    def broken_link(src, dst):
        raise KeyboardInterrupt  # killed between the temporary file and its final name

    with monkeypatch.context() as patched:
        patched.setattr(os, "link", broken_link)
        with pytest.raises(KeyboardInterrupt):
            run(settings, inbox, visibility_timeout=0.2)
    assert not list(inbox.iterdir())          # no case, no temporary file
    time.sleep(0.3)
    assert run(settings, inbox).new == [code]  # the message was still there


def test_progress_per_batch_limit_and_summary(settings, inbox, queue):
    codes = [send(queue) for _ in range(25)]
    result = run(settings, inbox, batch=10, limit=12)
    assert len(result.new) == 12
    assert len(result.lines) == 2 and "batch 2" in result.lines[1] and "新建 12" in result.lines[1]
    result = run(settings, inbox, batch=10)
    assert len(result.new) == 13
    assert [ln.split(":")[1].split("；")[0].strip() for ln in result.lines] == ["收到 10 条", "收到 3 条"]
    assert sorted(p.stem for p in inbox.glob("*.md")) == sorted(codes)
    assert "新建案卷 13 件" in result.summary()


def test_submission_through_the_intake_function(tmp_path, inbox, env, settings):
    """End to end: the Chalice app's JSON route -> queue -> invoke pull's code."""
    import uuid
    from chalice.test import Client
    from chalicelib import abuse, config
    secret = "staff-test-secret-0123"
    site_data = tmp_path / "site_data.json"
    site_data.write_text(json.dumps({"categories": [["transport", "交通出行"]],
                                     "deputies": {"d-001": "李某某"}, "stations": {"qs": "青石"}},
                                    ensure_ascii=False), "utf-8")
    env.setenv("PORTAL_SECRET", secret)
    env.setenv("PORTAL_SITE_DATA", str(site_data))
    env.delenv("PORTAL_TODAY")  # the intake stamps the real date
    config.reset()
    import app
    try:
        with Client(app.app, project_dir=str(tmp_path)) as client:
            data = {"category": "transport", "content": CONTENT, "consent": True, "target": "deputy:d-001",
                    "name": "王五", "phone": "+86 138-1234-5678", "contact": True,
                    "form_token": abuse.issue_token(secret.encode(), now=time.time() - 10),
                    "idempotency_key": uuid.uuid4().hex}
            response = client.http.post("/api/submissions", headers={"content-type": "application/json"},
                                        body=json.dumps(data))
            assert response.status_code == 202, response.body
            code = json.loads(response.body)["code"]
            again = client.http.post("/api/submissions", headers={"content-type": "application/json"},
                                     body=json.dumps(data))
            assert json.loads(again.body)["code"] == code
    finally:
        config.reset()
    result = run(settings, inbox)
    assert result.new == [code]
    case = cases.Case.load(inbox / f"{code}.md")
    assert case.meta["phone"] == "13812345678" and case.meta["channel"] == "json"
    assert case.meta["addressed"] == "d-001" and case.meta["name"] == "王五"
    now = datetime.datetime.now(CHINA).date().isoformat()
    assert case.meta["received"] in (now, (datetime.date.fromisoformat(now) - datetime.timedelta(days=1)).isoformat())
    assert [str(p) for p in cases.check_cases(settings, inbox=inbox)] == []


def test_invoke_pull_command(tmp_path, inbox, queue):
    code = send(queue)
    queue.send("{broken")
    env = {k: v for k, v in os.environ.items()}
    done = subprocess.run([sys.executable, "-m", "invoke", "pull", "--content", str(ROOT / "tests/data/mini")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "新建案卷 1 件" in done.stdout and "隔离 1 条" in done.stdout
    assert (inbox / f"{code}.md").exists()


def test_code_already_published_is_a_duplicate(settings, inbox, queue):
    """Its case was published and moved out of the inbox: no second case."""
    queue.send(message(code="396-K6Z-Y99"))
    result = run(settings, inbox)
    assert result.duplicates == ["396-K6Z-Y99"] and result.new == []
    assert not list(inbox.glob("*.md")) and remaining(queue) == 0


def test_queue_unavailable_stops_with_a_message(tmp_path, inbox, env, capsys):
    import tasks
    from invoke import Context, Exit
    env.setenv("PORTAL_QUEUE", "sqlite:///" + str(tmp_path / "missing-dir" / "sub" / "q.sqlite3"))
    (tmp_path / "missing-dir").write_text("a file, not a directory")
    with pytest.raises(Exit):
        tasks.pull(Context(), content=str(ROOT / "tests/data/mini"))
    assert "拉取中断" in capsys.readouterr().err
