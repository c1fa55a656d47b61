"""A source's record definition: inline in the adapter, or read from its ``definition_file``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..readers.definition import CsvDefinition, FixedWidthDefinition, RecordDefinition
from .confine import outside_problem
from .format import Source
from .yaml_lines import LineMap, load_yaml_file, validation_error

_DEF = TypeAdapter(RecordDefinition)


def load_definition(
    src: Source,
    sid: str,
    base: Path,
    lines: LineMap,
    files: dict[Path, tuple[Any, LineMap]] | None = None,
) -> FixedWidthDefinition | CsvDefinition:
    """The source's record definition: inline, or from ``definition_file`` (parsed once per
    adapter load even when several sources share the file — ``files`` caches the parse)."""
    path = ("sources", sid)
    if src.definition is not None:
        d = src.definition
    else:
        assert src.definition_file is not None
        f = (base / src.definition_file).resolve()
        if (problem := outside_problem(f, base)) is not None:
            raise lines.error((*path, "definition_file"), problem)
        if not f.is_file():
            raise lines.error((*path, "definition_file"), f"definition file not found: {f}")
        if files is None:
            files = {}
        if f not in files:
            files[f] = load_yaml_file(f)
        data, dlines = files[f]
        dpath: tuple[Any, ...] = ()
        for part in (src.definition_key or "").split("/") if src.definition_key else []:
            data, step = _descend(data, part)
            if step is None:
                raise lines.error(
                    (*path, "definition_key"), f"{f.name} has no {src.definition_key!r} (at {part!r})"
                )
            dpath = (*dpath, step)
        try:
            d = _DEF.validate_python(data)
        except ValidationError as e:
            raise validation_error(e, dlines, dpath, model=RecordDefinition) from None
    if src.encoding:
        d = d.model_copy(update={"encoding": src.encoding})
    return d


def _descend(data: Any, part: str) -> tuple[Any, Any]:
    """One step of a ``definition_key`` path: a mapping key, a list index, or the list element named ``part``."""
    if isinstance(data, dict) and part in data:
        return data[part], part
    if isinstance(data, list):
        if part.isdigit() and int(part) < len(data):
            return data[int(part)], int(part)
        for i, el in enumerate(data):
            if isinstance(el, dict) and el.get("name") == part:
                return el, i
    return None, None
