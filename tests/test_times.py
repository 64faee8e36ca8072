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


# -- times relative to today, as typed on the command line (--at 15:30, 昨天 15:30) -----------
TODAY = dt.date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(("text", "expected"), [
    ("15:30", dt.datetime(2026, 11, 25, 15, 30, tzinfo=UTC8)),
    ("9:05", dt.datetime(2026, 11, 25, 9, 5, tzinfo=UTC8)),
    ("15：30", dt.datetime(2026, 11, 25, 15, 30, tzinfo=UTC8)),  # a Chinese input method's colon
    ("今天 08:00:30", dt.datetime(2026, 11, 25, 8, 0, 30, tzinfo=UTC8)),
    ("昨天 15:30", dt.datetime(2026, 11, 24, 15, 30, tzinfo=UTC8)),
    ("昨天15:30", dt.datetime(2026, 11, 24, 15, 30, tzinfo=UTC8)),
    ("前天 9:00", dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC8)),
    ("2026-11-20 10:00", dt.datetime(2026, 11, 20, 10, 0, tzinfo=UTC8)),  # full dates as before
])
def test_a_time_of_today_or_the_days_before(text: str, expected: dt.datetime) -> None:
    assert parse_when(text, "--at", today=TODAY) == expected


def test_relative_days_cross_months_and_stand_alone_only_where_a_date_may() -> None:
    assert parse_when("前天 23:59", today=dt.date(2026, 12, 1)) == dt.datetime(
        2026, 11, 29, 23, 59, tzinfo=UTC8)
    assert parse_when("昨天", date_only_ok=True, today=TODAY) == dt.date(2026, 11, 24)
    with pytest.raises(KefuError) as err:
        parse_when("昨天", "--at", today=TODAY)
    assert "昨天 15:30" in err.value.message  # the message shows the form that works


@pytest.mark.parametrize("text", ["明天 10:00", "昨天 10", "24:00", "15:30 昨天", "大前天 9:00"])
def test_other_relative_words_and_impossible_clocks_are_refused(text: str) -> None:
    with pytest.raises(KefuError) as err:
        parse_when(text, "--at", today=TODAY)
    assert err.value.slug == "bad-date" and "--at" in err.value.message


def test_record_files_and_forms_take_only_times_that_say_their_date() -> None:
    with pytest.raises(KefuError) as err:
        parse_when("15:30")  # no `today`: a file read again next week must mean the same time
    assert "昨天" not in err.value.message


def test_every_at_option_of_the_commands_reads_relative_times(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import click
    from click.testing import CliRunner

    from kefu.cli import main
    from kefu.cli.types import When

    def options(command: click.Command) -> list[click.Parameter]:
        if isinstance(command, click.Group):
            return [p for sub in command.commands.values() for p in options(sub)]
        return [p for p in command.params if p.name == "at"]

    found = options(main)
    assert len(found) >= 3 and all(isinstance(p.type, When) for p in found)  # event/close/reopen

    @click.command()
    @click.option("--at", type=When())
    def show(at: dt.datetime) -> None:
        click.echo(at.isoformat())

    monkeypatch.setenv("KEFU_NOW", "2026-11-25T10:00:00+08:00")
    runner = CliRunner()
    assert runner.invoke(show, ["--at", "昨天 15:30"]).output == "2026-11-24T15:30:00+08:00\n"
    assert runner.invoke(show, ["--at", "15:30"]).output == "2026-11-25T15:30:00+08:00\n"
    refused = runner.invoke(show, ["--at", "明天 9:00"])
    assert refused.exit_code == 2 and "昨天 15:30" in refused.output
