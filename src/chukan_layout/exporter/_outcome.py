"""What an export produces per output file: its accounting and its sidecar rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Sidecar:
    """One row of ``unencodable.csv`` / ``rejects.csv``."""

    output: str
    file: str
    record: int
    layout: str
    field: str
    item: str
    code: str
    position: int = 0
    code_point: str = ""
    action: str = ""
    detail: str = ""


@dataclass
class FileOutcome:
    """What one output file got: per standard input file read / written / rejected, and the rest."""

    name: str
    read: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    layout_of: dict[str, str] = field(default_factory=dict)
    records: int = 0  # physical records in the output (header/trailer included)
    unencodable: list[Sidecar] = field(default_factory=list)
    rejects: list[Sidecar] = field(default_factory=list)
    gaiji_restored: int = 0
    trailer: dict[str, str] = field(default_factory=dict)
