"""Configuration YAML cannot hang or exhaust memory (issue 14, point 6).

A 412-byte adapter with nested anchors and aliases (the "billion laughs") expanded to 17.8 GB
before anything checked it. Every YAML file the tool loads — adapters, layouts, code tables,
外字 tables, record definitions — goes through :func:`yaml_problem` first:

- files larger than :data:`MAX_YAML_BYTES` are refused (a layout of 500 items is ≈ 100 KB);
- the document is composed (aliases stay references to one node: no expansion) and its size
  *as expanded* is counted with one memoised walk; more than :data:`MAX_EXPANDED_NODES`
  nodes is refused with the line of the alias that blew it up. Aliases used the ordinary way
  (``provenance: *modelled`` on every item of a layout) stay far below the cap.

Linear in the text. The caller raises its own error type with ``file:line``.
"""

from __future__ import annotations

import yaml

MAX_YAML_BYTES = 8 << 20  # 8 MiB
MAX_EXPANDED_NODES = 2_000_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_problem(text: str | bytes) -> tuple[int | None, str] | None:
    r"""``(line, problem)`` when ``text`` must not be loaded, else None.

    >>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    ...     f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    ...     for p, c in zip("abcdefgh", "bcdefghi"))
    >>> yaml_problem(bomb)
    (7, 'YAML aliases expand to more than 2,000,000 nodes (an alias bomb?): refused')
    >>> yaml_problem("m: &m {status: modelled}\nitems:\n  - provenance: *m\n") is None
    True
    """
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_YAML_BYTES:
        return None, f"file of {size:,} bytes is larger than the {MAX_YAML_BYTES >> 20} MiB allowed for YAML"
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None  # a syntax error: the loader that follows reports it with its line
    return expansion_problem(root)


def expansion_problem(root: yaml.Node | None) -> tuple[int | None, str] | None:
    """``(line, problem)`` when a composed document expands past :data:`MAX_EXPANDED_NODES`.

    For loaders that compose the document themselves (no second parse).
    """
    if root is None:
        return None
    sizes: dict[int, int] = {}
    # iterative post-order walk over the node graph; shared (aliased) nodes are counted once
    # per reference through the memo, never walked again
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        kids = _children(node)
        if not done:
            stack.append((node, True))
            stack.extend((k, False) for k in kids if id(k) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(k), 0) for k in kids)
        sizes[id(node)] = total
        if total > MAX_EXPANDED_NODES:
            return (node.start_mark.line + 1,
                    f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?): refused")  # fmt: skip
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for kv in node.value for n in kv]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
