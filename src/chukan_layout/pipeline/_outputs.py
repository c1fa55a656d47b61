"""The files a convert run publishes: one standard CSV per layout, rejects.csv, gaiji.csv, summary.json.

Each output is opened (with its header row) the first time a part arrives for it
(:func:`sinks`), grows part by part in run order, and is renamed into place only when every
output is complete (:func:`write_outputs`); on any error none appears.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..adapt.loader import Adapter
from ..files import AppendAt, atomic_output
from ..findings import FindingSet
from ..spec.model import Layout
from ._concat import Concat, sidecar_header, standard_header
from ._rejects import RejectSink, reject_header
from ._result import ConvertResult, FileAccounting, OutputFile

SUMMARY_NAME = "summary.json"
REJECTS_NAME = "rejects.csv"
GAIJI_NAME = "gaiji.csv"


def sinks(ad: Adapter, out: Path, output_encoding: str, lookup_sink: RejectSink,
          remote: Callable[[AppendAt], None] | None = None) -> Callable[[str], Concat]:  # fmt: skip
    """The run's outputs by kind (layout id, ``rejects``, ``gaiji``), each opened with its header row.

    ``remote``: the parts' copies are handed to it (:class:`~._concat.Concat`), this process hashes."""
    names: dict[str, tuple[str, Layout]] = {}
    for t in ad.targets:
        names.setdefault(t.layout.id, (t.output_name, t.layout))

    def open_sink(kind: str) -> Concat:
        if kind == "rejects":
            return Concat(
                out / REJECTS_NAME, reject_header() + lookup_sink.to_bytes(), remove_parts=True, remote=remote
            )
        if kind == "gaiji":
            return Concat(out / GAIJI_NAME, sidecar_header(), remove_parts=True, remote=remote)
        name, layout = names[kind]
        return Concat(out / name, standard_header(layout, output_encoding), remove_parts=True, remote=remote)

    return open_sink


def write_outputs(ad: Adapter, out: Path, merger: Any, lookup_sink: RejectSink, accounts: dict[str, FileAccounting],
                  fs: FindingSet, do_gaiji: bool, write_summary: bool) -> ConvertResult:  # fmt: skip
    """Complete the outputs the parts were appended to (all renamed into place only when all are complete)."""
    concats: list[Concat] = []
    outputs: dict[str, OutputFile] = {}
    try:
        for t in ad.targets:
            lid = t.layout.id
            if lid in outputs:
                continue
            c = merger.sink(lid)
            c.close()
            concats.append(c)
            outputs[lid] = OutputFile(lid, str(c.path), merger.written.get(lid, 0), c.sha256)
        n_rejects = len(lookup_sink.rows) + merger.rejects
        rejects_path = None
        if n_rejects:
            c = merger.sink("rejects")
            c.close()
            concats.append(c)
            rejects_path = str(c.path)
        gaiji_path = None
        if do_gaiji:
            c = merger.sink("gaiji")
            c.close()
            concats.append(c)
            gaiji_path = str(c.path)
        result = ConvertResult(ad.name, str(out), list(accounts.values()), outputs, fs, rejects_path, n_rejects,
                               gaiji_path=gaiji_path)  # fmt: skip
        summary = None
        if write_summary:
            summary = out / SUMMARY_NAME
            result.summary_path = str(summary)
        result.hashes = {str(c.path): (c.size, c.sha256) for c in concats}
        for c in concats:
            c.commit()
        if summary is not None:
            with atomic_output(summary) as f:
                f.write((json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return result
    finally:
        for c in concats:
            c.abort()
