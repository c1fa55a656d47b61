"""Hand-written name stock for foreign residents (外国人住民): romaji as on the passport,
katakana as a municipality records the reading, optional 漢字 name (China, Korea).

Share of nationalities follows the order of magnitude of 在留外国人統計 (法務省), rounded;
the names are common ones, chosen by hand (no data package has them with readings).
"""

from __future__ import annotations

import numpy as np

# (ISO 3166-1 alpha-3, numeric code, 国名, share)
NATIONALITIES: tuple[tuple[str, str, str, float], ...] = (
    ("CHN", "156", "中国", 0.30),
    ("VNM", "704", "ベトナム", 0.20),
    ("KOR", "410", "韓国", 0.15),
    ("PHL", "608", "フィリピン", 0.10),
    ("BRA", "076", "ブラジル", 0.08),
    ("NPL", "524", "ネパール", 0.07),
    ("USA", "840", "アメリカ合衆国", 0.05),
    ("IDN", "360", "インドネシア", 0.05),
)

# family names per nationality: (romaji, katakana, kanji or "")
FAMILY: dict[str, tuple[tuple[str, str, str], ...]] = {
    "CHN": (
        ("WANG", "ワン", "王"),
        ("LI", "リー", "李"),
        ("ZHANG", "チャン", "張"),
        ("LIU", "リュウ", "劉"),
        ("CHEN", "チェン", "陳"),
        ("YANG", "ヤン", "楊"),
        ("ZHAO", "チャオ", "趙"),
        ("HUANG", "ホアン", "黄"),
    ),
    "KOR": (
        ("KIM", "キム", "金"),
        ("LEE", "イ", "李"),
        ("PARK", "パク", "朴"),
        ("CHOI", "チェ", "崔"),
        ("JUNG", "チョン", "鄭"),
        ("KANG", "カン", "姜"),
    ),
    "VNM": (
        ("NGUYEN", "グエン", ""),
        ("TRAN", "チャン", ""),
        ("LE", "レ", ""),
        ("PHAM", "ファム", ""),
        ("HOANG", "ホアン", ""),
        ("VU", "ヴー", ""),
    ),
    "PHL": (
        ("SANTOS", "サントス", ""),
        ("REYES", "レイエス", ""),
        ("CRUZ", "クルス", ""),
        ("BAUTISTA", "バウティスタ", ""),
        ("GARCIA", "ガルシア", ""),
    ),
    "BRA": (
        ("SILVA", "シルバ", ""),
        ("SANTOS", "サントス", ""),
        ("OLIVEIRA", "オリベイラ", ""),
        ("SOUZA", "ソウザ", ""),
        ("PEREIRA", "ペレイラ", ""),
    ),
    "NPL": (
        ("SHRESTHA", "シュレスタ", ""),
        ("GURUNG", "グルン", ""),
        ("TAMANG", "タマン", ""),
        ("RAI", "ライ", ""),
        ("THAPA", "タパ", ""),
    ),
    "USA": (
        ("SMITH", "スミス", ""),
        ("JOHNSON", "ジョンソン", ""),
        ("WILLIAMS", "ウィリアムズ", ""),
        ("BROWN", "ブラウン", ""),
        ("MILLER", "ミラー", ""),
    ),
    "IDN": (
        ("SANTOSO", "サントソ", ""),
        ("WIJAYA", "ウィジャヤ", ""),
        ("HIDAYAT", "ヒダヤット", ""),
        ("SAPUTRA", "サプトラ", ""),
    ),
}

# given names per gender (shared stock, romaji + katakana; 漢字 only used with a 漢字 family name)
GIVEN_M: tuple[tuple[str, str, str], ...] = (
    ("WEI", "ウェイ", "偉"),
    ("JUN", "ジュン", "俊"),
    ("MINH", "ミン", ""),
    ("JOSE", "ホセ", ""),
    ("JOHN", "ジョン", ""),
    ("RAJ", "ラジ", ""),
    ("HAO", "ハオ", "浩"),
    ("MINJUN", "ミンジュン", "敏俊"),
    ("DUC", "ドゥック", ""),
    ("RAFAEL", "ハファエル", ""),
    ("BUDI", "ブディ", ""),
    ("DAVID", "デイビッド", ""),
)
GIVEN_F: tuple[tuple[str, str, str], ...] = (
    ("FANG", "ファン", "芳"),
    ("MEI", "メイ", "美"),
    ("LAN", "ラン", "蘭"),
    ("ANH", "アイン", ""),
    ("MARIA", "マリア", ""),
    ("ANA", "アナ", ""),
    ("SITA", "シタ", ""),
    ("JIYEON", "ジヨン", "智妍"),
    ("THU", "トゥー", ""),
    ("SARAH", "サラ", ""),
    ("DEWI", "デウィ", ""),
    ("EMILY", "エミリー", ""),
)

# 在留資格 (status of residence) with the chance a resident has it, and whether it has an expiry.
STATUSES: tuple[tuple[str, float, bool], ...] = (
    ("永住者", 0.30, False),
    ("技術・人文知識・国際業務", 0.16, True),
    ("技能実習", 0.14, True),
    ("留学", 0.11, True),
    ("家族滞在", 0.10, True),
    ("定住者", 0.07, True),
    ("日本人の配偶者等", 0.06, True),
    ("特別永住者", 0.06, False),
)


def nationality_probs() -> np.ndarray:
    p = np.array([n[3] for n in NATIONALITIES])
    return p / p.sum()


def status_probs() -> np.ndarray:
    p = np.array([s[1] for s in STATUSES])
    return p / p.sum()


def family_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flattened (nationality index, romaji, katakana, kanji) of every family name."""
    nat, rom, kana, kanji = [], [], [], []
    for i, (iso3, _num, _name, _p) in enumerate(NATIONALITIES):
        for r, k, j in FAMILY[iso3]:
            nat.append(i)
            rom.append(r)
            kana.append(k)
            kanji.append(j)
    return (
        np.array(nat),
        np.array(rom, dtype=object),
        np.array(kana, dtype=object),
        np.array(kanji, dtype=object),
    )
