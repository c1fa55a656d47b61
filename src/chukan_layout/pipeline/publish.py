"""Publishing a run's output folder and, when it is elsewhere, its report folder.

Each folder is staged and published in one step by a :class:`RunFolder` (``_run_folder``: the
staging folder, the lock, ``run.json`` and what a reader of the folder can rely on,
docs/reliability.md); :class:`Publication` stages the two folders of one run together and
publishes the report folder's run after the outputs', and :func:`published` turns a result's
staged paths into the final ones. ``RunFolder``, ``MANIFEST_NAME``, ``read_manifest`` and
``verify`` are re-exported here (the one import path).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import InterruptedRun
from ._run_folder import MANIFEST_NAME, MANIFEST_VERSION, RunFolder, read_manifest, verify

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "REPORT_NAMES",
    "Publication",
    "RunFolder",
    "published",
    "read_manifest",
    "verify",
]


REPORT_NAMES = ("report.json", "report.html", "findings.csv")


class Publication:
    """The staging of one run's output folder and (when elsewhere) its report folder.

    ``out`` / ``report_dir`` are where the run writes; :meth:`place` maps a staged path to
    where it will be once published (relative paths inside the report are computed on the
    final paths); :meth:`publish` publishes the report folder's run after the outputs'.
    """

    def __init__(self, out_dir: str | Path, report_dir: str | Path | None, *, command: str,
                 may_produce: Iterable[str] = (), inputs: Iterable[str | Path] = ()) -> None:  # fmt: skip
        inputs = list(inputs)
        self._out_final = Path(out_dir)
        self._report_final = None if report_dir is None else Path(report_dir)
        inside = self._report_final is None or _is_within(self._report_final, self._out_final)
        names = set(may_produce)
        if inside:
            rel = "" if self._report_final is None else os.path.relpath(self._report_final, self._out_final)
            names |= {(Path(rel) / n).as_posix() if rel not in ("", ".") else n for n in REPORT_NAMES}
        self._runs = [RunFolder(self._out_final, may_produce=names, command=command, inputs=inputs)]
        if not inside:
            assert self._report_final is not None
            self._runs.append(
                RunFolder(self._report_final, may_produce=REPORT_NAMES, command=command, inputs=inputs)
            )
        self.out = self._out_final
        self.report_dir: Path | None = None

    def __enter__(self) -> Publication:
        entered: list[RunFolder] = []
        try:
            for r in self._runs:
                entered.append(r.__enter__())
        except BaseException:
            for r in reversed(entered):
                r.__exit__(None, None, None)
            raise
        self.out = self._runs[0].staging
        if self._report_final is None:
            self.report_dir = None
        elif len(self._runs) == 1:
            self.report_dir = self.out / os.path.relpath(self._report_final, self._out_final)
        else:
            self.report_dir = self._runs[1].staging
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        first: InterruptedRun | None = None
        for r in reversed(self._runs):
            try:
                r.__exit__(exc_type, exc, tb)
            except InterruptedRun as e:
                first = first or e
        if first is not None:
            raise first

    def place(self, staged: str | Path) -> Path:
        """Where a staged path (file or folder) will be once published."""
        p = Path(staged)
        for r in self._runs:
            if p == r.staging or _is_within(p, r.staging):
                return r.final_path(p)
        return p

    def publish(self, hashes: Mapping[str, tuple[int, str]] | None = None,
                extra: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """Publish the outputs' run, then the report folder's (each with its own ``run.json``)."""
        return [r.publish(hashes, extra) for r in self._runs]


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def published(pub: Publication, result: Any) -> Any:
    """Publish a :class:`~.result.ConvertResult` written under ``pub``; its paths become the final ones."""
    staged_hashes = dict(result.hashes)
    pub.publish(staged_hashes)
    p = pub.place
    result.out_dir = str(p(Path(result.out_dir)))
    for o in result.outputs.values():
        o.path = str(p(Path(o.path)))
    for name in ("rejects_path", "summary_path", "gaiji_path"):
        if getattr(result, name):
            setattr(result, name, str(p(Path(getattr(result, name)))))
    result.report_paths = {k: p(Path(v)) for k, v in result.report_paths.items()}
    result.hashes = {str(p(Path(k))): v for k, v in staged_hashes.items()}
    return result
