"""`kefu roster` and `kefu staff`: a week's duty and a month's staff figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .columns import aligned
from .text import dumps, md_text, problems_markdown

if TYPE_CHECKING:
    from kefu.staff.report import RosterReport
    from kefu.staff.summary import StaffMonth


LEAVE_HEAD = "请假（天）"  # days per kind of leave (调休 1、病假 2): text, not one figure


# -- staff: kefu roster, kefu staff -----------------------------------------------------------
def _roster_text(report: RosterReport) -> str:
    from kefu.staff.terms import WEEKDAYS, week_span

    lines = [f"值班表 {week_span(report.week)}（已应用已批准的调班，标出已批准的请假和出差）",
             "值守要求：" + "；".join(report.channels), "", "按日期"]
    for day in report.days:
        lines.append(f"{day.date.isoformat()} {day.weekday}（{day.calendar}）")
        for shift in day.shifts:
            lines.append(f"  {shift.title} {shift.span}：{'、'.join(shift.people) or '（无人）'}")
        if day.away:
            lines.append("  请假/出差：" + "、".join(f"{n}（{w}）" for n, w in day.away))
    grid = [["姓名", *WEEKDAYS], *([p.name, *p.cells] for p in report.people)]
    lines += ["", "按人员", *(f"  {line}" for line in aligned(grid))]
    if report.swaps:
        lines += ["", "已应用的调班"] + [f"  {s}" for s in report.swaps]
    lines += ["", "问题" if report.problems else "没有问题。"]
    lines += [f"  {p.format()}" for p in report.problems]
    return "\n".join(lines)


def _roster_json(report: RosterReport) -> str:
    return dumps({
        "week": report.week, "channels": report.channels,
        "days": [{"date": d.date.isoformat(), "weekday": d.weekday, "workday": d.workday,
                  "calendar": d.calendar,
                  "shifts": [{"key": s.key, "title": s.title, "time": s.span,
                              "people": list(s.people)} for s in d.shifts],
                  "away": [{"name": n, "type": w} for n, w in d.away]} for d in report.days],
        "people": [{"id": p.id, "name": p.name, "days": list(p.cells)} for p in report.people],
        "swaps": report.swaps, "errors": report.errors,
        "problems": [p.to_dict() for p in report.problems]})


def _roster_markdown(report: RosterReport) -> str:
    from kefu.staff.terms import WEEKDAYS, week_span

    lines = [f"## 值班表 {week_span(report.week)}", "",
             "| 日期 | " + " | ".join(s.title for s in report.days[0].shifts) + " | 请假/出差 |",
             "|---|" + "---|" * (len(report.days[0].shifts) + 1)]
    for day in report.days:
        cells = ["、".join(map(md_text, s.people)) or "—" for s in day.shifts]
        away = "、".join(md_text(f"{n}（{w}）") for n, w in day.away) or "—"
        lines.append(f"| {day.date.isoformat()} {day.weekday} | " + " | ".join(cells)
                     + f" | {away} |")
    lines += ["", "| 姓名 | " + " | ".join(WEEKDAYS) + " |", "|---|" + "---|" * 7]
    lines += [f"| {md_text(p.name)} | " + " | ".join(p.cells) + " |" for p in report.people]
    if report.swaps:
        lines += ["", *(f"- {md_text(s)}" for s in report.swaps)]
    return "\n".join(lines) + "\n\n" + problems_markdown(report.problems)


def _staff_rows(report: StaffMonth) -> tuple[list[str], list[list[str]]]:
    from kefu.staff.terms import LEAVE_LABELS

    shifts = list(report.shift_titles)
    head = ["姓名", "值班天数", *(report.shift_titles[k] for k in shifts), LEAVE_HEAD,
            "出差（天）", "缺勤（天）", "补卡", "调出", "顶入", "交班"]
    rows = []
    for p in report.people:
        leave = "、".join(f"{LEAVE_LABELS.get(k, k)} {v}" for k, v in p.leave_days.items()) or "0"
        rows.append([p.name, str(p.duty_days), *(str(p.shifts.get(k, 0)) for k in shifts), leave,
                     str(p.trip_days), str(p.absent_days), str(p.punches), str(p.swaps_given),
                     str(p.swaps_taken), str(p.handovers)])
    return head, rows


def _proposal_line(p: Any) -> str:
    amount = f" {p.amount} 元" if p.amount is not None else ""
    return f"{p.name}（{p.person}）：{p.title}{amount}——{p.reason}；依据 {'、'.join(p.evidence)}"


def _staff_text(report: StaffMonth) -> str:
    head, rows = _staff_rows(report)
    lines = [f"{report.month} 值班与考勤汇总（{report.first.isoformat()} 至 "
             f"{report.last.isoformat()}；按已批准的调班、请假和出差计算）", ""]
    figures = [label not in ("姓名", LEAVE_HEAD) for label in head]  # counts: right-aligned
    lines += aligned([head, *rows], figures)
    if report.missing_weeks:
        lines += ["", "没有值班表的周（未计入值班天数）：" + "、".join(report.missing_weeks)]
    pending = report.open_proposals
    lines += ["", f"建议处罚 {len(pending)} 项（记录可以证明，尚未登记；由客服主管决定，"
                  "同意的运行所列命令登记奖惩记录）" if pending else "没有待决定的建议处罚。"]
    for p in pending:
        lines += [f"  {_proposal_line(p)}", f"    {p.command(report.recorded_by)}"]
    done = [p for p in report.proposals if p.accepted]
    if done:
        lines += ["", "已登记："] + [f"  {_proposal_line(p)} → {p.accepted}" for p in done]
    return "\n".join(lines)


def _staff_json(report: StaffMonth) -> str:
    return dumps({
        "month": report.month, "first": report.first.isoformat(),
        "last": report.last.isoformat(), "shifts": report.shift_titles,
        "people": [{"id": p.id, "name": p.name, "duty_days": p.duty_days, "shifts": p.shifts,
                    "leave_days": p.leave_days, "trip_days": p.trip_days,
                    "absent_days": p.absent_days, "punches": p.punches,
                    "swaps_given": p.swaps_given, "swaps_taken": p.swaps_taken,
                    "handovers": p.handovers} for p in report.people],
        "proposals": [{"person": p.person, "name": p.name, "rule": p.rule, "title": p.title,
                       "amount": p.amount, "evidence": list(p.evidence), "reason": p.reason,
                       "date": p.date.isoformat(), "accepted": p.accepted,
                       "command": p.command(report.recorded_by)} for p in report.proposals],
        "missing_weeks": report.missing_weeks})


def _staff_markdown(report: StaffMonth) -> str:
    head, rows = _staff_rows(report)
    align = ["---:" if label not in ("姓名", LEAVE_HEAD) else "---" for label in head]
    lines = [f"## {report.month} 值班与考勤汇总", "", "| " + " | ".join(head) + " |",
             "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
    if report.missing_weeks:
        lines += ["", "没有值班表的周：" + "、".join(report.missing_weeks)]
    lines += ["", "### 建议处罚（尚未登记）", ""]
    lines += [f"- {md_text(_proposal_line(p))}" for p in report.open_proposals] or ["没有。"]
    return "\n".join(lines) + "\n"


WRITERS = {
    "RosterReport": {"text": _roster_text, "json": _roster_json, "markdown": _roster_markdown},
    "StaffMonth": {"text": _staff_text, "json": _staff_json, "markdown": _staff_markdown},
}
