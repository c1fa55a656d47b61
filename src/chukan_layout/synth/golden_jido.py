"""Golden builders for 児童手当: recipients (``jido.teate``) and their eligible children (``jido.taisho``).

Same contract as :mod:`chukan_layout.synth.golden`. The recipient is the head of the
household; the children are its living children under 18 (高校生年代まで), ranked by birth.
Per child a synthetic monthly amount — under 3: 15,000, from 3: 10,000, third and later:
30,000 (modelled, not the official table) — and the recipient's 手当月額 is their sum, so the
照合表 cross-check (children ↔ recipients) holds.
"""

from __future__ import annotations

import numpy as np

from .arrow_util import const, s
from .calendar import iso
from .golden import Rows, builder
from .golden_gyomu import gyomu, next_month
from .population import REF_DAY, Chunk
from .world import World

_YEAR = 365.2425
_AMOUNT = np.array([0, 15_000, 10_000, 30_000])  # by 算定区分 1 3歳未満, 2 3歳以上, 3 第3子以降


def children(g: dict[str, np.ndarray], c: Chunk) -> dict[str, np.ndarray]:
    """The eligible children (eldest first within each household) with 算定順位 and 算定区分."""
    pp = c.pp
    kid = np.flatnonzero(g["jido_child"] & g["jido_recipient"][g["head"]])
    h = pp["h_of"][kid]
    order = np.lexsort((pp["birth"][kid], h))
    kid, h = kid[order], h[order]
    rank = np.arange(kid.shape[0]) - np.searchsorted(h, h) + 1
    under3 = (REF_DAY - pp["birth"][kid]) < 3 * _YEAR
    kubun = np.where(rank >= 3, 3, np.where(under3, 1, 2))
    return {"kid": kid, "h": h, "rank": rank, "under3": under3, "kubun": kubun, "amount": _AMOUNT[kubun]}


def eldest_birth(g: dict[str, np.ndarray], c: Chunk) -> np.ndarray:
    """Per household: the birth day of its eldest eligible child (基準日 if none)."""
    H = int(c.hh["hid"].shape[0])
    kid = np.flatnonzero(g["jido_child"])
    out = np.full(H, REF_DAY, np.int64)
    np.minimum.at(out, c.pp["h_of"][kid], c.pp["birth"][kid])
    return out


def _nintei(g: dict[str, np.ndarray], c: Chunk, p: np.ndarray) -> np.ndarray:
    """The recipient's 認定年月日: soon after the later of his arrival and the eldest child's birth."""
    return np.minimum(np.maximum(c.pp["in_day"][p], eldest_birth(g, c)[c.pp["h_of"][p]]) + 10, REF_DAY - 1)


@builder("jido.teate")
def jido(w: World, c: Chunk, form: str) -> Rows:
    g = gyomu(w, c)
    pp = c.pp
    H = int(c.hh["hid"].shape[0])
    p = np.flatnonzero(g["jido_recipient"])
    n = p.shape[0]
    h = pp["h_of"][p]
    k = children(g, c)
    kids = np.bincount(k["h"], minlength=H)[h]
    under3 = np.bincount(k["h"][k["under3"]], minlength=H)[h]
    third = np.bincount(k["h"][k["kubun"] == 3], minlength=H)[h]
    getsugaku = np.bincount(k["h"], weights=k["amount"], minlength=H).astype(np.int64)[h]
    nintei = _nintei(g, c, p)
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(pp["atena_no"][p]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "nintei_kubun": const(w.code("jido_nintei_kubun", "新規認定"), n),
            "nintei_ymd": iso(nintei),
            "seikyu_ymd": iso(nintei - 7),
            "shikyu_kaishi_ym": next_month(nintei),
            "jido_su": s(kids),
            "san_shi_miman_su": s(under3),
            "daisanshi_su": s(third),
            "teate_getsugaku": s(getsugaku),
            "shotoku_gaku": s(g["income"][p]),
        },
        p,
        h,
        n,
    )


@builder("jido.taisho")
def taisho(w: World, c: Chunk, form: str) -> Rows:
    g = gyomu(w, c)
    pp = c.pp
    k = children(g, c)
    p = k["kid"]
    n = p.shape[0]
    head = g["head"][p]
    # a child's payment starts the month after its birth or the recipient's 認定, whichever is later
    start = np.maximum(_nintei(g, c, head), pp["birth"][p])
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "jukyusha_atena_no": s(pp["atena_no"][head]),
            "atena_no": s(pp["atena_no"][p]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "seinengappi": iso(pp["birth"][p]),
            "santei_kubun": s(k["kubun"]),
            "santei_juni": s(k["rank"]),
            "teate_getsugaku": s(k["amount"]),
            "bekkyo_flag": const("0", n),
            "shikyu_kaishi_ym": next_month(start),
        },
        p,
        k["h"],
        n,
    )
