"""The date formats of the date transforms and the arguments they share.

A format (``GYYMMDD``, ``YYYY/MM/DD``, ``YYYY年M月D日`` …: ``G`` era digits, ``YY``/``YYYY`` year,
``MM``/``M`` month, ``DD``/``D`` day, anything else literal) becomes one RE2 pattern for the
general path (:func:`format_regex`) and, when every part has a fixed width, the byte position of
each part for the fast path (:func:`fixed_layout`).
"""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import field_validator

from .base import TransformArgs

TOKENS = [("GGGG", "g"), ("GGG", "g"), ("GG", "g"), ("G", "g"), ("YYYY", "y"), ("YY", "y"),
          ("MM", "m"), ("DD", "d"), ("M", "m"), ("D", "d")]  # fmt: skip


def format_regex(fmt: str, *, era: bool) -> str:
    """The RE2 pattern of a date format (``GYYMMDD`` → ``^(?P<g>\\d)(?P<y>\\d{2})…$``)."""
    out, i, seen = [], 0, set()
    while i < len(fmt):
        for tok, group in TOKENS:
            if fmt.startswith(tok, i):
                if group in seen:
                    raise ValueError(f"format {fmt!r}: {group!r} appears twice")
                seen.add(group)
                if group == "g":
                    out.append(f"(?P<g>[0-9A-Za-z]{{{len(tok)}}})")
                else:
                    out.append(
                        f"(?P<{group}>[0-9]{{1,2}})" if len(tok) == 1 else f"(?P<{group}>[0-9]{{{len(tok)}}})"
                    )
                i += len(tok)
                break
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    need = {"g", "y", "m", "d"} if era else {"y", "m", "d"}
    if not need <= seen:
        raise ValueError(f"format {fmt!r} needs {'G, ' if era else ''}Y, M and D")
    if not era and "g" in seen:
        raise ValueError(f"format {fmt!r}: G (era) only in the wareki transform")
    return "^" + "".join(out) + "$"


def fixed_layout(fmt: str) -> tuple[int, dict[str, list]] | None:
    """Byte positions of each part for a fixed-width format (no ``M``/``D`` single tokens), else None."""
    pos: dict[str, list] = {"g": [], "y": [], "m": [], "d": [], "lit": []}
    i = 0
    while i < len(fmt):
        for tok, group in TOKENS:
            if fmt.startswith(tok, i):
                if len(tok) == 1 and group in ("m", "d"):
                    return None
                if group == "g" and len(tok) != 1:
                    return None
                pos[group] += list(range(i, i + len(tok)))
                i += len(tok)
                break
        else:
            if not fmt[i].isascii():
                return None
            pos["lit"].append((i, ord(fmt[i])))
            i += 1
    return len(fmt), pos


class DateArgs(TransformArgs):
    """The arguments of every date transform (``Wareki.Args`` adds ``eras``); ``format`` is
    checked by :func:`format_regex` at load time."""

    era: ClassVar[bool] = False  # the format has a G (era) part: 和暦
    format: str
    sentinels: list[str] = []  # noqa: RUF012 - pydantic copies defaults
    partial: bool = True  # accept 00 month/day as 不詳
    flag_item: str | None = None  # target item set to flag_values[1] on 不詳 / sentinel rows
    flag_values: tuple[str, str] = ("0", "1")
    flag_blank: str | None = None  # flag value when the date is blank (default: flag_values[0])

    @field_validator("format")
    @classmethod
    def _fmt(cls, v: str) -> str:
        format_regex(v, era=cls.era)
        return v
