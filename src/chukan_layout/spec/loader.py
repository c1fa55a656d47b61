"""Load layout and code-table YAML files into the meta-format models, with one-line errors.

Every problem becomes a :class:`~chukan_layout.errors.SpecLoadError` naming the file, the
line (from the YAML node marks), the item (``items[3]`` → its ``id``) and the problem in
one line, never a Pydantic dump::

    layouts/juki.jumin.yaml:42: shimei: unknown key 'lenght' (did you mean 'length'?)

``load_layout_file`` / ``load_code_file`` raise the first problem; :func:`check_files`
(used by ``specs lint``) returns all problems of a set of files, relations across files
included.

Its parts, re-exported here: :func:`read_yaml` (YAML with node positions, ``_spec_yaml``),
Pydantic errors → one line (``_spec_problems``), :func:`check_layout` (the semantic checks of
one layout, ``_layout_checks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import SpecLoadError
from ._layout_checks import BYTE_ENCODINGS, check_layout
from ._spec_problems import pydantic_problems
from ._spec_yaml import node_line, read_yaml
from .model import CodeTable, Layout


def _mapping(file: str, data: Any, node: yaml.Node | None, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SpecLoadError(
            file, f"a {what} file must be a YAML mapping, got {type(data).__name__}", line=node_line(node, ())
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
        return None, pydantic_problems(file, e, data, node, CodeTable)
    problems = []
    seen: set[str] = set()
    for i, v in enumerate(table.values):
        if v.code in seen:
            problems.append(
                SpecLoadError(
                    file,
                    f"duplicate code {v.code!r} in table {table.id!r}",
                    item=f"code {v.code}",
                    line=node_line(node, ("values", i)),
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
        raise SpecLoadError(
            file, "this is a code table (has 'values'), not a layout", line=node_line(node, ())
        )
    try:
        layout = Layout.model_validate(data)
    except ValidationError as e:
        return None, pydantic_problems(file, e, data, node, Layout)
    return layout, check_layout(layout, file, node)


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
                        line=node_line(node, ("id",)),
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
