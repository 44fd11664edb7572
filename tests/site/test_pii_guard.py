"""The PII guard: the detector against a planted corpus of disguised phone
numbers, ID-card numbers, e-mail addresses and names in output files; the
allowed public contacts and the sample site's own content are never flagged;
a build whose output carries a private name or phone fails, naming the
output file and the match."""

import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import MINI, ROOT, TODAY, build, site

from portal import pii, piiguard
from portal.problems import ContentError

CASE_NAMES = ("赵丽娟", "欧阳晓峰", "李春华")  # 李春华 is also a public deputy in MINI
CASE_PHONES = ("13900001111", "0873-6555124")


def valid_id(first17):
    """GB 11643 check digit, computed here independently of the module."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


ID_A = valid_id("44030419900307123")     # ends in X
ID_B = valid_id("53032519800101001")     # ends in a digit
BAD_ID = ID_B[:-1] + str((int(ID_B[-1]) + 1) % 10)  # same number, wrong check digit

# (file, content, the match as reported): every one must be caught.
PLANTED = [
    ("fullwidth.html", "<p>联系电话：１３８１２３４５６７８</p>", "13812345678"),
    ("spaces.html", "<p>请拨打 138 1234 5678 联系</p>", "138 1234 5678"),
    ("dashes.txt", "手机138-1234-5678。", "138-1234-5678"),
    ("dots.txt", "手机 138.1234.5678", "138.1234.5678"),
    ("digit-by-digit.html", "<p>1 3 8 1 2 3 4 5 6 7 8</p>", "1 3 8 1 2 3 4 5 6 7 8"),
    ("mixed.html", "<p>１３８－１２３４ 5678</p>", "138-1234 5678"),
    ("attribute.html", '<a class="x" data-phone="13712345678">联系</a>', "13712345678"),
    ("tel-link.html", '<a href="tel:+8613612345678">联系</a>', "8613612345678"),
    ("entities.xml", "<summary>&#49;&#51;&#53;&#48;&#48;&#48;&#48;&#50;&#50;&#50;&#50;</summary>",
     "13500002222"),
    ("json-escape.json", '{"note": "\\u0031\\u0033\\u0033\\u0030\\u0030\\u0030\\u0030\\u0033\\u0033\\u0033\\u0033"}',
     "13300003333"),
    ("json-newline.json", '{"note": "第一行\\n15800004444"}', "15800004444"),
    ("json-plain.json", '{"contact": "159-0000-5555"}', "159-0000-5555"),
    ("country-code.html", "<p>+86 188 0000 6666</p>", "86 188 0000 6666"),
    ("landline.ics", "BEGIN:VEVENT\r\nDESCRIPTION:家中电话 0871-65551234\r\nEND:VEVENT\r\n", "0871-65551234"),
    ("landline-brackets.html", "<p>（０８７１）６５５５１２３５</p>", "0871）65551235"),
    ("id-x.csv", f"户主,{ID_A}\r\n", ID_A),
    ("id-digit.txt", f"身份证号 {ID_B} 。", ID_B),
    ("id-split.html", f"<p>{ID_B[:6]} {ID_B[6:14]} {ID_B[14:]}</p>", f"{ID_B[:6]} {ID_B[6:14]} {ID_B[14:]}"),
    ("id-old.txt", "老身份证 110105491231002", "110105491231002"),
    ("email.html", "<p>邮箱 wang.xm@qq.com</p>", "wang.xm@qq.com"),
    ("email-fullwidth.html", "<p>邮箱 ｗａｎｇｘｍ＠１６３．ｃｏｍ</p>", "wangxm@163.com"),
    ("email-at.txt", "wangxm [at] 163 [dot] com", "wangxm [at] 163 [dot] com"),
    ("cn-digits.html", "<p>电话一三八一二三四五六七八</p>", "一三八一二三四五六七八"),
    ("name.html", "<p>来信人赵丽娟反映</p>", "赵丽娟"),
    ("name-spaced.html", "<p>赵 丽 娟</p>", "赵 丽 娟"),
    ("name-json.json", '{"n": "\\u8d75\\u4e3d\\u5a1f"}', "赵丽娟"),
    ("name-compound.xml", "<title>欧阳晓峰的来信</title>", "欧阳晓峰"),
    ("case-phone.html", "<p>(0873) 655-5124</p>", "0873) 655-5124"),
]

# Legitimate text: never a finding.
CLEAN = [
    # Seen at county scale: a feed entry's UUID, and a reception-day address
    # in a calendar whose line is folded in the middle of the date.
    ("uuid.xml", "<id>urn:uuid:b2c2065e-0869-5900-8818-38019ec242e1</id>"
                 "<id>urn:uuid:09882149-8848-5af7-bbbc-569900000000</id>"
                 "<id>urn:uuid:48f8aaaa-563d-8522-ab12-042435764960</id>"),
    ("folded.ics", "DESCRIPTION:详情：/reception/r-04997/2\r\n 026-10-20/ URL:/reception/r-04997/2026-10-20/"),
    ("dates.html", "<p>2026-11-22 至 2026-12-01；2026/1/5；2026.11.22</p>"
                   "<p>2026-11-13 2026-12-13 2027-01-13 2027-02-13</p>"),
    ("times.html", "<p>周一至周五 08:30—12:00，14:30—17:30</p>"),
    ("codes.html", "<p>受理编号 K7M-3PQ-XCB、123-456-789、396-K6Z-Y99</p>"),
    ("counts.html", "<p>共 1380 人次，意见 13812 条，2026 年</p>"),
    ("long-numbers.txt", "订单号 20261122138123456789；账号 6222021234567890123"),
    ("hashes.txt", "3378b1daaa5908fcec83d0dbcec1b93c 123e4567-e89b-12d3-a456-426614174000 "
                   "a13812345678b"),
    ("coords.json", '{"lat": 24.3125, "lon": 103.7812, "x": 13812345.678}'),
    ("calendar.ics", "DTSTART;TZID=Asia/Shanghai:20261122T090000\r\nUID:market-20261122@renda-portal.invalid\r\n"),
    ("bad-id.txt", f"不是身份证：{BAD_ID}"),
    ("station-phone.html", "<p>电话 0873-6123456，（0873）6123456，0873 612 3456，０８７３－６１２３４５６</p>"),
    ("allowed.html", "<p>县人大办 0873-6120000，邮箱 renda@qingshi.example.gov.cn</p>"),
    ("deputy-name.html", "<p>李春华代表接待群众</p>"),
    ("image-names.html", '<img srcset="icon@2x.png 2x">'),
    ("cn-date.html", "<p>二〇二六年十一月二十二日</p>"),
]


@pytest.fixture
def planted(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, (name, phone) in enumerate(zip(CASE_NAMES, CASE_PHONES + ("",))):
        (inbox / f"case{i}.md").write_text(
            f"code: 396-K6Z-Y99\nname: {name}\nphone: {phone}\nreceived: 2026-11-01\n\n正文。\n", "utf-8")
    out = tmp_path / "output"
    out.mkdir()
    for name, text, _ in PLANTED:
        (out / "planted" / name).parent.mkdir(exist_ok=True)
        (out / "planted" / name).write_text(text, "utf-8")
    for name, text in CLEAN:
        (out / "clean" / name).parent.mkdir(exist_ok=True)
        (out / "clean" / name).write_text(text, "utf-8")
    (out / "clean" / "binary.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0 13812345678")
    monkeypatch.setenv("PORTAL_INBOX", str(inbox))
    settings = site.load_settings(path=MINI, output_path=out, cache_path=tmp_path / "cache",
                                  portal_pii_allow=["0873-6120000", "renda@qingshi.example.gov.cn"])
    return settings


def test_guard_catches_every_planted_item_and_nothing_else(planted):
    problems = piiguard.check(planted)
    by_file = {}
    for p in problems:
        by_file.setdefault(p.path.rsplit("/", 2)[-2] + "/" + p.path.rsplit("/", 1)[-1], []).append(str(p))
    missed = [name for name, _, match in PLANTED
              if not any(f"“{match}”" in text for text in by_file.get(f"planted/{name}", []))]
    assert missed == [], f"not caught: {missed}\n{by_file}"
    flagged_clean = {k: v for k, v in by_file.items() if k.startswith("clean/")}
    assert flagged_clean == {}
    assert len(problems) == len(PLANTED)  # one finding per planted item, no duplicates


def test_guard_rescans_what_changed_and_everything_for_new_private_data(planted):
    from pathlib import Path
    out = Path(planted["OUTPUT_PATH"])
    later = out / "clean" / "later.html"
    later.write_text("<p>感谢孙悟净参加接待日。</p>", "utf-8")  # not (yet) anyone's private name
    assert len(piiguard.check(planted)) == len(PLANTED)
    # A file found clean is read again once its bytes change.
    dates = out / "clean" / "dates.html"
    dates.write_text(dates.read_text("utf-8") + "<p>电话 13812345678</p>", "utf-8")
    again = [str(p) for p in piiguard.check(planted)]
    assert any("clean/dates.html" in p and "13812345678" in p for p in again)
    # New private data (a case with a new name) makes every file suspect again.
    inbox = Path(os.environ["PORTAL_INBOX"])
    (inbox / "case9.md").write_text("code: 396-K6Z-Y99\nname: 孙悟净\nreceived: 2026-11-01\n\n正文。\n", "utf-8")
    assert any("clean/later.html" in str(p) and "孙悟净" in str(p) for p in piiguard.check(planted))


def test_invalid_id_checksum_is_not_an_id():
    assert pii.id_checksum_ok(ID_A) and pii.id_checksum_ok(ID_B)
    assert not pii.id_checksum_ok(BAD_ID)
    assert pii.Detector().scan(f"号码 {BAD_ID} 。") == []
    assert [f.kind for f in pii.Detector().scan(f"号码 {ID_B} 。")] == ["id"]


@pytest.mark.parametrize("text, kinds", [
    ("13812345678", ["mobile"]), ("0873-6123456", ["landline"]), ("010-12345678", ["landline"]),
    ("12345678901", []), ("1381234567", []), ("138123456789", []), ("2026-11-22", []),
    ("订单 2013813812345678901", []), ("K13812345678", []), ("13812345678K", []),
])
def test_detector_kinds_and_boundaries(text, kinds):
    assert [f.kind for f in pii.Detector().scan(text)] == kinds


def test_digits_are_compared_normalised_for_the_allowlist():
    d = pii.Detector(allow=["（0873）612-3456"])
    assert d.scan("电话 0873 6123456") == []
    assert [f.kind for f in d.scan("电话 0873 6123457")] == ["landline"]


def test_sample_site_has_no_findings_and_the_guard_is_fast(sample_output, tmp_path, monkeypatch):
    """The sample content/ was built with the guard on (the build would have
    failed); scan it again with an inbox of private names and phones."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    people = [("司马静怡", "13911112222"), ("欧阳红梅", "15877776666"), ("龙海燕", "0871-65559876"),
              ("杨秀莲", "18699990000"), ("普国富", "13577770000")]
    for i, (name, phone) in enumerate(people):
        (inbox / f"c{i}.md").write_text(f"code: 396-K6Z-Y99\nname: {name}\nphone: {phone}\n\n正文。\n", "utf-8")
    monkeypatch.setenv("PORTAL_INBOX", str(inbox))
    settings = site.load_settings(output_path=sample_output)
    files = sum(1 for p in sample_output.rglob("*") if p.is_file())
    started = time.perf_counter()
    problems = piiguard.check(settings)
    elapsed = (time.perf_counter() - started) * 1000
    print(f"\nPII guard on the sample site: {files} files in {elapsed:.0f} ms")
    assert [str(p) for p in problems] == []
    assert elapsed < 15000


def test_a_private_name_or_phone_in_the_output_fails_the_build(mini, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "case.md").write_text("code: 396-K6Z-Y99\nname: 赵丽娟\nphone: 13900001111\n"
                                   "received: 2026-11-01\n\n正文。\n", "utf-8")
    monkeypatch.setenv("PORTAL_INBOX", str(inbox))
    news = mini / "news" / "n1.md"
    news.write_text(news.read_text("utf-8") + "\n感谢赵丽娟提供线索，电话 139-0000-1111。\n", "utf-8")
    with pytest.raises(ContentError) as caught:
        build(mini, tmp_path / "output")
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "news/training/index.html: 姓名: 输出文件含有姓名“赵丽娟”" in text
    assert "news/training/index.html: 案卷中的电话号码: 输出文件含有案卷中的电话号码“139-0000-1111”" in text
    assert "feeds/news.atom.xml: 姓名" in text  # every output file, not only pages


def test_invoke_build_reports_guard_findings_without_traceback(mini, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "case.md").write_text("code: 396-K6Z-Y99\nname: 赵丽娟\n\n正文。\n", "utf-8")
    about = mini / "pages" / "about.md"
    about.write_text(about.read_text("utf-8") + "\n赵丽娟\n", "utf-8")
    env = {**os.environ, "PORTAL_TODAY": TODAY, "PORTAL_INBOX": str(inbox)}
    run = subprocess.run([sys.executable, "-m", "invoke", "build", "--content", str(mini),
                          "--output", str(tmp_path / "output")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert "about/index.html: 姓名: 输出文件含有姓名“赵丽娟”" in run.stderr



def test_invoke_build_in_a_fresh_checkout(tmp_path):
    """The quick start's build on a fresh checkout: default output/ and
    cache/, relative to the working directory, nothing built before
    (Pelican's writer names its files by absolute path; the guard must
    match them to the relative output path)."""
    checkout = tmp_path / "checkout"
    for name in ("content", "intake", "plugins", "portal_tools", "theme"):
        shutil.copytree(ROOT / name, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy(ROOT / name, checkout / name)
    env = {**os.environ, "PORTAL_TODAY": TODAY}
    run = subprocess.run([sys.executable, "-m", "invoke", "build"],
                         cwd=checkout, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (checkout / "output" / "about" / "index.html").is_file()


def test_check_takes_a_relative_output_path(tmp_path, monkeypatch):
    """scan_output walks the output as it is given: relative paths stay relative."""
    (tmp_path / "out" / "a").mkdir(parents=True)
    (tmp_path / "out" / "a" / "index.html").write_text("<p>电话 139-0000-1111</p>", "utf-8")
    monkeypatch.chdir(tmp_path)
    found = piiguard.scan_output("out", pii.Detector())
    assert [rel for rel, _, _ in found] == ["a/index.html"]
