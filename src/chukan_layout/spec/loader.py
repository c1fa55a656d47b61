"""Load layout and code-table YAML files into the meta-format models, with one-line errors.

Every problem becomes a :class:`~chukan_layout.errors.SpecLoadError` naming the file, the
line (from the YAML node marks), the item (``items[3]`` → its ``id``) and the problem in
one line, never a Pydantic dump::

    layouts/juki.jumin.yaml:42: shimei: unknown key 'lenght' (did you mean 'length'?)

``load_layout_file`` / ``load_code_file`` raise the first problem; :func:`check_files`
(used by ``specs lint``) returns all problems of a set of files, relations across files
included.
"""

from __future__ import annotations

import codecs
import difflib
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import SpecLoadError
from ..yaml_guard import MAX_YAML_BYTES, expansion_problem
from . import expr
from .model import CodeTable, Confirmed, ItemType, Layout, Modelled
from .re2 import re2_problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: byte encodings a ``length: {unit: bytes}`` may name (after codecs normalisation)
BYTE_ENCODINGS = frozenset({"utf-8", "cp932", "shift_jis"})
_NOT_RE2 = re.compile(r"\(\?(?:=|!|<=|<!|P=|>)|\\[1-9]")


# --- YAML with positions --------------------------------------------------------------


def read_yaml(path: Path | str) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file; returns (data, node tree). Syntax errors become SpecLoadError."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_YAML_BYTES:  # before reading it: a huge file is refused unread
            raise SpecLoadError(str(path), f"larger than the {MAX_YAML_BYTES >> 20} MiB allowed for YAML")
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SpecLoadError(str(path), f"cannot read file: {e}") from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        # alias expansion is counted on the node graph before anything is built (issue 14)
        bad = expansion_problem(node)
        if bad is not None:
            raise SpecLoadError(str(path), bad[1], line=bad[0])
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise SpecLoadError(
            str(path), f"YAML syntax error: {problem}", line=None if mark is None else mark.line + 1
        ) from None
    return data, node


def _node_at(node: yaml.Node | None, loc: Sequence[str | int], *, key: bool = False) -> yaml.Node | None:
    """The node at ``loc`` (path of keys / indexes); the deepest found if the path breaks off.

    With ``key`` the last element's *key* node is returned (for unknown keys)."""
    cur = node
    for i, part in enumerate(loc):
        if isinstance(cur, yaml.MappingNode) and isinstance(part, str):
            for k, v in cur.value:
                if k.value == part:
                    cur = k if (key and i == len(loc) - 1) else v
                    break
            else:
                continue  # discriminator tags (confirmed/modelled) are not keys: skip them
        elif isinstance(cur, yaml.SequenceNode) and isinstance(part, int) and part < len(cur.value):
            cur = cur.value[part]
        else:
            break
    return cur


def _line(node: yaml.Node | None, loc: Sequence[str | int], *, key: bool = False) -> int | None:
    n = _node_at(node, loc, key=key)
    return None if n is None else n.start_mark.line + 1


# --- Pydantic errors → one line -------------------------------------------------------


def _models_in(ann: Any) -> list[type[BaseModel]]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    out: list[type[BaseModel]] = []
    for a in typing.get_args(ann):
        out += _models_in(a)
    return out


_TAGS: dict[str, type[BaseModel]] = {"confirmed": Confirmed, "modelled": Modelled}


def _model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    cands = [root]
    for part in loc:
        if isinstance(part, int):
            continue
        if part in _TAGS and _TAGS[part] in cands:
            cands = [_TAGS[part]]
            continue
        nxt: list[type[BaseModel]] = []
        for c in cands:
            if part in c.model_fields:
                nxt += _models_in(c.model_fields[part].annotation)
        if not nxt:
            return None
        cands = nxt
    return cands[0] if len(cands) == 1 else None


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    m = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {m[0]!r}?)" if m else ""


def _enum_values(model: type[BaseModel] | None, field: str) -> list[str]:
    if model is None or field not in model.model_fields:
        return []
    ann = model.model_fields[field].annotation
    out: list[str] = []
    for a in (ann, *typing.get_args(ann)):
        if isinstance(a, type) and hasattr(a, "__members__"):
            out += [m.value for m in a.__members__.values()]
    return out


def _item_label(data: Any, loc: Sequence[str | int]) -> str | None:
    """``items[3]`` → the item's id; rules/relations → ``rule <id>``; top level → None."""
    if len(loc) >= 2 and loc[0] in ("items", "rules", "relations", "values") and isinstance(loc[1], int):
        seq = data.get(loc[0]) if isinstance(data, dict) else None
        entry = seq[loc[1]] if isinstance(seq, list) and loc[1] < len(seq) else None
        key = "code" if loc[0] == "values" else "id"
        ident = entry.get(key) if isinstance(entry, dict) else None
        kind = {"items": "", "rules": "rule ", "relations": "relation ", "values": "code "}[loc[0]]
        return f"{kind}{ident}" if ident is not None else f"{loc[0]}[{loc[1]}]"
    return None


def _problem(err: Mapping[str, Any], root: type[BaseModel]) -> tuple[str, Sequence[str | int], bool]:
    """(message, loc relative to the entry, points at a key?) for one Pydantic error."""
    loc: tuple[str | int, ...] = tuple(err["loc"])
    typ = err["type"]
    field = next((p for p in reversed(loc) if isinstance(p, str) and p not in _TAGS), "")
    inp = err.get("input")
    if typ == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        known = list(model.model_fields) if model else []
        return f"unknown key {loc[-1]!r}{_did_you_mean(str(loc[-1]), known)}", loc, True
    if typ == "missing":
        return f"missing key {loc[-1]!r}", loc[:-1], False
    if typ in ("enum", "literal_error"):
        valid = _enum_values(_model_at(root, loc[:-1]), str(field))
        if not valid:
            valid = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        return (f"bad {field} {inp!r}{_did_you_mean(str(inp), valid)}; valid: {', '.join(valid)}", loc, False)
    if typ in ("union_tag_invalid", "union_tag_not_found"):
        return f"{field} needs status: confirmed (with a source) or modelled", loc, False
    if typ == "string_pattern_mismatch":
        what = "lower-case ASCII snake_case like 'shimei_kana'"
        if field == "id" and loc[0] not in ("items", "rules", "relations"):
            what = "'<gyomu>.<file>' like 'juki.jumin'"
        if field in ("layout",):
            what = "a layout id like 'juki.jumin'"
        return f"{field} {inp!r} must be {what}", loc, False
    msg = str(err.get("msg", typ))
    msg = msg.removeprefix("Value error, ")
    if field and isinstance(loc[-1], str):  # model-level errors (loc ends in an index) need no field name
        msg = f"{field}: {msg}"
    if inp is not None and not isinstance(inp, dict | list) and typ != "value_error":
        msg += f" (got {inp!r})"
    return msg, loc, False


def _pydantic_problems(
    file: str, exc: ValidationError, data: Any, node: yaml.Node | None, root: type[BaseModel]
) -> list[SpecLoadError]:
    out = []
    for err in exc.errors():
        msg, loc, key = _problem(err, root)
        out.append(SpecLoadError(file, msg, item=_item_label(data, loc), line=_line(node, loc, key=key)))
    return out


# --- loading ---------------------------------------------------------------------------


def _mapping(file: str, data: Any, node: yaml.Node | None, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SpecLoadError(
            file, f"a {what} file must be a YAML mapping, got {type(data).__name__}", line=_line(node, ())
        )
    return data


def parse_code_table(
    file: str, data: Any, node: yaml.Node | None
) -> tuple[CodeTable | None, list[SpecLoadError]]:
    """Validate a code table; returns (table or None, problems)."""
    data = _mapping(file, data, node, "code table")
    try:
        table = CodeTable.model_validate(data)
    except ValidationError as e:
        return None, _pydantic_problems(file, e, data, node, CodeTable)
    problems = []
    seen: set[str] = set()
    for i, v in enumerate(table.values):
        if v.code in seen:
            problems.append(
                SpecLoadError(
                    file,
                    f"duplicate code {v.code!r} in table {table.id!r}",
                    item=f"code {v.code}",
                    line=_line(node, ("values", i)),
                )
            )
        seen.add(v.code)
    return table, problems


def load_code_file(path: Path | str) -> CodeTable:
    """Load one code table (``layout_specs/codes/*.yaml``); raises the first problem."""
    data, node = read_yaml(path)
    table, problems = parse_code_table(str(path), data, node)
    if problems:
        raise problems[0]
    assert table is not None
    return table


def parse_layout(file: str, data: Any, node: yaml.Node | None) -> tuple[Layout | None, list[SpecLoadError]]:
    """Validate a layout and run its file-local checks; returns (layout or None, problems)."""
    data = _mapping(file, data, node, "layout")
    if "values" in data and "items" not in data:
        raise SpecLoadError(file, "this is a code table (has 'values'), not a layout", line=_line(node, ()))
    try:
        layout = Layout.model_validate(data)
    except ValidationError as e:
        return None, _pydantic_problems(file, e, data, node, Layout)
    return layout, check_layout(layout, file, node)


class _Problems:
    """The problems of one layout file, each with the line of the YAML node it is about."""

    def __init__(self, file: str, node: yaml.Node | None, ids: Sequence[str]) -> None:
        self.file, self.node, self.ids = file, node, ids
        self._id_set = set(ids)
        self.found: list[SpecLoadError] = []

    def add(self, problem: str, item: str | None, loc: Sequence[str | int]) -> None:
        self.found.append(SpecLoadError(self.file, problem, item=item, line=_line(self.node, loc)))

    def unique(self, kind: str, eid: str, seen: set[str], label: str, loc: Sequence[str | int]) -> None:
        """An id of a ``kind`` (item, rule, relation) must appear once."""
        if eid in seen:
            self.add(f"duplicate {kind} id {eid!r}", label, loc)
        seen.add(eid)

    def known(self, names: Iterable[str], what: str, label: str | None, loc: Sequence[str | int]) -> None:
        """Each of ``names`` must be an item of this layout."""
        for name in names:
            if name not in self._id_set:
                self.add(
                    f"{what}{name!r} is not an item of this layout{_did_you_mean(name, self.ids)}", label, loc
                )


def check_layout(
    layout: Layout,
    file: str,
    node: yaml.Node | None = None,
    codes: Mapping[str, CodeTable] | None = None,
    layouts: Mapping[str, Layout] | None = None,
) -> list[SpecLoadError]:
    """Semantic checks of one layout: ids, references, encodings, patterns, row rules.

    ``codes`` (id → table) enables the code-table check; ``layouts`` (id → layout) the
    relation-target check. Both are skipped when None."""
    probs = _Problems(file, node, layout.item_ids)
    _check_items(layout, probs, codes)
    probs.known(layout.record_key, "record_key item ", None, ("record_key",))
    _check_rules(layout, probs)
    _check_relations(layout, probs, layouts)
    return probs.found


def _check_items(layout: Layout, probs: _Problems, codes: Mapping[str, CodeTable] | None) -> None:
    add = probs.add
    by_id = {it.id: it for it in layout.items}
    seen: set[str] = set()
    names: dict[str, str] = {}
    for i, it in enumerate(layout.items):
        at = ("items", i)
        probs.unique("item", it.id, seen, it.id, at)
        if it.name in names and names[it.name] != it.id:  # 項目名称 heads the CSV column and is a model alias
            add(f"duplicate 項目名称 {it.name!r} (also item {names[it.name]!r})", it.id, (*at, "name"))
        names.setdefault(it.name, it.id)
        if it.length is not None and it.length.encoding is not None:
            enc = codecs.lookup(it.length.encoding).name
            if enc not in BYTE_ENCODINGS:
                add(
                    f"length in bytes of {it.length.encoding!r} is not supported; use utf-8 or cp932",
                    it.id,
                    (*at, "length", "encoding"),
                )
        if it.codes is not None and codes is not None and it.codes not in codes:
            known = sorted(codes)
            hint = _did_you_mean(it.codes, known) or (
                f"; known: {', '.join(known)}" if len(known) <= 30 else ""
            )
            add(f"unknown code table {it.codes!r}{hint}", it.id, (*at, "codes"))
        if it.pattern is not None and _NOT_RE2.search(it.pattern):
            add(
                "pattern uses a backreference or lookaround (patterns must be RE2-compatible)",
                it.id,
                (*at, "pattern"),
            )
        elif it.pattern is not None and (bad := re2_problem(it.pattern)) is not None:
            add(f"pattern is not valid RE2: {bad}", it.id, (*at, "pattern"))
        if it.partial_date is not None:
            probs.known([it.partial_date.flag_item], "partial_date.flag_item ", it.id, (*at, "partial_date"))
        if it.era_of is not None:
            target = by_id.get(it.era_of)
            if target is None:
                probs.known([it.era_of], "era_of ", it.id, (*at, "era_of"))
            elif target.type is not ItemType.DATE:
                add(
                    f"era_of {it.era_of!r} must name a date item (it is {target.type.value})",
                    it.id,
                    (*at, "era_of"),
                )


def _check_rules(layout: Layout, probs: _Problems) -> None:
    seen: set[str] = set()
    for i, rule in enumerate(layout.rules):
        at = ("rules", i)
        label = f"rule {rule.id}"
        probs.unique("rule", rule.id, seen, label, at)
        for part in ("when", "check"):
            src = getattr(rule, part)
            if src is None:
                continue
            try:
                expr.compile_condition(src, probs.ids)
            except expr.ExprError as e:
                probs.add(f"{part}: {e} in {src!r}", label, (*at, part))
        probs.known(rule.items, "items: ", label, (*at, "items"))


def _check_relations(layout: Layout, probs: _Problems, layouts: Mapping[str, Layout] | None) -> None:
    seen: set[str] = set()
    for i, rel in enumerate(layout.relations):
        at = ("relations", i)
        label = f"relation {rel.id}"
        probs.unique("relation", rel.id, seen, label, at)
        probs.known(rel.items, "items: ", label, (*at, "items"))
        if layouts is None:
            continue
        target_layout = layouts.get(rel.layout)
        if target_layout is None:
            probs.add(
                f"relation to unknown layout {rel.layout!r}{_did_you_mean(rel.layout, layouts)}",
                label,
                (*at, "layout"),
            )
            continue
        for name in rel.target_items:
            if name not in target_layout.item_ids:
                probs.add(
                    f"target item {name!r} is not an item of {rel.layout}"
                    f"{_did_you_mean(name, target_layout.item_ids)}",
                    label,
                    (*at, "target_items"),
                )


def load_layout_file(path: Path | str, codes: Mapping[str, CodeTable] | None = None) -> Layout:
    """Load one layout file; raises the first problem (codes checked if ``codes`` is given)."""
    data, node = read_yaml(path)
    layout, problems = parse_layout(str(path), data, node)
    if layout is not None and codes is not None:
        problems += [
            p
            for p in check_layout(layout, str(path), node, codes=codes)
            if p.problem.startswith("unknown code table")
        ]
    if problems:
        raise problems[0]
    assert layout is not None
    return layout


# --- linting a set of files ----------------------------------------------------------


def _is_code_file(path: Path, data: Any) -> bool:
    return isinstance(data, dict) and "values" in data and "items" not in data


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files named, and ``*.yaml``/``*.yml`` under folders named (recursively), sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file())
        else:
            out.append(p)
    return out


def check_files(
    paths: Iterable[Path | str],
    extra_codes: Mapping[str, CodeTable] | None = None,
    extra_layouts: Mapping[str, Layout] | None = None,
) -> tuple[list[Layout], list[CodeTable], list[SpecLoadError]]:
    """Load and check a set of layout and code files together (``specs lint``).

    Code tables and relation targets resolve within the set first, then in
    ``extra_codes``/``extra_layouts`` (the registered layouts). Returns the layouts and
    tables that loaded and every problem found, in file order."""
    problems: list[SpecLoadError] = []
    parsed: list[tuple[str, Any, yaml.Node | None]] = []
    for p in expand_paths(paths):
        if not p.exists():
            problems.append(SpecLoadError(str(p), "no such file"))
            continue
        try:
            data, node = read_yaml(p)
        except SpecLoadError as e:
            problems.append(e)
            continue
        parsed.append((str(p), data, node))
    tables: list[CodeTable] = []
    codes: dict[str, CodeTable] = dict(extra_codes or {})
    for file, data, node in parsed:
        if _is_code_file(Path(file), data):
            table, probs = parse_code_table(file, data, node)
            problems += probs
            if table is not None:
                tables.append(table)
                codes[table.id] = table
    loaded: list[tuple[str, Layout, yaml.Node | None]] = []
    layouts: dict[str, Layout] = dict(extra_layouts or {})
    own: dict[str, str] = {}
    for file, data, node in parsed:
        if _is_code_file(Path(file), data):
            continue
        try:
            layout, probs = parse_layout(file, data, node)
        except SpecLoadError as e:
            problems.append(e)
            continue
        problems += probs
        if layout is not None:
            if layout.id in own:
                problems.append(
                    SpecLoadError(
                        file,
                        f"layout id {layout.id!r} is also defined in {own[layout.id]}",
                        line=_line(node, ("id",)),
                    )
                )
            own[layout.id] = file
            loaded.append((file, layout, node))
            layouts[layout.id] = layout
    for file, layout, node in loaded:
        problems += [
            p
            for p in check_layout(layout, file, node, codes=codes, layouts=layouts)
            if p.problem.startswith(("unknown code table", "relation to", "target item"))
        ]
    problems.sort(key=lambda e: (e.file, e.line or 0))
    return [lay for _, lay, _ in loaded], tables, problems


__all__ = [
    "BYTE_ENCODINGS",
    "check_files",
    "check_layout",
    "expand_paths",
    "load_code_file",
    "load_layout_file",
    "parse_code_table",
    "parse_layout",
    "read_yaml",
]
