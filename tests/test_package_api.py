"""The library API of ``import chukan_layout``: seven lazy functions, a pinned ``__all__``.

No function shares its name with a subpackage (readers/, validation/), so the names stay the
functions whichever subpackage was imported first.
"""

from __future__ import annotations

import subprocess
import sys

import chukan_layout as cl


def test_all_is_pinned() -> None:
    assert cl.__all__ == [
        "__version__",
        "convert",
        "export",
        "list_layouts",
        "load_layout",
        "read",
        "reconcile",
        "validate",
    ]


def test_names_resolve_to_the_documented_functions() -> None:
    from chukan_layout import pipeline
    from chukan_layout.spec import registry

    assert cl.load_layout is registry.load_layout
    assert cl.list_layouts is registry.list_layouts
    assert cl.convert is pipeline.convert
    assert cl.validate is pipeline.validate
    from chukan_layout import reconciliation

    assert cl.reconcile is reconciliation.reconcile

    from chukan_layout import exporter

    assert cl.export is exporter.export
    assert cl.load_layout("juki.jumin").spec.id == "juki.jumin"


_READ = (
    "import chukan_layout as cl\n"
    "from chukan_layout.readers.definition import CsvDefinition\n"  # imports the readers subpackage first
    "import chukan_layout.validation\n"
    "d = CsvDefinition(encoding='utf-8')\n"
    "batches = list(cl.read(b'shimei\\r\\n\\xe9\\xab\\x99\\xe6\\xa9\\x8b\\r\\n', d))\n"
    "print(batches[0].column('shimei').to_pylist())\n"
    "import types; assert not isinstance(cl.validate, types.ModuleType)\n"
)


def test_read_is_callable_after_the_read_subpackage_is_imported() -> None:
    out = subprocess.run([sys.executable, "-c", _READ], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['髙橋']"


def test_import_is_cheap_and_unknown_names_fail() -> None:
    code = (
        "import sys, chukan_layout as cl\n"
        "assert 'pyarrow' not in sys.modules and 'chukan_layout.pipeline' not in sys.modules\n"
        "assert callable(cl.read) and callable(cl.validate)\n"  # first access: the functions themselves
        "try:\n    cl.no_such_thing\nexcept AttributeError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "no attribute 'no_such_thing'" in out


PINNED = {
    "chukan_layout.readers": ["CsvDefinition", "FieldDef", "FieldType", "FixedWidthDefinition", "Framing",
                              "ReadStats", "Reader", "RecordRole", "RecordType", "Reject", "StandardCsvReader",
                              "encode_field", "read", "read_standard_csv", "render_csv", "render_fixed"],
    "chukan_layout.adapt": ["AdaptEngine", "AdaptResult", "Adapter", "LookupTable", "SourceSpec", "adapter_names",
                            "compile_adapter", "get_transform", "load_adapter", "resolve_adapter", "transform_names"],
    "chukan_layout.gaiji": ["GaijiConvertStage", "GaijiStage", "GaijiSummary", "Inventory", "MJIndex", "MappingEntry",
                            "MappingTable", "Policy", "Status", "load_review_csv", "load_table", "parse_policies",
                            "scan_standard", "write_table"],
    "chukan_layout.validation": ["CompiledLayout", "KeyIndex", "Reconciliation", "ReferenceIndex", "TotalsAccumulator",
                                 "Trailer", "ValidationRun", "compare", "compile_layout", "reconcile",
                                 "validate_batches"],
    "chukan_layout.report": ["SCHEMA_VERSION", "FileCounts", "GaijiCounts", "InputInfo", "LayoutInfo", "OutputInfo",
                             "Report", "Thresholds", "TrailerCheck", "build_report", "generated_at", "item_names_for",
                             "load_report", "render_csv", "render_html", "render_json", "sha256_file",
                             "write_reports"],
    "chukan_layout.errors": ["EXIT_FAILURE", "EXIT_FINDINGS", "EXIT_OK", "AccountingError", "ChukanError",
                             "DecodeError", "DefinitionError", "EncodingDetectionError", "ExportError", "ExprError",
                             "FramingError",
                             "GaijiError", "InputOverwriteError", "InterruptedRun", "OptionsError",
                             "OutputEncodingError", "OutputError", "PluginError", "ReadError", "ReconcileError",
                             "ReportFileError", "RunLockedError", "SnapshotError", "SpecError", "SpecLoadError", "SynthDataMissing",
                             "UnevenLinesError", "UnknownLayoutError", "ValidationRunError"],
    "chukan_layout.pipeline": ["BatchStage", "ConvertOptions", "ConvertResult", "FileAccounting", "Hooks",
                               "OutputFile", "RunOptions", "ValidateOptions", "convert", "validate"],
}  # fmt: skip


def test_every_public_namespace_pins_its_all() -> None:
    import importlib

    for name, expected in PINNED.items():
        mod = importlib.import_module(name)
        assert mod.__all__ == expected, name
        for attr in expected:
            assert getattr(mod, attr) is not None, f"{name}.{attr}"


def test_every_exception_is_in_the_one_tree_with_its_exit_code() -> None:
    """Every ChukanError subclass anywhere in the package is defined in errors.py and exported."""
    import importlib
    import pkgutil

    from chukan_layout import errors

    for m in pkgutil.walk_packages(cl.__path__, "chukan_layout."):
        if m.name not in ("chukan_layout.demo", "chukan_layout.__main__"):
            importlib.import_module(m.name)
    todo, seen = [errors.ChukanError], []
    while todo:
        c = todo.pop()
        seen.append(c)
        todo.extend(c.__subclasses__())
    for c in seen:
        assert c.__module__ == "chukan_layout.errors", f"{c.__module__}.{c.__name__}: define it in errors.py"
        assert (
            c.__name__ in errors.__all__
            and isinstance(c.exit_code, int)
            and c.exit_code == errors.EXIT_FAILURE
        )
    exported = [getattr(errors, n) for n in errors.__all__ if not n.startswith("EXIT_")]
    assert all(issubclass(c, errors.ChukanError) for c in exported) and len(exported) == len(seen)
