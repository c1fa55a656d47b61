"""Golden records: the municipality written in the standard layouts (what a perfect
conversion must produce), one builder per layout, a chunk at a time.

A builder returns ``{item_id: pa.Array of str}`` for the items it knows; :func:`build`
completes the layout (unknown optional items blank, unknown required items filled from
the spec so records stay valid) and returns a ``RecordBatch`` in layout order. Each row
also has an *owner* (the person or household it belongs to) so faults and the manifest
can point from a vendor record to its golden record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa

from ..spec.model import ItemType, Layout
from .arrow_util import blank, const, date_or_blank, flag, join, patch, pick, s, where, zfill
from .calendar import ERA_NAMES, iso, partial_iso, ymd
from .linked import KAZEI_YEARS
from .population import (
    COHABITANT,
    FATHER,
    HEAD,
    LIVING,
    MOTHER,
    REF_DAY,
    ROW_BIRTH,
    ROW_DEATH,
    ROW_MOVE_IN,
    ROW_MOVE_OUT,
    ROW_RELOCATE,
    SPOUSE,
    Chunk,
)
from .world import World

Columns = dict[str, pa.Array]


@dataclass
class Rows:
    """A layout's rows for one chunk: the columns plus who each row belongs to."""

    columns: Columns
    person: np.ndarray | None  # chunk-local person index per row (or None)
    household: np.ndarray | None  # chunk-local household index per row (or None)
    n: int


Builder = Callable[[World, Chunk, str], Rows]
BUILDERS: dict[str, Builder] = {}

# text items that can carry a 外字 (differ between the golden and a vendor form)
GAIJI_ITEMS: dict[str, tuple[str, ...]] = {}


def builder(layout_id: str, gaiji_items: tuple[str, ...] = ()) -> Callable[[Builder], Builder]:
    def deco(f: Builder) -> Builder:
        BUILDERS[layout_id] = f
        GAIJI_ITEMS[layout_id] = gaiji_items
        return f

    return deco


def _fill_value(layout: Layout, item_id: str, n: int) -> pa.Array:
    """A valid value for a required item no builder sets (keeps records valid, documents the gap)."""
    it = layout.item(item_id)
    if it.type is ItemType.CODE and it.codes:
        from .world import load_codes

        return const(load_codes()[it.codes].values[0].code, n)
    if it.type is ItemType.DATE:
        return const(str(np.datetime64(int(REF_DAY), "D")), n)
    if it.type is ItemType.FLAG:
        return const("0", n)
    if it.type in (ItemType.YEAR,):
        return const("2025", n)
    if it.check_digit is not None:
        from ..spec.checkdigits import make_valid

        width = it.length.max if it.length else 10
        return const(make_valid(it.check_digit, "1" * (width - 1)), n)
    if it.type in (ItemType.DIGITS, ItemType.INTEGER):
        width = it.length.min if it.length and it.length.min else 1
        return const("0" * width, n)
    return const("-", n)


def build(world: World, layout_id: str, c: Chunk, form: str = "golden") -> tuple[pa.RecordBatch, Rows]:
    """The layout's rows for chunk ``c`` as a RecordBatch of strings in layout order."""
    layout = world.layouts[layout_id]
    rows = BUILDERS[layout_id](world, c, form)
    cols = []
    for it in layout.items:
        col = rows.columns.get(it.id)
        if col is None:
            col = _fill_value(layout, it.id, rows.n) if it.required else blank(rows.n)
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, names=layout.item_ids), rows


# ---------------------------------------------------------------------------------------
# 住民基本台帳
# ---------------------------------------------------------------------------------------
_ROW_JIYU = {
    ROW_BIRTH: "出生",
    ROW_MOVE_IN: "転入",
    ROW_RELOCATE: "転居",
    ROW_MOVE_OUT: "転出",
    ROW_DEATH: "死亡",
}


def _todoke(event: np.ndarray, key: np.ndarray, days: int = 14) -> np.ndarray:
    """A 届出日 a few days after the event (deterministic from the key), never after 基準日."""
    return np.minimum(event + key % days, REF_DAY)


@builder("juki.jumin", ("shimei", "shi", "setainushi_shimei", "hittosha_shimei", "jusho_machiaza", "honseki"))
def jumin(w: World, c: Chunk, form: str) -> Rows:
    pp, hist = c.pp, c.hist
    p = hist["person"]
    n = p.shape[0]
    h = pp["h_of"][p]
    head_local = np.flatnonzero(pp["role"] == HEAD)
    head = head_local[np.searchsorted(head_local, p, side="right") - 1]
    nm = w.names(c, form)
    ad = w.address(c, form)
    m = w.member(c)
    fr = pp["foreign"][p]
    kind = hist["kind"]
    jiyu_names = np.array([_ROW_JIYU[k] for k in range(5)], dtype=object)
    jiyu_tbl = pa.array([w.code("juki_ido_jiyu", j) for j in jiyu_names])
    jiyu = pick(jiyu_tbl, kind)
    jiyu = where(fr & (kind == ROW_MOVE_IN), w.code("juki_ido_jiyu", "国外転入等"), jiyu)
    kubun = pick(
        pa.array([w.code("ido_kubun", x) for x in ("記載", "消除", "修正")]),
        np.select([kind == ROW_RELOCATE, (kind == ROW_MOVE_OUT) | (kind == ROW_DEATH)], [2, 1], 0),
    )
    deleted = (kind == ROW_MOVE_OUT) | (kind == ROW_DEATH)
    atena = pp["atena_no"][p]
    ev = hist["event_day"]
    role = pp["role"][p]
    male = pp["male"][p]
    zok_list = ["世帯主", "夫", "妻", "子", "父", "母", "同居人"]
    zok_idx = np.select(
        [
            role == HEAD,
            (role == SPOUSE) & male,
            role == SPOUSE,
            role == FATHER,
            role == MOTHER,
            role == COHABITANT,
        ],
        [0, 1, 2, 4, 5, 6],
        3,
    )
    zok_names = pick(zok_list, zok_idx)
    zok_codes = pick([w.code("zokugara", z) for z in zok_list], zok_idx)
    birth, unk = pp["birth"][p], pp["unk"][p]
    era = pp["era"][p]
    # 不詳 表記 only on the few rows with a 不詳 birth date (blank elsewhere)
    fus = np.flatnonzero(unk > 0)
    f_era, f_yy = _era_year(birth[fus])
    _, f_bm, _ = ymd(birth[fus])
    hyoki = patch(
        blank(n),
        fus,
        join(
            pick(list(ERA_NAMES), f_era),
            s(f_yy),
            "年",
            where(unk[fus] == 2, "月日不詳", join(s(f_bm), "月日不詳")),
        ),
    )
    prev = hist["at_prev"]
    pt = pp["prev_town"][p]
    pch = pp["prev_chome"][p]
    from .world import banchi_strings

    prev_machiaza = w.machiaza_vocab("plain").take(pt * 10 + pch)
    prev_banchi = banchi_strings(pp["prev_ban"][p], pp["prev_go"][p], pch > 0)
    hp = lambda col: pick(col, h)  # noqa: E731 - household column → per row
    living_row = hist["row_state"] == LIVING
    japanese = ~fr
    place = atena % len(w.other_places[0])
    o_code, o_pref, o_city = (pick(x, place) for x in w.other_places)
    moved_in = (kind == ROW_MOVE_IN) | ((pp["born_here"][p] == 0) & japanese)
    moved_in_jp = moved_in & japanese
    age = m["age"][p]
    status = pp["status"][p]
    from . import foreign

    stat_names = [st[0] for st in foreign.STATUSES]
    special = np.array([nm_ == "特別永住者" for nm_ in stat_names])[status]
    expiry = pp["expiry"][p]
    nat = pp["nat"][p]
    in_day = pp["in_day"][p]
    teijo = np.where(pp["relocated"][p] & ~prev, pp["move_day"][p], in_day)
    cols: Columns = {
        "dantai_code": const(w.dantai6, n),
        "atena_no": s(atena),
        "rireki_no": s(hist["rireki_no"]),
        "saishin_flag": flag(hist["latest"]),
        "setai_no": s(pp["setai_no"][p]),
        "jumin_shubetsu": where(fr, "2", "1"),
        "jumin_jotai": s(hist["row_state"]),
        "juminhyo_code": zfill(pp["juminhyo"][p], 11),
        "kojin_bango": zfill(pp["kojin"][p], 12),
        "ido_ymd": iso(ev),
        "ido_ymd_fusho_flag": const("0", n),
        "ido_todokede_ymd": iso(_todoke(ev, atena)),
        "ido_jiyu": jiyu,
        "ido_kubun": kubun,
        "shimei": pick(nm["shimei"], p),
        "shi": pick(nm["shi"], p),
        "mei": pick(nm["mei"], p),
        "shimei_kana": pick(nm["shimei_kana"], p),
        "shi_kana": pick(nm["shi_kana"], p),
        "mei_kana": pick(nm["mei_kana"], p),
        "furigana_kakunin": const(w.code("furigana_kakunin", "確認済"), n),
        "seibetsu": where(male, w.code("seibetsu", "男"), w.code("seibetsu", "女")),
        "seibetsu_hyoki": where(male, "男", "女"),
        "seinengappi_gengo": pick(w.gengo_codes, era),
        "seinengappi": partial_iso(birth, unk),
        "seinengappi_fusho_flag": flag(unk > 0),
        "seinengappi_fusho_hyoki": hyoki,
        "zokugara_code_1": zok_codes,
        "zokugara_hyoki": zok_names,
        "setainushi_shimei": pick(nm["shimei"], head),
        "kisai_juni": s(pp["pos"][p] + 1),
        "jusho_shikuchoson_code": const(w.dantai6, n),
        "jusho_machiaza_code": where(prev, zfill(pt * 1000 + pch, 7), hp(ad["machiaza_code"])),
        "jusho_todofuken": const(w.muni.prefecture, n),
        "jusho_shikugunchoson": const(w.muni.city, n),
        "jusho_machiaza": where(prev, prev_machiaza, hp(ad["machiaza"])),
        "jusho_banchi": where(prev, prev_banchi, hp(ad["banchi"])),
        "jusho_katagaki": where(prev, "", hp(ad["katagaki"])),
        "jusho_yubin_bango": where(prev, pick(w.postal, pt), hp(ad["yubin"])),
        "jumin_ymd": iso(in_day),
        "jumin_ymd_fusho_flag": const("0", n),
        "jusho_teijo_ymd": iso(teijo),
        "jusho_teijo_ymd_fusho_flag": const("0", n),
        "tennyumae_shikuchoson_code": where(moved_in_jp, o_code, ""),
        "tennyumae_todofuken": where(moved_in_jp, o_pref, ""),
        "tennyumae_shikugunchoson": where(moved_in_jp, o_city, ""),
        "tenshutsu_yotei_ymd": date_or_blank(ev, kind == ROW_MOVE_OUT),
        "tenshutsusaki_shikuchoson_code": where(
            kind == ROW_MOVE_OUT, pick(w.other_places[0], (place + 3) % 8), ""
        ),
        "tenshutsusaki_todofuken": where(kind == ROW_MOVE_OUT, pick(w.other_places[1], (place + 3) % 8), ""),
        "tenshutsusaki_shikugunchoson": where(
            kind == ROW_MOVE_OUT, pick(w.other_places[2], (place + 3) % 8), ""
        ),
        "shojo_jiyu": where(deleted, jiyu, ""),
        "shojo_todokede_ymd": date_or_blank(_todoke(ev, atena, 7), deleted),
        "shojo_ido_ymd": date_or_blank(ev, deleted),
        "shojo_ido_ymd_fusho_flag": where(deleted, "0", ""),
        "jyohyo_flag": flag(deleted),
        "honseki": where(japanese, join(hp(honseki_town(w, c, form)), _ban_banchi(pp["prev_ban"][p])), ""),
        "hittosha_shimei": where(japanese, pick(nm["shimei"], head), ""),
        "senkyo_toroku": flag(japanese & (age >= 18) & living_row),
        "seinen_hikoken": const("0", n),
        "kokuho_shikaku": flag(m["kokuho"][p]),
        "kokuho_shutoku_ymd": date_or_blank(m["kokuho_from"][p], m["kokuho"][p]),
        "kouki_shikaku": flag(m["kouki"][p]),
        "kouki_shutoku_ymd": date_or_blank(m["kouki_from"][p], m["kouki"][p]),
        "kaigo_shikaku": flag(m["kaigo"][p]),
        "kaigo_shutoku_ymd": date_or_blank(m["kaigo_from"][p], m["kaigo"][p]),
        "nenkin_shikaku": flag(m["nenkin"][p]),
        "kiso_nenkin_bango": where(m["nenkin"][p], kiso_nenkin_bango(w, pp["pid"][p]), ""),
        "nenkin_shubetsu": where(m["nenkin"][p], w.code("nenkin_shubetsu", "第1号被保険者"), ""),
        "nenkin_shutoku_ymd": date_or_blank(m["nenkin_from"][p], m["nenkin"][p]),
        "togo_atena_flag": const("0", n),
        "shien_sochi_flag": const("0", n),
        "gaikokujin_jumin_ymd": where(fr, iso(in_day), ""),
        "gaikokujin_jumin_ymd_fusho_flag": where(fr, "0", ""),
        "zairyu_card_no": where(fr, s(pp["card"][p]), ""),
        "zairyu_card_kubun": where(
            fr,
            where(
                special,
                w.code("zairyu_card_kubun", "特別永住者証明書"),
                w.code("zairyu_card_kubun", "在留カード"),
            ),
            "",
        ),
        "kokuseki_code": where(fr, pick(pa.array([x[1] for x in foreign.NATIONALITIES]), nat), ""),
        "kokuseki_mei": where(fr, pick(pa.array([x[2] for x in foreign.NATIONALITIES]), nat), ""),
        "hokan_kubun": where(
            fr, where(special, w.code("hokan_kubun", "特別永住者"), w.code("hokan_kubun", "中長期在留者")), ""
        ),
        "zairyu_shikaku_code": where(
            fr, pick(pa.array([w.code("zairyu_shikaku", x) for x in stat_names]), status), ""
        ),
        "zairyu_kikan_nen": where(fr & (expiry >= 0), s(np.clip((expiry - in_day) // 365 + 1, 1, 5)), ""),
        "zairyu_manryo_ymd": date_or_blank(expiry, fr),
        "shimei_romaji": pick(nm["romaji"], p),
        "card_hakko_jokyo": where(
            atena % 5 < 3,
            w.code("card_hakko_jokyo", "個人番号カード交付済"),
            w.code("card_hakko_jokyo", "未発行"),
        ),
        "jukyochi_todokede": where(fr, "1", ""),
    }
    return Rows(cols, p, h, n)


def _era_year(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from .calendar import era_year

    return era_year(days)


def kiso_nenkin_bango(w: World, pid: np.ndarray) -> pa.Array:
    """基礎年金番号: 4-digit office part + 6-digit serial (fictitious, no check digit)."""
    return zfill((1000 + (pid * 7919) % 9000) * 1_000_000 + pid % 1_000_000, 10)


def honseki_town(w: World, c: Chunk, form: str) -> pa.Array:
    """Per household: 都道府県 + 市区町村 + 町字 (the 本籍 prefix, before the 番地)."""
    prefix = w.muni.prefecture + w.muni.city
    return w._cached(c, "honseki:" + form, lambda: join(prefix, w.address(c, form)["machiaza"]))


@cache
def _ban_vocab() -> pa.Array:
    return pa.array([f"{b}番地" for b in range(1000)], pa.string())


def _ban_banchi(ban: np.ndarray) -> pa.Array:
    if ban.shape[0] and (int(ban.min()) < 0 or int(ban.max()) >= 1000):
        return join(s(ban), "番地")
    return _ban_vocab().take(ban)


@builder("juki.setai", ("setainushi_shimei", "jusho_machiaza"))
def setai(w: World, c: Chunk, form: str) -> Rows:
    hh, pp = c.hh, c.pp
    H = hh["hid"].shape[0]
    head = np.flatnonzero(pp["role"] == HEAD)
    nm = w.names(c, form)
    ad = w.address(c, form)
    living = pp["state"] == LIVING
    fr = pp["foreign"]
    n_jp = np.bincount(pp["h_of"][living & ~fr], minlength=H)
    n_fr = np.bincount(pp["h_of"][living & fr], minlength=H)
    deleted = hh["deleted"]
    head_state = pp["state"][head]
    return Rows(
        {
            "dantai_code": const(w.dantai6, H),
            "setai_no": s(hh["setai_no"]),
            "rireki_no": const("1", H),
            "saishin_flag": const("1", H),
            "setainushi_atena_no": s(pp["atena_no"][head]),
            "setainushi_shimei": pick(nm["shimei"], head),
            "setainushi_shimei_kana": pick(nm["shimei_kana"], head),
            "setai_jotai": where(deleted, s(head_state), "1"),
            "setaiin_su": s(n_jp + n_fr),
            "setaiin_su_nihonjin": s(n_jp),
            "setaiin_su_gaikokujin": s(n_fr),
            "setai_seiritsu_ymd": iso(pp["in_day"][head]),
            "setai_shometsu_ymd": date_or_blank(hh["out_day"], deleted),
            "jusho_shikuchoson_code": const(w.dantai6, H),
            "jusho_machiaza_code": ad["machiaza_code"],
            "jusho_todofuken": const(w.muni.prefecture, H),
            "jusho_shikugunchoson": const(w.muni.city, H),
            "jusho_machiaza": ad["machiaza"],
            "jusho_banchi": ad["banchi"],
            "jusho_katagaki": ad["katagaki"],
            "jusho_yubin_bango": ad["yubin"],
        },
        None,
        np.arange(H),
        H,
    )


# ---------------------------------------------------------------------------------------
# 個人住民税
# ---------------------------------------------------------------------------------------
_EMPLOYERS = 40


def _tsuchisho_no(year: np.ndarray, pid: np.ndarray) -> pa.Array:
    """通知書番号: 2-digit year + 8-digit serial (as one zero-padded number when the serial fits)."""
    yy = year % 100
    if yy.shape[0] and int(yy.min()) >= 10 and int(pid.max()) < 10**8:
        return zfill(yy * 10**8 + pid, 10)
    return join(s(yy), zfill(pid, 8))


@cache
def _employers() -> tuple[pa.Array, pa.Array]:
    from ..spec.checkdigits import make_valid

    gimusha = [f"{9_000_001 + 37 * i:010d}" for i in range(_EMPLOYERS)]
    hojin = [make_valid("hojin_bango", f"{(30_110_010_000 + 7_777 * i):012d}") for i in range(_EMPLOYERS)]
    return pa.array(gimusha), pa.array(hojin)


@builder("juminzei.kazei")
def kazei(w: World, c: Chunk, form: str) -> Rows:
    from .linked import kazei as compute

    m = w.member(c)
    inc = w.income(c)
    pp = c.pp
    subject = np.flatnonzero((pp["state"] == LIVING) & (m["age"] >= 16))
    years = len(KAZEI_YEARS)
    p = np.repeat(subject, years)
    year = np.tile(np.array(KAZEI_YEARS), subject.shape[0])
    factor = np.where(year == KAZEI_YEARS[-1], 100, 98)
    ky = inc["kyuyo"][p] * factor // 100 // 1000 * 1000
    ei = inc["eigyo"][p] * factor // 100 // 1000 * 1000
    nk = inc["nenkin"][p]
    t = compute(ky, ei, nk)
    n = p.shape[0]
    choshu = np.where(ky > 0, 2, np.where((nk > 0) & (ei == 0), 3, 1))
    choshu = np.where(t["kazei_kubun"] == 2, 1, choshu)
    toku = np.where(choshu != 1, t["nengaku"], 0)
    emp = pp["atena_no"][p] % _EMPLOYERS
    gimusha, hojin = _employers()
    cols: Columns = {}
    done: dict[int, pa.Array] = {}  # several items share one amount array (合計所得 = 総所得金額 …)
    for k, v in t.items():
        if k != "kazei_kubun":
            if id(v) not in done:
                done[id(v)] = s(v)
            cols[k] = done[id(v)]
    cols.update(
        {
            "dantai_code": const(w.dantai6, n),
            "atena_no": s(pp["atena_no"][p]),
            "kazei_nendo": s(year),
            "shotoku_nen": s(year - 1),
            "tsuchisho_no": _tsuchisho_no(year, pp["pid"][p]),
            "kazei_kubun": s(t["kazei_kubun"]),
            "choshu_hoho": s(choshu),
            "tokucho_gimusha_no": where(choshu == 2, pick(gimusha, emp), ""),
            "tokucho_hojin_bango": where(choshu == 2, pick(hojin, emp), ""),
            "shinkoku_kubun": s(np.where(ky > 0, 3, np.where(ei > 0, 1, np.where(nk > 0, 4, 2)))),
            "tokucho_gaku": s(toku),
            "fucho_gaku": s(t["nengaku"] - toku),
            "genmen_kubun": const("0", n),
            "kettei_ymd": pick(
                [f"{y}-06-10" for y in KAZEI_YEARS], np.searchsorted(np.array(KAZEI_YEARS), year)
            ),
        }
    )
    return Rows(cols, p, pp["h_of"][p], n)


# ---------------------------------------------------------------------------------------
# 国民健康保険
# ---------------------------------------------------------------------------------------
def hokenja_bango_kokuho(w: World) -> str:
    from ..spec.checkdigits import make_valid

    return make_valid("hokenja_bango", w.muni.code5)


def _kokuho_households(w: World, c: Chunk) -> tuple[np.ndarray, np.ndarray]:
    """(households with at least one 国保 member, member person indices)."""
    m = w.member(c)
    members = np.flatnonzero(m["kokuho"])
    hh = np.unique(c.pp["h_of"][members])
    return hh, members


@builder("kokuho.setai")
def kokuho_setai(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    inc = w.income(c)
    pp, hh_ = c.pp, c.hh
    hh, members = _kokuho_households(w, c)
    H = hh_["hid"].shape[0]
    age = m["age"]
    h_of = pp["h_of"][members]
    cnt = np.bincount(h_of, minlength=H)[hh]
    pre = np.bincount(h_of[age[members] < 6], minlength=H)[hh]
    nigo = np.bincount(h_of[(age[members] >= 40) & (age[members] < 65)], minlength=H)[hh]
    base_p = np.maximum(inc["kyuyo"][members] + inc["eigyo"][members] + inc["nenkin"][members] - 430_000, 0)
    base = np.bincount(h_of, weights=base_p, minlength=H)[hh].astype(np.int64)
    base2 = np.bincount(h_of, weights=base_p * ((age[members] >= 40) & (age[members] < 65)), minlength=H)[
        hh
    ].astype(np.int64)
    shotokuwari = base * 7 // 100 // 100 * 100
    kinto = 35_000 * cnt
    byodo = np.full(hh.shape[0], 25_000)
    iryo = shotokuwari + kinto + byodo
    shien = base * 25 // 1000 // 100 * 100 + 12_000 * cnt
    kaigo = np.where(nigo > 0, base2 * 2 // 100 // 100 * 100 + 15_000 * nigo, 0)
    head = np.flatnonzero(pp["role"] == HEAD)[hh]
    gisei = ~m["kokuho"][head]
    n = hh.shape[0]
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "hokenja_bango": const(hokenja_bango_kokuho(w), n),
            "kokuho_setai_no": s(hh_["setai_no"][hh]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "setai_no": s(hh_["setai_no"][hh]),
            "setainushi_atena_no": s(pp["atena_no"][head]),
            "gisei_setainushi_flag": flag(gisei),
            "setai_shutoku_ymd": iso(
                np.minimum.reduceat(m["kokuho_from"][members], np.searchsorted(h_of, hh))
            ),
            "hihokensha_su": s(cnt),
            "mishugakuji_su": s(pre),
            "kaigo_nigo_su": s(nigo),
            "keigen_kubun": s(np.select([base <= 0, base <= 300_000 * cnt], [1, 2], 0)),
            "tokutei_setai_flag": const("0", n),
            "tokutei_keizoku_flag": const("0", n),
            "hijihatsu_shitsugyo_flag": const("0", n),
            "hokenzei_nendo": const(str(KAZEI_YEARS[-1]), n),
            "iryo_shotokuwari": s(shotokuwari),
            "iryo_kintowari": s(kinto),
            "iryo_byodowari": s(byodo),
            "iryo_gaku": s(iryo),
            "shien_gaku": s(shien),
            "kaigo_gaku": s(kaigo),
            "nengaku": s(iryo + shien + kaigo),
            "genmen_gaku": const("0", n),
            "choshu_hoho": const(w.code("choshu_hoho_hokenryo", "普通徴収"), n),
        },
        head,
        hh,
        n,
    )


@builder("kokuho.hihokensha")
def kokuho_hihokensha(w: World, c: Chunk, form: str) -> Rows:
    m = w.member(c)
    pp, hh_ = c.pp, c.hh
    _, p = _kokuho_households(w, c)
    n = p.shape[0]
    age = m["age"][p]
    h = pp["h_of"][p]
    start = m["kokuho_from"][p]
    born = pp["born_here"][p] & (start == pp["birth"][p])
    jiyu = np.where(
        born,
        w.code("kokuho_shutoku_jiyu", "出生"),
        np.where(
            pp["foreign"][p], w.code("kokuho_shutoku_jiyu", "外国人"), w.code("kokuho_shutoku_jiyu", "転入")
        ),
    )
    futan = np.select([age < 6, age >= 70], [1, 3], 2)
    # 枝番: order of members within their household
    first = np.searchsorted(h, h)
    eda = np.arange(n) - first + 1
    return Rows(
        {
            "dantai_code": const(w.dantai6, n),
            "hokenja_bango": const(hokenja_bango_kokuho(w), n),
            "kokuho_setai_no": s(hh_["setai_no"][h]),
            "rireki_no": const("1", n),
            "saishin_flag": const("1", n),
            "atena_no": s(pp["atena_no"][p]),
            "hihokenshasho_kigo": const(w.muni.code5[2:], n),
            "hihokenshasho_bango": zfill(pp["pid"][p] % 100_000_000, 8),
            "hihokenshasho_edaban": zfill(eda, 2),
            "shikaku_shutoku_ymd": iso(start),
            "shikaku_shutoku_jiyu": pa.array(jiyu, pa.string()),
            "shikaku_todokede_ymd": iso(_todoke(start, pp["atena_no"][p])),
            "setainushi_flag": flag(pp["role"][p] == HEAD),
            "taishoku_flag": const("0", n),
            "kaigo_nigo_flag": flag((age >= 40) & (age < 65)),
            "futan_kubun": s(futan),
            "gakusei_tokurei_flag": const("0", n),
            "jushochi_tokurei_flag": const("0", n),
            "kogaku_gaito_flag": const("0", n),
            "mishugakuji_flag": flag(age < 6),
            "ido_jiyu": pa.array(jiyu, pa.string()),
            "ido_ymd": iso(start),
        },
        p,
        h,
        n,
    )
