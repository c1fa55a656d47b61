"""YAML with line numbers: every error in an adapter names ``file:line``.

:func:`load_yaml` returns the plain data (safe loader, so no tags, no ``eval``) and a
:class:`LineMap` from *paths* (tuples of mapping keys and list indices) to the 1-based line
of the node.  A Pydantic ``loc`` or a path built while checking the adapter is resolved to
the nearest line that exists (a missing key points at its parent mapping).
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import DefinitionError
from ..yaml_guard import MAX_YAML_BYTES, yaml_problem

Path_ = tuple[Any, ...]


class LineMap:
    """Path → 1-based line of a loaded YAML document."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._lines: dict[Path_, int] = {}

    def add(self, path: Path_, line: int) -> None:
        self._lines.setdefault(path, line)

    def line(self, path: Sequence[Any]) -> int | None:
        """The line of ``path`` or of its nearest ancestor; unknown components are skipped."""
        best: int | None = self._lines.get(())
        cur: Path_ = ()
        for part in path:
            for cand in (part, str(part)):
                if (*cur, cand) in self._lines:
                    cur = (*cur, cand)
                    best = self._lines[cur]
                    break
            # a component the document lacks (e.g. a union tag in a Pydantic loc): skip it
        return best

    def error(self, path: Sequence[Any], message: str) -> DefinitionError:
        """A :class:`DefinitionError` located at ``path``."""
        return DefinitionError(message, file=self.file, line=self.line(path))


def _walk(node: yaml.Node, path: Path_, lines: LineMap) -> None:
    lines.add(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k)
            lines.add((*path, key), k.start_mark.line + 1)
            _walk(v, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _walk(v, (*path, i), lines)


def load_yaml(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML text; syntax errors become :class:`DefinitionError` with the line."""
    lines = LineMap(file)
    bad = yaml_problem(text)  # aliases / size: the loader must not expand a bomb (issue 14)
    if bad is not None:
        raise DefinitionError(bad[1], file=file, line=bad[0])
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise DefinitionError(f"YAML syntax: {e.problem or e}", file=file, line=line) from None
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def load_yaml_file(path: str | Path) -> tuple[Any, LineMap]:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_YAML_BYTES:  # before reading it: a huge file is refused unread
            raise DefinitionError(f"larger than the {MAX_YAML_BYTES >> 20} MiB allowed for YAML", file=str(p))
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise DefinitionError(f"cannot read: {e.strerror}", file=str(p)) from None
    except UnicodeDecodeError as e:
        raise DefinitionError(f"not UTF-8 text (byte offset {e.start})", file=str(p)) from None
    return load_yaml(text, str(p))


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _models(tp: Any) -> list[type[BaseModel]]:
    """The Pydantic models a (possibly Optional / Union / Annotated) annotation stands for."""
    tp = _unwrap(tp)
    if get_origin(tp) in (Union, types.UnionType):
        return [m for a in get_args(tp) for m in _models(a)]
    return [tp] if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _descend(tp: Any, part: Any) -> Any:
    """The annotation one ``loc`` step below ``tp`` (None when it cannot be followed)."""
    tp = _unwrap(tp)
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(tp) if a is not type(None)]
        for m in members:
            r = _descend(m, part)
            if r is not None:
                return r
        for m in _models(tp):  # a discriminated union's tag (``fixed_width``) or a member's class name
            kind = m.model_fields.get("kind")
            if part == m.__name__ or (kind is not None and kind.default == part):
                return m
        return None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, f in tp.model_fields.items():
            if part in (name, f.alias):
                return f.annotation
        return None
    args = get_args(tp)
    if origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
        return args[0]
    if origin is dict and isinstance(part, str) and len(args) == 2:
        return args[1]
    return None


def valid_keys(model: Any, loc: Sequence[Any]) -> list[str]:
    """The keys allowed at ``loc`` (the location of the mapping holding an unknown key)."""
    tp: Any = model
    for part in loc:
        tp = _descend(tp, part)
        if tp is None:
            return []
    keys: list[str] = []
    for m in _models(tp):
        for name, f in m.model_fields.items():
            key = f.alias or name
            if key not in keys:
                keys.append(key)
    return keys


def unknown_key_message(key: str, keys: Sequence[str]) -> str:
    """``unknown key 'tabels' (did you mean 'tables'?); valid keys: adapter, tables, …``."""
    if not keys:
        return f"unknown key {key!r}"
    near = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return f"unknown key {key!r}{hint}; valid keys: {', '.join(keys)}"


def validation_error(
    err: ValidationError, lines: LineMap, prefix: Path_ = (), model: Any = None
) -> DefinitionError:
    """Turn a Pydantic error into one DefinitionError: the first problem with its line, then the rest.

    With ``model`` (the type that was validated), an unknown key lists the valid keys of its own
    mapping, at any nesting level, with a did-you-mean suggestion."""
    msgs = []
    first_line = None
    for e in err.errors():
        loc = (*prefix, *e["loc"])
        line = lines.line(loc)
        first_line = first_line if first_line is not None else line
        where = ".".join(str(p) for p in loc if not isinstance(p, int) or True)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            keys = valid_keys(model, e["loc"][:-1]) if model is not None else []
            msg = unknown_key_message(str(loc[-1]), keys)
        msgs.append(f"line {line}: {where}: {msg}" if line is not None else f"{where}: {msg}")
    head = (
        msgs[0].split(": ", 1)[1] if msgs and msgs[0].startswith("line ") else (msgs[0] if msgs else str(err))
    )
    rest = "".join(f"\n  {m}" for m in msgs[1:])
    return DefinitionError(head + rest, file=lines.file, line=first_line)
