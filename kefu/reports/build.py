"""`build_report(ws, period)`: every section of a period's report, from the records."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from kefu import times
from kefu.kinds.ticket import CHANNEL_LABELS, LEVEL_LABELS, TYPE_LABELS
from kefu.privacy import mask
from kefu.problems import KefuError
from kefu.records import LoadResult, personal_values
from kefu.records.corpus import gc_paused
from kefu.sla import Milestone, milestones
from kefu.sla.summaries import deadlines
from kefu.times import SHANGHAI
from kefu.workspace import Workspace

from . import kpi
from .figures import (
    LATE,
    ON_TIME,
    OVERDUE,
    PENDING,
    STATE_LABELS,
    UNRECORDED,
    Counts,
    Stone,
    TicketView,
    by_owner,
    by_rule,
    label,
    local_day,
    median,
    percentile,
    product_model,
    stones_due,
    tally,
    type_label,
    views,
    workdays,
)
from .period import Period, month_period, previous_months
from .tables import (
    DATE,
    DAYS,
    INT,
    PCT,
    SCORE,
    TICKET,
    TIME,
    Chart,
    Column,
    Report,
    Section,
    Table,
)

TREND_MONTHS = 12
TOP = 10
STATE_COLUMNS = (
    Column("due", "到期", INT), Column("on_time", "按时完成", INT), Column("late", "逾期完成", INT),
    Column("overdue", "超期未完成", INT), Column("unrecorded", "结案未记录完成", INT),
    Column("pending", "未到期", INT), Column("rate", "按时率", PCT),
)
RULES_NOTE = (
    "到期：截止时间在本期内的时限（kefu.sla 按 records/sla.yml 与工作日历计算，"
    "与 kefu due 相同）。按时完成：完成事件不晚于截止时间；逾期完成：晚于截止时间"
    "（无论何时完成，都留在它到期的那个月）；超期未完成：统计时刻仍未完成、工单也未结案；"
    "结案未记录完成：工单已结案，却没有该时限的完成事件。按时率 = 按时完成 ÷"
    "（按时完成 + 逾期完成 + 超期未完成 + 结案未记录完成），未到期的不计。")
DAYS_NOTE = ("工作日数按 kefu due 的工作日历：从起算那天的下一天数到完成那天（当天完成为 0）。"
             "P90 为第 90 百分位数（最近秩法：从小到大排第 0.9 × 件数（向上取整）个）。")


def as_of_for(period: Period, now: dt.datetime) -> dt.datetime:
    """The report's moment (`now`); a period that has not begun is refused."""
    if now < period.start:
        raise KefuError(f"{period.title}还没有开始（现在是 {now:%Y-%m-%d %H:%M}）："
                        "请换一个已经开始的时间段。", "bad-period", 2)
    return now


def build_report(ws: Workspace, period: Period, now: dt.datetime | None = None,
                 loaded: LoadResult | None = None) -> Report:
    """The report of `period` as of `now` (default: the clock, KEFU_NOW honoured).

    `loaded`: the records already loaded (the site builds many reports from one load).
    """
    as_of = as_of_for(period, now or times.now())
    result = loaded if loaded is not None else ws.load()
    with gc_paused():  # every ticket is viewed and its milestones read: 100,000s of objects
        return _build(ws, period, as_of, result)


def _build(ws: Workspace, period: Period, as_of: dt.datetime, result: LoadResult) -> Report:
    people = {r.id: str(r.data.get("name") or r.id) for r in result.of_kind("person")}
    active = [r.id for r in result.of_kind("person") if r.data.get("active", True)]
    dealers = {r.id: str(r.data.get("company") or r.id) for r in result.of_kind("dealer")}
    assessments = [r.data for r in result.of_kind("assessment")]
    tickets = views((r.data for r in result.of_kind("ticket")), as_of)
    report = Report(period, as_of, skipped_files=len({p.path for p in result.errors}))
    builder = Builder(ws, period, as_of, tickets, people, active, dealers, assessments, report,
                      deadlines(ws, result).of)
    builder.known = personal_values(result)
    builder.loaded = result
    builder.run()
    return report


class Builder:
    """Fills `report` section by section; holds what several sections share."""

    def __init__(self, ws: Workspace, period: Period, as_of: dt.datetime,
                 tickets: list[TicketView], people: Mapping[str, str], active: Sequence[str],
                 dealers: Mapping[str, str], assessments: Sequence[Mapping[str, Any]],
                 report: Report,
                 of: Callable[[Mapping[str, Any]], list[Milestone]] | None = None) -> None:
        self.ws, self.period, self.as_of, self.report = ws, period, as_of, report
        self._masked: dict[str, str] = {}
        self.rules, self.cal = ws.rules, ws.calendar
        # a ticket's milestones: kept in the records cache (kefu.sla.summaries), else computed
        self.milestones = of or (lambda ticket: milestones(ticket, self.rules, self.cal))
        self.people, self.active, self.dealers = people, active, dealers
        self.assessments = assessments
        self.tickets = tickets
        self.intake = [t for t in tickets if period.contains(t.data["received"])]
        # every event of the period once: (time, ticket type, action, ticket)
        self.events = [(e["at"], t.data.get("type"), e["action"], t) for t in tickets
                       if t.events and t.events[-1]["at"] >= period.start
                       for e in t.events if period.contains(e["at"])]
        closing = {id(t): t for _, _, action, t in self.events if action == "closed"}
        self.closed = list(closing.values())
        end = min(period.end, as_of)
        self.open_end = [t for t in tickets if t.data["received"] < end and not t.closed_by(end)]
        self.trend = previous_months(month_period(period.last), TREND_MONTHS)
        first = min(self.trend[0].start, period.start)
        stones = stones_due(tickets, self.milestones, first, period.end, as_of)
        self.stones = [s for s in stones if period.contains(s.due)]
        self.trend_stones = stones
        report.provisional = any(s.milestone.provisional for s in self.stones)

    known: Collection[str] = ()  # personal values of the records: masked in free text
    loaded: LoadResult | None = None  # every record, loaded once: the staff section reuses it

    def text(self, value: Any) -> str:
        """Free text of a record (a title) with personal data masked (titles repeat: memoized)."""
        key = str(value or "")
        done = self._masked.get(key)
        if done is None:
            done = self._masked[key] = mask(key, self.known)
        return done

    def name(self, person: Any) -> str:
        return self.people.get(str(person), str(person)) if person else "（未指定）"

    def run(self) -> None:
        for make in (self.summary, self.intake_section, self.flow_section, self.deadlines,
                     self.handling, self.complaints, self.seed_statistics, self.workload,
                     self.kpi, self.staff):
            section = make()
            if section is not None:
                self.report.sections.append(section)

    # -- 概览 ----------------------------------------------------------------------------------
    def summary(self) -> Section:
        counts = Counts()
        for stone in self.stones:
            counts.add(stone.state)
        rate = f"{counts.rate:.1%}" if counts.rate is not None else "—（本期没有已到期的时限）"
        state = "（本期尚未结束）" if not self.report.complete else ""
        notes = [
            f"统计时段：{self.period.title}；统计截至 {self.as_of:%Y-%m-%d %H:%M}"
            f"（北京时间）{state}。",
            f"本期受理 {len(self.intake)} 张工单，结案 {len(self.closed)} 张，"
            f"期末未结 {len(self.open_end)} 张；到期时限 {counts.due} 项，按时完成 "
            f"{counts.states[ON_TIME]} 项、逾期完成 {counts.states[LATE]} 项、超期未完成 "
            f"{counts.states[OVERDUE]} 项，按时率 {rate}。",
        ]
        if self.report.skipped_files:
            notes.append(f"有 {self.report.skipped_files} 个记录文件有错误，未计入："
                         "请运行 kefu validate 查看。")
        per_month: dict[tuple[int, int], Counts] = defaultdict(Counts)
        for stone in self.trend_stones:
            due = local_day(stone.due)
            per_month[due.year, due.month].add(stone.state)
        intake: Counter[tuple[int, int]] = Counter()
        for t in self.tickets:  # every ticket: a (year, month) key, no string formatting
            day = t.data["received"].astimezone(SHANGHAI)
            intake[day.year, day.month] += 1
        rows: list[list[Any]] = []
        for month in self.trend:
            key = (month.first.year, month.first.month)
            c = per_month[key]
            rows.append([f"{month.first:%Y-%m}", intake[key], c.due, c.states[ON_TIME], c.rate])
        table = Table("trend", f"近 {TREND_MONTHS} 个月趋势", [
            Column("month", "月份"), Column("intake", "受理", INT), Column("due", "到期时限", INT),
            Column("on_time", "按时完成", INT), Column("rate", "按时率", PCT)], rows,
            note="受理按收到时间所在月份；按时率按时限到期的月份统计，完成情况截至统计时刻。")
        chart = Chart("trend", "trend", f"近 {TREND_MONTHS} 个月受理量与按时率",
                      [r[0][2:].replace("-", "/") for r in rows],
                      [("受理量", [r[1] for r in rows])], unit="工单（张）",
                      rate=[r[4] for r in rows],
                      description="每月受理的工单数（柱）和到期时限的按时率（折线，右侧刻度）：" +
                      "；".join(f"{r[0]} 受理 {r[1]} 张、按时率 "
                               f"{'—' if r[4] is None else f'{r[4]:.0%}'}" for r in rows))
        return Section("summary", "概览", notes, [table], [chart])

    # -- 受理 ----------------------------------------------------------------------------------
    def intake_section(self) -> Section:
        types = Counter(str(t.get("type")) for t in self.intake)
        channels = Counter(str(t.get("channel")) for t in self.intake)
        dealer_rows = tally(self.dealers.get(str(t.get("dealer")), str(t.get("dealer")))
                            if t.get("dealer") else "（无代理商）" for t in self.intake)
        tables = [
            Table("intake_type", "按类型", [Column("type", "类型"), Column("count", "受理", INT)],
                  [[name, types[code]] for code, name in TYPE_LABELS.items()]),
            Table("intake_channel", "按来源渠道",
                  [Column("channel", "渠道"), Column("count", "受理", INT)],
                  [[name, channels[code]] for code, name in CHANNEL_LABELS.items()]),
            Table("intake_dealer", "按代理商", [Column("dealer", "代理商"),
                                              Column("count", "受理", INT)],
                  [[name, n] for name, n in dealer_rows],
                  note="代理商按档案中的公司名称；没有代理商的工单（热线顾客等）单列。"),
        ]
        return Section("intake", "受理", [f"本期受理 {len(self.intake)} 张工单（按收到时间）。"],
                       tables)

    def flow_section(self) -> Section:
        received = Counter(str(t.get("type")) for t in self.intake)
        closed = Counter(str(t.get("type")) for t in self.closed)
        still = Counter(str(t.get("type")) for t in self.open_end)
        rows = [[name, received[c], closed[c], still[c]] for c, name in TYPE_LABELS.items()]
        rows.append(["合计", len(self.intake), len(self.closed), len(self.open_end)])
        table = Table("flow", "受理、结案与期末未结", [
            Column("type", "类型"), Column("received", "本期受理", INT),
            Column("closed", "本期结案", INT), Column("open_end", "期末未结", INT)], rows,
            note="本期结案：本期内有结案事件的工单（不论何时受理）；"
                 "期末未结：本期结束时（进行中的时段为统计时刻）已受理、未结案的全部工单。")
        return Section("flow", "结案与未结", [], [table])

    # -- 时限 ----------------------------------------------------------------------------------
    def deadlines(self) -> Section:
        rules = by_rule(self.stones)
        rule_rows = [[rule.title, rule.term_text, *self._states(rules[rid])]
                     for rid, rule in self.rules.items() if rid in rules]
        owners = by_owner(self.stones)
        person_rows = [[self.name(p), *self._states(c)] for p, c in
                       sorted(owners.items(), key=lambda kv: (-kv[1].due, self.name(kv[0])))]
        total = Counts()
        for stone in self.stones:
            total.add(stone.state)
        rule_rows.append(["合计", "", *self._states(total)])
        missed = sorted((s for s in self.stones if s.state in (LATE, OVERDUE, UNRECORDED)),
                        key=lambda s: (s.due, str(s.ticket.get("id"))))
        late_rows = []
        for stone in missed:
            done = stone.milestone.met_at
            end = done if done is not None else self.as_of
            late = None if stone.state == UNRECORDED else workdays(self.cal, stone.due, end)
            late_rows.append([str(stone.ticket.get("id")), type_label(stone.ticket.get("type")),
                              self.text(stone.ticket.get("title")),
                              self.name(stone.ticket.get("owner")),
                              self.rules[stone.milestone.rule].title, stone.due, done,
                              late, STATE_LABELS[stone.state]])
        tables = [
            Table("deadlines_rule", "按时限规则", [Column("rule", "时限规则"),
                                              Column("term", "时限"), *STATE_COLUMNS],
                  rule_rows, note=RULES_NOTE),
            Table("deadlines_person", "按负责人", [Column("person", "负责人"), *STATE_COLUMNS],
                  person_rows, note="时限算在工单的负责人（owner）名下。"),
            Table("deadlines_missed", "逾期完成、超期未完成与结案未记录完成的时限", [
                Column("ticket", "工单", TICKET), Column("type", "类型"), Column("title", "标题"),
                Column("owner", "负责人"), Column("rule", "时限规则"), Column("due", "截止", TIME),
                Column("done", "完成", TIME), Column("late_days", "超出工作日", INT),
                Column("state", "情况")], late_rows,
                note="超出工作日：从截止那天数到完成那天（未完成的数到统计时刻）的工作日数；"
                     "逾期完成的时限留在它到期的月份里，完成后也一直显示。",
                empty="本期到期的时限都按时完成了。"),
        ]
        notes = []
        if self.report.provisional:
            notes.append("部分截止时间落在尚未公布放假安排的年份，按法定节假日规则推算，为暂定。")
        return Section("deadlines", "时限完成情况", notes, tables)

    @staticmethod
    def _states(counts: Counts) -> list[Any]:
        s = counts.states
        return [counts.due, s[ON_TIME], s[LATE], s[OVERDUE], s[UNRECORDED], s[PENDING],
                counts.rate]

    # -- 办理时长 -------------------------------------------------------------------------------
    def handling(self) -> Section:
        by_type: dict[str, list[int]] = defaultdict(list)
        for view in self.closed:
            closing = [e for e in view.actions_in(self.period) if e["action"] == "closed"][-1]
            by_type[str(view.get("type"))].append(
                workdays(self.cal, view.data["received"], closing["at"]))
        by_rule_days: dict[str, list[int]] = defaultdict(list)
        touched = {id(t): t for _, _, _, t in self.events}
        for view in touched.values():
            for stone in self.milestones(view.data):
                if stone.met_at is not None and self.period.contains(stone.met_at):
                    by_rule_days[stone.rule].append(workdays(self.cal, stone.start, stone.met_at))
        columns = [Column("count", "件数", INT), Column("median", "中位数（工作日）", DAYS),
                   Column("p90", "P90（工作日）", DAYS)]
        type_rows: list[list[Any]] = [
            [name, len(by_type[c]), median(by_type[c]), percentile(by_type[c], 0.9)]
            for c, name in TYPE_LABELS.items() if by_type[c]]
        rule_rows = [[rule.title, len(by_rule_days[rid]), median(by_rule_days[rid]),
                      percentile(by_rule_days[rid], 0.9)]
                     for rid, rule in self.rules.items() if by_rule_days[rid]]
        tables = [
            Table("handling_type", "按类型：从收到到结案", [Column("type", "类型"), *columns],
                  type_rows, note="本期结案的工单，从收到到结案。" + DAYS_NOTE,
                  empty="本期没有结案的工单。"),
            Table("handling_rule", "按时限规则：从起算到完成",
                  [Column("rule", "时限规则"), *columns],
                  rule_rows, note="本期内完成的时限，从起算事件到完成事件。" + DAYS_NOTE,
                  empty="本期没有完成的时限。"),
        ]
        charts = []
        if type_rows:
            charts.append(Chart(
                "handling", "grouped", "办理时长（从收到到结案，工作日）",
                [r[0] for r in type_rows],
                [("中位数", [r[2] for r in type_rows]), ("P90", [r[3] for r in type_rows])],
                unit="工作日", description="本期结案工单的办理时长：" + "；".join(
                    f"{r[0]} 中位数 {r[2]:g}、P90 {r[3]} 个工作日（{r[1]} 张）"
                    for r in type_rows)))
        return Section("handling", "办理时长", [], tables, charts)

    # -- 投诉 ----------------------------------------------------------------------------------
    def complaints(self) -> Section:
        complaints = [t for t in self.intake if t.get("type") == "complaint"]
        levels = Counter(str(t.get("level")) for t in complaints)
        level_rows = [[name, levels[code]] for code, name in LEVEL_LABELS.items()]
        departments: dict[str, Counter[str]] = defaultdict(Counter)
        for t in complaints:
            departments[label({}, t.get("department"))][str(t.get("level"))] += 1
        dept_rows = [[dept, sum(c.values()), *(c[code] for code in LEVEL_LABELS)]
                     for dept, c in sorted(departments.items(),
                                           key=lambda kv: (-sum(kv[1].values()), kv[0]))]
        causes = tally(self.text(t.get("title")) for t in complaints)[:TOP]
        products = tally(product_model(t.get("product")) for t in complaints)[:TOP]
        critical = [t for t in complaints if t.get("level") == "critical"]
        case_rows = [[str(t.get("id")), self.text(t.get("title")), label({}, t.get("department")),
                      self.name(t.get("owner")), t.get("agreed_due"),
                      "已结案" if t.closed else "未结案"] for t in critical]
        tables = [
            Table("complaint_level", "按等级", [Column("level", "等级"),
                                             Column("count", "受理", INT)], level_rows),
            Table("complaint_department", "按责任部门", [
                Column("department", "责任部门"), Column("count", "受理", INT),
                *(Column(code, name, INT) for code, name in LEVEL_LABELS.items())], dept_rows,
                note="责任部门取工单的 department 字段。", empty="本期没有投诉。"),
            Table("complaint_cause", f"主要原因（前 {TOP} 位）",
                  [Column("cause", "原因（工单标题）"), Column("count", "件数", INT)],
                  [list(r) for r in causes],
                  note="工单没有单独的原因字段：按标题（title 字段）归类，"
                       "标题相同的投诉算同一原因。",
                  empty="本期没有投诉。"),
            Table("complaint_product", f"涉及产品（前 {TOP} 位）",
                  [Column("product", "产品型号"), Column("count", "件数", INT)],
                  [list(r) for r in products],
                  note="取 product 字段中“/”之前的型号。", empty="本期没有投诉。"),
            Table("complaint_compensation", "涉及赔偿的投诉（特别严重）", [
                Column("ticket", "工单", TICKET), Column("title", "标题"),
                Column("department", "责任部门"), Column("owner", "负责人"),
                Column("agreed_due", "约定期限", TIME), Column("state", "状态")], case_rows,
                note="服务手册 6.6：情节特别严重、涉及费用赔偿的投诉（等级 critical），"
                     "以工单的约定期限为准。",
                empty="本期没有涉及赔偿的投诉。"),
        ]
        return Section("complaints", "投诉分析", [f"本期受理投诉 {len(complaints)} 件。"], tables)

    # -- 返修、DOA、热线（服务手册 2.7、2.10、4.1.3）---------------------------------------------
    def seed_statistics(self) -> Section:
        weeks = self.period.weeks()
        specs = (
            ("repair", "返修（周统计）", "repair", (
                ("received", "收到返修品"), ("inspected", "验收核对"),
                ("sent-to-factory", "寄往工厂"), ("returned", "寄回代理商"), ("closed", "结案")),
             "服务手册 2.7：按周统计分析售后返修数据，并做月度汇总。"
             "收到返修品按工单收到时间，其余按事件时间。"),
            ("doa", "DOA 换新（周统计）", "doa", (
                ("received", "收到申请"), ("approved", "审批通过"),
                ("unit-received", "收到不良品"), ("shipped", "新品寄出"), ("closed", "结案")),
             "服务手册 3.3 与 2.7：DOA 新品换货的申请、审批、收货与寄出台数（一张工单一台）。"),
        )
        tables = []
        for key, title, ttype, actions, note in specs:
            rows = []
            for week in [*weeks, self.period]:
                row: list[Any] = [_week_label(week) if week is not self.period else "合计"]
                for action, _ in actions:
                    row.append(self._count(ttype, action, week))
                rows.append(row)
            tables.append(Table(key, title, [Column("week", "周"),
                                             *(Column(a.replace("-", "_"), n, INT)
                                               for a, n in actions)], rows, note=note))
        rows = []
        for week in [*weeks, self.period]:
            inquiries = [t for t in self.intake if t.get("type") == "inquiry"
                         and week.contains(t.data["received"])]
            channels = Counter(str(t.get("channel")) for t in inquiries)
            rows.append([_week_label(week) if week is not self.period else "合计",
                         channels["hotline"], channels["email"],
                         len(inquiries) - channels["hotline"] - channels["email"],
                         self._count("inquiry", "replied", week)])
        tables.append(Table("hotline", "热线与邮件咨询（周统计）", [
            Column("week", "周"), Column("hotline", "热线电话", INT),
            Column("email", "电子邮件", INT),
            Column("other", "其他渠道", INT), Column("replied", "已答复", INT)], rows,
            note="服务手册 2.10、4.1.3：按周统计热线电话及邮件咨询数据，并做月度汇总。"))
        inquiries = [t for t in self.intake if t.get("type") == "inquiry"]
        category_rows = [[name, n, n / len(inquiries)]
                         for name, n in tally(self.text(t.get("title")) for t in inquiries)]
        tables.append(Table("inquiry_category", "咨询类别与咨询率", [
            Column("category", "类别（工单标题）"), Column("count", "件数", INT),
            Column("share", "占比", PCT)], category_rows,
            note="各类别咨询率（服务手册 4.1.3）：按咨询工单的标题归类，占本期全部咨询的比例。",
            empty="本期没有咨询。"))
        return Section("service", "返修、DOA 与热线", [], tables)

    def _count(self, ttype: str, action: str, span: Period) -> int:
        if action == "received":
            return sum(1 for t in self.intake if t.get("type") == ttype
                       and span.contains(t.data["received"]))
        return sum(1 for at, kind, done, _ in self.events
                   if kind == ttype and done == action and span.contains(at))

    # -- 人员工作量 -------------------------------------------------------------------------------
    def workload(self) -> Section:
        received = Counter(str(t.get("owner")) for t in self.intake)
        closed = Counter(str(t.get("owner")) for t in self.closed)
        still = Counter(str(t.get("owner")) for t in self.open_end)
        owners = by_owner(self.stones)
        persons = sorted(set(received) | set(closed) | set(still) | set(owners),
                         key=lambda p: (-received[p] - still[p], self.name(p)))
        rows: list[list[Any]] = [[self.name(p), received[p], closed[p], still[p], owners[p].due,
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
    def kpi(self) -> Section | None:
        title = "绩效考核（KPI）"
        if self.period.kind != "month":
            return Section("kpi", title, ["KPI 按自然月考核：请用 --month 查看。"])
        parts = kpi.load_parts(self.ws.root)
        if parts is None:
            return Section("kpi", title, ["没有 records/kpi.yml（绩效考核权重），无法计算 KPI。"])
        month = f"{self.period.first:%Y-%m}"
        given = {str(a.get("person")): a for a in self.assessments if a.get("month") == month}
        owners: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
        for stone in self.stones:
            for part in parts:
                if part.source == "records" and stone.ticket.get("type") in part.types:
                    owners[str(stone.ticket.get("owner"))][part.id].add(stone.state)
        persons = sorted(set(self.active) | set(owners) | set(given), key=self.name)
        rows, detail = [], []
        for person in persons:
            scores: dict[str, float | None] = {}
            for part in parts:
                if part.source == "records":
                    counts = owners[person][part.id]
                    rate = counts.rate
                    scores[part.id] = round(rate * 100, 1) if rate is not None else None
                    detail.append([self.name(person), part.title, counts.resolved,
                                   counts.states[ON_TIME], scores[part.id]])
                else:
                    value = (given.get(person) or {}).get("scores") or {}
                    score = value.get(part.id) if isinstance(value, Mapping) else None
                    scores[part.id] = float(score) if score is not None else None
            missing = [p.title for p in parts if scores[p.id] is None]
            rows.append([self.name(person), *(scores[p.id] for p in parts),
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
            Table("kpi", f"{self.period.title} KPI", columns, rows, empty="没有在职员工。"),
            Table("kpi_measured", "由记录计算的考核项", [
                Column("person", "员工"), Column("part", "考核项"),
                Column("resolved", "计入时限", INT), Column("on_time", "按时完成", INT),
                Column("score", "得分", SCORE)], detail),
        ]
        return Section("kpi", title, notes, tables)

    # -- 值班与考勤（kefu staff）----------------------------------------------------------------
    def staff(self) -> Section:
        """Duty days, leave, trips, 补卡, swaps and the proposed penalties of `kefu staff`."""
        from kefu.staff.book import StaffBook
        from kefu.staff.summary import summarize
        from kefu.staff.terms import LEAVE_LABELS

        title = "值班、请假与补卡"
        if self.period.kind != "month":
            return Section("staff", title, ["值班与考勤按自然月汇总：请用 --month 查看。"])
        try:
            book = (StaffBook.from_result(self.ws, self.loaded) if self.loaded is not None
                    else StaffBook.load(self.ws)[0])
        except KefuError as err:  # no (valid) records/staff-rules.yml: the rest still reports
            if err.slug != "staff-rules-invalid":
                raise
            return Section("staff", title, [f"暂无数据：{err.message.splitlines()[0]}"])
        month = summarize(book, self.period.first)
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


def _week_label(week: Period) -> str:
    year, number, _ = week.first.isocalendar()
    return f"第 {number} 周（{week.first:%m-%d}—{week.last:%m-%d}）"


__all__ = ["Builder", "Stone", "as_of_for", "build_report"]
