"""Interpret one item row of a データ項目一覧表 / 基本データリスト: cell text → item fields.

A cell the profile cannot interpret raises :class:`CellError` with the field, so the caller
names ``sheet!cell``; nothing is guessed.  Cell syntax (also what ``specs export`` writes):

- 桁数 ``15`` (max), ``6..6`` / ``1..15`` (min..max), ``9,2`` (digits, scale);
  桁数単位 ``文字`` or ``バイト(cp932)`` (blank: the profile's unit).
- 必須 / キー / 元号範囲: the profile's ``required_words`` / ``optional_words``.
- 繰返し ``n``: the item stands for n items ``<id>_1…<id>_n`` named ``<name>1…<name>n``.
- 上位項目 ``転入前住所`` + 項目名 ``市区町村コード`` → 項目名称 ``転入前住所_市区町村コード`` (the
  profile's ``group_separator``); a blank 上位項目 inside a vertically merged cell continues it.
- 不詳 ``<flag item id>`` or ``<flag item id>:month`` / ``:day`` / ``:month,day``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..model import Charset, CheckDigit, ItemType, LengthUnit
from .profile import Profile, TypeWord
from .tables import Row

_ID_OK = re.compile(r"^[a-z][a-z0-9_]*$")


class CellError(ValueError):
    """A cell that cannot be interpreted: ``field`` names the column."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def make_id(text: str, field: str, prefix: str) -> str:
    """An official ID (``JUKI-0001``, ``C001``) as a layout id: lower case, ``-``/``.``/space → ``_``,
    ``prefix`` before a leading digit.  Non-ASCII IDs are refused, never transliterated."""
    s = re.sub(r"[-. ]", "_", text.strip()).lower()
    if s[:1].isdigit():
        s = f"{prefix}_{s}"
    if not _ID_OK.match(s):
        raise CellError(field, f"ID {text!r} cannot be an id (ASCII letters, digits and _ only)")
    return s


def flag(profile: Profile, text: str, field: str) -> bool:
    if text in profile.required_words:
        return True
    if text in profile.optional_words:
        return False
    words = [w for w in (*profile.required_words, *profile.optional_words) if w]
    raise CellError(field, f"cannot read {text!r} as yes/no; known marks: {' '.join(words)}")


def type_word(profile: Profile, text: str) -> TypeWord:
    for tw in profile.types:
        if tw.word == text:
            return tw
    raise CellError("type", f"unknown type word {text!r}; known: {', '.join(t.word for t in profile.types)}")


def _int(text: str, field: str) -> int:
    if not re.fullmatch(r"\d+", text):
        raise CellError(field, f"{text!r} is not a whole number")
    return int(text)


def length(profile: Profile, text: str, unit_text: str) -> tuple[dict[str, Any] | None, int | None]:
    """(length mapping, scale from ``p,s``) of a 桁数 cell and its unit cell."""
    if not text:
        if unit_text:
            raise CellError("length_unit", "a 桁数単位 without a 桁数")
        return None, None
    scale = None
    m = re.fullmatch(r"(\d+)\s*[,，]\s*(\d+)", text)
    if m:
        text, scale = m.group(1), int(m.group(2))
    m = re.fullmatch(r"(\d+)\s*\.\.\s*(\d+)", text)
    out: dict[str, Any] = (
        {"min": int(m.group(1)), "max": int(m.group(2))} if m else {"max": _int(text, "length")}
    )
    unit, enc = profile.length_unit, profile.length_encoding
    if unit_text:
        m2 = re.fullmatch(r"([^()（）]+)(?:[(（]([^()（）]+)[)）])?", unit_text)
        word = m2.group(1).strip() if m2 else unit_text
        if word in profile.byte_words:
            unit, enc = LengthUnit.BYTES, (m2.group(2) if m2 and m2.group(2) else enc)
        elif word in profile.char_words and not (m2 and m2.group(2)):
            unit, enc = LengthUnit.CHARS, None
        else:
            raise CellError("length_unit", f"unknown 桁数単位 {unit_text!r}; use 文字 or バイト(cp932)")
    if unit is LengthUnit.BYTES:
        if not enc:
            raise CellError("length_unit", "a length in bytes needs an encoding: バイト(cp932)")
        out.update(unit="bytes", encoding=enc)
    return out, scale


def _enum(kind: type, text: str, field: str) -> str:
    values = [m.value for m in kind.__members__.values()]  # type: ignore[attr-defined]
    if text not in values:
        raise CellError(field, f"unknown {field} {text!r}; valid: {', '.join(values)}")
    return text


def partial_date(text: str) -> dict[str, Any]:
    flag_item, _, allow = text.partition(":")
    out: dict[str, Any] = {"flag_item": flag_item.strip()}
    if allow:
        parts = [a.strip() for a in allow.split(",")]
        if not all(p in ("month", "day") for p in parts):
            raise CellError("partial_date", f"不詳 {text!r}: after ':' write month, day or month,day")
        out["allow"] = parts
    return out


def _item_id(profile: Profile, row: Row) -> str:
    if row.text("id") or profile.items.missing_id == "error":
        if not row.text("id"):
            raise CellError("id", "項目ID is blank")
        return make_id(row.text("id"), "id", "i")
    if not row.text("number"):
        raise CellError("number", "項目ID and 項番 are both blank: the item has no id")
    return make_id(row.text("number"), "number", "i")


def item_fields(profile: Profile, row: Row, book: str) -> dict[str, Any]:
    """The Item keyword arguments of one row; ``repeat`` stays in the dict."""
    t = row.text
    out: dict[str, Any] = {"id": _item_id(profile, row), "name": t("name")}
    if t("group") and t("name"):  # hierarchical lists repeat names under several 上位項目
        out["name"] = f"{t('group')}{profile.group_separator}{t('name')}"
    out["provenance"] = provenance(t("provenance"), book, row.at())
    if not out["name"]:
        raise CellError("name", "項目名 is blank")
    if not t("type"):
        raise CellError("type", "データ型 is blank")
    tw = type_word(profile, t("type"))
    out["type"] = tw.type.value
    if tw.charset is not None:
        out["charset"] = tw.charset.value
    if tw.scale is not None:
        out["scale"] = tw.scale
    ln, scale = length(profile, t("length"), t("length_unit"))
    if ln is not None:
        out["length"] = ln
    if scale is not None:
        out["scale"] = scale
    if t("scale"):
        out["scale"] = _int(t("scale"), "scale")
    if t("charset"):
        out["charset"] = _enum(Charset, t("charset"), "charset")
    if "required" in row.cells:
        out["required"] = flag(profile, t("required"), "required")
    if t("codes"):
        out["codes"] = t("codes")  # resolved against the code sheets by the importer
    for f in ("name_en", "pattern", "era_of", "sensitivity"):
        if t(f):
            out[f] = t(f)
    if t("check_digit"):
        out["check_digit"] = _enum(CheckDigit, t("check_digit"), "check_digit")
    if t("partial_date"):
        out["partial_date"] = partial_date(t("partial_date"))
    if t("era_range"):
        out["era_range"] = flag(profile, t("era_range"), "era_range")
    if t("nonexistent"):
        v = {"保持": "keep", "keep": "keep", "拒否": "reject", "reject": "reject"}.get(t("nonexistent"))
        if v is None:
            raise CellError(
                "nonexistent", f"暦外日付 {t('nonexistent')!r}: write keep (保持) or reject (拒否)"
            )
        out["nonexistent"] = v
    if t("allow_controls"):
        out["allow_controls"] = flag(profile, t("allow_controls"), "allow_controls")
    desc, note = t("description"), t("note")
    if desc or note:
        out["description"] = desc if not note else (f"{desc}（備考: {note}）" if desc else f"備考: {note}")
    if t("extra"):
        try:
            extra = json.loads(t("extra"))
        except ValueError as e:
            raise CellError("extra", f"拡張 is not JSON: {e}") from None
        if not isinstance(extra, dict):
            raise CellError("extra", "拡張 must be a JSON object")
        out.update(extra)
    out["repeat"] = _int(t("repeat"), "repeat") if t("repeat") else 1
    if out["repeat"] < 1:
        raise CellError("repeat", "繰返し must be 1 or more")
    if out["type"] == ItemType.CODE.value and "codes" not in out:
        raise CellError("codes", "データ型 コード needs a コード表 in this row")
    return out


def provenance(text: str, book: str, where: str) -> dict[str, Any]:
    """A 出典 cell: blank → confirmed by this book at ``where`` (official books have no such
    column); ``modelled[: note]`` → modelled (what ``specs export`` writes for modelled
    items, so a round trip never turns them into confirmed ones); ``confirmed: source``."""
    status, _, rest = text.partition(":")
    status, rest = status.strip(), rest.strip()
    if not text:
        return {"status": "confirmed", "source": f"{book} {where}"}
    if status == "modelled":
        return {"status": "modelled", **({"note": rest} if rest else {})}
    if status == "confirmed" and rest:
        source, sep, note = rest.partition(" | note: ")
        return {"status": "confirmed", "source": source, **({"note": note} if sep else {})}
    raise CellError(
        "provenance", f"出典 {text!r}: write 'modelled: note' or 'confirmed: source' (or leave blank)"
    )


def provenance_text(prov: Any) -> str:
    """Inverse of :func:`provenance`."""
    if prov.status == "modelled":
        return "modelled" + (f": {prov.note}" if prov.note else "")
    return f"confirmed: {prov.source}" + (f" | note: {prov.note}" if prov.note else "")
