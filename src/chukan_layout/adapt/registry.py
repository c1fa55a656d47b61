"""Registries of transforms and adapters: built-ins plus entry-point plugins.

Plugins are declared by other packages::

    [project.entry-points."chukan_layout.transforms"]
    kanji_itaiji = "my_pkg.transforms:Itaiji"          # a Transform subclass
    [project.entry-points."chukan_layout.adapters"]
    vendor_q = "my_pkg.adapters:ADAPTER_PATH"          # path to an adapter YAML (or a callable returning one)

Entry points are loaded lazily, one at a time, only when their name is asked for.  A plugin
that fails to import raises :class:`PluginError` naming it — for that name only; every other
transform and adapter keeps working (:func:`plugin_problems` lists the broken ones).
An unknown name lists the valid ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from ..errors import DefinitionError, PluginError
from .transforms.base import Transform, builtin_transforms

TRANSFORM_GROUP = "chukan_layout.transforms"
ADAPTER_GROUP = "chukan_layout.adapters"
VENDORS_DIR = Path(__file__).resolve().parent / "vendors"

_loaded: dict[tuple[str, str], Any] = {}
_T = TypeVar("_T")


def _entry_points(group: str) -> dict[str, metadata.EntryPoint]:
    return {ep.name: ep for ep in metadata.entry_points(group=group)}


def _load(group: str, name: str, check: Callable[[Any], _T]) -> _T | None:
    """The checked object of entry point ``name`` in ``group`` (cached), None if there is none."""
    key = (group, name)
    if key in _loaded:
        return _loaded[key]
    ep = _entry_points(group).get(name)
    if ep is None:
        return None
    try:
        obj = check(ep.load())
    except PluginError:
        raise
    except Exception as e:
        raise PluginError(
            f"plugin {name!r} ({group} = {ep.value}) failed to load: {type(e).__name__}: {e}"
        ) from e
    _loaded[key] = obj
    return obj


def _find(name: str, own: Mapping[str, _T], group: str, check: Callable[[Any], _T]) -> _T | None:
    """``own[name]`` (built-in or shipped first), else the checked plugin of that name, else None."""
    return own[name] if name in own else _load(group, name, check)


def _names(own: Iterable[str], group: str) -> list[str]:
    """Own names and plugin names (plugins are not loaded to list them)."""
    return sorted(set(own) | set(_entry_points(group)))


def _check_transform(obj: Any) -> type[Transform]:
    if not (isinstance(obj, type) and issubclass(obj, Transform)):
        raise PluginError(f"{obj!r} is not a Transform subclass")
    return obj


def transform_names() -> list[str]:
    """Every transform name: built-ins and (unloaded) plugins."""
    return _names(builtin_transforms(), TRANSFORM_GROUP)


def get_transform(name: str) -> type[Transform]:
    """The transform class called ``name`` (built-in first, then the plugin of that name)."""
    cls = _find(name, builtin_transforms(), TRANSFORM_GROUP, _check_transform)
    if cls is None:
        raise KeyError(f"unknown transform {name!r}; known: {', '.join(transform_names())}")
    return cls


def shipped_adapters() -> dict[str, Path]:
    """The adapters shipped in ``adapt/vendors/*.yaml`` by name (file stem)."""
    return {p.stem: p for p in sorted(VENDORS_DIR.glob("*.yaml"))}


def adapter_names() -> list[str]:
    """Every adapter name: shipped and (unloaded) plugins."""
    return _names(shipped_adapters(), ADAPTER_GROUP)


def _check_adapter(obj: Any) -> Path:
    if callable(obj) and not isinstance(obj, (str, Path)):
        obj = obj()
    if isinstance(obj, (str, Path)):
        if not Path(obj).is_file():
            raise PluginError(f"adapter file {obj} does not exist")
        return Path(obj)
    raise PluginError(f"an adapter entry point must give a path to an adapter YAML, got {type(obj).__name__}")


def resolve_adapter(name_or_path: str | Path) -> Path:
    """The adapter YAML for a name (shipped or plugin) or a path to a file."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.is_file():
        if not p.is_file():
            raise DefinitionError(f"adapter file not found: {p}")
        return p
    name = str(name_or_path)
    path = _find(name, shipped_adapters(), ADAPTER_GROUP, _check_adapter)
    if path is None:
        raise DefinitionError(
            f"unknown adapter {name!r}; known: {', '.join(adapter_names())} (or give a path)"
        )
    return path


def plugin_problems() -> dict[str, str]:
    """Load every plugin once and report the broken ones ({"group:name": message}); never raises."""
    out: dict[str, str] = {}
    for group, check in ((TRANSFORM_GROUP, _check_transform), (ADAPTER_GROUP, _check_adapter)):
        for name in _entry_points(group):
            try:
                _load(group, name, check)
            except PluginError as e:
                out[f"{group}:{name}"] = str(e)
    return out


def clear_cache() -> None:
    """Forget loaded plugins (tests)."""
    _loaded.clear()
