"""The layout registry: shipped reference layouts plus user folders, loaded once and cached.

    >>> from chukan_layout import load_layout
    >>> jumin = load_layout("juki.jumin")
    >>> jumin.model.model_validate({"shimei": "山田　太郎", ...})

A layout folder holds ``*.yaml`` layouts and a ``codes/`` folder of code tables.  Folders
registered with :func:`register_layout_dir` take precedence over the shipped ones (a user
holding the official V2.7 tables can replace a reference layout by id).  Code tables
resolve in the layout's own folder first, then in the other registered folders, then in
the shipped ``layout_specs/codes``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import SpecLoadError, UnknownLayoutError
from ..resources import layout_specs_dir
from . import compiled_cache, loader
from .model import CodeTable, Item, Layout
from .records import RecordChecker, build_model

_LOCK = threading.RLock()
_USER_DIRS: list[Path] = []
_CACHE: dict[str, LoadedLayout] = {}
_INDEX: dict[str, Path] | None = None
_CODES: dict[Path, dict[str, CodeTable]] = {}
_DIGEST: str | None = None


@dataclass(repr=False)
class LoadedLayout:
    """A loaded layout: its spec, the code tables it uses, the generated record model."""

    spec: Layout
    codes: dict[str, CodeTable]
    path: Path
    _model: type[BaseModel] | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.spec.id

    def __repr__(self) -> str:  # short: Hypothesis and logs print it
        return f"<LoadedLayout {self.spec.id} ({len(self.spec.items)} items) from {self.path}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # Hypothesis/IPython pretty-printers
        p.text(repr(self))

    @cached_property
    def checker(self) -> RecordChecker:
        """The scalar record checker (oracle of the vectorized validator)."""
        return RecordChecker(self.spec, self.codes)

    @property
    def model(self) -> type[BaseModel]:
        """The generated Pydantic record model (built on first use)."""
        if self._model is None:
            self._model = build_model(self.spec, self.codes)
        return self._model

    def json_schema(self) -> dict[str, Any]:
        """JSON Schema of one record (titles = 項目名称, maxLength, pattern, enum, provenance)."""
        return self.model.model_json_schema(by_alias=True)

    def item(self, item_id: str) -> Item:
        """The item by id; unknown ids list the valid ones."""
        try:
            return self.spec.item(item_id)
        except KeyError:
            raise KeyError(
                f"{self.id} has no item {item_id!r}; items: {', '.join(self.spec.item_ids)}"
            ) from None

    def code_table(self, item_id: str) -> CodeTable | None:
        it = self.item(item_id)
        return self.codes.get(it.codes) if it.codes else None


def layout_dirs() -> list[Path]:
    """Folders searched, highest precedence first (user folders, then the shipped one)."""
    return [*reversed(_USER_DIRS), layout_specs_dir()]


def register_layout_dir(path: Path | str) -> None:
    """Add a folder of layouts (``*.yaml`` + ``codes/``); it overrides earlier ones by id."""
    p = Path(path).resolve()
    if not p.is_dir():
        raise SpecLoadError(str(path), "not a folder of layouts")
    with _LOCK:
        if p in _USER_DIRS:
            _USER_DIRS.remove(p)
        _USER_DIRS.append(p)
        clear_cache()


def unregister_layout_dir(path: Path | str) -> None:
    """Remove a folder added with :func:`register_layout_dir` (no-op if absent)."""
    p = Path(path).resolve()
    with _LOCK:
        if p in _USER_DIRS:
            _USER_DIRS.remove(p)
        clear_cache()


def clear_cache() -> None:
    """Forget every loaded layout and code table (after files changed)."""
    global _INDEX, _DIGEST
    with _LOCK:
        _CACHE.clear()
        _CODES.clear()
        _INDEX = None
        _DIGEST = None


def registry_digest() -> str:
    """SHA-256 over every registered layout file and code table (path and bytes): the content a
    compiled layout or adapter depends on (the key of :mod:`.compiled_cache` entries)."""
    global _DIGEST
    with _LOCK:
        if _DIGEST is None:
            files = sorted(
                {*_index().values(), *(p for d in layout_dirs() for p in sorted(d.glob("codes/*.y*ml")))}
            )
            _DIGEST = compiled_cache.content_key(
                "registry", (f"{p}={compiled_cache.file_digest(p)}" for p in files)
            )
        return _DIGEST


def _layout_files(d: Path) -> list[Path]:
    return sorted(p for p in d.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def _index() -> dict[str, Path]:
    """layout id → file. Ids come from the file name ``<id>.yaml`` when it is one, else the file."""
    global _INDEX
    with _LOCK:
        if _INDEX is None:
            idx: dict[str, Path] = {}
            for d in reversed(layout_dirs()):  # lowest precedence first, later ones override
                for p in _layout_files(d):
                    lid = p.stem if p.stem.count(".") == 1 else _peek_id(p)
                    if lid:
                        idx[lid] = p
            _INDEX = idx
        return _INDEX


def _peek_id(path: Path) -> str | None:
    data, _ = loader.read_yaml(path)
    return data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None


def _codes_in(d: Path) -> dict[str, CodeTable]:
    with _LOCK:
        if d not in _CODES:
            tables: dict[str, CodeTable] = {}
            cdir = d / "codes"
            if cdir.is_dir():
                for p in sorted(cdir.glob("*.yaml")):
                    t = loader.load_code_file(p)
                    if t.id in tables:
                        raise SpecLoadError(str(p), f"code table id {t.id!r} is defined twice in {cdir}")
                    tables[t.id] = t
            _CODES[d] = tables
        return _CODES[d]


def all_codes(first: Path | None = None) -> dict[str, CodeTable]:
    """Every code table visible from folder ``first`` (its own win, then registered, then shipped)."""
    out: dict[str, CodeTable] = {}
    dirs = layout_dirs()
    if first is not None:
        dirs = [first, *[d for d in dirs if d != first]]
    for d in reversed(dirs):
        out.update(_codes_in(d))
    return out


def layout_ids() -> list[str]:
    """Ids of every registered layout, sorted."""
    return sorted(_index())


def _spec(layout_id: str) -> tuple[Layout, Path]:
    idx = _index()
    if layout_id not in idx:
        raise UnknownLayoutError(f"unknown layout {layout_id!r}; known: {', '.join(sorted(idx)) or '(none)'}")
    path = idx[layout_id]
    data, node = loader.read_yaml(path)
    layout, problems = loader.parse_layout(str(path), data, node)
    if problems:
        raise problems[0]
    assert layout is not None
    if layout.id != layout_id:
        raise SpecLoadError(str(path), f"file name says {layout_id!r} but id is {layout.id!r}")
    return layout, path


def load_layout(layout_id: str) -> LoadedLayout:
    """The layout ``layout_id`` (cached), checked against its code tables and relation targets."""
    with _LOCK:
        if layout_id in _CACHE:
            return _CACHE[layout_id]
        key = compiled_cache.content_key("layout", [layout_id, registry_digest()])
        hit = compiled_cache.load("layout", key)
        if isinstance(hit, LoadedLayout) and hit.id == layout_id:
            _CACHE[layout_id] = hit
            return hit
        layout, path = _spec(layout_id)
        codes = all_codes(path.parent)
        targets: dict[str, Layout] = {}
        for rel in layout.relations:
            if rel.layout in _index():
                targets[rel.layout] = (
                    _CACHE[rel.layout].spec if rel.layout in _CACHE else _spec(rel.layout)[0]
                )
        _, node = loader.read_yaml(path)
        problems = loader.check_layout(layout, str(path), node, codes=codes, layouts=targets)
        if problems:
            raise problems[0]
        used = {it.codes for it in layout.items if it.codes}
        loaded = LoadedLayout(layout, {k: v for k, v in codes.items() if k in used}, path)
        compiled_cache.store("layout", key, LoadedLayout(loaded.spec, loaded.codes, loaded.path))
        _CACHE[layout_id] = loaded
        return loaded


def list_layouts() -> list[LoadedLayout]:
    """Every registered layout, loaded, sorted by id."""
    return [load_layout(i) for i in layout_ids()]


def load_code_table(table_id: str) -> CodeTable:
    """A code table by id from any registered folder."""
    codes = all_codes()
    if table_id not in codes:
        raise SpecLoadError("codes", f"unknown code table {table_id!r}; known: {', '.join(sorted(codes))}")
    return codes[table_id]


def registered_specs() -> Mapping[str, Layout]:
    """id → Layout for every registered layout (used by ``specs lint`` for relation targets)."""
    out: dict[str, Layout] = {}
    for i in layout_ids():
        try:
            out[i] = _spec(i)[0]
        except SpecLoadError:
            continue
    return out
