"""The report's sections the service manual asks for by name: complaint analysis, and the weekly
repair, DOA and hotline statistics (seed 001: 2.7, 2.10, 3.3, 4.1.3, 6.6)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from kefu.kinds.ticket import LEVEL_LABELS

from .figures import label, product_model, tally
from .period import Period
from .tables import INT, PCT, TICKET, TIME, Column, Section, Table

if TYPE_CHECKING:
    from .build import Builder

TOP = 10  # the longest lists of causes and products


# -- 投诉 ----------------------------------------------------------------------------------
def complaints(b: Builder) -> Section:
    complaints = [t for t in b.intake if t.get("type") == "complaint"]
    levels = Counter(str(t.get("level")) for t in complaints)
    level_rows = [[name, levels[code]] for code, name in LEVEL_LABELS.items()]
    departments: dict[str, Counter[str]] = defaultdict(Counter)
    for t in complaints:
        departments[label({}, t.get("department"))][str(t.get("level"))] += 1
    dept_rows = [[dept, sum(c.values()), *(c[code] for code in LEVEL_LABELS)]
                 for dept, c in sorted(departments.items(),
                                       key=lambda kv: (-sum(kv[1].values()), kv[0]))]
    causes = tally(b.text(t.get("title")) for t in complaints)[:TOP]
    products = tally(product_model(t.get("product")) for t in complaints)[:TOP]
    critical = [t for t in complaints if t.get("level") == "critical"]
    case_rows = [[str(t.get("id")), b.text(t.get("title")), label({}, t.get("department")),
                  b.name(t.get("owner")), t.get("agreed_due"),
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
def seed_statistics(b: Builder) -> Section:
    weeks = b.period.weeks()
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
        for week in [*weeks, b.period]:
            row: list[Any] = [_week_label(week) if week is not b.period else "合计"]
            for action, _ in actions:
                row.append(_count(b, ttype, action, week))
            rows.append(row)
        tables.append(Table(key, title, [Column("week", "周"),
                                         *(Column(a.replace("-", "_"), n, INT)
                                           for a, n in actions)], rows, note=note))
    rows = []
    asked = [t for t in b.intake if t.get("type") == "inquiry"]
    for week in [*weeks, b.period]:
        inquiries = [t for t in asked if week.contains(t.data["received"])]
        channels = Counter(str(t.get("channel")) for t in inquiries)
        rows.append([_week_label(week) if week is not b.period else "合计",
                     channels["hotline"], channels["email"],
                     len(inquiries) - channels["hotline"] - channels["email"],
                     _count(b, "inquiry", "replied", week)])
    tables.append(Table("hotline", "热线与邮件咨询（周统计）", [
        Column("week", "周"), Column("hotline", "热线电话", INT),
        Column("email", "电子邮件", INT),
        Column("other", "其他渠道", INT), Column("replied", "已答复", INT)], rows,
        note="服务手册 2.10、4.1.3：按周统计热线电话及邮件咨询数据，并做月度汇总。"))
    inquiries = [t for t in b.intake if t.get("type") == "inquiry"]
    category_rows = [[name, n, n / len(inquiries)]
                     for name, n in tally(b.text(t.get("title")) for t in inquiries)]
    tables.append(Table("inquiry_category", "咨询类别与咨询率", [
        Column("category", "类别（工单标题）"), Column("count", "件数", INT),
        Column("share", "占比", PCT)], category_rows,
        note="各类别咨询率（服务手册 4.1.3）：按咨询工单的标题归类，占本期全部咨询的比例。",
        empty="本期没有咨询。"))
    return Section("service", "返修、DOA 与热线", [], tables)

def _count(b: Builder, ttype: str, action: str, span: Period) -> int:
    times = b.received_times(ttype) if action == "received" else b.event_times(ttype, action)
    return sum(1 for at in times if span.contains(at))


def _week_label(week: Period) -> str:
    year, number, _ = week.first.isocalendar()
    return f"第 {number} 周（{week.first:%m-%d}—{week.last:%m-%d}）"
