"""How Japanese a decoded text looks: the cp932 / EUC-JP tie-break (docs/design.md §4.5).

When the same bytes decode strictly both as cp932 and as EUC-JP, one of the two readings is
mojibake. EUC-JP bytes read as cp932 become mostly half-width katakana (bytes A1–DF are single
characters in cp932) glued to rare kanji and private-use characters; cp932 half-width katakana
read as EUC-JP become kanji pairs, many of them JIS level 2. The evidence weighed here:

- **JIS X 0208 row/cell plausibility**: every character is classed by its JIS row (found with the
  ``euc_jp`` encoder, so the class does not depend on the reading): kana, common symbols (row 1),
  full-width alphanumerics (row 3), level-1 kanji (rows 16–47, chosen by frequency), level-2
  kanji (rows 48–84), rare symbol rows, vendor extensions, private use;
- **half-width katakana as evidence for cp932 only when it looks like text**: ﾞ only after a
  kana that takes it, ﾟ only after ﾊ–ﾎ, small kana and ｰ only after a kana, no ｡｢｣､･ (the EUC
  hiragana / katakana lead bytes A4 / A5 read as cp932), no run glued to a kanji;
- **kana/kanji bigrams**: a kanji or full-width kana next to a half-width kana is an unusual
  pair; so is a level-2 kanji next to a level-2 kanji (rare in names and addresses).

Each reading gets a log-likelihood under a unigram class model plus those pair penalties; the
caller compares the two and reports "ambiguous" when the margin is small.
"""

from __future__ import annotations

import math
from functools import lru_cache

# class → (prior probability in names / addresses text, number of characters in the class)
_CLASSES: dict[str, tuple[float, int]] = {
    "hiragana": (0.10, 83),
    "katakana": (0.10, 86),
    "symbol": (0.06, 94),  # JIS row 1 (　、。・ー「」〜 …)
    "alnum": (0.04, 62),  # JIS row 3 (full-width digits and Latin)
    "kanji1": (0.45, 2965),
    "kanji2": (0.04, 3390),
    "halfwidth": (0.12, 63),  # half-width katakana that looks like text
    "rare": (0.004, 600),  # JIS rows 2, 6, 7, 8 (Greek, Cyrillic, box drawing …)
    "extension": (0.003, 800),  # NEC row 13, IBM / NEC-selected IBM extensions, JIS X 0212
    "pua": (0.002, 1880),  # user-area 外字
    "halfwidth_odd": (0.0005, 63),  # half-width katakana that does not look like text
    "other": (0.0005, 1000),
}
_WIDE = frozenset({"kanji1", "kanji2", "hiragana", "katakana", "extension", "pua"})
# Text runs are sticky: a character tends to be followed by one of its own class (kana words,
# kanji compounds, half-width katakana columns). Level-2 kanji are not: two in a row are rare.
_STICKY = {"hiragana": 6.0, "katakana": 6.0, "kanji1": 2.0, "halfwidth": 7.0, "alnum": 4.0}


def _transitions() -> dict[str, dict[str, float]]:
    """log P(class | previous class) − log(class size): a first-order Markov model over classes."""
    out: dict[str, dict[str, float]] = {}
    for prev in [*_CLASSES, "ascii"]:
        w = {}
        for cls, (p, _n) in _CLASSES.items():
            f = p * (_STICKY.get(cls, 1.0) if cls == prev else 1.0)
            if (prev.startswith("halfwidth") and cls in _WIDE) or (
                prev in _WIDE and cls.startswith("halfwidth")
            ):
                f *= 0.05  # half-width katakana glued to a kanji or full-width kana
            if prev == cls == "kanji2":
                f *= 0.3
            w[cls] = f
        total = sum(w.values())
        out[prev] = {cls: math.log(f / total) - math.log(_CLASSES[cls][1]) for cls, f in w.items()}
    return out


_LOGT = _transitions()
_VOICEABLE = set("ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ")
_SEMI = set("ﾊﾋﾌﾍﾎ")
_AFTER_KANA = set("ｧｨｩｪｫｬｭｮｯｰ")
_PUNCT = set("｡｢｣､･")


@lru_cache(maxsize=65536)
def char_class(ch: str) -> str:
    """The class of one non-ASCII character (JIS row for JIS X 0208 characters)."""
    cp = ord(ch)
    if 0xFF61 <= cp <= 0xFF9F:
        return "halfwidth"
    if 0xE000 <= cp <= 0xF8FF:
        return "pua"
    try:
        b = ch.encode("euc_jp")
    except UnicodeEncodeError:
        try:
            ch.encode("cp932")
        except UnicodeEncodeError:
            return "other"
        return "extension"
    if len(b) != 2 or b[0] < 0xA1:
        return "extension"  # 0x8F JIS X 0212 (3 bytes)
    row = b[0] - 0xA0
    if row == 1:
        return "symbol"
    if row == 3:
        return "alnum"
    if row == 4:
        return "hiragana"
    if row == 5:
        return "katakana"
    if 16 <= row <= 47:
        return "kanji1"
    if 48 <= row <= 84:
        return "kanji2"
    return "rare"


def _halfwidth_ok(prev: str, ch: str) -> bool:
    if ch in _PUNCT:
        return False
    if ch == "ﾞ":
        return prev in _VOICEABLE
    if ch == "ﾟ":
        return prev in _SEMI
    if ch in _AFTER_KANA:
        return "\uff66" <= prev <= "\uff9d"
    return True


def log_likelihood(text: str) -> float:
    """Log-likelihood of ``text`` as names / addresses (ASCII characters are neutral)."""
    total = 0.0
    prev, prev_cls = "", "ascii"
    for ch in text:
        if ch < "\x80":
            prev, prev_cls = ch, "ascii"
            continue
        cls = char_class(ch)
        if cls == "halfwidth" and not _halfwidth_ok(prev, ch):
            cls = "halfwidth_odd"
        total += _LOGT[prev_cls][cls]
        prev, prev_cls = ch, cls
    return total


def halfwidth_footprint(euc_text: str) -> float:
    """Log-likelihood ratio for "these EUC-JP characters are cp932 half-width katakana pairs".

    cp932 half-width katakana are the bytes A1–DF, so read as EUC-JP they only ever give JIS
    cells 1–63; real EUC-JP text uses cells 64–94 too (about a third of its characters). When no
    two-byte character of the EUC-JP reading has a cell above 63, each of them is evidence for
    cp932 by log(94 / 63); one cell above 63 rules the footprint out (0)."""
    n = 0
    for ch in euc_text:
        if ch < "\x80":
            continue
        try:
            b = ch.encode("euc_jp")
        except UnicodeEncodeError:
            return 0.0
        if len(b) == 2 and b[0] >= 0xA1:
            if b[1] > 0xDF:
                return 0.0
            n += 1
    return n * math.log(94 / 63)
