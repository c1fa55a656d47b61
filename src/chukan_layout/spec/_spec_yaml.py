"""Layout and code-table YAML read with its node tree, so that every problem can name its line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecLoadError
from ..yaml_guard import MAX_YAML_BYTES, expansion_problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def node_line(node: yaml.Node | None, loc: Sequence[str | int], *, key: bool = False) -> int | None:
    n = _node_at(node, loc, key=key)
    return None if n is None else n.start_mark.line + 1
