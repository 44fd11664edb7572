"""The build's scanner (piiguard.Scanner) remembers lines it found clean and
scans only the rest of a page; its findings must be exactly those of
scanning the whole page, wherever personal data stands."""

import random

from portal import pii, piiguard

FRAME = ["<!doctype html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
         "<title>关于道路的意见 - 青石镇</title>", '<link rel="canonical" href="/suggestions/ABC/">',
         "<body>", '  <nav class="crumbs"><ol>', '  <li><a href="/">首页</a></li>',
         "  </ol></nav>", '<div class="wrap">', "</div>", "</body>", "</html>",
         '<p class="item-meta">县交通运输局 · 2026年8月27日</p>', "<td>0873-6123448</td>"]
LOOSE = ["受理编号 K7M-3PQ-XCB", "2026-11-22 至 2026-12-01", "共 1380 人次", "", "   ",
         "东岭村部分群众反映", "电话", "138", "1234 5678", "5678</p>", "<p>联系", "赵", "丽娟", "赵 丽",
         "&#49;&#51;&#56;", "１３８", "邮箱 someone", "@example.com.cn", "]", "(0873)", "6555124"]
PLANTED = ["<p>电话 13812345678</p>", "<p>来信人赵丽娟反映</p>", "<p>邮箱 zhao.lijuan@qq.com</p>",
           "<p>身份证 11010519491231002X</p>", "<td>(0873) 655-5124</td>", "<p>&#49;&#51;&#56;12345678</p>"]


def detector():
    return pii.Detector(names=["赵丽娟"], phones=["0873-6555124"], allow=["0873-6123448"])


def findings_of(items):
    return sorted((f.kind, f.match) for f in items)


def test_the_scanner_finds_exactly_what_a_whole_page_scan_finds():
    rng = random.Random(20261202)
    reference = detector()
    scanner = piiguard.Scanner(detector())
    pages = 0
    for _ in range(3000):
        lines = [rng.choice(FRAME + LOOSE + (PLANTED if rng.random() < 0.15 else [])) for _ in range(rng.randint(1, 14))]
        text = "\n".join(lines)
        expected = findings_of(reference.scan(text))
        got = sorted((f.kind, f.match) for _, f, _ in scanner.scan_bytes("p.html", text.encode()))
        assert got == expected, text
        pages += bool(expected)
    assert pages > 100  # the corpus does contain findings
    assert scanner.clean_lines  # and lines were remembered


def test_a_remembered_line_is_clean_in_any_page():
    scanner = piiguard.Scanner(detector())
    assert scanner.scan_bytes("a.html", "\n".join(FRAME).encode()) == []
    page = "\n".join(FRAME[:5] + ["<p>电话 139", "0000 1111 或 0873-", "6555124</p>"] + FRAME[5:])
    kinds = sorted(f.kind for _, f, _ in scanner.scan_bytes("b.html", page.encode()))
    assert kinds == sorted(f.kind for f in detector().scan(page)) and kinds
