"""Golden builders for 選挙人名簿管理, 法人住民税, 障害者福祉, 児童手当, 健康管理 and 就学.

Same contract as :mod:`chukan_layout.synth.golden` (registered with ``@builder``): the
residents are the chunk's persons, joined to ``juki.jumin`` by 宛名番号, and every value is
derived so the layouts' row rules hold on every clean record. The layouts are reference
layouts (all items modelled); amounts here are synthetic, not an official table.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .arrow_util import const, date_or_blank, flag, join, pick, s, where, zfill
from .calendar import iso, partial_iso, ymd
from .golden import Rows, builder, chunk_rng
from .golden_zei import _employers
from .linked_gyomu import (
    KENSHIN_FROM,
    KENSHIN_NENDO,
    KENSHIN_TO,
    NENDO,
    eighteenth_birthday,
    gyomu_membership,
    spread,
)
from .population import DEAD, LIVING, MOVED_OUT, REF_DAY, Chunk
from .world import World

_YEAR = 365.2425


def gyomu(w: World, c: Chunk) -> dict[str, np.ndarray]:
    """The chunk's membership in the remaining 業務 (cached per chunk)."""
    return w._cached(c, "gyomu", lambda: gyomu_membership(c, w.member(c), w.income(c), w.seed))


def _sex(w: World, c: Chunk, p: np.ndarray) -> pa.Array:
    return where(c.pp["male"][p], w.code("seibetsu", "男"), w.code("seibetsu", "女"))


def next_month(days: np.ndarray) -> pa.Array:
    """``YYYY-MM`` of the month after each day (支給開始月: the month after the decision)."""
    y, m, _ = ymd(days)
    return join(s(y + (m == 12)), "-", zfill(m % 12 + 1, 2))


def _full_address(w: World, c: Chunk, form: str, h: np.ndarray) -> pa.Array:
    ad = w.address(c, form)
    return join(w.muni.prefecture + w.muni.city, pick(ad["machiaza"], h), pick(ad["banchi"], h))


@builder("senkyo.meibo", ("shimei", "jusho"))
def senkyo(w: World, c: Chunk, form: str) -> Rows:
    g = gyomu(w, c)
    pp = c.pp
    rng = chunk_rng(w, c, 0x5E1)
    # registered after 3 months' residence at 18 or older; never after the 基準日 or the day they left
    toroku = np.maximum(pp["in_day"] + 92, eighteenth_birthday(pp["birth"]))
    left = np.where(pp["state"] == LIVING, REF_DAY, pp["out_day"] - 1)
    p = np.flatnonzero(g["senkyo"] & (np.minimum(toroku, REF_DAY - 1) < left))
    n = p.shape[0]
    toroku = np.minimum(toroku[p], np.minimum(REF_DAY - 1, left[p]))
    state, out = pp["state"][p], pp["out_day"][p]
    dead = state == DEAD
    moved = state == MOVED_OUT
    four_months = moved & (REF_DAY - out > 122)
    marked = moved & ~four_months
    massho = dead | four_months
    massho_day = np.where(dead, out + pp["atena_no"][p] % 7, out + 122)
    nm = w.names(c, form)
    h = pp["h_of"][p]
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(pp["atena_no"][p]),
            "tohyoku_code": zfill(c.hh["town"][h] % 40 + 1, 3),
            "meibo_satsu": zfill(c.hh["town"][h] % 40 + 1, 4),
            "meibo_page": zfill(pp["pid"][p] // 20 % 9_999 + 1, 4),
            "meibo_gyo": zfill(pp["pid"][p] % 20 + 1, 3),
            "shimei": pick(nm["shimei"], p),
            "shimei_kana": pick(nm["shimei_kana"], p),
            "seibetsu": _sex(w, c, p),
            "seinengappi": partial_iso(pp["birth"][p], pp["unk"][p]),
            "seinengappi_fusho_flag": flag(pp["unk"][p] > 0),
            "jusho": _full_address(w, c, form, h),
            "toroku_ymd": iso(toroku),
            "toroku_jiyu": where(
                rng.random(n) < 0.1,
                w.code("senkyo_toroku_jiyu", "選挙時登録"),
                w.code("senkyo_toroku_jiyu", "定時登録"),
            ),
            "hyoji": where(marked, w.code("senkyo_hyoji", "転出表示"), w.code("senkyo_hyoji", "表示なし")),
            "hyoji_ymd": date_or_blank(out, marked),
            "massho_ymd": date_or_blank(massho_day, massho),
            "massho_jiyu": where(
                dead,
                w.code("senkyo_massho_jiyu", "死亡"),
                where(four_months, w.code("senkyo_massho_jiyu", "転出後4か月経過"), ""),
            ),
            "zaigai_flag": const("0", n),
        },
        p,
        h,
        n,
    )


_TRADE = (("商事", "ショウジ"), ("建設", "ケンセツ"), ("製作所", "セイサクショ"), ("運輸", "ウンユ"),
          ("食品", "ショクヒン"), ("電機", "デンキ"), ("工業", "コウギョウ"), ("物産", "ブッサン"))  # fmt: skip
_STEM = (
    ("あおば", "アオバ"),
    ("さくら", "サクラ"),
    ("ひかり", "ヒカリ"),
    ("みなと", "ミナト"),
    ("つばさ", "ツバサ"),
)
_KINTO = np.array([[50_000, 120_000], [130_000, 150_000], [160_000, 400_000], [410_000, 1_750_000]])


@builder("hojin.kazei", ("hojin_mei",))
def hojin(w: World, c: Chunk, form: str) -> Rows:
    """The employers that withhold 個人住民税 (``juminzei.kazei`` 特別徴収義務者), once, in chunk 0."""
    from ..spec.checkdigits import make_valid

    _, hojin_bango = _employers()
    k = len(hojin_bango) if c.number == 0 else 0
    rng = np.random.default_rng([w.seed, 0x40C])
    i = np.arange(k)
    interim = i % 4 == 0  # some file an interim return too (same business year, other 申告区分)
    e = np.concatenate([i, i[interim]])
    n = e.shape[0]
    kakutei = np.arange(n) < k
    cap = (10 ** rng.uniform(6.5, 9.5, k)).astype(np.int64) // 1_000_000 * 1_000_000
    emp = rng.integers(3, 400, k)
    tier = np.searchsorted([10_000_000, 100_000_000, 1_000_000_000], cap, side="right")
    kinto_year = _KINTO[np.minimum(tier, 3), (emp > 50).astype(np.int64)]
    hojinzei = rng.integers(0, 40_000_000, k) // 1000 * 1000
    months = np.where(kakutei, 12, 6)
    base = np.where(kakutei, hojinzei[e], hojinzei[e] // 2)
    wari = base * 6 // 100 // 100 * 100
    kinto = kinto_year[e] * months // 12 // 100 * 100
    stem, trade = e % len(_STEM), e // len(_STEM) % len(_TRADE)
    coop = e % 13 == 12
    atena = [make_valid("atena_mod11", f"{9 * 10**13 + j:014d}") for j in e.tolist()]
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "hojin_kanri_no": zfill(e + 1, 10),
            "atena_no": pa.array(atena, pa.string()),
            "hojin_bango": hojin_bango.take(pa.array(e)),
            "hojin_mei": join(
                where(coop, "", "株式会社"),
                pick([x[0] for x in _STEM], stem),
                pick([x[0] for x in _TRADE], trade),
                where(coop, "協同組合", ""),
            ),
            "hojin_mei_kana": join(
                where(coop, "", "カブシキガイシャ"),
                pick([x[1] for x in _STEM], stem),
                pick([x[1] for x in _TRADE], trade),
                where(coop, "キョウドウクミアイ", ""),
            ),
            "honten_shozaichi": join(
                w.muni.prefecture,
                w.muni.city,
                pick(w.town_forms["plain"], e % len(w.muni.town)),
                s(e + 1),
                "番地",
            ),
            "jimusho_shozaichi": join(
                w.muni.prefecture,
                w.muni.city,
                pick(w.town_forms["plain"], e % len(w.muni.town)),
                s(e + 1),
                "番地",
            ),
            "hojin_shubetsu": where(
                coop, w.code("hojin_shubetsu", "協同組合等"), w.code("hojin_shubetsu", "普通法人")
            ),
            "shihonkin_to_gaku": s(cap[e]),
            "jugyosha_su": s(emp[e]),
            "jigyo_nendo_kaishi_ymd": const("2024-04-01", n),
            "jigyo_nendo_shuryo_ymd": const("2025-03-31", n),
            "shinkoku_kubun": where(
                kakutei,
                w.code("hojin_shinkoku_kubun", "確定申告"),
                w.code("hojin_shinkoku_kubun", "中間申告"),
            ),
            "shinkoku_ymd": where(kakutei, "2025-05-30", "2024-11-29"),
            "hojinzei_gaku": s(base),
            "hojinzeiwari_gaku": s(wari),
            "kintowari_tsukisu": s(months),
            "kintowari_gaku": s(kinto),
            "zeigaku": s(wari + kinto),
            "noki_ymd": where(kakutei, "2025-06-02", "2024-12-02"),
        },
        None,
        None,
        n,
    )


@builder("shugaku.jido", ("shimei", "hogosha_shimei", "shitei_gakko_mei"))
def shugaku(w: World, c: Chunk, form: str) -> Rows:
    """学齢簿 for 年度 2025: the designated school of the child's 町字, the head as 保護者."""
    g = gyomu(w, c)
    pp = c.pp
    p = np.flatnonzero(g["gakurei"])
    n = p.shape[0]
    rng = chunk_rng(w, c, 0x5C0)
    grade = g["grade"][p]
    elem = grade <= 6
    head = g["head"][p]
    h = pp["h_of"][p]
    town = c.hh["town"][h]
    nm = w.names(c, form)
    entered = np.where(elem, NENDO - grade + 1, NENDO - grade + 7)  # April of the year the child entered
    school = pick(w.town_forms["plain"], town)
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(pp["atena_no"][p]),
            "nendo": const(str(NENDO), n),
            "shimei": pick(nm["shimei"], p),
            "shimei_kana": pick(nm["shimei_kana"], p),
            "seibetsu": _sex(w, c, p),
            "seinengappi": iso(pp["birth"][p]),
            "gakko_shubetsu": where(
                elem, w.code("gakko_shubetsu", "小学校"), w.code("gakko_shubetsu", "中学校")
            ),
            "shitei_gakko_code": zfill(np.where(elem, 100_000, 200_000) + town * 10 + 1, 6),
            "shitei_gakko_mei": join(school, where(elem, "小学校", "中学校")),
            "gakunen": pick([v.code for v in w.codes["gakunen"].values], grade - 1),
            "nyugaku_ymd": join(s(entered), "-04-01"),
            "hogosha_atena_no": s(pp["atena_no"][head]),
            "hogosha_shimei": pick(nm["shimei"], head),
            "hogosha_zokugara": const(w.code("zokugara", "世帯主"), n),
            "kuikigai_flag": const("0", n),
            "shugaku_enjo_flag": flag(rng.random(n) < 0.12),
            "yuyo_menjo_flag": const("0", n),
        },
        p,
        h,
        n,
    )


@builder("kenko.kenshin")
def kenshin(w: World, c: Chunk, form: str) -> Rows:
    """健(検)診 of 年度 2024: one or two screenings (different kinds) per screened resident."""
    g = gyomu(w, c)
    pp = c.pp
    rng = chunk_rng(w, c, 0xCE5)
    first = np.flatnonzero(g["kenshin"])
    second = np.flatnonzero(g["kenshin2"])
    p = np.concatenate([first, second])
    n = p.shape[0]
    male = pp["male"][p]
    # kinds by sex: men 01 02 03 06 08, women also 04 05 07; the second screening takes the next kind
    men, women = np.array([0, 1, 2, 5, 7]), np.array([0, 1, 2, 3, 4, 5, 6, 7])
    k_m = rng.integers(0, men.shape[0], first.shape[0])
    k_w = rng.integers(0, women.shape[0], first.shape[0])
    j = np.searchsorted(first, second)  # the second screening's row among the first ones
    kind = np.concatenate(
        [
            np.where(pp["male"][first], men[k_m], women[k_w]),
            np.where(
                pp["male"][second], men[(k_m[j] + 1) % men.shape[0]], women[(k_w[j] + 1) % women.shape[0]]
            ),
        ]
    )
    lo = np.maximum(pp["in_day"][p], KENSHIN_FROM)
    day = spread(rng, lo, np.full(n, KENSHIN_TO))
    age_at = np.floor((day - pp["birth"][p]) / _YEAR).astype(np.int64)
    r = rng.random(n)
    hantei = np.select([r < 0.7, r < 0.85, r < 0.97], [0, 1, 2], 3)
    follow = (hantei == 2) & (rng.random(n) < 0.6)
    codes = [v.code for v in w.codes["kenshin_shubetsu"].values]
    results = [v.code for v in w.codes["kenshin_hantei"].values]
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(pp["atena_no"][p]),
            "kenshin_nendo": const(str(KENSHIN_NENDO), n),
            "kenshin_shubetsu": pick(codes, kind),
            "jushin_ymd": iso(day),
            "seibetsu": where(male, w.code("seibetsu", "男"), w.code("seibetsu", "女")),
            "jushin_nenrei": s(age_at),
            "jisshi_kikan": join(w.muni.city, where(np.less(rng.random(n), 0.5), "保健センター", "医師会")),
            "shudan_kobetsu": flag(np.less(rng.random(n), 0.5)),
            "kekka_hantei": pick(results, hantei),
            "seimitsu_jushin_ymd": date_or_blank(np.minimum(day + rng.integers(14, 60, n), REF_DAY), follow),
            "seimitsu_kekka": where(follow, "異常なし", ""),
            "jiko_futan_gaku": s(np.where(age_at >= 70, 0, 500 + 500 * (kind % 2))),
        },
        p,
        pp["h_of"][p],
        n,
    )
