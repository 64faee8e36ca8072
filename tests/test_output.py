"""kefu.output: every result type the registry names has writers, and the escapes hold."""

from __future__ import annotations

import importlib

import pytest

from kefu import output
from kefu.output import md_code, md_text, printable, render


@pytest.mark.parametrize("name", sorted(output.WRITER_MODULES))
def test_every_registered_type_has_a_text_writer(name: str) -> None:
    writers = importlib.import_module(output.WRITER_MODULES[name]).WRITERS[name]
    assert callable(writers["text"])
    assert set(writers) <= set(output.FORMATS)


def test_an_unknown_result_type_is_a_bug_not_a_blank_report() -> None:
    with pytest.raises(TypeError, match="no writer for object"):
        render(object())


def test_text_loses_terminal_escapes_and_direction_overrides() -> None:
    assert printable("a\x1b[31mb\u202ec\td\n") == "a[31mbc\td\n"


def test_record_text_is_inert_markdown_on_one_line() -> None:
    assert md_text("**粗体**|<b>\n下一行") == r"\*\*粗体\*\*\|&lt;b> 下一行"


# What Markdown output escapes, character by character: only what could become markup.
ESCAPED = [
    ("a|b", r"a\|b"),  # a table cell's end
    ("`x`", r"\`x\`"),  # code
    ("*粗*", r"\*粗\*"),  # emphasis
    ("_粗_", r"\_粗\_"),  # emphasis with underscores at a word's edge
    ("[链接](u)", r"\[链接\](u)"),  # a link (and, after !, an image)
    ("![图](u)", r"!\[图\](u)"),
    ("标题 {: onclick=x}", r"标题 \{: onclick=x}"),  # the site's attribute lists
    ("<script>x</script>", "&lt;script>x&lt;/script>"),  # HTML tags
    ("<!-- c -->", "&lt;!-- c -->"),
    ("&amp; &#60;", "&amp;amp; &amp;#60;"),  # entities
    ("a\\*b", r"a\\\*b"),  # a backslash that would escape the next character
    ("# 标题", r"\# 标题"),  # at the start: a heading,
    ("#1 问题", r"\#1 问题"),  # (Python-Markdown reads #1 as a heading too)
    ("> 引用", r"\> 引用"),  # a quote,
    ("- 项目", r"\- 项目"),  # list items,
    ("+ 项目", r"\+ 项目"),
    ("1. 第一", r"1\. 第一"),
    ("2) 第二", r"2\) 第二"),
    ("---", r"\---"),  # a thematic break,
    ("~~~python", r"\~~~python"),  # a fence
]
KEPT = [
    "2026-12-06 截止", "T-20261106-ki9h", "10:30", "P90 = 2", "43.8%", "（北京时间）",
    "3~5 个工作日", "A-B-C", "-5 度", "1.5 倍", "数量<5", "a > b", "a & b", "C# 与 F#",
    "file_name_v2", "感叹!", "(括号)", "a.b", "+86 138", "客服部#1", "a=b", "50+", "见 2.7",
    "王芳（wangfang）", "产品/型号", "\\ 单独的反斜杠",
]


@pytest.mark.parametrize(("text", "escaped"), ESCAPED)
def test_markdown_escapes_what_could_become_markup(text: str, escaped: str) -> None:
    assert md_text(text) == escaped


@pytest.mark.parametrize("text", KEPT)
def test_markdown_leaves_digits_hyphens_and_dates_alone(text: str) -> None:
    assert md_text(text) == text


@pytest.mark.parametrize("text", [t for t, _ in ESCAPED if not t.startswith("~")] + KEPT)
def test_escaped_text_renders_as_written(text: str) -> None:
    """Through the site's Markdown (tables, attribute lists, HTML in Markdown): no tag but the
    paragraph, the text exactly as written; and in a table cell, one cell with that text."""
    import html
    import re

    import markdown

    extensions = ["tables", "attr_list", "md_in_html"]
    page = markdown.markdown(md_text(text), extensions=extensions)
    assert re.fullmatch(r"<p>[^<]*</p>", page.replace("&lt;", "")), page
    assert html.unescape(page[3:-4]) == text
    table = markdown.markdown(f"| a | b |\n|---|---|\n| {md_text(text)} | x |",
                              extensions=extensions)
    cells = re.findall(r"<td>(.*?)</td>", table)
    assert [html.unescape(c) for c in cells] == [text, "x"], table


def test_code_spans_are_shown_as_is() -> None:
    assert md_code("records/loans/2026/A-20261123-e143.yml") == (
        "`records/loans/2026/A-20261123-e143.yml`")
    assert md_code("a`b") == "`` a`b ``"


JSON_CASES = [
    {"period": {"key": "2026-10", "title": "2026 年 10 月"}, "rows": [{"rate": 0.7771, "n": 3}],
     "empty": [], "none": {}, "flags": [True, False, None]},
    [0.0, -0.0, 0.0001, 1 / 3, 100.0, 12345.678, 1e16, 1.2e17, 5e-324],
    [1e-05, 0.5],  # json.dumps: 1e-05, orjson: 0.00001
    [9.999000099990002e-05],
    [float("nan")], [float("inf")], [2**64], [-(2**63) - 1],
    {1: "a key that is a number"},
    ["控制字符\x1f、引号\"、反斜杠\\、换行\n、制表\t、\u2028"],
    ["lone \ud800 surrogate"],
    ("a tuple", [1, 2]),
]


@pytest.mark.parametrize("data", JSON_CASES)
def test_json_output_is_the_text_json_dumps_writes(data: object) -> None:
    """orjson writes the JSON output where it gives the same text; where it would not (tiny
    floats, NaN, huge integers, number keys, surrogates), json.dumps does."""
    import json

    from kefu.output import dumps

    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)


def test_json_output_refuses_what_json_dumps_refuses() -> None:
    import datetime as dt
    import json

    from kefu.output import dumps

    for data in ({"day": dt.date(2026, 12, 6)}, [object()]):
        with pytest.raises(TypeError):
            json.dumps(data)
        with pytest.raises(TypeError):
            dumps(data)
