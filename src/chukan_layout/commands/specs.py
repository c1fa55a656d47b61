"""``chukan-layout specs``: list, show, export and lint layouts and code tables.

Exit codes: 0 ok; 1 ``specs lint`` found problems in the files it checked; 2 usage or a
broken registered layout (``error: file:line: item: problem`` on stderr).
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

import click

from ..errors import EXIT_FINDINGS, SpecLoadError


def _width(s: str) -> int:
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Aligned text table; full-width characters count as two columns."""
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in r] for r in rows]]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _register(layout_dirs: Sequence[str]) -> None:
    from ..spec.registry import register_layout_dir

    for d in layout_dirs:
        register_layout_dir(d)


_layouts_option = click.option(
    "--layouts",
    "layout_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A folder of your own layouts (*.yaml + codes/); overrides shipped ones by id. Repeatable.",
)
_json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")


@click.group("specs")
def specs() -> None:
    """Layouts (中間標準レイアウト 移行ファイル) and code tables: list, show, schema, lint.

    \b
    Examples:
      chukan-layout specs list
      chukan-layout specs show juki.jumin
      chukan-layout specs schema juki.jumin > jumin.schema.json
      chukan-layout specs lint my_layouts/
      chukan-layout specs codes gengo
      chukan-layout specs list --layouts my_layouts/   # with your own (e.g. official V2.7) layouts
      chukan-layout specs import BOOK.xlsx --profile kihon-data-list -o my_layouts/   # official tables in
      chukan-layout specs export juki.jumin --xlsx jumin.xlsx                        # and back out
      chukan-layout specs diff OLD.xlsx NEW.xlsx --html > diff.html                  # two editions
      chukan-layout specs crosswalk v27_to_kihon.yaml --check
    """


def _counts(spec: Any) -> dict[str, int]:
    confirmed = sum(1 for it in spec.items if it.provenance.status == "confirmed")
    return {"items": len(spec.items), "confirmed": confirmed, "modelled": len(spec.items) - confirmed}


@specs.command("list")
@_layouts_option
@_json_option
def list_cmd(layout_dirs: Sequence[str], as_json: bool) -> None:
    """Every layout: id, 業務, 項目数, confirmed/modelled item counts, title."""
    from ..spec.registry import list_layouts

    _register(layout_dirs)
    layouts = list_layouts()
    if as_json:
        _echo_json(
            [
                {
                    "id": L.id,
                    "gyomu": L.spec.gyomu,
                    "gyomu_id": L.spec.gyomu_id,
                    "file_name": L.spec.file_name,
                    "title": L.spec.title.model_dump(),
                    "spec_version": L.spec.spec_version,
                    **_counts(L.spec),
                    "rules": len(L.spec.rules),
                    "relations": len(L.spec.relations),
                    "path": str(L.path),
                }
                for L in layouts
            ]
        )
        return
    rows = [
        (L.id, L.spec.gyomu, *_counts(L.spec).values(), f"{L.spec.title.ja} / {L.spec.title.en}")
        for L in layouts
    ]
    click.echo(_table(["id", "業務", "項目数", "confirmed", "modelled", "title"], rows))
    gyomu = {L.spec.gyomu for L in layouts}
    click.echo(
        f"\n{len(layouts)} layouts over {len(gyomu)} 業務. 'modelled' items are not official spec content."
    )


def _length(it: Any) -> str:
    ln = it.length
    if ln is None:
        return ""
    n = str(ln.max) if ln.min is None else f"{ln.min}..{ln.max}" if ln.min != ln.max else f"={ln.max}"
    return n if ln.unit.value == "chars" else f"{n}B {ln.encoding}"


@specs.command("show")
@click.argument("layout_id")
@_layouts_option
@_json_option
def show_cmd(layout_id: str, layout_dirs: Sequence[str], as_json: bool) -> None:
    """The items of one layout (id, 項目名称, type, length, required, codes, provenance), its rules and relations."""
    from ..spec.registry import load_layout

    _register(layout_dirs)
    L = load_layout(layout_id)
    spec = L.spec
    if as_json:
        _echo_json(spec.model_dump(mode="json", exclude_none=True))
        return
    click.echo(
        f"{spec.id}: {spec.title.ja} / {spec.title.en}  (業務 {spec.gyomu}, 移行ファイル {spec.file_name}, "
        f"version {spec.spec_version})"
    )
    if spec.edition is not None:
        ed = spec.edition
        click.echo(f"edition: {' '.join(x for x in (ed.gyomu, ed.edition, ed.date) if x)}  (book {ed.book})")
    click.echo(f"record key: {', '.join(spec.record_key)}   file: {L.path}\n")
    rows = []
    for it in spec.items:
        prov = it.provenance
        extra = [
            x
            for x in (
                it.charset.value if it.charset.value != "any" else "",
                f"cd:{it.check_digit.value}" if it.check_digit else "",
                "不詳可" if it.partial_date else "",
                f"era_of:{it.era_of}" if it.era_of else "",
            )
            if x
        ]
        rows.append(
            (
                it.id,
                it.name,
                it.type.value,
                _length(it),
                "○" if it.required else "",
                it.codes or "",
                " ".join(extra),
                prov.status + (f" ({prov.source})" if prov.status == "confirmed" else ""),
            )
        )
    click.echo(_table(["id", "項目名称", "type", "length", "必須", "codes", "checks", "provenance"], rows))
    c = _counts(spec)
    click.echo(f"\n{c['items']} items: {c['confirmed']} confirmed, {c['modelled']} modelled")
    for r in spec.rules:
        click.echo(f"rule {r.id}: {'when ' + r.when + ' ' if r.when else ''}check {r.check}  — {r.message}")
    for rel in spec.relations:
        click.echo(
            f"relation {rel.id}: ({', '.join(rel.items)}) → {rel.layout} ({', '.join(rel.target_items)})"
        )


@specs.command("schema")
@click.argument("layout_id")
@_layouts_option
@_json_option
def schema_cmd(layout_id: str, layout_dirs: Sequence[str], as_json: bool) -> None:
    """JSON Schema of one record of a layout (always JSON; --json accepted for symmetry)."""
    from ..spec.registry import load_layout

    _register(layout_dirs)
    _echo_json(load_layout(layout_id).json_schema())


@specs.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--standalone",
    is_flag=True,
    help="Resolve codes and relations only within PATHS (not against the registered layouts).",
)
@_layouts_option
@_json_option
def lint_cmd(paths: Sequence[str], standalone: bool, layout_dirs: Sequence[str], as_json: bool) -> None:
    """Check layout and code-table files (folders: every *.yaml inside). One line per problem, naming file,
    line and item; exit 1 if any problem was found.

    Code tables and relation targets resolve within PATHS first, then in the registered layouts
    (shipped + --layouts) unless --standalone.
    """
    from ..spec.loader import check_files
    from ..spec.registry import all_codes, registered_specs

    _register(layout_dirs)
    extra_codes = {} if standalone else all_codes()
    extra_layouts = {} if standalone else registered_specs()
    layouts, tables, problems = check_files(paths, extra_codes, extra_layouts)
    if as_json:
        _echo_json(
            {
                "ok": not problems,
                "layouts": [lay.id for lay in layouts],
                "code_tables": [t.id for t in tables],
                "problems": [
                    {"file": p.file, "line": p.line, "item": p.item, "problem": p.problem} for p in problems
                ],
            }
        )
    else:
        for p in problems:
            click.echo(str(p))
        summary = f"{len(layouts)} layout(s), {len(tables)} code table(s): "
        click.echo(summary + (f"{len(problems)} problem(s)" if problems else "ok"), err=bool(problems))
    if problems:
        sys.exit(EXIT_FINDINGS)


@specs.command("codes")
@click.argument("table_id", required=False)
@_layouts_option
@_json_option
def codes_cmd(table_id: str | None, layout_dirs: Sequence[str], as_json: bool) -> None:
    """Code tables: all (id, name, values, provenance), or the values of one."""
    from ..spec.registry import all_codes

    _register(layout_dirs)
    codes = all_codes()
    if table_id is None:
        if as_json:
            _echo_json(
                [
                    {
                        "id": t.id,
                        "name": t.name,
                        "name_en": t.name_en,
                        "values": len(t.values),
                        "provenance": t.provenance.status,
                    }
                    for t in codes.values()
                ]
            )
            return
        rows = [
            (t.id, t.name, len(t.values), t.provenance.status)
            for t in sorted(codes.values(), key=lambda t: t.id)
        ]
        click.echo(_table(["id", "name", "values", "provenance"], rows))
        return
    if table_id not in codes:
        raise SpecLoadError("codes", f"unknown code table {table_id!r}; known: {', '.join(sorted(codes))}")
    t = codes[table_id]
    if as_json:
        _echo_json(t.model_dump(mode="json", exclude_none=True))
        return
    click.echo(f"{t.id}: {t.name}{' / ' + t.name_en if t.name_en else ''}  ({t.provenance.status})")
    click.echo(_table(["code", "name", "name_en"], [(v.code, v.name, v.name_en or "") for v in t.values]))


def _add_table_commands() -> None:
    """import / export / diff / crosswalk live in their own modules (official tables, reviews)."""
    from . import specs_tables

    specs.add_command(specs_tables.import_cmd)
    specs.add_command(specs_tables.export_cmd)
    specs.add_command(specs_tables.diff_cmd)
    specs.add_command(specs_tables.crosswalk_cmd)


_add_table_commands()
