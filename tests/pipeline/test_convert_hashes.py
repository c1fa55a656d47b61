"""convert takes the inputs' SHA-256 from the command's forked child (files.ForkedHashes, issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chukan_layout import convert, files
from chukan_layout.files import sha256_file
from chukan_layout.input_hashes import ForkedHashes
from chukan_layout.synth.generate import generate


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("b")
    generate(root, vendors="b", residents=150, seed=21, faults=0.03)
    return root / "vendor_b"


def test_inputs_the_child_hashed_are_not_hashed_again(town: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    inputs = [town / "jumin.csv", town / "setai.csv"]
    base = convert("vendor_b", inputs, tmp_path / "base", workers=2)
    want = {p.name: sha256_file(p)[1] for p in inputs}
    assert {i.file_id: i.sha256 for i in base.report.inputs} == want
    with ForkedHashes(inputs) as fh:
        fh.result()  # the child is done before this process may hash anything
        hashed: list[str] = []
        spy = lambda p, *a: hashed.append(str(p)) or (0, "")  # noqa: E731
        monkeypatch.setattr(files, "sha256_file", spy)  # the run's hashing thread and its end
        got = convert("vendor_b", inputs, tmp_path / "got", workers=2, hashes=fh)
    assert hashed == []  # neither the run's thread nor its end hashed a file the child had
    assert got.report.inputs == base.report.inputs
    assert got.report.findings == base.report.findings


def test_a_file_the_child_left_out_is_hashed_by_the_run(town: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    inputs = [town / "jumin.csv", town / "setai.csv"]
    base = convert("vendor_b", inputs, tmp_path / "base", workers=1)
    with ForkedHashes(inputs[:1]) as fh:  # the second file: left to the run's own thread
        got = convert("vendor_b", inputs, tmp_path / "got", workers=2, hashes=fh)
    assert got.report.inputs == base.report.inputs
    # a child that delivered nothing (failed, or a file changed under it): hashed at the end
    monkeypatch.setattr(ForkedHashes, "result", lambda self: {})
    with ForkedHashes(inputs) as fh:
        again = convert("vendor_b", inputs, tmp_path / "again", workers=2, hashes=fh)
    assert again.report.inputs == base.report.inputs
