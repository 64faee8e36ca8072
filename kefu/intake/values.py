"""Reading what a form's field says: a dropdown's code from its label, a person from her id or
name, a time; a value that cannot be used raises _Bad, whose message names the field in Chinese
(shared by the ticket forms, kefu.intake.apply, and the staff request forms, kefu.intake.staff)."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from kefu import times
from kefu.problems import KefuError
from kefu.records.new import NO, YES

from .fields import Field


class _Bad(Exception):
    """A field's value that cannot be used; the message names the field in Chinese."""


def _yes_no(item: Field, text: str) -> bool:
    """A yes-or-no field: the dropdown's 是 or 否 (or typed, in a form from before the dropdown)."""
    if text.lower() not in YES | NO:
        raise _Bad(f"「{item.label}」请选“是”或“否”。")
    return text.lower() in YES


def _choice(item: Field, text: str) -> str:
    """The code of a dropdown option, given its Chinese label (what GitHub sends) or the code."""
    by_label = {label: code for code, label in item.choices.items()}
    if text in item.choices:
        return text
    if text in by_label:
        return by_label[text]
    labels = list(item.choices.values())
    near = [label for label in labels if text and text in label]
    near = near if len(near) == 1 else difflib.get_close_matches(text, labels, n=1, cutoff=0.5)
    hint = f"是不是“{near[0]}”？" if near else ""
    raise _Bad(f"「{item.label}」的“{_shown(text)}”不是可选项：{hint}可选 {'、'.join(labels)}。")


def _person(ws: Any, item: Field, text: str) -> str:
    """A person's id from their id or their name (张敏 -> zhangmin), as staff records say."""
    try:
        return ws.person(text, f"「{item.label}」")
    except KefuError as err:
        raise _Bad(err.message) from None


def _time(item: Field, text: str) -> dt.datetime:
    try:
        when = times.parse_when(text, f"「{item.label}」")
    except KefuError as err:
        raise _Bad(err.message) from None
    assert isinstance(when, dt.datetime)
    return when


def _shown(text: str) -> str:
    """A user's value quoted in a reply: one line, at most 40 characters."""
    one = " ".join(text.split())
    return one if len(one) <= 40 else one[:40] + "…"
