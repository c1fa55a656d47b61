"""``specs import``: a workbook (or CSV files) + a profile → layouts and code tables.

Every imported item, rule, relation and code table gets ``provenance: {status: confirmed,
source: "<book> <sheet>!<row>"}``; every cell the profile cannot interpret is a problem
naming ``sheet!cell`` (the import then writes nothing).  The layouts are finally checked
with the same semantic checks as ``specs lint``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ...errors import SpecLoadError
from ..loader import check_layout
from ..model import CodeTable, Edition, Item, Layout
from .cells import CellError, flag, item_fields, make_id, provenance
from .edition import edition_from_name, iso_date
from .profile import Profile
from .sheets import Sheet, read_book
from .tables import Row, data_rows, find_header, matching_sheets, meta_values


@dataclass
class ImportResult:
    layouts: list[Layout] = field(default_factory=list)
    codes: list[CodeTable] = field(default_factory=list)
    problems: list[SpecLoadError] = field(default_factory=list)


def _pyd(e: ValidationError) -> tuple[str, str | None]:
    err = e.errors()[0]
    loc = [p for p in err["loc"] if isinstance(p, str)]
    return str(err["msg"]).removeprefix("Value error, "), (loc[0] if loc else None)


class _Import:
    def __init__(self, book: str, profile: Profile) -> None:
        self.book, self.profile = book, profile
        self.problems: list[SpecLoadError] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(SpecLoadError(self.book, message, item=where))

    # --- code lists ------------------------------------------------------------------
    def codes(self, sheets: Sequence[Sheet]) -> dict[str, CodeTable]:
        spec = self.profile.codes
        if spec is None:
            return {}
        tables: dict[str, dict[str, Any]] = {}
        seen: dict[tuple[str, str], str] = {}
        for sh in matching_sheets(sheets, spec.sheets):
            try:
                hdr, cols = find_header(self.book, sh, spec.header_row, spec.columns, spec.required_columns)
            except SpecLoadError as e:
                self.problems.append(e)
                continue
            cur: dict[str, Any] | None = None
            for row in data_rows(sh, hdr, cols):
                try:
                    if row.text("table_id"):  # a blank table cell continues the table above
                        tid = make_id(row.text("table_id"), "table_id", "c")
                        cur = tables.setdefault(tid, {"id": tid, "values": [], "row": row.at()})
                        if "provenance" not in cur:
                            cur["provenance"] = provenance(row.text("provenance"), self.book, row.at())
                        for key, f in (("name", "table_name"), ("name_en", "table_name_en")):
                            if row.text(f) and key not in cur:
                                cur[key] = row.text(f)
                    if cur is None:
                        raise CellError("table_id", "a code row before any コード表ID")
                    code, label = row.text("code"), row.text("label")
                    if not code:
                        raise CellError("code", "blank code value")
                    if not label:
                        raise CellError("label", "blank 名称")
                except CellError as e:
                    self.problem(row.at(e.field), str(e))
                    continue
                if (cur["id"], code) in seen:
                    self.problem(
                        row.at("code"),
                        f"duplicate code {code!r} in {cur['id']} (first at {seen[cur['id'], code]})",
                    )
                    continue
                seen[cur["id"], code] = row.at("code")
                value = {"code": code, "name": label}
                if row.text("label_en"):
                    value["name_en"] = row.text("label_en")
                cur["values"].append(value)
        out: dict[str, CodeTable] = {}
        for tid, t in tables.items():
            where = t.pop("row")
            t.setdefault("name", tid)
            try:
                out[tid] = CodeTable.model_validate(t)
            except ValidationError as e:
                self.problem(where, _pyd(e)[0])
        return out

    # --- item sheets -----------------------------------------------------------------
    def items(
        self, sh: Sheet, cols: dict[str, int], hdr: int, codes: dict[str, CodeTable]
    ) -> tuple[list[Item], list[str]]:
        by_name = {t.name: t.id for t in codes.values()}
        items: list[Item] = []
        keys: list[str] = []
        first: dict[str, str] = {}
        names: dict[str, str] = {}
        for row in data_rows(sh, hdr, cols):
            try:
                kw = item_fields(self.profile, row, self.book)
                if "codes" in kw:
                    kw["codes"] = self._code_ref(kw["codes"], codes, by_name)
                is_key = flag(self.profile, row.text("key"), "key") if row.text("key") else False
            except CellError as e:
                self.problem(row.at(e.field), str(e))
                continue
            for it in self._expand(kw, row):
                if it is None:
                    break
                if it.id in first:
                    self.problem(row.at("id"), f"duplicate item ID {it.id!r} (first at {first[it.id]})")
                    continue
                if it.name in names:
                    self.problem(
                        row.at("name"),
                        f"duplicate 項目名 {it.name!r} (first at {names[it.name]}); "
                        "a 上位項目 column tells them apart",
                    )
                    continue
                names[it.name] = row.at("name")
                first[it.id] = row.at("id")
                items.append(it)
                if is_key:
                    keys.append(it.id)
        return items, keys

    def _code_ref(self, text: str, codes: dict[str, CodeTable], by_name: dict[str, str]) -> str:
        if self.profile.codes is None:
            raise CellError("codes", "the profile has no code-list sheets")
        if not codes:
            pats = ", ".join(self.profile.codes.sheets)
            raise CellError("codes", f"code table {text!r}: the book has no code sheet matching {pats}")
        if text in codes:
            return text
        if text in by_name:
            return by_name[text]
        try:
            tid = make_id(text, "codes", "c")
        except CellError:
            tid = ""
        if tid in codes:
            return tid
        raise CellError("codes", f"code table {text!r} is not in the code sheets")

    def _expand(self, kw: dict[str, Any], row: Row) -> list[Item | None]:
        n = kw.pop("repeat")
        base = (
            [kw]
            if n == 1
            else [{**kw, "id": f"{kw['id']}_{k}", "name": f"{kw['name']}{k}"} for k in range(1, n + 1)]
        )
        out: list[Item | None] = []
        for d in base:
            try:
                out.append(Item.model_validate(d))
            except ValidationError as e:
                msg, f = _pyd(e)
                self.problem(row.at(f), msg)
                return [None]
        return out

    def _layout_provenance(self, meta: dict[str, tuple[str, str]], sheet: str) -> dict[str, Any]:
        text, where = meta.get("provenance", ("", ""))
        try:
            return provenance(text, self.book, sheet)
        except CellError as e:
            self.problem(where, str(e))
            return provenance("", self.book, sheet)

    def layout(
        self, sh: Sheet, nth: int, total: int, codes: dict[str, CodeTable], opts: dict[str, Any]
    ) -> Layout | None:
        p = self.profile.items
        try:
            hdr, cols = find_header(self.book, sh, p.header_row, p.columns, p.required_columns)
        except SpecLoadError as e:
            self.problems.append(e)
            return None
        meta = meta_values(sh, hdr, p.meta)
        m = {k: v[0] for k, v in meta.items()}
        n0 = len(self.problems)
        items, keys = self.items(sh, cols, hdr, codes)
        name_ed = edition_from_name(self.book, self.profile.book_pattern)
        ed = Edition(
            book=name_ed.book,
            gyomu_no=name_ed.gyomu_no,
            gyomu=m.get("gyomu") or name_ed.gyomu,
            edition=m.get("edition") or name_ed.edition,
            date=iso_date(m.get("date")) or name_ed.date,
        )
        top = f"{sh.name}!A1"
        gyomu = ed.gyomu or ""
        gid = opts.get("gyomu_id") or m.get("gyomu_id") or self.profile.gyomu_ids.get(gyomu)
        lid = m.get("id")
        if not gyomu:
            self.problem(
                top, "no 業務: add a 業務 label cell, or name the book as the profile's book_pattern says"
            )
        if not lid and not gid:
            self.problem(
                top, f"no 業務ID for {gyomu!r}: give --gyomu-id, a 業務ID cell, or add it to gyomu_ids"
            )
        if len(self.problems) > n0 or not items:
            if not items and len(self.problems) == n0:
                self.problem(f"{sh.name}!{hdr + 2}", "no item rows under the header")
            return None
        lid = lid or f"{gid}.{opts.get('file_id', 'kihon')}" + (f"_{nth}" if total > 1 else "")
        key = opts.get("record_key") or (
            [k.strip() for k in m["record_key"].split(",")] if m.get("record_key") else keys
        )
        if not key:
            self.problem(
                top,
                "no record key: mark items in the キー column, add a レコードキー cell or give --record-key",
            )
            return None
        fmt = {k: getattr(ed, k) or "" for k in ("gyomu", "edition", "date", "book")}
        data = {
            "id": lid,
            "gyomu": gyomu,
            "gyomu_id": m.get("gyomu_id") or gid or lid.split(".")[0],
            "file_name": m.get("file_name") or f"{lid.replace('.', '_')}.csv",
            "title": {"ja": m.get("title_ja") or sh.name, "en": m.get("title_en") or ""},
            "spec_version": m.get("spec_version")
            or (
                self.profile.spec_version.format(**fmt).strip()
                if ed.edition
                else f"imported from {self.book}"
            ),
            "record_key": key,
            "items": items,
            "provenance": self._layout_provenance(meta, sh.name),
            "edition": ed,
        }
        if m.get("description"):
            data["description"] = m["description"]
        if m.get("extra"):
            try:
                extra = json.loads(m["extra"])
            except ValueError:
                extra = None
            if not isinstance(extra, dict):
                self.problem(meta["extra"][1], "拡張 must be a JSON object")
                return None
            data.update(extra)
        if m.get("reconcile"):
            try:
                data["reconcile"] = json.loads(m["reconcile"])
            except ValueError as e:
                self.problem(meta["reconcile"][1], f"照合表 is not JSON: {e}")
                return None
        try:
            return Layout.model_validate(data)
        except ValidationError as e:
            msg, f = _pyd(e)
            self.problem(meta[f][1] if f in meta else top, msg)
            return None


def import_book(
    paths: Sequence[Path | str],
    profile: Profile,
    *,
    gyomu_id: str | None = None,
    record_key: Sequence[str] | None = None,
    file_id: str = "kihon",
    engine: str = "calamine",
    only: Sequence[str] = (),
) -> ImportResult:
    """Import one workbook (or CSV files forming one book) with ``profile``; all problems collected.

    ``only`` restricts the item sheets to those names (default: every sheet the profile matches)."""
    sheets = read_book(paths, engine=engine)
    book = Path(paths[0]).name
    imp = _Import(book, profile)
    codes = imp.codes(sheets)
    item_sheets = matching_sheets(sheets, profile.items.sheets, profile.items.exclude)
    if only:
        unknown = [n for n in only if n not in {sh.name for sh in item_sheets}]
        if unknown:
            names = ", ".join(sh.name for sh in item_sheets) or "none"
            imp.problem(f"{unknown[0]}!A1", f"no item sheet named {unknown[0]!r}; item sheets: {names}")
        item_sheets = [sh for sh in item_sheets if sh.name in only]
    if not item_sheets:
        imp.problem(
            f"{sheets[0].name}!A1" if sheets else "A1",
            f"no item sheet matching {', '.join(profile.items.sheets)}",
        )
    opts = {"gyomu_id": gyomu_id, "record_key": list(record_key or []), "file_id": file_id}
    layouts = [imp.layout(sh, i + 1, len(item_sheets), codes, opts) for i, sh in enumerate(item_sheets)]
    done = [lay for lay in layouts if lay is not None]
    from .extras import attach_rules_relations

    done = attach_rules_relations(imp, sheets, done)
    result = ImportResult(done, list(codes.values()), imp.problems)
    ids = [lay.id for lay in done]
    for lay in done:
        if ids.count(lay.id) > 1:
            imp.problem(
                lay.provenance.source.split(" ", 1)[-1] if lay.provenance.status == "confirmed" else lay.id,
                f"layout id {lay.id!r} comes from two sheets",
            )
    by_id = {lay.id: lay for lay in done}
    for lay in done:
        src = lay.provenance.source if lay.provenance.status == "confirmed" else book
        found = check_layout(lay, src, None, codes=codes, layouts=by_id)
        # a relation to a layout outside this book is checked by `specs lint` against the registry
        result.problems += [p for p in found if not p.problem.startswith("relation to unknown layout")]
    return result


__all__ = ["ImportResult", "import_book"]
