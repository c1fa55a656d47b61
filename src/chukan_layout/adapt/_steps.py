"""One transform step of a mapping (a name or ``{name: arguments}``) checked against the registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_origin

from pydantic import BaseModel, ValidationError

from ..errors import DefinitionError, PluginError
from . import registry
from .transforms.base import Transform
from .yaml_lines import LineMap, validation_error


def compile_step(step: Any, path: tuple[Any, ...], tables: Mapping[str, Any], lines: LineMap) -> Transform:
    """One step (a name or ``{name: args}``) checked against the transform registry; errors name
    ``file:line`` (used by export profiles, which share the adapter's step syntax)."""
    if isinstance(step, str):
        name, raw = step, None
    elif isinstance(step, dict) and len(step) == 1:
        name, raw = next(iter(step.items()))
    else:
        raise lines.error(path, "a step is a transform name or a one-key mapping {name: arguments}")
    try:
        cls = registry.get_transform(name)
    except KeyError as e:
        raise lines.error(path, str(e.args[0])) from None
    except PluginError as e:
        raise lines.error(path, str(e)) from None
    args_cls: type[BaseModel] = cls.Args
    if raw is None:
        raw = {}
    elif not isinstance(raw, dict):
        if cls.primary is None:
            names = ", ".join(args_cls.model_fields)
            raise lines.error(
                path,
                f"transform {name!r} takes " + (f"named arguments ({names})" if names else "no arguments"),
            )
        raw = {cls.primary: raw}
    raw = dict(raw)
    for k, v in raw.items():  # a mapping argument may name an entry of the adapter's `tables:`
        f = args_cls.model_fields.get(k)
        if isinstance(v, str) and f is not None and get_origin(f.annotation) is dict:
            if v not in tables:
                raise lines.error(
                    (*path, name, k), f"unknown table {v!r}; tables: {', '.join(tables) or '(none)'}"
                )
            raw[k] = tables[v]
    try:
        args = args_cls.model_validate(raw)
    except ValidationError as e:
        err = validation_error(e, lines, (*path, name), model=args_cls)
        raise DefinitionError(f"transform {name!r}: {err}".replace(f"{lines.file}:{err.line}: ", ""),
                              file=lines.file, line=err.line) from None  # fmt: skip
    return cls(args)
