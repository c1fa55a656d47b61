"""Pydantic validation errors of a layout or code table → one-line :class:`SpecLoadError` s.

Each names the file, the line, the item (``items[3]`` → its ``id``) and the problem, with a
"did you mean" for unknown keys and the valid values of an enum, never a Pydantic dump."""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import SpecLoadError
from ._spec_yaml import node_line
from .model import Confirmed, Modelled


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


def did_you_mean(word: str, options: Iterable[str]) -> str:
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
        return f"unknown key {loc[-1]!r}{did_you_mean(str(loc[-1]), known)}", loc, True
    if typ == "missing":
        return f"missing key {loc[-1]!r}", loc[:-1], False
    if typ in ("enum", "literal_error"):
        valid = _enum_values(_model_at(root, loc[:-1]), str(field))
        if not valid:
            valid = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        return (f"bad {field} {inp!r}{did_you_mean(str(inp), valid)}; valid: {', '.join(valid)}", loc, False)
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


def pydantic_problems(
    file: str, exc: ValidationError, data: Any, node: yaml.Node | None, root: type[BaseModel]
) -> list[SpecLoadError]:
    out = []
    for err in exc.errors():
        msg, loc, key = _problem(err, root)
        out.append(SpecLoadError(file, msg, item=_item_label(data, loc), line=node_line(node, loc, key=key)))
    return out
