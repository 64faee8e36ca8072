"""`build_report(ws, period)`: every section of a period's report, from the records."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Literal

from kefu import times
from kefu.collation import name_key
from kefu.index import query
from kefu.index.milestones import deadlines, ensure, fetched
from kefu.index.store import Index
from kefu.kinds.ticket import CHANNEL_LABELS, TYPE_LABELS
from kefu.privacy import mask
from kefu.problems import KefuError
from kefu.records import LoadResult, personal_values
from kefu.records.corpus import gc_paused
from kefu.workspace import Workspace

from . import people, service
from .figures import (
    LATE,
    ON_TIME,
    OVERDUE,
    PENDING,
    STATE_LABELS,
    UNRECORDED,
    Counts,
    Stone,
    by_owner,
    by_rule,
    median,
    moment,
    percentile,
    tally,
    type_label,
    workdays,
)
from .period import Period, month_period, previous_months
from .tables import (
    DAYS,
    INT,
    PCT,
    TICKET,
    TIME,
    Chart,
    Column,
    Report,
    Section,
    Table,
)
from .view import Of, Sifted, Unread, scope, sift, typed_ticket, unread

TREND_MONTHS = 12
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


def trend_months(period: Period, first: dt.datetime | None) -> list[Period]:
    """The trend's months: the twelve ending with the period's last month, from the month of
    the first ticket (`first`) on: a department new to kefu has no months before it to show."""
    months = previous_months(month_period(period.last), TREND_MONTHS)
    return [m for m in months if first is not None and m.end > first] or months[-1:]


def load_for(ws: Workspace) -> LoadResult:
    """Every record as a report reads them: tickets as JSON gives them, times as ISO text (only
    those the period's tables show are typed, see Builder), and held back where the index is
    on disk: a report reads only the tickets that may touch its period (`_fetch`)."""
    return ws.load(raw={"ticket"}, held={"ticket"})


def build_report(ws: Workspace, period: Period, now: dt.datetime | None = None,
                 loaded: LoadResult | None = None) -> Report:
    """The report of `period` as of `now` (default: the clock, KEFU_NOW honoured).

    `loaded`: the records already loaded (the site builds many reports from one load).
    """
    as_of = as_of_for(period, now or times.now())
    result = loaded if loaded is not None else load_for(ws)
    with gc_paused():  # every ticket is viewed and its milestones read: 100,000s of objects
        return _build(ws, period, as_of, result)


def _build(ws: Workspace, period: Period, as_of: dt.datetime, result: LoadResult) -> Report:
    people = {r.id: str(r.data.get("name") or r.id) for r in result.of_kind("person")}
    active = [r.id for r in result.of_kind("person") if r.data.get("active", True)]
    dealers = {r.id: str(r.data.get("company") or r.id) for r in result.of_kind("dealer")}
    assessments = [r.data for r in result.of_kind("assessment")]
    report = Report(period, as_of, skipped_files=len({p.path for p in result.errors}))
    report.department = next((str(r.data["department"]) for r in result.of_kind("department")
                              if r.data.get("department")), report.department)
    typed = typed_ticket if "ticket" in result.raw else None
    with result.index() as ix:
        if "ticket" in result.held:
            if ix is None:  # the index moved on since the load (another run): every ticket
                return _build(ws, period, as_of, ws.load(raw={"ticket"}))
            trend = trend_months(period, query.first_received(ix))
            tickets, of, counted = _fetch(ws, ix, period, as_of, trend)
        else:
            of = deadlines(ws, result).of  # the loaded tickets' kept in the index
            tickets, counted = [(r.id, r.data) for r in result.of_kind("ticket")], None
            trend = trend_months(period, min(
                (when for _, data in tickets if (when := moment(data.get("received")))),
                default=None))
        sifted = sift(ix, tickets, period, as_of, trend, of, typed, counted)
    builder = Builder(ws, period, as_of, sifted, trend, people, active, dealers, assessments,
                      report, of)
    builder.known = personal_values(result)
    builder.loaded = result
    builder.run()
    return report


def _fetch(ws: Workspace, ix: Index, period: Period, as_of: dt.datetime,
           trend: Sequence[Period]) -> tuple[list[tuple[str, Any]], Of, Unread]:
    """The tickets that may touch `period` (id, data as JSON gives it), read from the index,
    their deadlines, and what the index counts of the others (kefu.reports.view)."""
    ensure(ix, ws.root, ws.rules, ws.calendar)  # the quiet ones are told by them
    counted = unread(ix, scope(period, as_of, trend))
    tickets = [(r.id, r.data) for r in query.records(ix, ws.root, ["ticket"], raw={"ticket"},
                                                       ids=counted.heard)]
    return tickets, fetched(ws, ix, tickets).of, counted


class Builder:
    """Fills `report` section by section; holds what several sections share.

    `sifted.viewed` holds the period's tickets viewed whole, not all (kefu.reports.view).
    """

    def __init__(self, ws: Workspace, period: Period, as_of: dt.datetime, sifted: Sifted,
                 trend: Sequence[Period], people: Mapping[str, str],
                 active: Sequence[str], dealers: Mapping[str, str],
                 assessments: Sequence[Mapping[str, Any]], report: Report, of: Of) -> None:
        self.ws, self.period, self.as_of, self.report = ws, period, as_of, report
        self._masked: dict[str, str] = {}
        self._event_times: dict[tuple[Any, Any], list[dt.datetime]] | None = None
        self._received_times: dict[Any, list[dt.datetime]] | None = None
        self.rules, self.cal = ws.rules, ws.calendar
        self.milestones = of  # a ticket's: kept in the index (kefu.index.milestones)
        self.people, self.active, self.dealers = people, active, dealers
        self.assessments = assessments
        self.trend = trend
        self.tickets, self.stones = sifted.viewed, sifted.stones
        self.per_month, self.intake_months = sifted.per_month, sifted.intake
        self.intake = [t for t in self.tickets if period.contains(t.data["received"])]
        # every event of the period once: (time, ticket type, action, ticket)
        self.events = [(e["at"], t.data.get("type"), e["action"], t) for t in self.tickets
                       if t.events and t.events[-1]["at"] >= period.start
                       for e in t.events if period.contains(e["at"])]
        closing = {id(t): t for _, _, action, t in self.events if action == "closed"}
        self.closed = list(closing.values())
        end = min(period.end, as_of)
        self.open_end = [t for t in self.tickets
                         if t.data["received"] < end and not t.closed_by(end)]
        self.open_quiet = sifted.still_open  # open since before the period, not viewed
        self.open_total = len(self.open_end) + sum(self.open_quiet.values())
        report.provisional = any(s.milestone.provisional for s in self.stones)

    known: Collection[str] = ()  # personal values of the records: masked in free text
    loaded: LoadResult | None = None  # every record, loaded once: the staff section reuses it

    def received_times(self, ticket_type: str) -> list[dt.datetime]:
        """Times the period's tickets of one type were received."""
        if self._received_times is None:
            self._received_times = defaultdict(list)
            for view in self.intake:
                self._received_times[view.get("type")].append(view.data["received"])
        return self._received_times.get(ticket_type, [])

    def event_times(self, ticket_type: str, action: str) -> list[dt.datetime]:
        """Times of the period's events of one action on tickets of one type."""
        if self._event_times is None:
            self._event_times = defaultdict(list)
            for at, kind, done, _ in self.events:
                self._event_times[kind, done].append(at)
        return self._event_times.get((ticket_type, action), [])

    def text(self, value: Any) -> str:
        """Free text of a record (a title) with personal data masked (titles repeat: memoized)."""
        key = str(value or "")
        done = self._masked.get(key)
        if done is None:
            done = self._masked[key] = mask(key, self.known)
        return done

    def open_by(self, name: Literal["type", "owner"]) -> Counter[str]:
        """The tickets open at the period's end by their type or owner, as str() gives it:
        those viewed and the quiet ones the index counted (by type and owner together)."""
        at = ("type", "owner").index(name)  # ValueError for any other field: not counted
        found = Counter(str(t.get(name)) for t in self.open_end)
        for pair, count in self.open_quiet.items():
            found[pair[at]] += count
        return found

    def name(self, person: Any) -> str:
        return self.people.get(str(person), str(person)) if person else "（未指定）"

    def run(self) -> None:
        own = (self.summary, self.intake_section, self.flow_section, self.deadlines,
               self.handling)
        elsewhere = (service.complaints, service.seed_statistics, people.workload,
                     people.kpi_sheet, people.staff)
        for section in [*(make() for make in own), *(make(self) for make in elsewhere)]:
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
            f"期末未结 {self.open_total} 张；到期时限 {counts.due} 项，按时完成 "
            f"{counts.states[ON_TIME]} 项、逾期完成 {counts.states[LATE]} 项、超期未完成 "
            f"{counts.states[OVERDUE]} 项，按时率 {rate}。",
        ]
        if self.report.skipped_files:
            notes.append(f"有 {self.report.skipped_files} 个记录文件有错误，未计入："
                         "请运行 kefu validate 查看。")
        per_month, intake = self.per_month, self.intake_months
        rows: list[list[Any]] = []
        months = len(self.trend)
        for month in self.trend:
            key = (month.first.year, month.first.month)
            c = per_month[key]
            rows.append([f"{month.first:%Y-%m}", intake[key], c.due, c.states[ON_TIME], c.rate])
        since = (f"本部门的第一张工单在 {self.trend[0].first:%Y-%m}，趋势从那个月开始。"
                 if months < TREND_MONTHS else "")
        table = Table("trend", f"近 {months} 个月趋势", [
            Column("month", "月份"), Column("intake", "受理", INT), Column("due", "到期时限", INT),
            Column("on_time", "按时完成", INT), Column("rate", "按时率", PCT)], rows,
            note="受理按收到时间所在月份；按时率按时限到期的月份统计，完成情况截至统计时刻。"
                 + since)
        chart = Chart("trend", "trend", f"近 {months} 个月受理量与按时率",
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
        still = self.open_by("type")
        rows = [[name, received[c], closed[c], still[c]] for c, name in TYPE_LABELS.items()]
        rows.append(["合计", len(self.intake), len(self.closed), self.open_total])
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
                       sorted(owners.items(), key=lambda kv: (name_key(self.name(kv[0])), kv[0]))]
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
            for stone in self.milestones(view.key):  # the loaded record: its kept deadlines
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


__all__ = ["Builder", "Stone", "as_of_for", "build_report", "load_for"]
