"""The report's sections about people: workload per owner, the KPI sheet, the staff month."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from kefu.collation import name_key
from kefu.problems import KefuError

from . import kpi
from .figures import ON_TIME, Counts, by_owner
from .tables import DATE, INT, PCT, Chart, Column, Section, Table

if TYPE_CHECKING:
    from .build import Builder


# -- 人员工作量 -------------------------------------------------------------------------------
def workload(b: Builder) -> Section:
    received = Counter(str(t.get("owner")) for t in b.intake)
    closed = Counter(str(t.get("owner")) for t in b.closed)
    still = b.open_by("owner")
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
    """Each person's month as kefu.reports.kpi reads it: post, measured deadlines, given scores."""
    if b.period.kind != "month":
        return Section("kpi", "绩效考核（KPI）", ["KPI 按自然月考核：请用 --month 查看。"])
    rules = kpi.load_rules(b.ws.root)
    if rules is None:
        return Section("kpi", "绩效考核（KPI）",
                       ["没有 records/kpi.yml（绩效考核规则），无法计算 KPI。"])
    month = f"{b.period.first:%Y-%m}"
    given = {str(a.get("person")): a.get("scores") for a in b.assessments
             if a.get("month") == month}
    owners: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
    for stone in b.stones:
        for part in rules.parts:
            if part.source == "records" and stone.ticket.get("type") in part.types:
                owners[str(stone.ticket.get("owner"))][part.id].add(stone.state)
    roles = {r.id: r.data.get("role") for r in b.loaded.of_kind("person")} if b.loaded else {}
    persons = sorted(set(b.active) | set(owners) | set(given),
                     key=lambda p: (name_key(b.name(p)), p))
    return kpi.section(rules, b.period.title, [kpi.Person(
        b.name(p), roles.get(p),
        {k: kpi.Tally(c.resolved, c.states[ON_TIME]) for k, c in owners[p].items()},
        {k: float(v) for k, v in (given.get(p) or {}).items() if v is not None})
        for p in persons])

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
