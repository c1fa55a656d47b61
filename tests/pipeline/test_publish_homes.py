"""``pipeline.publish`` hands out the one-folder run's names from their home, ``_run_folder``.

The conversion, the standard run, the exporter, the tests and docs/reliability.md reach
``RunFolder``, ``MANIFEST_NAME``, ``read_manifest`` and ``verify`` through ``pipeline.publish``.
"""

from __future__ import annotations

import pytest

from chukan_layout.pipeline import _run_folder, publish

MOVED = ["MANIFEST_NAME", "MANIFEST_VERSION", "RunFolder", "read_manifest", "verify"]


@pytest.mark.parametrize("name", MOVED)
def test_publish_hands_out_the_run_folder_s_object(name: str) -> None:
    assert getattr(publish, name) is getattr(_run_folder, name)


def test_the_two_folder_publication_stays_in_publish() -> None:
    assert publish.Publication.__module__ == publish.published.__module__ == "chukan_layout.pipeline.publish"
    assert sorted(publish.__all__) == sorted([*MOVED, "REPORT_NAMES", "Publication", "published"])
