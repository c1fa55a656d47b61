"""``chukan-layout snapshot create|verify|diff|restore``: BCP copies in the standard layout."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS, EXIT_OK
from .run_options import allow_outside_option


@click.group("snapshot")
def snapshot() -> None:
    """Keep verified copies of standard-layout files (BCP), compare them, and export from them.

    \b
    Examples:
      chukan-layout snapshot create out/ -o backup/2025-04 --parquet
      chukan-layout snapshot verify backup/2025-04
      chukan-layout snapshot diff backup/2025-03 backup/2025-04
      chukan-layout snapshot restore backup/2025-04 --profile vendor_a --gaiji-table GAIJI_A.tsv -o import/
    """


@snapshot.command("create")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The snapshot folder (must not exist or be empty).")  # fmt: skip
@click.option("--parquet", is_flag=True, help="Also write typed Parquet copies (zstd).")
@click.option("--force", is_flag=True, help="Replace an existing snapshot folder.")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=2, show_default=True,
              help="Files copied, hashed and counted at a time (one process each).")  # fmt: skip
@click.option("--base", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="An earlier snapshot: a file with the SHA-256 it recorded reuses its record count and "
                   "Parquet copy (hard-linked when on the same filesystem) instead of being parsed again.")  # fmt: skip
def create(source: Path, out_dir: Path, parquet: bool, force: bool, workers: int, base: Path | None) -> None:
    """Snapshot the standard-layout CSV files of SOURCE (a folder or one file).

    Writes standard/*.csv (byte for byte), optional parquet/*.parquet, and snapshot.json (per
    file SHA-256, record count, layout id and version, tool version, created_at from
    SOURCE_DATE_EPOCH or the clock), built aside and renamed into place in one step. Each file
    is read once: copied, hashed, counted (and converted to Parquet) in the same pass.
    """
    from ..snapshots import create_snapshot

    snap = create_snapshot(source, out_dir, parquet=parquet, force=force, workers=workers, base=base)
    reused = sum(f.reused for f in snap.files)
    click.echo(f"snapshot {out_dir}: {len(snap.files)} file(s), created_at {snap.created_at}"
               + (f"; {reused} unchanged since {base} (count and Parquet reused)" if base is not None else ""))  # fmt: skip
    for f in snap.files:
        extra = f", parquet {f.parquet.path}" if f.parquet else ""
        same = ", unchanged: reused" if f.reused else ""
        click.echo(f"  {f.path}: {f.records} records ({f.layout_id} {f.layout_version}){extra}{same}")


@snapshot.command("verify")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Re-validate the files with the recorded layouts.")  # fmt: skip
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the re-validation report goes (default: not written).")  # fmt: skip
def verify(folder: Path, validate: bool, report_dir: Path | None) -> None:
    """Check hashes, record counts and layouts (and re-validate). Exit 0 verified, 1 not, 2 no snapshot."""
    from ..snapshots import verify_snapshot

    res = verify_snapshot(folder, validate=validate, report_dir=report_dir)
    for p in res.problems:
        click.echo(f"  FAIL {p}")
    if res.validation:
        click.echo(f"  re-validation: {res.validation}")
    status = "verified" if not res.problems else f"NOT verified ({len(res.problems)} problem(s))"
    click.echo(f"snapshot {folder}: {res.checked} file(s) checked: {status}")
    sys.exit(EXIT_FINDINGS if res.exit_code else EXIT_OK)


@snapshot.command("diff")
@click.argument("a", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("b", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the reconcile report of changed layouts goes.")  # fmt: skip
def diff(a: Path, b: Path, out_dir: Path | None) -> None:
    """What changed from snapshot A to snapshot B, per layout. Exit 0 same data, 1 different."""
    from ..snapshots import diff_snapshots

    res = diff_snapshots(a, b, out_dir)

    def n(x: int | None) -> str:
        return "-" if x is None else str(x)

    click.echo(
        f"  {'layout':<22} {'status':<10} {'A':>9} {'B':>9} {'added':>8} {'removed':>8} {'changed':>8}"
    )
    for d in res.layouts:
        click.echo(f"  {d.layout_id:<22} {d.status:<10} {d.records_a:>9} {d.records_b:>9} {n(d.added):>8} "
                   f"{n(d.removed):>8} {n(d.changed):>8}")  # fmt: skip
    for k, p in res.report_paths.items():
        click.echo(f"  {k}: {p}")
    sys.exit(res.exit_code)


@snapshot.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--profile", "-p", required=True, metavar="NAME|PATH", help="Export profile (see `export`).")
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--gaiji-table", "gaiji_tables", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="外字対応表 read backwards (repeat).")  # fmt: skip
@click.option("--force", is_flag=True, help="Export even if the snapshot fails verification.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Re-validate as part of the verification.")  # fmt: skip
@allow_outside_option
def restore(folder: Path, profile: str, out_dir: Path, gaiji_tables: tuple[str, ...], force: bool,
            validate: bool) -> None:  # fmt: skip
    """Verify the snapshot, then export it to a vendor import format (the way back)."""
    from ..snapshots import restore_snapshot
    from .run_options import echo_report

    res, exp = restore_snapshot(folder, profile, out_dir, force=force, validate=validate,
                                gaiji_tables=list(gaiji_tables))  # fmt: skip
    for p in res.problems:
        click.echo(f"  FAIL {p} (--force)")
    click.echo(f"restored {folder} with profile {profile} → {out_dir}")
    if res.not_restored:
        click.echo(f"  not exported (layouts the profile does not have): {', '.join(res.not_restored)}")
    echo_report(exp.report, exp.report_paths)
    sys.exit(EXIT_FINDINGS if exp.exit_code else EXIT_OK)
