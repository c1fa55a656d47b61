"""Ship the top-level ``layout_specs/`` and ``gaiji/`` folders inside the wheel.

They live at the repository root (layouts are data, edited by people who never open
``src/``) and are mapped into the package as ``chukan_layout/layout_specs`` and
``chukan_layout/gaiji_tables``.  Everything else is declared in pyproject.toml.
"""

from setuptools import Extension, find_packages, setup

# The compiled kernels (chukan_layout/native.py): optional, so that a machine without a C compiler
# or the Python headers still installs, and runs the pure routes that give the same bytes.
ext_modules = [
    Extension(name, [source], optional=True, extra_compile_args=["-O2"])
    for name, source in [
        ("chukan_layout.readers._dbcs", "src/chukan_layout/readers/_dbcs.c"),
        ("chukan_layout.pipeline._csvscan", "src/chukan_layout/pipeline/_csvscan.c"),
        ("chukan_layout.validation._kernels", "src/chukan_layout/validation/_kernels.c"),
        ("chukan_layout.write._csv_rows", "src/chukan_layout/write/_csv_rows.c"),
        ("chukan_layout.readers._csvparse", "src/chukan_layout/readers/_csvparse.c"),
    ]
]

packages = find_packages("src") + [
    "chukan_layout.layout_specs",
    "chukan_layout.layout_specs.codes",
    "chukan_layout.gaiji_tables",
]
setup(
    packages=packages,
    ext_modules=ext_modules,
    package_dir={
        "": "src",
        "chukan_layout.layout_specs": "layout_specs",
        "chukan_layout.gaiji_tables": "gaiji",
    },
    package_data={
        "chukan_layout.layout_specs": ["*.yaml", "*.md"],
        "chukan_layout.layout_specs.codes": ["*.yaml"],
        "chukan_layout.gaiji_tables": ["*.tsv", "*.yaml", "*.md"],
    },
)
