"""Masking a finding's sample value by what kind of personal data its item holds."""

from __future__ import annotations

from enum import StrEnum


class Sensitivity(StrEnum):
    """What kind of personal data an item holds, for masking samples (docs/design.md §4.8)."""

    PERSONAL_ID = "personal_id"
    NAME = "name"
    ADDRESS = "address"
    BIRTH_DATE = "birth_date"
    NONE = "none"


_MASK = "＊"


def mask_value(value: str | None, sensitivity: Sensitivity | str | None) -> str | None:
    """Mask a sample value by the item's sensitivity.

    >>> mask_value("123456789018", "personal_id")
    '**********18'
    >>> mask_value("山田　太郎", "name")
    '山＊＊＊＊'
    >>> mask_value("1985-04-12", "birth_date")
    '1985-**-**'

    A short value is never shown whole (issue 14): at most half of it stays.

    >>> mask_value("山", "name"), mask_value("3番地", "address"), mask_value("1985", "birth_date")
    ('＊', '3＊＊', '****')
    """
    if value is None or sensitivity is None:
        return value
    s = Sensitivity(sensitivity)
    if s is Sensitivity.NONE or value == "":
        return value
    if s is Sensitivity.PERSONAL_ID:
        keep = 2 if len(value) > 4 else 0
        return "*" * (len(value) - keep) + value[len(value) - keep :]
    if s is Sensitivity.NAME:
        keep = 1 if len(value) > 1 else 0
        return value[:keep] + _MASK * (len(value) - keep)
    if s is Sensitivity.ADDRESS:
        head = value[: min(4, len(value) // 2)]
        return head + _MASK * min(len(value) - len(head), 8)
    # birth date: keep the year part only (a year alone is masked whole)
    if len(value) > 4 and value[:4].isdigit():
        return value[:4] + "".join("*" if c.isdigit() else c for c in value[4:])
    return "*" * len(value)
