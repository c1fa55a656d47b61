"""Load an adapter file and check it completely before any data is read.

Every mistake is a :class:`DefinitionError` naming ``file:line``: YAML syntax, unknown keys,
an unknown source field, an unknown transform (the message lists the valid ones), a wrong
argument, a target item that is not in the layout, a required target item left unmapped, a
record type that feeds nothing, a side item set twice.  The result, :class:`Adapter`, holds
the record definitions and instantiated transforms the engine runs.

This module reads the file and keeps checked adapters in the compiled cache (by content); its
parts, re-exported here: the compiled model (``_compiled``: :class:`Adapter`,
:class:`SourceSpec` …), the checks (``_compile``: :func:`compile_adapter`), record definitions
(``_definitions``) and transform steps (``_steps``: :func:`compile_step`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import DefinitionError
from ..spec.model import Layout
from . import registry
from ._compiled import (
    Adapter,
    CompiledItem,
    CompiledMapping,
    CompiledTarget,
    LayoutProvider,
    SourceSpec,
    role_of,
)
from .crosswalk_items import crosswalk_files
from .format import AdapterFile
from .transforms.base import Transform
from .yaml_lines import load_yaml_file, validation_error

if TYPE_CHECKING:
    from ._compile import compile_adapter
    from ._steps import compile_step

__all__ = [
    "Adapter",
    "CompiledItem",
    "CompiledMapping",
    "CompiledTarget",
    "LayoutProvider",
    "SourceSpec",
    "compile_adapter",
    "compile_step",
    "default_layouts",
    "load_adapter",
    "role_of",
]


def default_layouts(layout_id: str) -> Layout:
    """Load a shipped (or registered) layout through the spec registry (unknown id: a ``KeyError``)."""
    from ..spec.registry import load_layout  # late: reading an adapter file alone needs no registry

    return load_layout(layout_id).spec


def load_adapter(path: str | Path, layouts: LayoutProvider | None = None) -> Adapter:
    """Load and fully check an adapter (name of a shipped/plugin adapter, or a path).

    With the registry's layouts (``layouts`` None) the checked adapter is cached on disk by the
    content of its file, its definition files and the layouts (:mod:`..spec.compiled_cache`)."""
    file = registry.resolve_adapter(path)
    if layouts is not None:
        return _load_adapter(file, layouts)
    from ..spec import compiled_cache
    from ..spec.registry import registry_digest

    key = compiled_cache.content_key(
        "adapter", [str(file.resolve()), compiled_cache.file_digest(file), registry_digest()]
    )
    hit = compiled_cache.load("adapter", key)
    if isinstance(hit, tuple) and len(hit) == 2 and isinstance(hit[1], Adapter):
        deps, adapter = hit
        try:
            if all(compiled_cache.file_digest(p) == h for p, h in deps):
                adapter.path = file
                return adapter
        except OSError:
            pass
    adapter = _load_adapter(file, default_layouts)
    if all(type(st).__module__.startswith("chukan_layout.") for st in _steps(adapter)):
        deps = [(p, compiled_cache.file_digest(p)) for p in _definition_files(adapter.model, file.parent)]
        compiled_cache.store("adapter", key, (deps, adapter))
    return adapter


def _steps(adapter: Adapter) -> list[Transform]:
    return [st for t in adapter.targets for ci in t.items for br in ci.branches for st in br.steps]


def _definition_files(model: AdapterFile, base: Path) -> list[Path]:
    """The record definition files an adapter reads besides itself."""
    defs = {(base / s.definition_file).resolve() for s in model.sources.values() if s.definition_file}
    return sorted(defs | set(crosswalk_files(model, base)))


def _load_adapter(file: Path, layouts: LayoutProvider) -> Adapter:
    data, lines = load_yaml_file(file)
    if not isinstance(data, dict):
        raise DefinitionError(
            "an adapter file is a mapping (adapter:, sources:, targets:)", file=str(file), line=1
        )
    try:
        model = AdapterFile.model_validate(data)
    except ValidationError as e:
        raise validation_error(e, lines, model=AdapterFile) from None
    from ._compile import compile_adapter  # late: a cached adapter is not compiled

    return compile_adapter(model, lines, file.parent, layouts, file)


def __getattr__(name: str) -> Any:
    """``compile_adapter`` and ``compile_step`` import the checks on first use (a cache hit needs neither)."""
    if name in ("compile_adapter", "compile_step"):
        from . import _compile

        value = getattr(_compile, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
