"""`invoke publish`: from a private case file (as `invoke pull` writes it) to
the public content file, the rebuilt site and the tracking status; refused,
with directions and nothing written, while a public text still carries a
phone number or the citizen's name."""

import json
import os
import subprocess
import sys

import pytest

from staff_helpers import ROOT, TODAY, tracking

from portal_tools import publish as publishing

PRIVATE = ("王小明", "小明", "13812345678", "1381234", "原文", "m-1", "web-form", "deputy:d-001",
           "received_at", "anonymous")


def make_code(body):
    return tracking.format_code(body + tracking.check_symbol(body))


CODE = make_code("K7M3PQXC")
OTHER = make_code("ABCDEFGH")


def write_case(inbox, code=CODE, name="王小明", phone="13812345678", anonymous="否",
               reply="经研究，已安排修复，预计12月完工。", title="村口道路坑洼需修复", answered=True,
               extra=""):
    """A case file as `invoke pull` and the lifecycle commands leave it."""
    inbox.mkdir(parents=True, exist_ok=True)
    lines = [f"code: {code}", f"title: {title}", "source: 群众意见", "category: 交通出行",
             "addressed: d-001", "received: 2026-11-02"]
    if answered:
        lines += ["assigned: 2026-11-03", "lead_unit: jt", "progress:",
                  "    2026-11-10 | 县交通运输局已到现场查看。", "answered: 2026-11-20", "result: A"]
    lines += [f"name: {name}" if name else "", f"phone: {phone}" if phone else "", "contact: 是",
              f"anonymous: {anonymous}", "target: deputy:d-001", "channel: web-form",
              "received_at: 2026-11-02T09:12:33+08:00", "message_id: m-1"]
    header = "\n".join(line for line in lines if line) + extra
    body = (f"{header}\n\n村口到镇上的道路坑洼严重，雨天积水无法通行。\n\n## 原文\n\n"
            f"我是{name or '群众'}，电话{phone or '无'}，村口的路太烂了，原文不公开。\n")
    if answered:
        body += f"\n## 答复\n\n{reply}\n"
    path = inbox / f"{code}.md"
    path.write_text(body, "utf-8")
    return path


def all_text(root):
    for path in sorted(root.rglob("*")):
        if path.is_file():
            try:
                yield path, path.read_text("utf-8")
            except UnicodeDecodeError:
                continue


def status_key(code):
    sys.path.insert(0, str(ROOT / "intake"))
    from chalicelib import track
    return track.status_key(code)


def test_the_whole_path_case_to_public_page_and_tracking_status(content, inbox, tmp_path):
    write_case(inbox)
    # A fresh case, not answered, not published: still gets a status.
    write_case(inbox, code=OTHER, name="赵丽娟", phone="139 0000 1111", anonymous="是", answered=False,
               title="")
    out = tmp_path / "output"

    result = publishing.publish([CODE], content=content, inbox=inbox, output=out)

    public = content / "suggestions" / f"{CODE}.md"
    assert result.written == [public] and result.built
    text = public.read_text("utf-8")
    assert "submitter: 王某" in text
    for secret in PRIVATE:
        assert secret not in text, secret
    header = text.split("\n\n", 1)[0]
    keys = {line.split(":", 1)[0] for line in header.splitlines() if not line.startswith(" ")}
    assert keys == {"code", "title", "source", "category", "submitter", "addressed", "received",
                    "assigned", "lead_unit", "progress", "answered", "result"}
    assert "## 答复\n\n经研究，已安排修复" in text and "## 原文" not in text
    assert not (content / "suggestions" / f"{OTHER}.md").exists()  # not ready: not published

    page = (out / "suggestions" / CODE / "index.html").read_text("utf-8")
    assert "王某" in page and "经研究，已安排修复" in page

    record = json.loads((out / "track" / "s" / f"{status_key(CODE)}.json").read_text("utf-8"))
    assert record["state"] == "answered" and record["state_label"] == "已答复"
    assert record["published"] == f"/suggestions/{CODE}/"
    assert [e["label"] for e in record["timeline"]] == ["受理", "交办", "办理进度", "答复"]
    assert record["timeline"][2] == {"date": "2026-11-10", "kind": "progress", "label": "办理进度",
                                     "note": "县交通运输局已到现场查看。"}
    html = (out / "track" / "s" / f"{status_key(CODE)}.html").read_text("utf-8")
    assert "已答复" in html and f'href="/suggestions/{CODE}/"' in html and "noindex" in html

    fresh = json.loads((out / "track" / "s" / f"{status_key(OTHER)}.json").read_text("utf-8"))
    assert fresh["state"] == "received" and fresh["published"] is None and fresh["title"] is None
    assert [e["label"] for e in fresh["timeline"]] == ["受理"]

    for path, body in all_text(out):
        for secret in ("王小明", "13812345678", "赵丽娟", "13900001111", "139 0000 1111", "原文不公开"):
            assert secret not in body, f"{secret} in {path}"


def test_publishing_again_after_an_edit_rewrites_the_page(content, inbox, tmp_path):
    path = write_case(inbox)
    out = tmp_path / "output"
    publishing.publish([CODE], content=content, inbox=inbox, output=out, build=False)
    again = publishing.publish([CODE], content=content, inbox=inbox, output=out, build=False)
    assert again.written == [] and again.unchanged == [content / "suggestions" / f"{CODE}.md"]

    path.write_text(path.read_text("utf-8").replace("预计12月完工", "预计12月15日前完工"), "utf-8")
    result = publishing.publish([CODE], content=content, inbox=inbox, output=out)
    assert result.written == [content / "suggestions" / f"{CODE}.md"]
    assert "12月15日前完工" in (out / "suggestions" / CODE / "index.html").read_text("utf-8")


@pytest.mark.parametrize("name, anonymous, expected", [
    ("王小明", "否", "王某"), ("欧阳晓峰", "否", "欧阳某"), ("司马光", "否", "司马某"),
    ("王小明", "是", "匿名"), ("", "否", "匿名"),
])
def test_submitter_is_surname_and_mou_or_anonymous(inbox, name, anonymous, expected):
    from portal.casefiles import read_case
    case = read_case(write_case(inbox, name=name, anonymous=anonymous))
    assert publishing.public_submitter(case) == expected
    assert f"submitter: {expected}\n" in publishing.public_text(case)


@pytest.mark.parametrize("reply, where, shown", [
    ("如有疑问请拨打１３８ １２３４ ５６７８联系。", "## 答复", "138 1234 5678"),
    ("请联系138-1234-5678。", "## 答复", "138-1234-5678"),
    ("已电话联系王小明本人。", "## 答复", "王小明"),
    ("已与小明当面沟通。", "## 答复", "小明"),
    ("另一位群众 13900001111 反映相同问题。", "## 答复", "13900001111"),
    ("身份证 44030419900307123X 的户主已签字。", "## 答复", "44030419900307123X"),
    ("请发邮件至 wangxm@qq.com 。", "## 答复", "wangxm@qq.com"),
])
def test_publish_refuses_personal_data_naming_file_section_and_text(content, inbox, tmp_path,
                                                                     reply, where, shown):
    path = write_case(inbox, reply=reply)
    # Another ready case without problems: all or nothing, it is not written either.
    write_case(inbox, code=OTHER, name="李四海", phone="13700000000")
    with pytest.raises(publishing.Refused) as caught:
        publishing.publish([], content=content, inbox=inbox, output=tmp_path / "output")
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1, problems
    message = problems[0]
    assert str(path.name) in message and where in message and shown in message
    line = path.read_text("utf-8").splitlines().index(reply) + 1
    assert f"第{line}行" in message
    assert not (content / "suggestions" / f"{CODE}.md").exists()
    assert not (content / "suggestions" / f"{OTHER}.md").exists()
    assert not (tmp_path / "output").exists()


def test_publish_refuses_the_name_in_the_title_and_notes(content, inbox):
    write_case(inbox, title="王小明反映村口道路问题",
               extra="")
    path = inbox / f"{CODE}.md"
    path.write_text(path.read_text("utf-8").replace("县交通运输局已到现场查看。", "已回电 0873-6555123 说明。"),
                    "utf-8")
    write_case(inbox, code=OTHER, phone="0873-6555123", name="王小明")
    with pytest.raises(publishing.Refused) as caught:
        publishing.publish([CODE], content=content, inbox=inbox, build=False)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "title（第2行）" in text and "【王小明】反映村口" in text
    assert "progress（第10行）" in text and "0873-6555123" in text


def test_public_contacts_are_not_personal_data(content, inbox, tmp_path):
    write_case(inbox, reply="可到青石镇人大代表之家（电话 0873-6123456）查询。")
    result = publishing.publish([CODE], content=content, inbox=inbox, output=tmp_path / "output")
    assert result.written


def test_unknown_or_unready_codes_are_refused(content, inbox):
    write_case(inbox, code=OTHER, answered=False)
    with pytest.raises(publishing.Refused) as caught:
        publishing.publish([OTHER.lower(), CODE, "K7M-3PQ-XCC"], content=content, inbox=inbox,
                           build=False)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "尚未答复" in text and f"没有受理编号为 {CODE}" in text and "校验不符" in text


def test_no_codes_publishes_every_ready_case(content, inbox):
    write_case(inbox)
    write_case(inbox, code=OTHER, answered=False)
    merged = make_code("MMMMMMMM")
    write_case(inbox, code=merged, answered=False,
               extra=f"\nmerged_into: {CODE}\nmerged: 2026-11-05")
    result = publishing.publish([], content=content, inbox=inbox, build=False)
    assert sorted(p.name for p in result.written) == sorted([f"{CODE}.md", f"{merged}.md"])


def test_invoke_publish_reports_a_refusal_without_traceback(content, inbox, tmp_path):
    write_case(inbox, reply="请拨打 138 1234 5678。")
    env = {**os.environ, "PORTAL_TODAY": TODAY}
    run = subprocess.run([sys.executable, "-m", "invoke", "publish", "--code", CODE, "--content", str(content),
                          "--inbox", str(inbox), "--output", str(tmp_path / "output")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "未发布任何内容" in run.stderr and "## 答复" in run.stderr and "138 1234 5678" in run.stderr
