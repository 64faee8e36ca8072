"""kefu.output: every result type the registry names has writers, and the escapes hold."""

from __future__ import annotations

import importlib

import pytest

from kefu import output
from kefu.output import md_text, printable, render


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
    assert md_text("**粗体**|<b>\n下一行") == r"\*\*粗体\*\*\|&lt;b&gt; 下一行"
