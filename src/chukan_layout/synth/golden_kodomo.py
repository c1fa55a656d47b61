"""Golden builder for 子ども・子育て支援: 教育・保育給付認定 of the town's children aged 0–5.

Same contract as :mod:`chukan_layout.synth.golden`. The 保護者 is the head of the child's
household (a resident, related by 宛名番号); 1号/2号 are free (幼児教育・保育の無償化), 3号 pay a
synthetic income-based fee (not an official table).
"""

from __future__ import annotations

import numpy as np

from .arrow_util import const, flag, join, pick, s, where, zfill
from .calendar import iso
from .golden import Rows, builder, chunk_rng
from .golden_gyomu import gyomu
from .linked_gyomu import FY_START, fiscal_year
from .population import Chunk
from .world import World

_YEAR = 365.2425


@builder("kodomo.kyufu", ("shisetsu_mei",))
def kodomo(w: World, c: Chunk, form: str) -> Rows:
    """教育・保育給付認定 for 年度 2025: 1号/2号 (3–5) and 3号 (0–2), the head as 保護者."""
    g = gyomu(w, c)
    pp = c.pp
    rng = chunk_rng(w, c, 0xC0D)
    m = w.member(c)
    cand = np.flatnonzero(g["kodomo"])
    age = m["age"][cand]
    r = rng.random(cand.shape[0])
    kubun_all = np.where(
        age >= 3, np.select([r < 0.3, r < 0.85], [1, 2], 0), np.where(r < 0.35 + 0.1 * age, 3, 0)
    )
    keep = kubun_all > 0
    p, kubun, age = cand[keep], kubun_all[keep], age[keep]
    n = p.shape[0]
    head = g["head"][p]
    h = pp["h_of"][p]
    birth = pp["birth"][p]
    hoiku = kubun >= 2
    # validity: 1号/2号 until the March before primary school; 3号 until the day before the 3rd birthday
    years = (fiscal_year(birth - 1) + 7).astype(str)
    school_march = np.char.add(years, "-03-31").astype("datetime64[D]").astype(np.int64)
    third_birthday = (birth + np.ceil(3 * _YEAR)).astype(np.int64) - 1
    end = np.maximum(np.where(kubun == 3, third_birthday, school_march), FY_START)
    jiyu = np.asarray(rng.choice(4, n, p=[0.85, 0.05, 0.05, 0.05]))
    mushoka = kubun <= 2
    fee = np.where(mushoka, 0, (g["income_h"][h] // 12 * 6 // 100 // 100 * 100).clip(0, 60_000))
    town = c.hh["town"][h]
    kind = np.where(kubun == 1, 0, np.where(rng.random(n) < 0.3, 1, 2))
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(pp["atena_no"][p]),
            "nintei_no": zfill(pp["pid"][p] + 1, 10),
            "hogosha_atena_no": s(pp["atena_no"][head]),
            "nintei_kubun": s(kubun),
            "hitsuyo_jiyu": where(
                hoiku,
                pick(
                    [
                        w.code("hoiku_hitsuyo_jiyu", x)
                        for x in ("就労", "妊娠・出産", "疾病・障害", "求職活動")
                    ],
                    jiyu,
                ),
                "",
            ),
            "hitsuyoryo": where(
                hoiku,
                where(
                    np.less(rng.random(n), 0.7),
                    w.code("hoiku_hitsuyoryo", "保育標準時間"),
                    w.code("hoiku_hitsuyoryo", "保育短時間"),
                ),
                "",
            ),
            "nintei_ymd": iso(
                np.minimum(np.maximum(np.maximum(pp["in_day"][p], birth) + 20, FY_START - 45), FY_START - 1)
            ),
            "yuko_kaishi_ymd": const(str(np.datetime64(int(FY_START), "D")), n),
            "yuko_shuryo_ymd": iso(end),
            "shisetsu_code": zfill(town * 100 + kind + 1, 10),
            "shisetsu_mei": join(
                pick(w.town_forms["plain"], town), pick(["幼稚園", "認定こども園", "保育園"], kind)
            ),
            "riyo_kaishi_ymd": const(str(np.datetime64(int(FY_START), "D")), n),
            "futan_getsugaku": s(fee),
            "mushoka_flag": flag(mushoka),
        },
        p,
        h,
        n,
    )
