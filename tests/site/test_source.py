"""Reading content files: the Markdown fast path and the parse cache."""

import markdown
import pytest

from conftest import ROOT
from portal.source import Renderer, plain_paragraphs, split_header, split_sections


def markdown_reference(text):
    md = markdown.Markdown(extensions=["markdown.extensions.extra"], output_format="html5")
    return md.convert(text.strip())


def all_sections():
    for path in sorted((ROOT / "content").rglob("*.md")):
        _, body, _ = split_header(path.read_text("utf-8"))
        for name, part in split_sections(body).items():
            if part.strip():
                yield f"{path.name}:{name}", part


def test_fast_path_is_byte_identical_to_markdown_on_the_sample():
    taken = 0
    for label, part in all_sections():
        fast = plain_paragraphs(part.strip())
        if fast is not None:
            taken += 1
            assert fast == markdown_reference(part), label
    assert taken > 50  # the sample is mostly plain paragraphs


@pytest.mark.parametrize("text", [
    "第一段。\n\n第二段，\n同一段的第二行。",
    "一是加强管理；二是落实资金（约120万元）。\n\n下一步：继续跟踪。",
    "1. 列表\n2. 第二项", "- 项目", "> 引用", "**加粗**", "链接 <http://x.cn>", "a & b",
    "    缩进代码", "标题\n===", "行尾两个空格  \n换行", "表格 | 列", "脚注[^1]",
])
def test_fast_path_only_when_exact(text):
    fast = plain_paragraphs(text)
    if fast is not None:
        assert fast == markdown_reference(text)
    assert Renderer({"MARKDOWN": {"extension_configs": {"markdown.extensions.extra": {}},
                                  "output_format": "html5"}})(text) == markdown_reference(text)


def test_markup_in_a_suggestion_is_shown_as_text(mini, tmp_path):
    from bs4 import BeautifulSoup
    from conftest import build, edit
    path = mini / "suggestions" / "a.md"
    edit(path, "title: 石门村通组道路硬化", 'title: 道路<img src=x onerror="alert(1)">硬化')
    edit(path, "石门村到三组的道路泥泞。", "石门村到三组的道路泥泞。<script>alert(2)</script>")
    build(mini, tmp_path / "out")
    code = path.read_text("utf-8").split("code: ")[1].split("\n")[0]
    for page in (f"suggestions/{code}/index.html", "index.html", "suggestions/index.html"):
        soup = BeautifulSoup((tmp_path / "out" / page).read_text("utf-8"), "html.parser")
        assert not soup.find_all("img", onerror=True), page
        assert not [s for s in soup.find_all("script") if "alert" in s.text], page
    soup = BeautifulSoup((tmp_path / "out" / f"suggestions/{code}/index.html").read_text("utf-8"), "html.parser")
    assert '道路<img src=x onerror="alert(1)">硬化' in soup.h1.text
    assert "<script>alert(2)</script>" in soup.get_text()


# -- the fast path against Python-Markdown, beyond the sample ------------------

SITE_MARKDOWN = {"MARKDOWN": {"extension_configs": {"markdown.extensions.extra": {}}, "output_format": "html5"}}


def site_reference(text):
    """Python-Markdown as the site runs it: raw HTML is text (Renderer)."""
    md = markdown.Markdown(extensions=["markdown.extensions.extra"], output_format="html5")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text.strip())


def sections_of(root):
    for path in sorted(root.rglob("*.md")):
        _, body, _ = split_header(path.read_text("utf-8"))
        for name, part in split_sections(body).items():
            if part.strip() and name != "original":
                yield f"{path.relative_to(root)}:{name}", part


def test_fast_path_is_byte_identical_to_markdown_on_a_generated_fixture(tmp_path):
    from portal_tools import fixture
    fixture.generate("small", tmp_path / "content")
    render = Renderer(SITE_MARKDOWN)
    taken = strong = lists = total = 0
    for label, part in sections_of(tmp_path / "content"):
        total += 1
        expected = markdown_reference(part)
        assert render(part) == expected, label
        fast = plain_paragraphs(part.strip())
        if fast is not None:
            taken += 1
            strong += "<strong>" in fast
            lists += "<ol>" in fast
            assert fast == expected, label
    # Deputy suggestions' **一、基本情况** headings and numbered proposals are on the fast path.
    assert strong and lists
    assert taken == total


ADVERSARIAL = [
    # strong spans the fast path takes
    "**一、基本情况**\n\n正文。", "前**加粗**后", "a**b**c", "：**加粗**，", "（**加粗**）", "“**引号**”",
    "**a**b**c**", "**a** **b**", "**多 个 词**", "**1.**", "**:**", "第一行\n**第二行**\n第三行", "**一**\n\n**二**",
    # asterisks it must leave to Markdown
    "*斜体*", "**未闭合", "未闭合**", "**a**b**", "***加粗斜体***", "***a**", "**a***", "****", "** **", "**",
    "** a**", "**a **", "** a **", "**a**\n**b", "**跨\n行**", "*", "* 列表", "** 列表", "a*b*c", "a **b* c",
    "**a*b**",
    "\\*不是强调\\*", "\\**a**", "**a\\**", "**a** \\*", "2\\*3", "**a_b**", "__粗__", "_斜_", "**`code`**",
    "**[链接](http://x.cn)**", "**a**{: .c}", "**<b>x</b>**", "**a & b**", "**a\u3000**", "**\u3000a**",
    "**\xa0a**",
    # lists
    "1. 一\n2. 二\n3. 三", "段落\n\n1. 一\n2. 二\n\n段落", "10. 十\n11. 十一", "3. 三\n4. 四", "1. **粗**项\n2. 项",
    "1. 一\n\n2. 二", "1. 一\n2. 二\n\n3. 三", "1. 一\n\n- 二", "1. 一\n二", "段落\n1. 一", "1. 一\n   续", "1.  多空格",
    "1.\u3000全角空格", "１. 全角数字", "1) 括号", "1. 2. 嵌套", "1. - 嵌套", "1. 一 \n2. 二", "1. \n2. 二", "2023. 年",
    "1.5亿元", "第1. 条",
    # other block syntax and whitespace Markdown rewrites
    "标题\n--", "标题\n-", "标题\n===", "---", "- - -", "术语\n: 定义", "段落\n{: .c}", "a\tb", "a\rb", "a\x02b",
    "第一段\n\n\u3000\u3000第二段", "第一段\n\n\xa0第二段", "第一段\n\n\n\n第二段", "第一段\n \n第二段", "a  \nb",
    "+ 项", "> 引用", "# 标题", "a | b", "[^1]", "<http://x.cn>", "a & b", "&amp;", "```\ncode\n```",
    "~~~\nx\n~~~",
]


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_fast_path_adversarial(text):
    fast = plain_paragraphs(text.strip())
    if fast is not None:
        assert fast == site_reference(text)
    assert Renderer(SITE_MARKDOWN)(text) == site_reference(text)


def test_fast_path_takes_the_common_constructs():
    common = ("**一、基本情况**\n\n正文。", "段落\n\n1. 一\n2. 二\n\n段落", "1. **粗**项\n2. 项", "第一段\n\n\u3000第二段")
    for text in common:
        assert plain_paragraphs(text) == markdown_reference(text), text


def test_fast_path_random_texts():
    import random
    atoms = ["**", "*", "***", "a", "基本", "一、", "：", "，", "。", " ", "\n", "\n\n", "1. ", "2. ", "10. ",
             "- ", "-", ":", "\u3000", "\xa0", "（", "”", ".", "x y", "\n\n1. ", "\n2. ", "\n\n**", "**\n\n",
             "\\*", "{", "+", "\n \n"]
    rng = random.Random(20261122)
    taken = 0
    for _ in range(20000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 12))).strip()
        fast = plain_paragraphs(text) if text else None
        if fast is not None:
            taken += 1
            assert fast == markdown_reference(text), repr(text)
    assert taken > 1000


def test_other_markdown_settings_never_take_the_fast_path():
    settings = {"MARKDOWN": {"output_format": "html5",
                             "extension_configs": {"markdown.extensions.extra": {}, "markdown.extensions.nl2br": {}}}}
    text = "第一行\n第二行"
    assert Renderer(settings)(text) == "<p>第一行<br>\n第二行</p>"
    two = markdown.Markdown(extensions=["markdown.extensions.extra"], output_format="html5", tab_length=2)
    assert Renderer({"MARKDOWN": {**SITE_MARKDOWN["MARKDOWN"], "tab_length": 2}})("1. 一\n2. 二") == \
        two.convert("1. 一\n2. 二")
