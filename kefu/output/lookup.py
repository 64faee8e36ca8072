"""`kefu show` and `kefu find`: one record told whole, the records matching a few words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .columns import aligned
from .text import dumps

if TYPE_CHECKING:
    from kefu.lookup import Found, Shown
    from kefu.lookup.find import Hit
    from kefu.lookup.show import Link
    from kefu.lookup.terms import Term

INDENT = "  "
PERSONAL_HINT = "加 --with-personal 显示"


def _stamp(value: Any) -> str:
    from kefu.lookup.facts import stamp

    return stamp(value) or "—"


def _block(title: str, rows: list[list[str]], right: tuple[bool, ...] = ()) -> list[str]:
    return ["", title, *(INDENT + line for line in aligned(rows, right))] if rows else []


def _who(person: str, names: dict[str, str]) -> str:
    if not person:
        return ""
    name = names.get(person, person)
    return f"{name}（{person}）" if name != person else person


def _term_row(term: Term) -> list[str]:
    mark = "（暂定）" if term.provisional else ""
    state = f"{term.label}，{term.left}" if term.left else term.label
    return [term.title, term.term, _stamp(term.start), _stamp(term.due) + mark,
            _stamp(term.done), state]


def _link_row(link: Link, roles: bool = True) -> list[str]:
    head = ["、".join(link.roles)] if roles else []
    return [*head, link.kind_title, link.id, link.title, link.state.label]


def next_text(term: Term | None) -> str:
    if term is None:
        return "没有未完成的时限。"
    return (f"下一个到期：{term.title}，{_stamp(term.due)} 截止"
            f"（{term.left or term.label}）。")


# -- kefu show --------------------------------------------------------------------------------
def _shown_text(shown: Shown) -> str:
    state = f" · {shown.state.label}" if shown.state.label else ""
    title = f" · {shown.title}" if shown.title and shown.title != shown.id else ""
    lines = [f"{shown.kind_title} {shown.id}{title}{state}", ""]
    lines += aligned([[f.label, f.text] for f in shown.facts.shown])
    if shown.facts.hidden:
        lines.append(f"个人信息已隐藏：{'、'.join(shown.facts.hidden)}（{PERSONAL_HINT}）。")
    if shown.terms:
        lines += _block("时限", [["时限规则", "时限", "起算", "截止", "完成", "情况"],
                                 *(_term_row(t) for t in shown.terms)])
        lines.append(next_text(shown.next))
    story = [[_stamp(s.at), _who(s.by, shown.people), s.what, s.note] for s in shown.story]
    lines += _block("经过（从早到晚）", story)
    if shown.warnings:
        lines += ["", "提醒", *(f"{INDENT}- {w}" for w in shown.warnings)]
    lines += _block("关联记录", [_link_row(link) for link in shown.links])
    for group in shown.named_by:
        more = f"，列出前 {len(group.links)} 条" if group.total > len(group.links) else ""
        lines += _block(f"提到它的{group.kind_title}（{group.total} 条{more}）",
                        [_link_row(link) for link in group.links])
    return "\n".join(lines)


def _term_json(term: Term | None) -> dict[str, Any] | None:
    from kefu.lookup.facts import plain

    if term is None:
        return None
    return {"rule": term.rule, "title": term.title, "term": term.term,
            "start": plain(term.start), "due": plain(term.due), "done": plain(term.done),
            "state": term.state, "state_label": term.label, "provisional": term.provisional,
            "days": term.days, "unit": term.unit if term.days is not None else None,
            "left": term.left}


def _link_json(link: Link) -> dict[str, Any]:
    return {"kind": link.kind, "kind_title": link.kind_title, "id": link.id,
            "title": link.title, "state": link.state.label, "open": link.state.open,
            "roles": list(link.roles)}


def _shown_json(shown: Shown) -> str:
    from kefu.lookup.facts import plain

    return dumps({
        "kind": shown.kind, "kind_title": shown.kind_title, "id": shown.id,
        "title": shown.title, "state": shown.state.label, "open": shown.state.open,
        "with_personal": shown.with_personal,
        "fields": [{"field": f.field, "label": f.label, "text": f.text, "value": f.value}
                   for f in shown.facts.shown],
        "hidden": shown.facts.hidden,
        "story": [{"at": plain(s.at), "by": s.by or None,
                   "by_name": shown.people.get(s.by) if s.by else None,
                   "what": s.what, "note": s.note or None} for s in shown.story],
        "deadlines": [_term_json(t) for t in shown.terms],
        "next": _term_json(shown.next),
        "warnings": shown.warnings,
        "links": [_link_json(link) for link in shown.links],
        "named_by": [{"kind": g.kind, "kind_title": g.kind_title, "total": g.total,
                      "records": [_link_json(link) for link in g.links]}
                     for g in shown.named_by],
    })


# -- kefu find --------------------------------------------------------------------------------
def _type_of(hit: Hit) -> str:
    if hit.link.kind != "ticket":
        return hit.link.kind_title
    from kefu.kinds.ticket import TYPE_LABELS

    return f"{TYPE_LABELS.get(hit.ticket_type, '')}工单" if hit.ticket_type else "工单"


def _found_text(found: Found) -> str:
    said = f"与“{found.query}”相符" if found.query else "符合条件"
    if not found.hits:
        hint = "" if found.with_personal else \
            "个人信息（顾客姓名、联系人、电话等）不在查找范围内。"
        return f"没有找到{said}的记录。{hint}"
    rows = [["编号", "类型", "名称", "状态", "负责人", "代理商", "下一个时限", "匹配"]]
    for hit in found.hits:
        dealer = found.dealers.get(hit.dealer, "") if hit.dealer and hit.link.kind != "dealer" \
            else ""
        due = f"{hit.next.left}（{hit.next.title}）" if hit.next is not None else ""
        rows.append([hit.link.id, _type_of(hit), hit.link.title, hit.link.state.label,
                     "、".join(found.people.get(p, p) for p in hit.owners), dealer, due,
                     "、".join(hit.matched)])
    used = [i for i in range(len(rows[0])) if any(row[i] for row in rows[1:]) or i < 4]
    lines = [f"找到 {found.total} 条{said}的记录（未办结的在前）：", ""]
    lines += aligned([[row[i] for i in used] for row in rows])
    if found.total > len(found.hits):
        lines += ["", f"只列出前 {len(found.hits)} 条：用 --limit 多列一些，或用 --kind、"
                      "--owner、--dealer、--open 缩小范围。"]
    return "\n".join(lines)


def _found_json(found: Found) -> str:
    filters = found.filters
    return dumps({
        "query": found.query, "total": found.total, "limit": found.limit,
        "with_personal": found.with_personal,
        "filters": {"kinds": sorted(filters.kinds), "types": sorted(filters.types),
                    "owner": filters.owner, "dealer": filters.dealer, "open": filters.open},
        "results": [{**_link_json(hit.link), "rank": hit.rank, "matched": list(hit.matched),
                     "type": hit.ticket_type,
                     "owners": [{"id": p, "name": found.people.get(p, p)} for p in hit.owners],
                     "dealer": ({"id": hit.dealer, "name": found.dealers.get(hit.dealer)}
                                if hit.dealer else None),
                     "next": _term_json(hit.next)} for hit in found.hits],
    })


WRITERS = {
    "Shown": {"text": _shown_text, "json": _shown_json},
    "Found": {"text": _found_text, "json": _found_json},
}
