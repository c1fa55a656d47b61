"""The pipeline's structural checks of whole files (codes in :mod:`chukan_layout.validation.structure`).

Called by the merge of a convert run (vendor files) and by ``validate`` (standard CSV files);
the load-time warning about trailers that nothing reconciles goes out through :mod:`warnings`
(the CLI prints it as one ``warning:`` line).
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..findings import FindingSet, Severity, register_code
from ..validation.structure import check_data_present, check_trailers, unchecked_trailers


def check_structure(file: str, definition: Any, trailers: Iterable[dict[str, Any]], data_records: int,
                    findings: FindingSet, *, limited: bool = False) -> None:  # fmt: skip
    """``file.no_data``, ``file.trailer_missing`` / ``file.trailer_not_checked`` of one vendor file."""
    check_data_present(file, data_records, findings)
    if not limited:  # --limit stops before the trailer on purpose
        check_trailers(file, definition, trailers, findings)


def warn_unchecked_trailers(adapter: Any) -> None:
    """Warn once per source whose trailer is declared without ``control:`` (not reconciled)."""
    for src in adapter.sources.values():
        names = unchecked_trailers(src.definition)
        if names:
            warnings.warn(
                f"adapter {adapter.name}: source {src.id}: trailer {', '.join(names)} has no control: settings; "
                "its record count and totals will not be reconciled (reported as file.trailer_not_checked)",
                UserWarning,
                stacklevel=2,
            )


register_code(
    "file.duplicate_input",
    Severity.ERROR,
    "The same file, or a file of the same name, given more than once",
    "同一ファイル・同名ファイルの重複指定",
    stage="read",
    doc="""\
Two inputs of one run share a file name: the same file given twice (error: its records would be
migrated twice), or two different files of one name from two folders (warning: two offices'
exports, say). Each is read and accounted as its own row; the later one is named
``NAME (2)`` (``(3)`` …) in the report, rejects and findings, and this finding names both paths.

Bad: ``convert -a vendor_a JUMIN.DAT ./JUMIN.DAT``
Good: each file once; two files of one name from two folders are fine once reviewed
""",
)


def alias_duplicates(files: list[tuple[str, Path, Any]], folder: Path, findings: FindingSet
                     ) -> tuple[list[tuple[str, Path, Any]], dict[str, str]]:  # fmt: skip
    """Give every input after the first of its name a name of its own, ``NAME (2)`` …: a symbolic
    link (a copy where links are not allowed) in ``folder``, read in its place, so that accounting,
    findings and rejects, which go by file name, keep the files apart. Returns the files and
    ``{alias path: original path}``; ``file.duplicate_input`` names both paths."""
    first: dict[str, Path] = {}
    taken = {Path(p).name for _, p, _ in files}
    out: list[tuple[str, Path, Any]] = []
    aliases: dict[str, str] = {}
    for sid, p, d in files:
        p = Path(p)
        if p.name not in first:
            first[p.name] = p
            out.append((sid, p, d))
            continue
        k = 2
        while f"{p.name} ({k})" in taken:
            k += 1
        name = f"{p.name} ({k})"
        taken.add(name)
        alias = folder / "inputs" / name
        alias.parent.mkdir(exist_ok=True)
        try:
            alias.symlink_to(p.resolve())
        except OSError:
            shutil.copyfile(p, alias)
        aliases[str(alias)] = str(p)
        same = _same(first[p.name], p)
        what = "the same file given twice" if same else "another file of the same name"
        findings.add("file.duplicate_input", file=name, severity=None if same else "warning",
                     details=[f"{what}: {p} (read as {name}) and {first[p.name]}"])  # fmt: skip
        out.append((sid, alias, d))
    return out, aliases


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()
