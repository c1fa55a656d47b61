"""Golden builder for 印鑑登録 (``inkan.toroku``): the residents who registered a seal.

Same contract as :mod:`chukan_layout.synth.golden` (registered with ``@builder``): who holds a
registration comes from the chunk's 資格 (``inkan``); the 登録日 falls between the day the
person was 15 (or moved in) and 基準日.
"""

from __future__ import annotations

import numpy as np

from .arrow_util import const, pick, s, zfill
from .calendar import iso
from .golden import Rows, builder, chunk_rng
from .population import REF_DAY, Chunk
from .world import World

_YEAR = 365.2425


@builder("inkan.toroku", ("toroku_shimei",))
def inkan(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    p = np.flatnonzero(m["inkan"])
    n = p.shape[0]
    rng = chunk_rng(w, c, 0x1CA)
    earliest = np.maximum(c.pp["in_day"][p], (c.pp["birth"][p] + 15 * _YEAR).astype(np.int64))
    day = earliest + (rng.random(n) * np.maximum(REF_DAY - earliest, 1)).astype(np.int64)
    nm = w.names(c, form)
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "inkan_toroku_no": zfill(c.pp["pid"][p] + 1, 10),
            "atena_no": s(c.pp["atena_no"][p]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "toroku_jotai": const(w.code("inkan_jotai", "登録中"), n),
            "toroku_ymd": iso(day),
            "toroku_hoho": const(w.code("inkan_toroku_hoho", "照会書回答"), n),
            "dairinin_flag": const("0", n),
            "toroku_shimei": pick(nm["shimei"], p),
            "torokusho_no": zfill(c.pp["pid"][p] + 1, 10),
            "torokusho_kofu_ymd": iso(day),
            "torokusho_boshitsu_flag": const("0", n),
            "ido_ymd": iso(day),
        },
        p,
        c.pp["h_of"][p],
        n,
    )
