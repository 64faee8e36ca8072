"""`kefu show ID`: one record as a whole — its fields, its story, its deadlines, what is due
next, the warnings about it, the records it names and the records naming it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from kefu.privacy import mask, names
from kefu.problems import KefuError
from kefu.records import KINDS, Record
from kefu.records.kinds import kind_for_id

from .desk import Desk, Mention, strings
from .facts import Facts, facts, label_at
from .state import Standing, created, headline, standing
from .story import Step, story
from .terms import Term, next_due, terms

MAX_LINKED = 10  # records of one kind listed as naming this one (the rest are counted)


@dataclass(frozen=True)
class Link:
    """Another record, as a line of a list: its kind, id, headline and state, and the fields
    (roles) by which the two are linked (负责人, 经办人, 代理商)."""

    kind: str
    id: str
    title: str
    state: Standing
    roles: tuple[str, ...] = ()

    @property
    def kind_title(self) -> str:
        return kind_title(self.kind)


@dataclass(frozen=True)
class LinkGroup:
    """The records of one kind naming the shown record: the first MAX_LINKED and how many."""

    kind: str
    total: int
    links: list[Link]

    @property
    def kind_title(self) -> str:
        return kind_title(self.kind)


@dataclass
class Shown:
    """One record as `kefu show` tells it."""

    kind: str
    id: str
    title: str
    state: Standing
    facts: Facts
    with_personal: bool
    story: list[Step] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    next: Term | None = None
    warnings: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # what it names
    named_by: list[LinkGroup] = field(default_factory=list)  # what names it
    people: dict[str, str] = field(default_factory=dict)  # person id -> name, for the story

    @property
    def kind_title(self) -> str:
        return kind_title(self.kind)


def kind_title(kind: str) -> str:
    """工单, 代理商, 员工, 请假记录…: the kind's Chinese name without 档案."""
    return KINDS[kind].title.removesuffix("档案")


def show(desk: Desk, typed: str, with_personal: bool = False) -> Shown:
    """The record named by `typed` (an id, or a person's or dealer's name), told in full."""
    record = locate(desk, typed)
    found = terms(desk, record)
    steps = story(desk, record, with_personal)
    known = None if with_personal else names(desk.personal)
    return Shown(
        record.kind, record.id, headline(desk, record, with_personal), standing(desk, record),
        facts(desk, record, with_personal), with_personal, steps, found, next_due(found),
        [p.message if known is None else mask(p.message, known)
         for p in desk.warnings(record)],
        _links(desk, record, with_personal), _named_by(desk, record, with_personal),
        {s.by: desk.name("person", s.by) for s in steps if s.by},
    )


def link(desk: Desk, record: Record, roles: tuple[str, ...] = (),
         with_personal: bool = False) -> Link:
    return Link(record.kind, record.id, headline(desk, record, with_personal),
                standing(desk, record), roles)


def _links(desk: Desk, record: Record, with_personal: bool) -> list[Link]:
    """The records this one names (its dealer, owner, the people of its events), in the order
    its fields name them, each once with every role."""
    roles: dict[str, list[str]] = {}
    for loc, value in strings(record.data, ()):
        if value != record.id and desk.get(value):
            role = label_at(record.kind, loc)
            if role not in roles.setdefault(value, []):
                roles[value].append(role)
    return [link(desk, other, tuple(found), with_personal)
            for value, found in roles.items() for other in desk.get(value)[:1]]


def _named_by(desk: Desk, record: Record, with_personal: bool) -> list[LinkGroup]:
    """The records naming this one, by kind (open first, then newest first)."""
    by_record: dict[tuple[str, str], tuple[Record, list[str]]] = {}
    for mention in desk.mentions(record.id):
        _, roles = by_record.setdefault((mention.record.kind, mention.record.id),
                                        (mention.record, []))
        role = _role(mention)
        if role not in roles:
            roles.append(role)
    groups: dict[str, list[tuple[Record, list[str]]]] = {}
    for other, roles in by_record.values():
        groups.setdefault(other.kind, []).append((other, roles))
    out = []
    for kind in sorted(groups, key=lambda k: list(KINDS).index(k)):
        items = sorted(groups[kind], key=lambda pair: order(desk, pair[0]))
        out.append(LinkGroup(kind, len(items), [link(desk, other, tuple(roles), with_personal)
                                                for other, roles in items[:MAX_LINKED]]))
    return out


def _role(mention: Mention) -> str:
    return label_at(mention.record.kind, mention.loc)


def order(desk: Desk, record: Record) -> tuple[int, float, str]:
    """Open work first, then neither open nor closed, then closed; newest first within."""
    state = standing(desk, record).open
    began = created(record)
    return ({True: 0, None: 1, False: 2}[state], -began.timestamp() if began else 0.0, record.id)


def locate(desk: Desk, typed: str) -> Record:
    """The record an agent means: its id (any letter case), or a person's or dealer's name
    (whole, or a part naming one only); KefuError with the nearest ones otherwise."""
    text = typed.strip()
    exact = desk.get(text)
    if exact:
        return exact[0]
    folded = [r for rid, rs in desk.by_id.items() if rid.lower() == text.lower() for r in rs]
    if len(folded) == 1:
        return folded[0]
    named = [(kind, rid) for kind, table in desk.names.items()
             for rid, name in table.items() if name == text]
    if not named and len(text) >= 2:
        named = [(kind, rid) for kind, table in desk.names.items()
                 for rid, name in table.items() if text.lower() in name.lower()]
    if len(named) == 1:
        return next(r for r in desk.get(named[0][1]) if r.kind == named[0][0])
    if len(named) > 1:
        listed = "、".join(f"{rid}（{desk.name(kind, rid)}）" for kind, rid in named[:10])
        raise KefuError(f"`{typed}` 对应不止一条记录：{listed}。请写编号，"
                        f"或用 kefu find {text} 查看。", "ambiguous", 2)
    raise KefuError(f"没有编号为 `{typed}` 的记录。{_did_you_mean(desk, text)}"
                    f"可以用 kefu find {text} 按标题、代理商、产品或人名查找。",
                    "unknown-record", 1)


def _did_you_mean(desk: Desk, text: str) -> str:
    """是不是 T-20261102-yh01（…）？ — the nearest ids (of the kind the id looks like) and names."""
    kind = kind_for_id(text)
    ids = [rid for rid, rs in desk.by_id.items() if kind is None or rs[0].kind == kind.name]
    if kind is None:  # a mistyped id still starts as its kind's do (T-, D-…)
        ids = [rid for rid in ids if rid[:2].lower() == text[:2].lower()] or ids
    shown = {name: (kind_, rid) for kind_, table in desk.names.items()
             for rid, name in table.items()}
    scored = sorted(((difflib.SequenceMatcher(None, text, c).ratio(), c) for c in
                     difflib.get_close_matches(text, [*ids, *shown], n=5, cutoff=0.6)),
                    reverse=True)
    close = [c for score, c in scored[:3] if score >= scored[0][0] - 0.05]
    if not close:
        return ""
    found = []
    for item in close:
        if item in shown:
            kind_, rid = shown[item]
            found.append(f"{rid}（{item}）")
        else:
            record = desk.get(item)[0]
            found.append(f"{item}（{headline(desk, record)}）")
    return "是不是 " + "、".join(dict.fromkeys(found)) + "？"
