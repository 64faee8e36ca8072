"""People's names in the order Chinese readers look for them: by pinyin, as a phone book does.

Code-point order puts 刘 before 吴 before 周 before 孙; by pinyin it is 刘 (liu), 孙 (sun),
吴 (wu), 周 (zhou). Every list of people (reports, `kefu staff`, `kefu overdue`, the site's
pages, the export's people table) sorts with `name_key`, so one person sits in the same place
everywhere. pypinyin gives each character its most common reading; a surname read otherwise
(曾 zēng, not céng) is corrected for the first character, the only place it matters here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

# Surnames whose reading as a surname differs from pypinyin's most common reading of the
# character (曾 céng, 单 dān, 解 jiě ... by default): tone-3 spelling, tone as the last digit.
SURNAMES = {
    "曾": "zeng1", "单": "shan4", "解": "xie4", "区": "ou1", "仇": "qiu2", "朴": "piao2",
    "查": "zha1", "乐": "yue4", "覃": "qin2", "盖": "ge3", "翟": "zhai2", "缪": "miao4",
    "秘": "bi4", "种": "chong2", "重": "chong2", "华": "hua4", "折": "she2", "召": "shao4",
    "纪": "ji3", "过": "guo1", "都": "du1", "藏": "zang4", "员": "yun4", "句": "gou1",
}

Key = tuple[tuple[str, int, str], ...]
# name -> its key: those worked out in this process, and those the index kept for the people's
# names (`learn`), so that a command sorting a few names need not load pypinyin's dictionaries
_KEYS: dict[str, Key] = {}


def name_key(name: str) -> Key:
    """Sort key of a name: per character its toneless pinyin, its tone, the character itself.

    Homophones fall back to tone and then character, so the order is total and stable; a
    Latin word counts as one syllable, spelt in lower case (bob after 白 bai, Anna after 安娜).
    """
    found = _KEYS.get(name)
    if found is None:
        found = _KEYS[name] = _work_out(name)
    return found


def learn(keys: Mapping[str, Sequence[Sequence[Any]]]) -> None:
    """Keys `name_key` gave earlier (kept in the index as JSON lists): taken as they are."""
    for name, key in keys.items():
        _KEYS.setdefault(name, tuple((str(a), int(b), str(c)) for a, b, c in key))


def _work_out(name: str) -> Key:
    from pypinyin import Style, lazy_pinyin

    text = " ".join(str(name).split())
    # errors=list: a run of non-Han characters comes back one item per character, so the
    # syllables stay aligned with the characters (pypinyin accepts a list; its stub says str)
    each = cast(Callable[[str], str], list)
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=each)
    if text[:1] in SURNAMES and syllables:
        syllables[0] = SURNAMES[text[0]]
    parts: list[tuple[str, int, str]] = []
    for syllable, char in zip(syllables, text, strict=False):
        if syllable != char:  # a Han character: its syllable, its tone (5: neutral)
            tone = int(syllable[-1]) if syllable[-1].isdigit() else 5
            parts.append((syllable.rstrip("012345"), tone, char))
        elif parts and parts[-1][1] < 0 and char.isalnum():  # a Latin word goes on
            word, _, written = parts[-1]
            parts[-1] = (word + char.lower(), -1, written + char)
        else:
            parts.append((char.lower(), -1 if char.isalnum() else 0, char))
    return tuple(parts)
