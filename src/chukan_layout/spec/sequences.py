"""What a legitimate character sequence is: one definition for the validator and the 外字 stage.

- A **variation selector** — standardized (SVS, U+FE00–FE0F, e.g. 朗 U+6717 U+FE00 = MJ030185) or
  ideographic (IVS, U+E0100–E01EF, e.g. 辻 U+8FBB U+E0100) — is legitimate only *right after* an
  ideograph (the CJK blocks below, plus 々 〆 〻 which the MJ list also carries): MJ data uses
  both kinds (reference/standardization-2025.md). A selector at the start of a value, after a
  kana, or after another selector is not.
- A **control character** — C0 U+0000–001F, DEL U+007F, C1 U+0080–009F — is never data unless a
  layout item explicitly allows it (``allow_controls: true``): a TAB, LF, BEL or ESC in 氏名 is a
  charset error naming the code point.

:func:`sequence_problems` names what is wrong (``U+0007``, ``U+E0100 after あ``) and
:func:`visible` makes the invisible visible in samples (``辻<U+E0100>``).
"""

from __future__ import annotations

SVS_RANGE = (0xFE00, 0xFE0F)
IVS_RANGE = (0xE0100, 0xE01EF)
SELECTOR_RANGES: tuple[tuple[int, int], ...] = (SVS_RANGE, IVS_RANGE)
CONTROL_RANGES: tuple[tuple[int, int], ...] = ((0x00, 0x1F), (0x7F, 0x9F))
# Ideographs a selector may follow. MJ's own non-ideographs 々 〆 〻 are bases too.
IDEOGRAPH_RANGES: tuple[tuple[int, int], ...] = (
    (0x3005, 0x3006),  # 々 〆
    (0x303B, 0x303B),  # 〻
    (0x3400, 0x4DBF),  # Ext A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # compatibility ideographs (﨑 U+FA11)
    (0x20000, 0x2A6DF),  # Ext B
    (0x2A700, 0x2EBEF),  # Ext C–F
    (0x2F800, 0x2FA1F),  # compatibility supplement
    (0x30000, 0x323AF),  # Ext G–H
)
# Format / invisible characters shown as <U+XXXX> in samples besides selectors and controls.
_INVISIBLE = frozenset({0x00A0, 0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x3164, 0xFFA0})


def _in(cp: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def is_selector(cp: int) -> bool:
    """A variation selector: SVS U+FE00–FE0F or IVS U+E0100–E01EF."""
    return _in(cp, SELECTOR_RANGES)


def is_ideograph(cp: int) -> bool:
    """A character a variation selector may follow (see :data:`IDEOGRAPH_RANGES`)."""
    return _in(cp, IDEOGRAPH_RANGES)


def is_control(cp: int) -> bool:
    """A C0 / DEL / C1 control character."""
    return cp <= 0x1F or 0x7F <= cp <= 0x9F


def code_point(ch: str) -> str:
    """``U+0007``, ``U+E0100``."""
    return f"U+{ord(ch):04X}"


def sequence_problems(value: str, allow_controls: bool = False) -> list[str]:
    """What makes ``value`` not a legitimate character sequence, each problem once.

    >>> sequence_problems("辻\\U000E0100")
    []
    >>> sequence_problems("あ\\U000E0100\\x07")
    ['U+E0100 after あ', 'U+0007']
    >>> sequence_problems("\\uFE00朗")
    ['U+FE00 at the start']
    """
    out: list[str] = []
    prev = ""
    for ch in value:
        cp = ord(ch)
        msg = None
        if is_selector(cp) and not (prev and is_ideograph(ord(prev))):
            msg = f"{code_point(ch)} after {visible(prev)}" if prev else f"{code_point(ch)} at the start"
        elif not allow_controls and is_control(cp):
            msg = code_point(ch)
        if msg is not None and msg not in out:
            out.append(msg)
        prev = ch
    return out


def is_legitimate(value: str, allow_controls: bool = False) -> bool:
    """True when every selector follows an ideograph and (unless allowed) there is no control."""
    return not sequence_problems(value, allow_controls)


def visible(value: str) -> str:
    """``value`` with selectors, controls and other invisible characters as ``<U+XXXX>``.

    >>> visible("辻\\U000E0100")
    '辻<U+E0100>'
    """
    if value.isascii() and value.isprintable():
        return value
    return "".join(
        f"<{code_point(c)}>" if is_selector(ord(c)) or is_control(ord(c)) or ord(c) in _INVISIBLE else c
        for c in value
    )
