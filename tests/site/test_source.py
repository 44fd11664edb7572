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
