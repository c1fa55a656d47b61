"""The browser test's Chromium lookup: FAIL on CI when missing, skip (with the reason) locally."""

from __future__ import annotations

import pytest

from . import browser


def test_missing_chromium_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required on CI"):
        browser.chromium_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser.chromium_or_skip()


def test_chromium_env_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMIUM", "/opt/chrome/chrome")
    assert browser.chromium_or_skip() == "/opt/chrome/chrome"
