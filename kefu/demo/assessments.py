"""The sample department's 绩效评分 of November 2026: one per person the KPI table lists.

Written by the supervisor (王芳) on 24 November, the day before the demo's report is looked at
(KEFU_NOW=2026-11-25T09:00:00+08:00), so that every person of the month's KPI table has a
total. Each post gets the parts records/kpi.yml gives it; two scores replace what the records
measure (赵磊's 订单处理效率, 周慧's 售后处理能力), as the handbook allows, with the reason
written in `basis`; the clerk's 订单处理效率 is always scored (records/kpi.yml `assessed`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kefu.times import SHANGHAI

MONTH = "2026-11"
ASSESSOR = "wangfang"
# person -> (scores, basis); the parts of each person's post (records/kpi.yml posts)
SCORES: dict[str, tuple[dict[str, int], str]] = {
    "chenjing": ({"satisfaction": 92, "teamwork": 85, "growth": 88},
                 "热线和邮件咨询的回访满意；参加了 11 月的新品培训"),
    "liqiang": ({"satisfaction": 86, "teamwork": 90, "growth": 80},
                "代理商反馈良好；与售后组同事配合顺畅"),
    "liuyang": ({"satisfaction": 88, "teamwork": 84, "growth": 90},
                "热线回访满意；通过了产品知识考核"),
    "sunli": ({"satisfaction": 90, "teamwork": 88, "growth": 85},
              "网店询单评价好；参加了沟通技巧培训"),
    "wuhao": ({"satisfaction": 90, "efficiency": 95, "teamwork": 88, "growth": 80},
              "订单处理效率按档案收发、登记的及时率和差错率评分：本月收发登记及时、无差错"),
    "zhangmin": ({"satisfaction": 89, "teamwork": 92, "growth": 86},
                 "返修和 DOA 跟进到位，代理商满意"),
    "zhaolei": ({"satisfaction": 85, "efficiency": 60, "teamwork": 88, "growth": 82},
                "订单处理效率按 60 分：赔偿投诉晚答复两天是在等财务部核对金额，已核实，"
                "不全算本人的责任；超期未答复的发票咨询照常计入"),
    "zhouhui": ({"satisfaction": 87, "aftersales": 85, "teamwork": 86, "growth": 84},
                "售后处理能力按网店退换货和中差评的处理评分（这些不在工单里，没有时限可算）"),
}


def november() -> list[dict[str, Any]]:
    """The month's assessments, in the order of SCORES."""
    start = dt.datetime(2026, 11, 24, 16, 30, tzinfo=SHANGHAI)
    return [{"id": f"KPI-{MONTH}-{person}", "month": MONTH, "person": person,
             "assessor": ASSESSOR, "assessed": start + dt.timedelta(minutes=5 * index),
             "scores": scores, "basis": basis}
            for index, (person, (scores, basis)) in enumerate(SCORES.items())]
