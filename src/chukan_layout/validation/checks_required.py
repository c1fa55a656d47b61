"""``item.required``: a required item is blank."""

from __future__ import annotations

from ..spec.model import Item
from .base import Check, CompileEnv, item_check


@item_check("item.required", "A required item is blank", "必須項目が未設定")
def build_required(item: Item, env: CompileEnv) -> list[Check]:
    """A required item (``required: true``) is blank.

    Blank means the empty string; a value of spaces is not blank (readers trim per adapter).

    Bad: 宛名番号 ``""``
    Good: 宛名番号 ``"0000012345"``
    """
    if not item.required:
        return []
    name = item.id
    return [
        Check(
            "item.required",
            name,
            lambda ctx: ctx.blank(name).copy(),
            item.sensitivity,
            name,
            blank_safe=False,
        )
    ]
