"""``chukan-layout gaiji``: MJ index, 外字 inventory scan, review sheet → mapping table, lookups."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import EXIT_FINDINGS, EXIT_OK, GaijiError
from .run_options import allow_outside_option, layouts_option

if TYPE_CHECKING:  # the gaiji modules load lazily: `chukan-layout --help` stays fast
    from ..gaiji.mj_index import MJIndex
    from ..gaiji.table import MappingTable


@click.group("gaiji")
def gaiji() -> None:
    """外字 (vendor-private characters): MJ index, inventory, review round trip.

    \b
    Typical workflow:
      chukan-layout gaiji index --mj-list mji-list.00602.tsv --ivd IVD_Sequences.txt
      chukan-layout gaiji scan --adapter vendor_a JUMIN.DAT --tables GAIJI_A.tsv -o inv/
      (fill in target / mj_name / status in inv/gaiji-inventory.csv)
      chukan-layout gaiji review inv/gaiji-inventory.csv -o reviewed.tsv
      chukan-layout gaiji scan --adapter vendor_a JUMIN.DAT --tables GAIJI_A.tsv reviewed.tsv -o inv2/
    """


_cache_opt = click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                          help="MJ index cache folder (default: $CHUKAN_CACHE_DIR or the user cache dir).")  # fmt: skip


@gaiji.command("index")
@click.option(
    "--mj-list",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="MJ文字情報一覧表 as the 8-column TSV (mji-list.00602.tsv).",
)
@click.option(
    "--ivd",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Unicode IVD_Sequences.txt (checks IVS registration).",
)
@click.option(
    "--xlsx",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The official mji.00602.xlsx (adds 戸籍統一文字番号 / 住基ネット統一文字コード).",
)
@_cache_opt
def index(mj_list: Path | None, ivd: Path | None, xlsx: Path | None, cache_dir: Path | None) -> None:
    """Build the local MJ index cache (outside the repository; the data stays CC BY-SA / Unicode).

    \b
    Example:
      chukan-layout gaiji index --mj-list ../shared/gaiji-data/mji-list.00602.tsv \\
          --ivd ../shared/gaiji-data/IVD_Sequences-2025-07-14.txt
    """
    from ..gaiji.mj_index import MJIndex

    idx = MJIndex.build(mj_list, ivd=ivd, xlsx=xlsx)
    path = idx.save(cache_dir)
    n_ivd = len(idx._ivd_raw)
    click.echo(f"MJ index: {len(idx)} MJ characters, {n_ivd} IVD sequences → {path}")
    click.echo("data: MJ文字情報一覧表 (IPA の著作物, CC BY-SA 2.1 JP); IVD (Unicode License v3)")


@gaiji.command("lookup")
@click.argument("text")
@_cache_opt
def lookup(text: str, cache_dir: Path | None) -> None:
    """Show what the MJ index knows about each character of TEXT (or an MJ name, or U+XXXX).

    \b
    Examples:
      chukan-layout gaiji lookup 髙橋
      chukan-layout gaiji lookup MJ022340
      chukan-layout gaiji lookup "U+845B U+E0104"
    """
    from ..gaiji.detect import tokens
    from ..gaiji.mj_index import MJIndex
    from ..gaiji.table import format_code_points, parse_code_points
    from ..gaiji.targets import cp932_encodable, in_jis_x0213

    idx = _index(cache_dir, required=True)
    assert isinstance(idx, MJIndex)
    if text.upper().startswith("MJ"):
        if not idx.exists(text.upper()):
            raise GaijiError(f"{text}: no such MJ name")
        text = idx.sequences(text.upper())[0]
    elif text.upper().startswith("U+"):
        text = parse_code_points(text)
    for _, tok in tokens(text):
        names = idx.names_for(tok)
        ivd = ", ".join(f"{c}:{i}" for c, i in idx.ivd_entries(tok))
        click.echo(f"{tok}\t{format_code_points(tok)}\tMJ: {' '.join(names) or '-'}\t"
                   f"JIS X 0213: {'yes' if in_jis_x0213(tok) else 'no'}\tcp932: {'yes' if cp932_encodable(tok) else 'no'}"
                   f"\t{idx.kanji_policy(tok) or '-'}" + (f"\tIVD: {ivd}" if ivd else ""))  # fmt: skip


@gaiji.command("scan")
@click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--adapter", "-a", default=None, metavar="NAME|PATH", help="Read the inputs through this adapter."
)
@click.option(
    "--layout",
    "layout_id",
    default=None,
    metavar="ID",
    help="Without --adapter: the inputs are standard-layout CSV files of this layout.",
)
@click.option(
    "--tables",
    "-t",
    multiple=True,
    metavar="PATH|NAME",
    help="外字対応表 (TSV/YAML/reviewed CSV; repeat; later tables override earlier ones).",
)
@click.option(
    "--source-system", default=None, help="Source system id in the tables (default: the adapter name)."
)
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--input-encoding", default="utf-8", show_default=True, help="Encoding of standard-layout CSV inputs."
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Read only the first N records per file."
)
@click.option(
    "--mj-index/--no-mj-index",
    "use_index",
    default=True,
    show_default=True,
    help="Use the cached MJ index (IVS checks, MJ candidates) when it exists.",
)
@click.option("--fail-on-unmapped", is_flag=True, help="Exit 1 when any 外字 has no usable mapping.")
@allow_outside_option
@_cache_opt
@layouts_option
def scan(
    inputs: tuple[Path, ...], adapter: str | None, layout_id: str | None, tables: tuple[str, ...],
    source_system: str | None, out_dir: Path, input_encoding: str, limit: int | None, use_index: bool,
    fail_on_unmapped: bool, cache_dir: Path | None, layouts_dir: tuple[Path, ...],
) -> None:  # fmt: skip
    """Inventory of every distinct 外字 / unstorable character: CSV review sheet + HTML page.

    \b
    Writes OUT/gaiji-inventory.csv (one row per code: count, items, sample record numbers,
    current status and target; fill in target / mj_name / status and load it back with
    `gaiji review` or --tables) and OUT/gaiji-inventory.html (renders targets; needs the
    IPAmj明朝 font, Debian package fonts-ipamj-mincho).

    \b
    Examples:
      chukan-layout gaiji scan --adapter vendor_a JUMIN.DAT SETAI.DAT --tables GAIJI_A.tsv -o inv/
      chukan-layout gaiji scan --layout juki.jumin 住民.csv --source-system vendor_a -o inv/
    """
    from ..gaiji.scan import scan_standard
    from ..pipeline.gaiji_scan import scan_with_adapter
    from ..spec.registry import register_layout_dir

    for d in layouts_dir:  # this process only: the scan runs here
        register_layout_dir(d)
    idx = _index(cache_dir) if use_index else None
    loaded = [_load_table(t, idx) for t in tables]
    if adapter is not None:
        inv, _ = scan_with_adapter(list(inputs), adapter, loaded, source_system=source_system, mj_index=idx,
                                   limit=limit)  # fmt: skip
    elif layout_id is not None:
        from ..spec.registry import load_layout

        if source_system is None:
            raise click.UsageError("--layout needs --source-system (the system id used in the tables)")
        inv, _ = scan_standard(list(inputs), load_layout(layout_id).spec, loaded, source_system=source_system,
                               mj_index=idx, encoding=input_encoding)  # fmt: skip
    else:
        raise click.UsageError(
            "give --adapter NAME|PATH (vendor export) or --layout ID (standard-layout CSV)"
        )
    csv_path = inv.write_csv(out_dir / "gaiji-inventory.csv")
    html_path = inv.write_html(out_dir / "gaiji-inventory.html", inputs=[p.name for p in inputs])
    recs = inv.records()
    by_status: dict[str, int] = {}
    for r in recs:
        by_status[r["status"]] = by_status.get(r["status"], 0) + int(r["count"])
    click.echo(f"scanned {inv.records_scanned} records: {len(recs)} distinct code(s), "
               f"{sum(by_status.values())} occurrence(s) {json.dumps(by_status, ensure_ascii=False)}")  # fmt: skip
    click.echo(f"  → {csv_path}\n  → {html_path}")
    if idx is None and use_index:
        click.echo("  (no MJ index cached: run `chukan-layout gaiji index` for IVS checks and MJ candidates)")
    sys.exit(EXIT_FINDINGS if fail_on_unmapped and by_status.get("unmapped") else EXIT_OK)


@gaiji.command("review")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The mapping table to write (TSV).",
)
@click.option("--source-system", default=None, help="Use this system id for every row (overrides the sheet).")
@click.option("--mj-index/--no-mj-index", "use_index", default=True, show_default=True)
@_cache_opt
def review(
    sheet: Path, out_path: Path, source_system: str | None, use_index: bool, cache_dir: Path | None
) -> None:
    """Turn a filled-in inventory sheet into a checked 外字対応表 (TSV).

    \b
    Example:
      chukan-layout gaiji review inv/gaiji-inventory.csv -o gaiji/reviewed_vendor_a.tsv
    """
    from ..gaiji.review import load_review_csv
    from ..gaiji.table import write_table

    table = load_review_csv(sheet, _index(cache_dir) if use_index else None, source_system=source_system)
    write_table(table, out_path)
    click.echo(f"{len(table)} mapping(s) from {sheet.name} → {out_path}")


@gaiji.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "form",
    required=True,
    type=click.Choice(["sjis-tsv", "csv"]),
    help="The vendor list's form: CODE<TAB>TARGET lines, or a CSV with a header row.",
)
@click.option(
    "--source-system", required=True, help="The source system id the codes belong to (e.g. vendor_a)."
)
@click.option(
    "--codes",
    type=click.Choice(["sjis", "ebcdic"]),
    default="sjis",
    show_default=True,
    help="Shift_JIS user-area codes (F040–F9FC) or EBCDIC DBCS codes (e.g. 6941).",
)
@click.option(
    "-o",
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The mapping table to write (TSV).",
)
@click.option("--mj-index/--no-mj-index", "use_index", default=True, show_default=True)
@_cache_opt
def import_(
    file: Path,
    form: str,
    source_system: str,
    codes: str,
    out_path: Path,
    use_index: bool,
    cache_dir: Path | None,
) -> None:
    """Convert a vendor's own 外字 list (code → intended character) into a checked 外字対応表.

    Every row is validated (code range, legitimate character sequence, MJ name, duplicates);
    all problems are listed with file and line and nothing is written if one is found.

    \b
    Examples:
      chukan-layout gaiji import --from sjis-tsv --source-system vendor_a GAIJI_LIST.txt -o gaiji_a.tsv
      chukan-layout gaiji import --from csv --codes ebcdic --source-system host HOST_GAIJI.csv -o host.tsv
    """
    from ..gaiji.table import write_table
    from ..gaiji.vendor_table import import_vendor_table

    table = import_vendor_table(
        file,
        form,  # type: ignore[arg-type]
        source_system,
        codes,  # type: ignore[arg-type]
        _index(cache_dir) if use_index else None,
    )
    write_table(table, out_path)
    unmapped = sum(1 for e in table if e.status == "unmapped")
    click.echo(
        f"{len(table)} row(s) from {file.name} → {out_path} ({len(table) - unmapped} mapped, {unmapped} unmapped)"
    )


def _index(cache_dir: Path | None, required: bool = False) -> MJIndex | None:
    from ..gaiji.mj_index import MJIndex, index_path

    idx = MJIndex.load_cached(cache_dir)
    if idx is None and required:
        raise GaijiError(f"no MJ index at {index_path(cache_dir)}; build it with `chukan-layout gaiji index`")
    return idx


def _load_table(name: str, idx: MJIndex | None) -> MappingTable:
    from ..gaiji.table import load_table
    from ..resources import gaiji_tables_dir

    p = Path(name)
    if not p.exists():
        shipped = gaiji_tables_dir() / f"{name}.tsv"
        if shipped.is_file():
            p = shipped
    return load_table(p, idx)
