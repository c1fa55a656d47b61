"""Target character sets: what a receiving system can store, as code-point sets and RE2 classes.

A layout item's ``charset`` (``jis_x0213``, ``cp932``, ``mj``, ``jis_x0208``) names the set of
characters the receiving system can store.  The sets are generated from Python codecs by
**encoding only** (docs/design.md §4.5: ``shift_jis_2004`` turns 外字 bytes into real kanji when used
to *decode*, so it is never used for decoding here or anywhere in the package):

- ``jis_x0213``: ASCII plus every character ``shift_jis_2004`` can encode (11,233 cells).
- ``cp932``: ASCII plus every non-PUA character that survives ``cp932`` encode → decode unchanged.
  The cp932 *encoder* also accepts 〜 U+301C, − U+2212, ‖ U+2016, ¢ £ ¬, but they come back as
  ～ U+FF5E, － U+FF0D, ∥ U+2225, ￠ ￡ ￢: a receiver storing them changes the name, so they
  are *not* storable.
- ``jis_x0208``: ASCII plus what ``iso2022_jp`` encodes.
- ``mj``: ASCII, JIS X 0213 and the MJ code points (with an :class:`~.mj_index.MJIndex`), else the
  CJK ideograph blocks; variation sequences are checked one by one (:meth:`TargetSet.storable`).

:meth:`TargetSet.suspicious_pattern` is the RE2 class of characters the stage must look at in
Python: PUA (BMP and planes 15/16), characters outside the set, and (for ``mj``) variation
selectors, whose sequence decides.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from ..spec.sequences import IDEOGRAPH_RANGES, SELECTOR_RANGES, is_legitimate, is_selector

if TYPE_CHECKING:
    from .mj_index import MJIndex

PUA_RANGES: tuple[tuple[int, int], ...] = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
# Selectors and ideographs: the one definition of a legitimate sequence (spec/sequences.py),
# shared with the validator's ``mj`` class.
VS_RANGES = SELECTOR_RANGES
# Combining marks that JIS X 0213 uses in two-code-point cells (か゚ = U+304B U+309A, etc.).
JIS_COMBINING = frozenset({0x309A, 0x0300, 0x0301, 0x02E5, 0x02E9})
CJK_IDEOGRAPH_RANGES = IDEOGRAPH_RANGES
_SCAN_LIMIT = 0x30000  # the codecs encode nothing above plane 2 (except PUA, which is excluded)
TARGET_CHARSETS = ("jis_x0208", "jis_x0213", "cp932", "mj")


def is_pua(cp: int) -> bool:
    """Private Use Area code point (BMP E000–F8FF or planes 15/16): a vendor 外字."""
    return any(a <= cp <= b for a, b in PUA_RANGES)


is_vs = is_selector  # SVS FE00–FE0F or IVS E0100–E01EF
# is_ideograph: CJK unified or compatibility ideograph, or 々 〆 〻 (MJ lists them too)


def _scan_encodable(encoding: str) -> frozenset[int]:
    """Every code point U+0080–U+2FFFF that ``encoding`` can *encode* (one bulk encode call)."""
    cps = [c for c in range(0x80, _SCAN_LIMIT) if not 0xD800 <= c <= 0xDFFF and not 0xE000 <= c <= 0xF8FF]
    text = "".join(map(chr, cps))
    bad: set[int] = set()

    def collect(err: UnicodeError) -> tuple[str, int]:
        assert isinstance(err, UnicodeEncodeError)
        bad.update(range(err.start, err.end))
        return "", err.end

    name = f"chukan_collect_{encoding}"
    codecs.register_error(name, collect)
    text.encode(encoding, errors=name)
    return frozenset(cps[i] for i in range(len(cps)) if i not in bad)


def _cached_set(name: str, compute: Callable[[], frozenset[int]]) -> frozenset[int]:
    """A codec-derived set, cached as JSON in the user cache dir (~1 s to compute, ~1 ms to load).

    The sets come from Python's own codecs (no licensed data); the file name carries the Python
    and Unicode versions, so an interpreter upgrade recomputes them."""
    from .mj_index import cache_dir

    tag = (
        f"py{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}-u{unicodedata.unidata_version}"
    )
    path = cache_dir() / f"charset-{name}-{tag}.json"
    try:
        return frozenset(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError):
        pass
    result = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(sorted(result)), "utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache only costs time
    return result


@cache
def jis_x0213_chars() -> frozenset[int]:
    """Code points in JIS X 0213:2004 (encode-only membership via ``shift_jis_2004``)."""
    return _cached_set("jis_x0213", lambda: _scan_encodable("shift_jis_2004"))


@cache
def jis_x0208_chars() -> frozenset[int]:
    """Code points in JIS X 0208 (encode-only membership via ``iso2022_jp``)."""
    return _cached_set("jis_x0208", lambda: _scan_encodable("iso2022_jp"))


@cache
def cp932_chars() -> frozenset[int]:
    """Non-PUA code points that survive cp932 encode → decode unchanged (no 〜→～ drift)."""

    def compute() -> frozenset[int]:
        enc = _scan_encodable("cp932")
        return frozenset(c for c in enc if chr(c).encode("cp932").decode("cp932") == chr(c))

    return _cached_set("cp932", compute)


def in_jis_x0213(text: str) -> bool:
    """Whether every character / sequence of ``text`` is in JIS X 0213 (encode-only test)."""
    try:
        text.encode("shift_jis_2004")
    except UnicodeEncodeError:
        return False
    return True


def cp932_encodable(text: str) -> bool:
    """Whether ``text`` survives cp932 encode → decode unchanged and holds no user-area 外字."""
    if any(is_pua(ord(c)) for c in text):
        return False
    try:
        return text.encode("cp932").decode("cp932") == text
    except UnicodeEncodeError:
        return False


def compat_ideographs_changed_by_nfc() -> list[str]:
    """The cp932 compatibility ideographs (U+F900–FAFF) that NFC replaces (22 of them)."""
    return [
        chr(c)
        for c in range(0xF900, 0xFB00)
        if c in cp932_chars() and unicodedata.normalize("NFC", chr(c)) != chr(c)
    ]


def _ranges(cps: Iterable[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for c in sorted(set(cps)):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return [(a, b) for a, b in out]


def re2_class(ranges: Iterable[tuple[int, int]], negate: bool = False) -> str:
    """An RE2 character class from code-point ranges, e.g. ``[\\x{E000}-\\x{F8FF}]``."""
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


@dataclass(frozen=True)
class TargetSet:
    """What one receiving charset can store. ``name`` ``None`` = no restriction (only PUA is 外字)."""

    name: str | None
    chars: frozenset[int] | None  # storable single code points above ASCII; None = everything
    mj_index: MJIndex | None = None
    pattern: str = field(default="", compare=False, repr=False)  # built on first use (suspicious_pattern)

    def char_storable(self, cp: int) -> bool:
        if is_pua(cp):
            return False
        return cp < 0x80 or self.chars is None or cp in self.chars

    def storable(self, token: str) -> bool:
        """Whether a token (a character plus its combining marks / variation selector) is storable."""
        if any(is_pua(ord(c)) for c in token):
            return False
        if self.name is None:
            return True
        if len(token) == 1:
            return self.char_storable(ord(token))
        if self.name == "jis_x0213":
            return in_jis_x0213(token)
        if self.name == "mj":
            if self.mj_index is not None and self.mj_index.is_mj(token):
                return True
            if self.mj_index is None and is_vs(ord(token[-1])) and is_legitimate(token):
                return True  # without the index every legitimate variation sequence counts
            return all(self.char_storable(ord(c)) for c in token) and not any(is_vs(ord(c)) for c in token)
        return all(self.char_storable(ord(c)) for c in token)

    def suspicious_pattern(self) -> str:
        """RE2 class matching every character the stage must inspect in Python.

        Built once per set on first use, not with the set: the class of an ``mj`` or JIS X 0213
        set is ~60 kB of RE2 source (0.1 s), and detection itself uses :meth:`suspicious_table`."""
        if not self.pattern:
            object.__setattr__(self, "pattern", self._build_pattern())
        return self.pattern

    def suspicious_table(self) -> np.ndarray:
        """bool[0x110000]: the characters :meth:`suspicious_pattern` matches, as a lookup table.

        Built once per set (the vectorized detection indexes it with the code points of a column).
        """
        lut = _SUSPICIOUS.get(id(self))
        if lut is None or lut[1] is not self:
            table = np.zeros(0x110000, dtype=bool)
            if self.chars is None:
                for a, b in PUA_RANGES:
                    table[a : b + 1] = True
            else:  # the negated class [(0, 0x7F), allowed…]
                allowed: Iterable[int] = self.chars
                if self.name == "mj":
                    vs = set(range(0xFE00, 0xFE10)) | set(range(0xE0100, 0xE01F0))
                    allowed = self.chars - vs
                table[0x80:] = True
                keep = np.fromiter(allowed, dtype=np.int64)
                table[keep[keep >= 0x80]] = False
            table.setflags(write=False)
            lut = _SUSPICIOUS[id(self)] = (table, self)
        return lut[0]

    def _build_pattern(self) -> str:
        if self.chars is None:
            return re2_class(PUA_RANGES)
        allowed: Iterable[int] = self.chars
        if self.name == "mj":  # a VS makes the row suspicious: the sequence decides
            vs = set(range(0xFE00, 0xFE10)) | set(range(0xE0100, 0xE01F0))
            allowed = self.chars - vs
        return re2_class([(0, 0x7F), *_ranges(allowed)], negate=True)


_SUSPICIOUS: dict[int, tuple[np.ndarray, TargetSet]] = {}  # id(set) → (table, set): sets are cached


@cache
def _target_set(name: str | None, mj_index: MJIndex | None) -> TargetSet:
    if name is None or name not in TARGET_CHARSETS:
        return TargetSet(None, None)
    if name == "jis_x0213":
        return TargetSet(name, jis_x0213_chars())
    if name == "jis_x0208":
        return TargetSet(name, jis_x0208_chars())
    if name == "cp932":
        return TargetSet(name, cp932_chars())
    mj: set[int] = set(jis_x0213_chars())
    if mj_index is not None:
        mj.update(mj_index.code_points())
    else:
        for a, b in CJK_IDEOGRAPH_RANGES:
            mj.update(range(a, b + 1))
    return TargetSet(name, frozenset(mj), mj_index)


def target_set(name: str | None, mj_index: MJIndex | None = None) -> TargetSet:
    """The :class:`TargetSet` of a layout charset name (other charsets: PUA-only detection)."""
    return _target_set(str(name) if name is not None else None, mj_index)
