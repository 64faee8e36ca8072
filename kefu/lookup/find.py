"""`kefu find TEXT`: records by id, title, dealer (name or number), product or person, ranked.

Ranking, best first: the id itself; a record's own name or title (a person, a dealer, a ticket
title); a prefix of its id or name; the text inside its id, title or product; then the records
that name a matching dealer or person (远航电子's tickets after 远航电子 itself). Within a rank:
open work first, then records neither open nor closed (people, dealers), then closed ones; newest
first. Personal values are neither matched nor shown unless `with_personal`: a customer's name
finds nothing, and a name typed into a title is masked before it is compared.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import cache

from kefu.kinds.ticket import TYPE_LABELS
from kefu.privacy import Names, mask, names
from kefu.records import KINDS, Record

from .desk import Desk
from .facts import label_at
from .show import Link, link, order
from .state import TITLE_FIELDS, dealer_of, owners, standing
from .terms import Term, next_due, terms

DEFAULT_LIMIT = 20
# how a key of a record matches, best first
EXACT_ID, EXACT_NAME, PREFIX, INSIDE, LINKED = range(5)


@dataclass(frozen=True)
class Key:
    label: str  # the field, as the result says what matched (编号, 标题, 代理商, 负责人…)
    text: str
    role: str  # id | name | text | linked


@dataclass(frozen=True)
class Filters:
    kinds: frozenset[str] = frozenset()  # record kinds; empty: every kind
    types: frozenset[str] = frozenset()  # ticket types (complaint…); empty: every type
    owner: str | None = None
    dealer: str | None = None
    open: bool | None = None  # True: open work only; False: closed only


@dataclass(frozen=True)
class Hit:
    link: Link
    rank: int
    matched: tuple[str, ...]
    owners: tuple[str, ...]
    dealer: str | None
    next: Term | None = None
    ticket_type: str | None = None  # a ticket's type (complaint…)


@dataclass
class Found:
    """What `kefu find` found: `total` records, the first `limit` of them in `hits`."""

    query: str
    filters: Filters
    total: int
    limit: int
    with_personal: bool
    hits: list[Hit] = field(default_factory=list)
    people: dict[str, str] = field(default_factory=dict)  # id -> name, for the lists
    dealers: dict[str, str] = field(default_factory=dict)


def kind_choices() -> dict[str, str]:
    """What --kind accepts: a kind of record, or a ticket type (code -> Chinese name)."""
    kinds = {name: kind.title.removesuffix("档案").removesuffix("记录")
             for name, kind in KINDS.items() if kind.folder}
    return {**kinds, **TYPE_LABELS}


def split_kinds(chosen: Collection[str]) -> tuple[frozenset[str], frozenset[str]]:
    """--kind values as (record kinds, ticket types): a ticket type implies tickets."""
    types = frozenset(c for c in chosen if c in TYPE_LABELS)
    return frozenset(c for c in chosen if c not in TYPE_LABELS) | (
        {"ticket"} if types else set()), types


def normalize(text: str) -> str:
    """NFKC, lower case, no spaces: ZF-U8 finds zf-u8, Ｄ－０００２ finds D-0002."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def find(desk: Desk, text: str, filters: Filters = Filters(), limit: int = DEFAULT_LIMIT,
         with_personal: bool = False) -> Found:
    """The records matching `text` (every record passing the filters when it is empty)."""
    query = normalize(text)
    known = None if with_personal else names(desk.personal)
    ranked: list[tuple[int, tuple[int, float, str], Record, tuple[str, ...]]] = []
    for record in desk.records:
        if not _passes(desk, record, filters):
            continue
        if not query:
            ranked.append((EXACT_ID, order(desk, record), record, ()))
            continue
        best, matched = _match(query, keys(desk, record, known))
        if best is not None:
            ranked.append((best, order(desk, record), record, matched))
    ranked.sort(key=lambda item: (item[0], item[1]))
    hits = []
    for rank, _, record, matched in ranked[:limit]:
        found = terms(desk, record)
        hits.append(Hit(link(desk, record, (), with_personal), rank, matched,
                        tuple(owners(record)), dealer_of(record), next_due(found),
                        str(record.data["type"]) if record.kind == "ticket" else None))
    people = {p: desk.name("person", p) for h in hits for p in h.owners}
    dealers = {h.dealer: desk.name("dealer", h.dealer) for h in hits if h.dealer}
    return Found(text.strip(), filters, len(ranked), limit, with_personal, hits, people, dealers)


def _passes(desk: Desk, record: Record, filters: Filters) -> bool:
    if filters.kinds and record.kind not in filters.kinds:
        return False
    if filters.types and record.kind == "ticket" and record.data.get("type") not in filters.types:
        return False
    if filters.owner is not None and filters.owner not in owners(record):
        return False
    if filters.dealer is not None and record.data.get("dealer") != filters.dealer:
        return False
    return filters.open is None or standing(desk, record).open is filters.open


def keys(desk: Desk, record: Record, known: Names | None) -> list[Key]:
    """What a record is found by: its id, its title, its product and the like, the dealer and
    people it names; its personal fields too when `known` is None (personal data asked for)."""
    data, kind = record.data, KINDS[record.kind]
    found = [Key("编号", record.id, "id")]
    title = TITLE_FIELDS.get(record.kind) or kind.display
    for name, role in ((title, "name"), ("product", "text"), ("region", "text")):
        value = data.get(name) if name else None
        if isinstance(value, str):
            label = _label(record.kind, (name,))
            found.append(Key(label, value if known is None else mask(value, known), role))
    if known is None:
        found += _personal_keys(record)
    for ref in kind.references:
        value = data.get(ref.path[0]) if len(ref.path) == 1 else None
        if isinstance(value, str):
            label = _label(record.kind, ref.path)
            found += [Key(label, value, "linked"), Key(label, desk.name(ref.target, value),
                                                       "linked")]
    return found


def _personal_keys(record: Record) -> Iterator[Key]:
    from kefu.records.privacy import personal_paths

    for path in personal_paths(KINDS[record.kind]):
        value = record.data.get(path[0]) if len(path) == 1 else None
        if isinstance(value, str):
            yield Key(_label(record.kind, path), value, "text")


@cache
def _label(kind: str, path: tuple[str, ...]) -> str:
    return label_at(kind, path)


def _match(query: str, found: list[Key]) -> tuple[int | None, tuple[str, ...]]:
    """The best rank any key matches `query` at, and the labels of the keys matching there."""
    best: int | None = None
    labels: list[str] = []
    for key in found:
        text = normalize(key.text)
        if query not in text:
            continue
        if key.role == "linked":
            rank = LINKED
        elif text == query:
            rank = EXACT_ID if key.role == "id" else EXACT_NAME if key.role == "name" else INSIDE
        else:
            rank = PREFIX if text.startswith(query) and key.role != "text" else INSIDE
        if best is None or rank < best:
            best, labels = rank, [key.label]
        elif rank == best and key.label not in labels:
            labels.append(key.label)
    return best, tuple(labels)
