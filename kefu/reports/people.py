"""The report's sections about people: workload per owner, the KPI sheet, the staff month."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kefu.collation import name_key
from kefu.problems import KefuError

from . import kpi
from .figures import ON_TIME, Counts, by_owner, type_label
from .tables import DATE, INT, PCT, SCORE, Chart, Column, Section, Table

if TYPE_CHECKING:
    from .build import Builder


# -- 人员工作量 -------------------------------------------------------------------------------
def workload(b: Builder) -> Section:
    received = Counter(str(t.get("owner")) for t in b.intake)
    closed = Counter(str(t.get("owner")) for t in b.closed)
    still = Counter(str(t.get("owner")) for t in b.open_end)
    owners = by_owner(b.stones)
    persons = sorted(set(received) | set(closed) | set(still) | set(owners),
                     key=lambda p: (name_key(b.name(p)), p))
    rows: list[list[Any]] = [[b.name(p), received[p], closed[p], still[p], owners[p].due,
                              owners[p].states[ON_TIME], owners[p].rate] for p in persons]
    table = Table("workload", "人员工作量", [
        Column("person", "负责人"), Column("received", "本期新接", INT),
        Column("closed", "本期结案", INT), Column("open_end", "期末未结", INT),
        Column("due", "到期时限", INT), Column("on_time", "按时完成", INT),
        Column("rate", "按时率", PCT)], rows, note="按工单的负责人（owner）统计。",
        empty="本期没有工单。")
    charts = []
    if rows:
        charts.append(Chart("workload", "grouped", "人员工作量（张）", [r[0] for r in rows],
                            [("本期新接", [r[1] for r in rows]),
                             ("期末未结", [r[3] for r in rows])], unit="工单（张）",
                            description="每人本期新接与期末未结的工单数：" + "；".join(
                                f"{r[0]} 新接 {r[1]}、未结 {r[3]}" for r in rows)))
    return Section("workload", "人员工作量", [], [table], charts)

# -- KPI -----------------------------------------------------------------------------------
def kpi_sheet(b: Builder) -> Section | None:
    title = "绩效考核（KPI）"
    if b.period.kind != "month":
        return Section("kpi", title, ["KPI 按自然月考核：请用 --month 查看。"])
    parts = kpi.load_parts(b.ws.root)
    if parts is None:
        return Section("kpi", title, ["没有 records/kpi.yml（绩效考核权重），无法计算 KPI。"])
    month = f"{b.period.first:%Y-%m}"
    given = {str(a.get("person")): a for a in b.assessments if a.get("month") == month}
    owners: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
    for stone in b.stones:
        for part in parts:
            if part.source == "records" and stone.ticket.get("type") in part.types:
                owners[str(stone.ticket.get("owner"))][part.id].add(stone.state)
    persons = sorted(set(b.active) | set(owners) | set(given),
                     key=lambda p: (name_key(b.name(p)), p))
    rows, detail = [], []
    for person in persons:
        scores: dict[str, float | None] = {}
        for part in parts:
            if part.source == "records":
                counts = owners[person][part.id]
                rate = counts.rate
                scores[part.id] = round(rate * 100, 1) if rate is not None else None
                detail.append([b.name(person), part.title, counts.resolved,
                               counts.states[ON_TIME], scores[part.id]])
            else:
                value = (given.get(person) or {}).get("scores") or {}
                score = value.get(part.id) if isinstance(value, Mapping) else None
                scores[part.id] = float(score) if score is not None else None
        missing = [p.title for p in parts if scores[p.id] is None]
        rows.append([b.name(person), *(scores[p.id] for p in parts),
                     kpi.weighted_total(parts, scores),
                     "缺：" + "、".join(missing) if missing else "齐全"])
    columns = [Column("person", "员工"),
               *(Column(p.id, f"{p.title}（{p.weight}%）", SCORE) for p in parts),
               Column("total", "加权总分", SCORE), Column("complete", "各项")]
    measured = "；".join(f"{p.title}：本人负责、本月到期的" + "、".join(
        type_label(t) for t in p.types) + "工单时限的按时率 × 100" for p in parts
        if p.source == "records")
    assessed = "、".join(p.title for p in parts if p.source == "assessment")
    notes = [
        "权重来自 records/kpi.yml（淘宝客服专员岗位职责与工作规范，三、绩效考核："
        + "、".join(f"{p.title} {p.weight}%" for p in parts) + "）。",
        f"由记录计算：{measured}（按时率的算法同“时限完成情况”；"
        "当月没有这类时限时该项空缺）。",
        f"主管评分：{assessed}，取自当月的绩效评分记录 records/assessments/"
        "（kefu new assessment）。",
        "加权总分 = Σ 权重 × 得分 ÷ 100，只在各项都有得分时给出。",
    ]
    tables = [
        Table("kpi", f"{b.period.title} KPI", columns, rows, empty="没有在职员工。"),
        Table("kpi_measured", "由记录计算的考核项", [
            Column("person", "员工"), Column("part", "考核项"),
            Column("resolved", "计入时限", INT), Column("on_time", "按时完成", INT),
            Column("score", "得分", SCORE)], detail),
    ]
    return Section("kpi", title, notes, tables)

# -- 值班与考勤（kefu staff）----------------------------------------------------------------
def staff(b: Builder) -> Section:
    """Duty days, leave, trips, 补卡, swaps and the proposed penalties of `kefu staff`."""
    from kefu.staff.book import StaffBook
    from kefu.staff.summary import summarize
    from kefu.staff.terms import LEAVE_LABELS

    title = "值班、请假与补卡"
    if b.period.kind != "month":
        return Section("staff", title, ["值班与考勤按自然月汇总：请用 --month 查看。"])
    try:
        book = (StaffBook.from_result(b.ws, b.loaded) if b.loaded is not None
                else StaffBook.load(b.ws)[0])
    except KefuError as err:  # no (valid) records/staff-rules.yml: the rest still reports
        if err.slug != "staff-rules-invalid":
            raise
        return Section("staff", title, [f"暂无数据：{err.message.splitlines()[0]}"])
    month = summarize(book, b.period.first)
    shifts = list(month.shift_titles)
    people = Table("staff", "值班与考勤", [
        Column("person", "员工"), Column("duty_days", "值班天数", INT),
        *(Column(f"shift_{k}", month.shift_titles[k], INT) for k in shifts),
        Column("leave", "请假（天）"), Column("trip_days", "出差（天）", INT),
        Column("absent_days", "缺勤（天）", INT), Column("punches", "补卡", INT),
        Column("swaps_given", "调出", INT), Column("swaps_taken", "顶入", INT),
        Column("handovers", "交班", INT)],
        [[p.name, p.duty_days, *(p.shifts.get(k, 0) for k in shifts),
          "、".join(f"{LEAVE_LABELS.get(k, k)} {v}" for k, v in p.leave_days.items())
          or "0", p.trip_days, p.absent_days, p.punches, p.swaps_given, p.swaps_taken,
          p.handovers] for p in month.people],
        note="来自 kefu staff：按已批准的调班、请假和出差修正后的值班表计算。",
        empty="本月没有值班记录。")
    proposals = Table("staff_proposals", "建议处罚（记录可以证明，由客服主管决定）", [
        Column("person", "员工"), Column("rule", "条款"), Column("amount", "金额（元）", INT),
        Column("date", "日期", DATE), Column("reason", "理由"), Column("evidence", "依据"),
        Column("accepted", "已登记")],
        [[p.name, p.title, p.amount, p.date, p.reason, "、".join(p.evidence),
          p.accepted or "待决定"] for p in month.proposals],
        note="只是建议：同意的由客服主管用 kefu new sanction 登记奖惩记录"
             "（kefu staff 列出命令）。",
        empty="没有建议处罚。")
    notes = []
    if month.missing_weeks:
        notes.append("这些周没有值班表，未计入值班天数："
                     + "、".join(month.missing_weeks) + "。")
    return Section("staff", title, notes, [people, proposals])
