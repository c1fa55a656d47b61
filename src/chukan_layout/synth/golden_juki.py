"""Golden builders for 住民基本台帳: the 住民票 (``juki.jumin``, one row per 履歴) and the 世帯 (``juki.setai``).

Same contract as :mod:`chukan_layout.synth.golden` (registered with ``@builder``). Also the
本籍 strings the 戸籍 builders (:mod:`.golden_koseki`) must agree with.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

from . import foreign
from .arrow_util import blank, const, date_or_blank, flag, join, patch, pick, s, where, zfill
from .calendar import ERA_NAMES, era_year, iso, partial_iso, ymd
from .golden import Columns, Rows, builder, todokede_day
from .golden_hoken import kiso_nenkin_bango
from .population import (
    COHABITANT,
    FATHER,
    HEAD,
    LIVING,
    MOTHER,
    ROW_BIRTH,
    ROW_DEATH,
    ROW_MOVE_IN,
    ROW_MOVE_OUT,
    ROW_RELOCATE,
    SPOUSE,
    Chunk,
)
from .world import World, banchi_strings

_ROW_JIYU = {
    ROW_BIRTH: "出生",
    ROW_MOVE_IN: "転入",
    ROW_RELOCATE: "転居",
    ROW_MOVE_OUT: "転出",
    ROW_DEATH: "死亡",
}


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
    f_era, f_yy = era_year(birth[fus])
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
        "ido_todokede_ymd": iso(todokede_day(ev, atena)),
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
        "shojo_todokede_ymd": date_or_blank(todokede_day(ev, atena, 7), deleted),
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
