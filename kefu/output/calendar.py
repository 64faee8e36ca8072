"""`kefu due` and `kefu calendar`: a deadline, a month, a day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .columns import aligned
from .text import dumps, md_text

if TYPE_CHECKING:
    from kefu.calendar.workcal import DayInfo, Month
    from kefu.sla import Deadline


# -- due and calendar -------------------------------------------------------------------------
def _deadline_text(result: Deadline) -> str:
    mark = "（暂定）" if result.provisional else ""
    return "\n".join([f"{result.rule}（{result.title}，{result.term}）",
                      f"起算：{result.start.strftime('%Y-%m-%d %H:%M')}",
                      f"截止：{result.due.strftime('%Y-%m-%d %H:%M')}{mark}"])


def _deadline_json(result: Deadline) -> str:
    return dumps({"rule": result.rule, "title": result.title, "start": result.start.isoformat(),
                  "due": result.due.isoformat(), "provisional": result.provisional,
                  "term": result.term})


def _month_text(month: Month) -> str:
    return "\n".join(aligned([_day_cells(d) for d in month.days]))


def _month_json(month: Month) -> str:
    return dumps({"month": month.first.strftime("%Y-%m"), "provisional": month.provisional,
                  "days": [{"date": d.date.isoformat(), "workday": d.workday, "name": d.name,
                            "source": d.source} for d in month.days]})


def _month_markdown(month: Month) -> str:
    from kefu.calendar import describe_source

    rows = [f"| {d.date.isoformat()} | {d.weekday_name} | {d.state} | {md_text(d.name)} | "
            f"{md_text(describe_source(d))} |" for d in month.days]
    head = ["| 日期 | 星期 | 安排 | 说明 | 依据 |", "|---|---|---|---|---|"]
    return "\n".join([*head, *rows]) + "\n"


def _day_cells(day: DayInfo) -> list[str]:
    from kefu.calendar import describe_source

    return [f"{day.date.isoformat()} {day.weekday_name}", day.state, day.name,
            f"（{describe_source(day)}）"]


def _day_text(day: DayInfo) -> str:
    return "  ".join(_day_cells(day))


def _day_json(day: DayInfo) -> str:
    return dumps({"date": day.date.isoformat(), "workday": day.workday, "name": day.name,
                  "source": day.source, "provisional": day.provisional})


WRITERS = {
    "Deadline": {"text": _deadline_text, "json": _deadline_json},
    "Month": {"text": _month_text, "json": _month_json, "markdown": _month_markdown},
    "DayInfo": {"text": _day_text, "json": _day_json},
}
