"""Writers: the standard-layout CSV output profile, the rejects file, atomic outputs."""

from ..files import atomic_output, guard_cell, sha256_file
from .rejects import RejectsWriter
from .standard_csv import StandardCsvWriter, write_standard_csv

__all__ = [
    "RejectsWriter",
    "StandardCsvWriter",
    "atomic_output",
    "guard_cell",
    "sha256_file",
    "write_standard_csv",
]
