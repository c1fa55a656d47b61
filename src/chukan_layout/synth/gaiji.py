"""外字 for the synthetic vendors: variant characters in names and addresses, vendor codes, 対応表.

A legacy system stores a variant glyph it could not encode (髙, 﨑, 𠮷, 葛 with a
particular IVS) as a private code: a Shift_JIS user-area code (F040…, decoded by cp932 to
PUA U+E000…) or an IBM930 user-defined DBCS code (6941…, which glibc/our tables also decode
to PUA U+E000…). The golden files hold the real character (UCS, + IVS where MJ needs one);
each vendor file holds its own PUA code, and the vendor's 外字対応表 maps code → character.

Variants come from the MJ list when one is given (``--mj-list``: IVS-only glyphs of the
kanji that occur in our names and 町字, read at run time, never copied into the repository),
else from :data:`BUILTIN`, a hand-written set of well-known 人名・地名 variants.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# base character → variant (code points), hand-written. IVS ones are IVS-only MJ glyphs.
BUILTIN: tuple[tuple[str, tuple[int, ...], str], ...] = (
    ("高", (0x9AD9,), "はしごだか 髙"),
    ("崎", (0xFA11,), "たつさき 﨑 (CJK compatibility ideograph, NFC-stable)"),
    ("辺", (0x9089,), "邉"),
    ("邊", (0x908A, 0xE0108), "邊 with IVS"),
    ("徳", (0x5FB7,), "德"),
    ("浜", (0x6FF5,), "濵"),
    ("柳", (0x6801,), "栁"),
    ("吉", (0x20BB7,), "つちよし 𠮷 (CJK Ext-B, outside cp932)"),
    ("葛", (0x845B, 0xE0102), "葛 with IVS (MJ glyph without its own code point)"),
    ("辻", (0x8FBB, 0xE0102), "辻 with IVS (one-dot しんにょう)"),
    ("桑", (0x6852,), "桒"),
    ("黒", (0x9ED1,), "黑"),
    ("瀬", (0x7028,), "瀨"),
    ("塚", (0xFA10,), "塚 (compatibility ideograph: NFC would change it)"),
    ("隆", (0xF9DC,), "隆 (compatibility ideograph)"),
    ("橋", (0x69D7,), "槗"),
    ("祐", (0xFA4F,), "祐 (compatibility ideograph)"),
    ("德", (0x5FB7, 0xE0102), "德 with IVS"),
    ("栁", (0x6801, 0xE0103), "栁 with IVS"),
)

PUA_START = 0xE000
PUA_CAPACITY = 1880  # Shift_JIS user area F040–F9FC; IBM930 user rows 69–7F hold more


def _seq(cps: Iterable[int]) -> str:
    return "".join(chr(c) for c in cps)


def target_text(variant: str) -> str:
    """``U+845B U+E0102`` form of a variant for the 対応表."""
    return " ".join(f"U+{ord(c):04X}" for c in variant)


@dataclass
class Variants:
    """base character → (variant string, MJ文字図形名 or "", note)."""

    table: dict[str, tuple[str, str, str]]
    source: str  # "builtin" or the MJ list path


def builtin_variants() -> Variants:
    return Variants({b: (_seq(cps), "", note) for b, cps, note in BUILTIN}, "builtin")


def mj_variants(path: str | Path, wanted: set[str]) -> Variants:
    """Variants of the ``wanted`` base kanji from an MJ文字情報一覧表 TSV (read at run time).

    For each base character, the first MJ glyph that exists only as base + IVS (no code
    point of its own) becomes its variant; built-in non-IVS variants are kept when the MJ
    list has them, with their MJ name.
    """
    by_base: dict[str, tuple[str, str]] = {}
    own: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows, None)
        for row in rows:
            if len(row) < 4:
                continue
            mj, ucs, impl, ivs = row[0], row[1], row[2], row[3]
            if impl:
                own.setdefault(chr(int(impl[2:], 16)), mj)
            if not ucs or impl or not ivs:
                continue
            base = chr(int(ucs[2:], 16))
            if base in wanted and base not in by_base:
                b, vs = ivs.split(";")[0].split("_")
                by_base[base] = (chr(int(b, 16)) + chr(int(vs, 16)), mj)
    table: dict[str, tuple[str, str, str]] = {}
    for b, cps, note in BUILTIN:
        v = _seq(cps)
        if len(v) == 1 and v in own and b in wanted:
            table[b] = (v, own[v], note)
    for base, (v, mj) in sorted(by_base.items()):
        table.setdefault(base, (v, mj, "MJ IVS-only glyph"))
    return Variants(table, str(path))


class GaijiForms:
    """Per vendor: base text → golden form (variant) and vendor form (PUA code) of table strings.

    ``apply(strings)`` precomputes, for each string of a name/address table, whether it
    can carry a 外字 (it contains a base character) and both forms, so a chunk picks
    forms with one ``take`` instead of per-row string work.
    """

    def __init__(
        self, variants: Variants, vendors: list[str], seed: int, limit: int = PUA_CAPACITY - 80
    ) -> None:
        self.variants = variants
        self.vendors = vendors
        self.used: dict[str, str] = {}  # base → variant actually used
        self._limit = limit
        self._pua: dict[str, dict[str, str]] = {}
        self._seed = seed

    def forms(self, strings: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """(has_variant bool, golden forms, {vendor: vendor forms}) for a table of strings."""
        has = np.zeros(strings.shape[0], dtype=bool)
        golden = strings.copy()
        bases: list[str | None] = []
        for i, s in enumerate(strings):
            base = next((ch for ch in s if ch in self.variants.table), None)
            if base is not None and base not in self.used and len(self.used) >= self._limit:
                base = None
            bases.append(base)
            if base is not None:
                has[i] = True
                self.used.setdefault(base, self.variants.table[base][0])
                golden[i] = s.replace(base, self.variants.table[base][0], 1)
        self._assign()
        vendor = {}
        for v in self.vendors:
            out = strings.copy()
            for i, base in enumerate(bases):
                if base is not None:
                    out[i] = strings[i].replace(base, self._pua[v][base], 1)
            vendor[v] = out
        return has, golden, vendor

    def _assign(self) -> None:
        """Give every used variant a PUA code per vendor (a vendor-specific, seeded order)."""
        for k, v in enumerate(self.vendors):
            table = self._pua.setdefault(v, {})
            new = [b for b in self.used if b not in table]
            rng = np.random.default_rng([self._seed, 0x6A1, k])
            offset = int(rng.integers(0, 200))  # vendors number their 外字 differently
            for b in new:
                table[b] = chr(PUA_START + offset + len(table))

    def unmapped_code(self, vendor: str) -> str:
        """A PUA code this vendor's 対応表 does not list (for the unmapped-外字 fault)."""
        return chr(PUA_START + PUA_CAPACITY - 1)

    def rows(self, vendor: str) -> list[tuple[str, str, str, str, str, str, str]]:
        """The 対応表 rows of one vendor, ordered by code."""
        out = []
        for base, code in sorted(self._pua[vendor].items(), key=lambda kv: kv[1]):
            variant, mj, note = self.variants.table[base]
            out.append(
                (
                    vendor,
                    f"U+{ord(code):04X}",
                    target_text(variant),
                    mj,
                    "exact",
                    "synthetic",
                    f"{base}の異体字: {note}",
                )
            )
        return out

    def write_table(self, vendor: str, path: Path) -> Path:
        """Write the vendor's 外字対応表 (TSV, UTF-8, LF, header line)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write("source_system\tsource_code\ttarget\tmj_name\tstatus\tbasis\tnote\n")
            for r in self.rows(vendor):
                f.write("\t".join(r) + "\n")
        return path
