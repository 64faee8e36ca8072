"""Filling a form from a record: the registry says which kind fills which form with which filler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kefu import times
from kefu.forms.registry import Form, load_registry
from kefu.forms.render import Filled
from kefu.problems import KefuError
from kefu.records.kinds import KINDS, RECORDS, FormFiller, Kind
from kefu.workspace import Workspace

LIST_LIMIT = 20


@dataclass(frozen=True)
class FillContext:
    """A record plus what a form prints next to it: people's names, the records it refers to."""

    ws: Workspace
    kind: Kind
    record_id: str
    data: Mapping[str, Any]
    related: Mapping[tuple[str, str], Mapping[str, Any]]
    now: dt.datetime
    issued: dt.date | None = None
    with_personal: bool = False  # print personal fields too (paper only, never on the site)

    def name(self, person: str | None) -> str:
        return self.ws.name(person)

    def get(self, kind: str, record_id: Any) -> Mapping[str, Any] | None:
        """A record this one refers to, e.g. ctx.get("dealer", data["dealer"])."""
        return self.related.get((kind, str(record_id))) if record_id else None

    def filled(self, values: dict[str, Any], date: dt.date | None = None) -> Filled:
        """The form's values with the record id as serial number and the issue date."""
        return Filled(values=values, serial=self.record_id,
                      date=self.issued or date or self.now.date())


def fillers_of(form_key: str) -> list[tuple[Kind, FormFiller]]:
    """Every (kind, filler) that fills the form `form_key`."""
    return [(kind, ff) for kind in KINDS.values() for ff in kind.forms if ff.form == form_key]


def filled_by(form_key: str) -> str:
    """What fills the form, for listings: 投诉工单、… (empty when it prints blank only)."""
    return "、".join(dict.fromkeys(ff.label for _, ff in fillers_of(form_key)))


def fill(ws: Workspace, form: Form, record_id: str, issued: dt.date | None = None,
         now: dt.datetime | None = None, with_personal: bool = False) -> Filled:
    """Values for `form` from record `record_id` (KefuError naming what is wrong otherwise)."""
    fillers = fillers_of(form.key)
    if not fillers:
        raise KefuError(f"表单 {form.key}（{form.title}）不能从记录填写：仅提供空白表。"
                        "去掉 --record 可打印空白表。", "form-not-fillable", 2)
    kind = next((k for k, _ in fillers if k.matches_id(record_id)), None)
    if kind is None:
        wanted = "、".join(dict.fromkeys(f"{k.title}（{k.id_format}）" for k, _ in fillers))
        raise KefuError(f"「{record_id}」不是能填写 {form.key} 的记录编号：应为{wanted}。"
                        + _known(ws.root, fillers[0][0]), "unknown-record", 2)
    rel = kind.expected_rel(record_id) or ""
    path = ws.root / rel
    if not path.is_file():
        raise KefuError(f"找不到{kind.title} {record_id}（应在 {rel}）。{_known(ws.root, kind)}",
                        "unknown-record", 2)
    targets = {ref.target for ref in kind.references}
    folders = [ws.root / RECORDS / KINDS[t].folder for t in sorted(targets) if KINDS[t].folder]
    result = ws.load([path, *[f for f in folders if f.is_dir()]])
    # Problems of other files (another ticket, a dealer) do not stop this one from printing.
    folder = (kind.changes_folder(record_id) or rel) + "/"
    errors = [p for p in result.errors if p.path == rel or p.path.startswith(folder)]
    if errors:
        lines = "\n".join(p.format() for p in errors)
        raise KefuError(f"{kind.title} {record_id} 有错误，请先修正再打印：\n{lines}",
                        "invalid-record")
    record = next((r for r in result.records if r.kind == kind.name and r.id == record_id), None)
    if record is None:
        raise KefuError(f"无法读取{kind.title} {record_id}（{rel}）。", "invalid-record")
    chosen = next((ff for k, ff in fillers if k is kind and _fits(record.data, ff)), None)
    if chosen is None:
        needs = "、".join(ff.label for k, ff in fillers if k is kind)
        keys = dict.fromkeys(key for k, ff in fillers if k is kind for key in ff.when)
        have = "、".join(f"{key}: {record.data.get(key)}" for key in keys)
        raise KefuError(f"{kind.title} {record_id}（{have}）不能填写表单 {form.key}"
                        f"（{form.title}）：它需要{needs}。", "wrong-record-type", 2)
    related = {(r.kind, r.id): r.data for r in result.records if r.kind in targets}
    ctx = FillContext(ws, kind, record_id, record.data, related, now or times.now(), issued,
                      with_personal)
    filled: Filled = chosen.filler()(ctx, form)
    if kind.changes is not None and not filled.signed:  # decisions recorded by kefu approve
        from kefu.forms.signoff import signed_rows
        from kefu.index.query import changes

        with result.index() as ix:  # the load above: its index, not another walk
            done = changes(ix, kind.name, record_id) if ix is not None else []
        filled.signed = signed_rows(form.approvers, done, ctx.name)
    return filled


def forms_for(ws: Workspace, record_id: str) -> list[Form]:
    """The registered forms record `record_id` fills as it stands (its type, its state)."""
    from kefu.records.corpus import record
    from kefu.records.kinds import kind_for_id

    kind = kind_for_id(record_id)
    data = record(ws.root, kind.name, record_id) if kind is not None else None
    if kind is None or data is None:
        raise KefuError(f"找不到记录「{record_id}」：请核对编号（kefu find 关键词 可以查找）。",
                        "unknown-record", 2)
    registered = {form.key: form for form in load_registry(ws.root).forms}
    fitting = dict.fromkeys(ff.form for ff in kind.forms if _fits(data, ff))  # the kind's order
    return [registered[key] for key in fitting if key in registered]


def _fits(data: Mapping[str, Any], filler: FormFiller) -> bool:
    return all(data.get(key) == value for key, value in filler.when.items())


def _known(root: Path, kind: Kind) -> str:
    folder = root / RECORDS / kind.folder
    names = sorted((p.stem for p in folder.rglob("*.yml") if kind.matches_id(p.stem)),
                   reverse=True) if kind.folder else []
    if not names:
        return f"{RECORDS}/{kind.folder}/ 下还没有{kind.title}。"
    shown = "、".join(names[:LIST_LIMIT])
    more = f" 等共 {len(names)} 个" if len(names) > LIST_LIMIT else ""
    return f"现有{kind.title}：{shown}{more}。"
