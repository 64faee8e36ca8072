"""One rule for typed times: ISO 8601 with offset, or date and time read as Beijing time."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.problems import KefuError
from kefu.times import SHANGHAI, parse_when

UTC8 = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-23 9:40", dt.datetime(2026, 11, 23, 9, 40, tzinfo=UTC8)),
    ("2026-11-23T09:40", dt.datetime(2026, 11, 23, 9, 40, tzinfo=UTC8)),
    ("2026-11-23 09:40:05", dt.datetime(2026, 11, 23, 9, 40, 5, tzinfo=UTC8)),
    ("2026-11-23T01:40:00Z", dt.datetime(2026, 11, 23, 9, 40, tzinfo=UTC8)),
    ("2026-11-23T09:40+08:00", dt.datetime(2026, 11, 23, 9, 40, tzinfo=UTC8)),
    ("1900-01-01T10:00+08:00", dt.datetime(1900, 1, 1, 10, 0, tzinfo=UTC8)),
])
def test_typed_times_are_beijing_time_unless_they_say_otherwise(
    text: str, expected: dt.datetime
) -> None:
    parsed = parse_when(text)
    assert parsed == expected
    assert isinstance(parsed, dt.datetime)
    assert parsed.astimezone(SHANGHAI).utcoffset() == dt.timedelta(hours=8)  # no LMT in 1900


def test_a_bare_date_only_where_a_date_may_stand() -> None:
    assert parse_when("2026-11-23", date_only_ok=True) == dt.date(2026, 11, 23)
    with pytest.raises(KefuError) as err:
        parse_when("2026-11-23")
    assert err.value.slug == "bad-date" and err.value.exit_code == 2


@pytest.mark.parametrize("text", ["2026-02-30 10:00", "2026-11-23 25:00", "yesterday",
                                  "23/11/2026 10:00", ""])
def test_impossible_or_unreadable_times_are_refused_in_chinese(text: str) -> None:
    with pytest.raises(KefuError) as err:
        parse_when(text, "--received")
    assert "--received" in err.value.message and "北京时间" in err.value.message
