"""Ship the top-level ``layout_specs/`` and ``gaiji/`` folders inside the wheel.

They live at the repository root (layouts are data, edited by people who never open
``src/``) and are mapped into the package as ``chukan_layout/layout_specs`` and
``chukan_layout/gaiji_tables``.  Everything else is declared in pyproject.toml.
"""

from setuptools import find_packages, setup

packages = find_packages("src") + [
    "chukan_layout.layout_specs",
    "chukan_layout.layout_specs.codes",
    "chukan_layout.gaiji_tables",
]
setup(
    packages=packages,
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
