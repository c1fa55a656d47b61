"""Golden builders for 障害者福祉, 児童扶養手当 and 生活保護 (児童手当: :mod:`.golden_jido`).

Same contract as :mod:`chukan_layout.synth.golden`. Recipients, children and guardians are
the chunk's residents (宛名番号 of ``juki.jumin``); the monthly amounts are synthetic,
computed so the layouts' row rules hold (not an official amount table).
"""

from __future__ import annotations

import numpy as np

from .arrow_util import const, date_or_blank, flag, join, pick, s, where, zfill
from .calendar import iso
from .golden import Rows, builder, chunk_rng
from .golden_gyomu import gyomu, next_month
from .golden_jido import children, eldest_birth
from .linked_gyomu import spread
from .population import DEAD, LIVING, REF_DAY, Chunk
from .world import World

_YEAR = 365.2425


_BUI_NAMES = ("視覚障害", "聴覚障害", "音声機能障害", "下肢機能障害", "心臓機能障害")


@builder("shogai.techo")
def shogai(w: World, c: Chunk, form: str) -> Rows:
    g = gyomu(w, c)
    pp = c.pp
    rng = chunk_rng(w, c, 0x5A0)
    p = np.flatnonzero(g["techo_kind"] > 0)
    n = p.shape[0]
    kind = g["techo_kind"][p]
    state = pp["state"][p]
    gone = state != LIVING
    start = np.maximum(pp["in_day"][p], pp["birth"][p] + 30)
    end = np.where(gone, pp["out_day"][p], REF_DAY)
    kofu = np.minimum(spread(rng, start, end), end)
    grade = np.select(
        [kind == 1, kind == 2], [rng.integers(1, 7, n), rng.integers(1, 3, n)], rng.integers(1, 4, n)
    )
    tokyu = kind * 10 + grade
    bui = rng.integers(0, len(_BUI_NAMES), n)
    shintai = kind == 1
    mental = kind == 3
    # 精神: valid two years; a lapsed one is shown as renewed within the last two years
    kofu = np.where(mental & ~gone, np.maximum(kofu, REF_DAY - rng.integers(1, 700, n)), kofu)
    henkan = gone & (kofu <= end)
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(pp["atena_no"][p]),
            "techo_shubetsu": s(kind),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "techo_no": join(s(kind), zfill(pp["pid"][p] + 1, 8)),
            "kofu_ymd": iso(kofu),
            "shogai_tokyu": s(tokyu),
            "shintai_shogai_bui": where(shintai, s(bui + 1), ""),
            "shogai_mei": where(shintai, pick(list(_BUI_NAMES), bui), ""),
            "sainintei_ymd": date_or_blank(
                kofu + 3 * 365, (kind == 2) & (pp["birth"][p] > REF_DAY - 18 * _YEAR)
            ),
            "yuko_kigen_ymd": date_or_blank(kofu + 730, mental),
            "henkan_ymd": date_or_blank(np.maximum(end, kofu), henkan),
            "henkan_jiyu": where(
                henkan,
                where(
                    state == DEAD, w.code("shogai_henkan_jiyu", "死亡"), w.code("shogai_henkan_jiyu", "転出")
                ),
                "",
            ),
        },
        p,
        pp["h_of"][p],
        n,
    )


@builder("fuyo.teate")
def fuyo(w: World, c: Chunk, form: str) -> Rows:
    g = gyomu(w, c)
    pp = c.pp
    rng = chunk_rng(w, c, 0xF40)
    p = np.flatnonzero(g["fuyo_recipient"])
    n = p.shape[0]
    h = pp["h_of"][p]
    kids = np.bincount(children(g, c)["h"], minlength=int(c.hh["hid"].shape[0]))[h]
    income = g["income"][p]
    full = 46_690 + 11_030 * (kids - 1)  # synthetic amounts (modelled), not the official table
    kubun = np.select([income < 1_000_000, income < 2_500_000], [1, 2], 3)
    partial = np.maximum(full * (2_500_000 - income) // 1_500_000 // 10 * 10, 10)
    getsugaku = np.select([kubun == 1, kubun == 2], [full, partial], 0)
    nintei = np.minimum(np.maximum(pp["in_day"][p], eldest_birth(g, c)[h]) + 30, REF_DAY - 1)
    yoken = pick(
        [w.code("fuyo_shikyu_yoken", x) for x in ("離婚", "未婚", "死亡", "その他")],
        rng.choice(4, n, p=[0.75, 0.12, 0.08, 0.05]),
    )
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(pp["atena_no"][p]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "shosho_no": zfill(pp["pid"][p] + 1, 10),
            "jukyu_shikaku": where(
                pp["male"][p], w.code("fuyo_jukyu_shikaku", "父"), w.code("fuyo_jukyu_shikaku", "母")
            ),
            "shikyu_yoken": yoken,
            "nintei_ymd": iso(nintei),
            "shikyu_kaishi_ym": next_month(nintei),
            "jido_su": s(kids),
            "shikyu_kubun": s(kubun),
            "teate_getsugaku": s(getsugaku),
            "shotoku_gaku": s(income),
            "nenkin_heikyu_flag": const("0", n),
            "genkyo_todoke_ymd": date_or_blank(np.full(n, REF_DAY - 240), nintei < REF_DAY - 240),
        },
        p,
        h,
        n,
    )


_FUJO = ("seikatsu", "jutaku", "kyoiku", "iryo", "kaigo", "shussan", "seigyo", "sosai")


@builder("seiho.jukyu")
def seiho(w: World, c: Chunk, form: str) -> Rows:
    """被保護世帯: the living members of a few low-income households; amounts on the head's row."""
    g = gyomu(w, c)
    pp = c.pp
    rng = chunk_rng(w, c, 0x5E0)
    H = int(c.hh["hid"].shape[0])
    m = w.member(c)
    age = m["age"]
    p = np.flatnonzero(g["seiho"])
    h = pp["h_of"][p]
    size = np.bincount(h, minlength=H)
    head_h = np.flatnonzero(pp["pos"] == 0)
    head_age = age[head_h]
    jutaku_h = rng.random(H) < 0.7
    # synthetic monthly amounts (modelled): 80,000 for the first member, 40,000 for each further
    # one, 40,000 housing; recognised income = the household's yearly income / 12
    saitei_h = 80_000 + 40_000 * np.maximum(size - 1, 0) + 40_000 * jutaku_h
    shunyu_h = g["income_h"] // 12 // 100 * 100
    ok_h = saitei_h > shunyu_h  # assistance only where income is below the minimum
    p = p[ok_h[h]]
    h = pp["h_of"][p]
    n = p.shape[0]
    is_head = pp["pos"][p] == 0
    single_parent = (~g["spouse_h"][h]) & (g["kids_h"][h] > 0) & ~pp["male"][head_h[h]]
    ruikei = np.select(
        [head_age[h] >= 65, single_parent], [1, 2], np.where(h % 3 == 0, 3, np.where(h % 3 == 1, 4, 5))
    )
    school = np.bincount(h[(age[p] >= 6) & (age[p] < 15)], minlength=H) > 0
    care = np.bincount(h[age[p] >= 65], minlength=H) > 0
    start_h = spread(rng, np.maximum(c.hh["head_in"], REF_DAY - 3650), np.full(H, REF_DAY - 30))
    start = np.maximum(start_h[h], pp["in_day"][p])
    flags = {
        "seikatsu": np.ones(n, bool),
        "jutaku": jutaku_h[h],
        "kyoiku": school[h],
        "iryo": rng.random(n) < 0.8,
        "kaigo": care[h] & (age[p] >= 65),
        "shussan": np.zeros(n, bool),
        "seigyo": np.zeros(n, bool),
        "sosai": np.zeros(n, bool),
    }
    cols = {f"{k}_fujo_flag": flag(flags[k]) for k in _FUJO}
    cols.update(
        {
            "dantai_code": const(w.dantai6, n),
            "case_no": zfill(c.hh["hid"][h] + 1, 8),
            "atena_no": s(pp["atena_no"][p]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "setainushi_flag": flag(is_head),
            "setai_ruikei": s(ruikei),
            "hogo_kaishi_ymd": iso(start),
            "kaishi_jiyu": pick(
                [w.code("seiho_kaishi_jiyu", x) for x in ("傷病", "収入の減少・喪失", "貯金等の減少・喪失")],
                h % 3,
            ),
            "saitei_seikatsuhi": where(is_head, s(saitei_h[h]), ""),
            "shunyu_nintei_gaku": where(is_head, s(shunyu_h[h]), ""),
            "hogohi_getsugaku": where(is_head, s(saitei_h[h] - shunyu_h[h]), ""),
            "tanto_code": zfill(c.hh["town"][h] % 20 + 1, 5),
        }
    )
    return Rows(cols, p, h, n)
