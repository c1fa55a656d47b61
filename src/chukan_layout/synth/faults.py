"""Fault injection with ground truth.

Faults are chosen per chunk and per vendor record map: ``Binomial(rows, rate)`` distinct
rows, kinds cycled over the kinds that apply to that vendor and layout (the first chunk
carries every applicable kind at least once when ``rate > 0``). One record gets at most one
fault, so every manifest row names exactly one place. Clean records stay fully valid.

Every fault becomes a manifest row: where it is in the vendor file (file, 1-based record
number counting header/trailer records, field), where it lands in the standard layout
(golden file, record, item) and the finding a correct pipeline must report.
A value fault's corrupted standard value is :func:`corrupt`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .world import World

# kind → expected finding code
KINDS: dict[str, str] = {
    "bad_check_digit": "item.check_digit",
    "impossible_date": "item.date",
    "out_of_era": "adapt.era_overflow",
    "unknown_code": "item.code",
    "over_long": "item.length",
    "undecodable_bytes": "read.decode",
    "truncated_last_record": "read.framing",
    "duplicate_key": "key.duplicate",
    "orphan_reference": "ref.orphan",
    "wrong_trailer_count": "file.count_mismatch",
    "wrong_trailer_total": "file.total_mismatch",
    "unmapped_gaiji": "gaiji.unmapped",
    "hankaku_kana": "item.charset",
    "small_kana": "adapt.small_kana",  # not a fault: lossy vendor habit (vendor A), listed; flagged only
    # by a small_kana_flag step with report: true (off by default: precision 21–28 %, issue 10)
}

# target item per layout and kind (the item whose value is corrupted)
TARGETS: dict[str, dict[str, str]] = {
    "juki.jumin": {
        "bad_check_digit": "kojin_bango",
        "impossible_date": "ido_todokede_ymd",
        "out_of_era": "ido_todokede_ymd",
        "unknown_code": "zokugara_code_1",
        "over_long": "jusho_katagaki",
        "undecodable_bytes": "shimei",
        "duplicate_key": "rireki_no",
        "orphan_reference": "setai_no",
        "unmapped_gaiji": "shi",
        "hankaku_kana": "shimei_kana",
    },
    "juki.setai": {
        "unknown_code": "setai_jotai",
        "impossible_date": "setai_seiritsu_ymd",
        "out_of_era": "setai_seiritsu_ymd",
        "orphan_reference": "setainushi_atena_no",
        "undecodable_bytes": "setainushi_shimei",
        "over_long": "jusho_katagaki",
        "hankaku_kana": "setainushi_shimei_kana",
    },
    "juminzei.kazei": {
        "duplicate_key": "kazei_nendo",
        "orphan_reference": "atena_no",
        "unknown_code": "kazei_kubun",
        "impossible_date": "kettei_ymd",
        "out_of_era": "kettei_ymd",
        "bad_check_digit": "tokucho_hojin_bango",
    },
    "kokuho.setai": {
        "bad_check_digit": "hokenja_bango",
        "orphan_reference": "setainushi_atena_no",
        "unknown_code": "keigen_kubun",
        "impossible_date": "setai_shutoku_ymd",
        "out_of_era": "setai_shutoku_ymd",
    },
    "kokuho.hihokensha": {
        "orphan_reference": "atena_no",
        "unknown_code": "futan_kubun",
        "impossible_date": "shikaku_shutoku_ymd",
        "out_of_era": "shikaku_shutoku_ymd",
        "bad_check_digit": "hokenja_bango",
    },
    "kaigo.hihokensha": {
        "orphan_reference": "atena_no",
        "unknown_code": "hihokensha_kubun",
        "impossible_date": "shikaku_shutoku_ymd",
        "out_of_era": "shikaku_shutoku_ymd",
    },
    "keiji.sharyo": {
        "orphan_reference": "atena_no",
        "unknown_code": "sharyo_kubun",
        "impossible_date": "shutoku_ymd",
    },
    "kouki.hihokensha": {
        "orphan_reference": "atena_no",
        "impossible_date": "shikaku_shutoku_ymd",
        "bad_check_digit": "hokenja_bango",
    },
    "nenkin.hihokensha": {"orphan_reference": "atena_no", "impossible_date": "shikaku_shutoku_ymd"},
    "inkan.toroku": {
        "orphan_reference": "atena_no",
        "impossible_date": "toroku_ymd",
        "unknown_code": "toroku_jotai",
    },
    "kotei.tochi": {"orphan_reference": "atena_no", "unknown_code": "genkyo_chimoku"},
    "kotei.kaoku": {"orphan_reference": "atena_no", "unknown_code": "kaoku_shurui"},
}

# kinds each vendor can carry (value kinds; file-level kinds are handled by the writers).
# over_long only where a field has no width: a fixed-width field (vendors A, C) cannot hold a value
# longer than itself, so the fault cannot be written there; B's CSV and the standard files carry it.
VENDOR_KINDS: dict[str, tuple[str, ...]] = {
    "vendor_a": (
        "bad_check_digit",
        "impossible_date",
        "out_of_era",
        "unknown_code",
        "undecodable_bytes",
        "duplicate_key",
        "orphan_reference",
        "unmapped_gaiji",
    ),
    "vendor_b": (
        "bad_check_digit",
        "impossible_date",
        "unknown_code",
        "over_long",
        "undecodable_bytes",
        "duplicate_key",
        "orphan_reference",
        "unmapped_gaiji",
        "hankaku_kana",
    ),
    "vendor_c": (
        "bad_check_digit",
        "impossible_date",
        "unknown_code",
        "undecodable_bytes",
        "duplicate_key",
        "orphan_reference",
        "unmapped_gaiji",
    ),
    "standard": (
        "bad_check_digit",
        "impossible_date",
        "out_of_era",
        "unknown_code",
        "over_long",
        "duplicate_key",
        "orphan_reference",
        "unmapped_gaiji",
        "hankaku_kana",
    ),
}
FILE_KINDS: dict[str, tuple[str, ...]] = {
    "vendor_a": ("truncated_last_record", "wrong_trailer_count", "wrong_trailer_total"),
    "vendor_b": ("truncated_last_record",),
    "vendor_c": ("truncated_last_record",),
    "standard": (),
}


@dataclass
class ManifestRow:
    vendor: str
    file: str
    record: int  # 1-based record number in the vendor file (header/trailer included)
    field: str  # vendor field (or column) name
    layout: str
    item: str
    golden_file: str
    golden_record: int  # 1-based data row in the golden file (0 = none, e.g. trailer faults)
    kind: str
    expected: str  # finding code a correct pipeline reports
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        # the fields are plain str/int: no deep copy needed (dataclasses.asdict costs ~30 µs a row)
        return {k: getattr(self, k) for k in MANIFEST_FIELDS}


MANIFEST_FIELDS = list(ManifestRow.__dataclass_fields__)


def plan(
    rng: np.random.Generator,
    n_rows: int,
    rate: float,
    kinds: list[str],
    eligible: dict[str, np.ndarray],
    first_chunk: bool,
) -> list[tuple[int, str]]:
    """Choose (row, kind) pairs: distinct rows, each kind only on rows eligible for it."""
    if rate <= 0 or n_rows == 0 or not kinds:
        return []
    k = int(rng.binomial(n_rows, rate))
    order = list(kinds) if first_chunk else []
    while len(order) < max(k, len(order)):
        order.append(kinds[len(order) % len(kinds)])
    taken: set[int] = set()
    out: list[tuple[int, str]] = []
    for kind in order:
        ok = eligible.get(kind)
        cand = np.flatnonzero(ok) if ok is not None else np.arange(n_rows)
        if cand.size == 0:
            continue
        for _ in range(8):
            r = int(cand[rng.integers(cand.size)])
            if r not in taken:
                taken.add(r)
                out.append((r, kind))
                break
    return out


OVER_LONG_FILL = "長"  # a JIS level-1 kanji: in cp932, in every text charset, never trimmed


def corrupt(kind: str, old: str, w: World, row: int, item: Any = None) -> str:
    """The golden-side corrupted value for a value fault (``item``: the layout item, for its rules)."""
    codes = item.codes if item is not None else None
    if kind == "bad_check_digit":
        from ..spec.checkdigits import verify

        for pos in (len(old) - 1, 0):
            for delta in range(1, 10):
                new = old[:pos] + str((int(old[pos]) + delta) % 10) + old[pos + 1 :]
                if item is None or item.check_digit is None or not verify(item.check_digit, new):
                    return new
        return old
    if kind == "impossible_date":
        return old[:4] + "-02-30"
    if kind == "unknown_code":
        valid = set(w.codes[codes].codes) if codes else {old}
        return next(d * len(old) for d in "9876543210" if d * len(old) not in valid)
    if kind == "over_long":
        # visible characters: padding with U+3000 would be removed again by an adapter's `trim`, and the
        # value would be valid after all; 60 × 長 stays over any 方書 limit whatever the trimming
        return (old or "ハイツ") + OVER_LONG_FILL * 60
    if kind == "duplicate_key":
        return "2024" if old == "2025" else "1"
    if kind == "orphan_reference":
        from .ids import atena_mod11

        width = len(old)
        base = np.array([9 * 10 ** (width - 2) + row])
        return str(int(atena_mod11(base, width - 1)[0]))
    return old
