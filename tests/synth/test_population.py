"""The municipality: deterministic, consistent households, every era, 不詳, foreigners."""

from __future__ import annotations

import numpy as np

from chukan_layout.synth.calendar import BOUNDARY_DATES, era_index
from chukan_layout.synth.population import COHABITANT, HEAD, SPOUSE, Population
from chukan_layout.synth.reference import load_municipality, pick_municipality


def _pop(seed: int = 3) -> Population:
    return Population(seed, load_municipality("13122"))


def test_chunks_are_deterministic_and_sized() -> None:
    a = list(_pop().chunks(1500, 200))
    b = list(_pop().chunks(1500, 200))
    assert sum(c.n_persons for c in a) == 1500
    for x, y in zip(a, b, strict=True):
        for k in x.pp:
            assert np.array_equal(x.pp[k], y.pp[k])


def test_household_roles_consistent() -> None:
    for c in _pop().chunks(3000, 500):
        pp = c.pp
        heads = np.bincount(pp["h_of"][pp["role"] == HEAD], minlength=c.hh["hid"].shape[0])
        assert (heads == 1).all()
        sp = np.flatnonzero(pp["role"] == SPOUSE)
        head_of = np.flatnonzero(pp["role"] == HEAD)[pp["h_of"][sp]]
        assert (pp["male"][sp] != pp["male"][head_of]).all()
        same_name = pp["fam"][sp] == pp["fam"][head_of]
        assert same_name.all()
        assert (pp["role"][pp["pos"] == 0] == HEAD).all()
        assert ((pp["role"] != COHABITANT) | (pp["pos"] > 0)).all()


def test_every_era_boundary_and_unknown_dates_present() -> None:
    c = next(_pop().chunks(400, 200))
    assert set(BOUNDARY_DATES.tolist()) <= set(c.pp["birth"].tolist())
    assert set(era_index(c.pp["birth"]).tolist()) == {0, 1, 2, 3, 4}
    assert {1, 2} <= set(c.pp["unk"].tolist())


def test_history_rows() -> None:
    c = next(_pop().chunks(3000, 1000))
    h = c.hist
    latest = np.bincount(h["person"][h["latest"]], minlength=c.n_persons)
    assert (latest == 1).all()
    assert {0, 1, 2, 3, 4} <= set(h["kind"].tolist())  # 出生 転入 転居 転出 死亡
    assert (np.diff(h["event_day"])[np.diff(h["person"]) == 0] >= 0).all()


def test_foreign_card_numbers() -> None:
    import re

    c = next(_pop().chunks(5000, 2000))
    cards = [x.decode() for x in c.pp["card"][c.pp["foreign"]]]
    assert cards and all(re.fullmatch(r"[A-Z]{2}[0-9]{8}[A-Z]{2}", x) for x in cards)


def test_municipality_by_seed_is_real() -> None:
    m = pick_municipality(42)
    assert len(m.code5) == 5 and len(m.dantai_code) == 6 and m.town.shape[0] >= 15
    assert all(len(p) == 7 and p.isdigit() for p in m.postal)
