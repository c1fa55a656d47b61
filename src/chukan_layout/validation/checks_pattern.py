"""``item.pattern``: the value does not fully match the item's RE2 pattern."""

from __future__ import annotations

import numpy as np

from ..spec.model import Item
from .base import Check, CompileEnv, item_check
from .checks_type import full_match
from .context import BatchContext


def anchored(pattern: str) -> str:
    """Full-match form of a pattern for RE2 (``\\z``: no match before a trailing newline)."""
    return rf"\A(?:{pattern})\z"


@item_check("item.pattern", "Value does not match the item's pattern", "書式（パターン）に合わない")
def build_pattern(item: Item, env: CompileEnv) -> list[Check]:
    """The value does not match the item's ``pattern`` in full.

    Patterns are RE2 syntax (no backreferences or lookaround); they must match the whole value.

    Bad: 在留カード番号 (``[A-Z]{2}[0-9]{8}[A-Z]{2}``) ``"AB1234567CD"``
    Good: ``"AB12345678CD"``
    """
    if not item.pattern:
        return []
    regex = anchored(item.pattern)
    name = item.id

    def fn(ctx: BatchContext) -> np.ndarray:
        return ctx.nonblank(name) & ~full_match(ctx, name, regex)

    return [Check("item.pattern", name, fn, item.sensitivity, name)]
