"""Rewards and penalties (奖惩记录): person, date published, the rule of the ledger in
records/staff-rules.yml, amount or points, the evidence (record ids), who recorded it, appeals.

Never made automatically: `kefu staff MONTH` proposes penalties the records prove, and the
supervisor accepts one by committing a record like this (`kefu new sanction`). A record is never
edited afterwards: an appeal, made within the week it was published (`kefu appeal`), and the
decision on it (`kefu approve` / `kefu refuse`) are files in the folder beside it
(kefu.kinds.staff_logs); folded, they are its `appeals`.
Files live in records/sanctions/YYYY/, named J-<date published>-<4 characters>.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kefu.kinds.roster import staff_across
from kefu.kinds.staff_fields import dated_id, id_on, new_id
from kefu.kinds.staff_logs import SANCTION_LOG
from kefu.kinds.staff_rules import Key, Lazy
from kefu.records.kinds import Creator, Kind, Option, Reference
from kefu.records.model import Labels, PersonId, Stamp, Text

SANCTION_ID = dated_id("J")
RECORD_ID = r"^[A-Za-z0-9][A-Za-z0-9-]{1,40}$"
Outcome = Literal["pending", "upheld", "changed", "revoked"]
OUTCOME_LABELS = {"pending": "复核中", "upheld": "维持", "changed": "更正", "revoked": "撤销"}


class Appeal(Lazy):
    """一次申诉（公布当周内提出）。"""

    at: Stamp = Field(description="提出时间，ISO 8601 带时区")
    by: PersonId = Field(description="申诉人员工编号")
    reason: Text = Field(description="异议和理由")
    outcome: Annotated[Outcome, Labels.of(OUTCOME_LABELS)] = Field(description="复核结果")
    decided: Stamp | None = Field(default=None, description="复核决定时间")
    decided_by: PersonId | None = Field(default=None, description="复核人员工编号")
    note: str | None = Field(default=None, description="复核说明")


class Sanction(Lazy):
    """奖惩记录。"""

    model_config = ConfigDict(extra="forbid", title="奖惩记录", defer_build=True)

    id: str = Field(pattern=SANCTION_ID, description="J-公布日期-4位随机码，如 J-20261130-ab12")
    person: PersonId = Field(description="当事人员工编号")
    date: dt.date = Field(description="公布日期")
    rule: Key = Field(description="奖惩表条目：records/staff-rules.yml 的 ledger 中的键"
                           "（登记时也可以写条目名称）")
    amount: int | None = Field(default=None, ge=1, le=100_000, description="金额（元）")
    points: int | None = Field(default=None, ge=-1000, le=1000,
                               description="品牌分（加分为正，扣分为负）")
    reason: Text = Field(max_length=500, description="事由")
    evidence: list[Annotated[str, Field(pattern=RECORD_ID)]] = Field(
        default_factory=list, description="依据：记录编号（补卡、调班、请假、工单……）")
    recorded_by: PersonId = Field(description="登记人员工编号（客服主管）")
    published: str | None = Field(default=None, description="公布方式（周例会、部门群……）")
    appeals: list[Appeal] | None = Field(
        default=None, description="申诉（由申诉记录决定，奖惩记录文件里不写）")


def build(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    day = values.get("date") or ctx.now.date()
    data: dict[str, Any] = {"id": new_id(ctx, "sanction", "J", day)}
    for name in ("person", "rule", "amount", "points", "reason"):
        if values.get(name) is not None:
            data[name] = values[name]
    if data.get("rule") is not None:
        data["rule"] = ledger_key(ctx.root, str(data["rule"]))
    data["date"] = day
    evidence = values.get("evidence")
    if evidence:
        data["evidence"] = [e.strip() for e in str(evidence).replace("，", ",").split(",")
                            if e.strip()]
    data["recorded_by"] = values.get("recorded_by")
    if values.get("published"):
        data["published"] = values["published"]
    return data


KIND = Kind(
    "sanction", "奖惩记录", Sanction, folder="sanctions",
    id_pattern=SANCTION_ID[1:-1],
    id_format="J-公布日期-4 位随机码（如 J-20261130-ab12，可用 kefu new sanction 生成）",
    subdir=(r"^J-(?P<y>[0-9]{4})", "{y}"),
    references=(Reference(("person",), "person"), Reference(("recorded_by",), "person"),
                Reference(("appeals", "*", "by"), "person"),
                Reference(("appeals", "*", "decided_by"), "person")),
    checks=(id_on("date", "公布日期"),),
    across=staff_across(("sanction", "staff-rules", "person"), "sanction_checks",
                        "sanction_timely"),
    creator=Creator(build=build, derived=("id", "evidence", "appeals"), defaulted=("date",),
                    extra=(Option("evidence", "依据的记录编号，多个用逗号分隔"),)),
    changes=SANCTION_LOG,
)


def ledger_key(root: Any, text: str) -> str:
    """The ledger entry `text` names: its key, its title, or a part of one title only (迟到 ->
    …); KefuError listing the entries otherwise. Without readable staff rules, `text` as given
    (validation then says what is wrong)."""
    from kefu.kinds.staff_rules import KIND, STAFF_RULES_FILE
    from kefu.problems import KefuError
    from kefu.records.check import read_single

    rules, _ = read_single(KIND, root / "records" / STAFF_RULES_FILE, root)
    titles = {key: entry.title for key, entry in (getattr(rules, "ledger", None) or {}).items()}
    if not titles or text in titles:
        return text
    found = [k for k, title in titles.items() if title == text] or [
        k for k, title in titles.items() if text and text in title]
    if len(found) == 1:
        return found[0]
    if found:
        entries = "、".join(f"{key}（{titles[key]}）" for key in found)
        raise KefuError(f"「{text}」对应奖惩表中不止一条：{entries}。请写其中一条的键。",
                        "unknown-rule", 2)
    entries = "、".join(f"{key}（{title}）" for key, title in titles.items())
    raise KefuError(f"奖惩表中没有「{text}」这一条（records/staff-rules.yml 的 ledger）："
                    f"写条目的键或名称，可写 {entries}。", "unknown-rule", 2)
