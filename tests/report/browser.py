"""Headless Chromium driven over the DevTools protocol on a pipe (stdlib only, no port, no websocket).

Chromium started with ``--remote-debugging-pipe`` reads NUL-terminated JSON commands on
fd 3 and writes responses and events on fd 4. We open a page, record every console
message, uncaught exception, browser log entry and network request while it loads, then
print it to PDF. That is how the report test proves "renders with no console errors and
fetches nothing": the events come from the browser itself, nothing is injected in the page.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "chrome:", "devtools:")


def chromium_or_skip() -> str:
    """Path of Chromium; missing → FAIL on CI (CI=true), skip with the reason locally."""
    exe = os.environ.get("CHROMIUM") or next((p for n in CHROMIUM_NAMES if (p := shutil.which(n))), None)
    if exe:
        return exe
    msg = "headless Chromium not found (Debian: apt-get install chromium; or set CHROMIUM=/path)"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(msg + " — required on CI")
    pytest.skip(msg)


@dataclass
class PageRun:
    """What the browser reported while loading one page."""

    console: list[str] = field(default_factory=list)  # console.error/assert (and warnings, kept apart)
    console_warnings: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL requested
    html: str = ""
    pdf: bytes = b""

    @property
    def problems(self) -> list[str]:
        remote = [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]
        return (
            [f"console: {m}" for m in self.console]
            + [f"exception: {m}" for m in self.exceptions]
            + [f"log: {m}" for m in self.log_errors]
            + [f"network: {u}" for u in remote]
        )


class _Pipe:
    def __init__(self, exe: str, profile: Path) -> None:
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()

        def wire() -> None:  # child: our pipe ends become fd 3 (commands) and fd 4 (replies)
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        profile.mkdir(parents=True, exist_ok=True)
        self.log = profile.parent / f"{profile.name}-stderr.log"  # a file: a full pipe would block Chromium
        with open(self.log, "wb") as err:
            self.proc = subprocess.Popen(
                [exe, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                close_fds=False,
                preexec_fn=wire,  # fd wiring must happen in the child
            )
        os.close(to_r)
        os.close(from_w)
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._events: list[dict[str, Any]] = []
        self._next = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _get(self, deadline: float, waiting_for: str) -> dict[str, Any] | None:
        try:
            return self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"Chromium did not answer {waiting_for} in time; log: {self.log}") from None

    def _read(self) -> None:
        buf = b""
        while chunk := os.read(self._from_r, 1 << 16):
            buf += chunk
            *msgs, buf = buf.split(b"\0")
            for m in msgs:
                self._queue.put(json.loads(m))
        self._queue.put(None)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._get(deadline, method)
            if m is None:
                raise RuntimeError(f"Chromium exited: {self.log.read_text(errors='replace')[-800:]}")
            if m.get("id") == self._next:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self._events.append(m)

    def wait_event(self, method: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for i, e in enumerate(self._events):
            if e.get("method") == method:
                return self._events.pop(i)
        while True:
            m = self._get(deadline, method)
            if m is None:
                raise RuntimeError("Chromium exited while waiting for " + method)
            if m.get("method") == method:
                self._events.append(m)
                return m
            self._events.append(m)

    def drain(self) -> list[dict[str, Any]]:
        while True:
            try:
                m = self._queue.get_nowait()
            except queue.Empty:
                break
            if m is not None:
                self._events.append(m)
        return self._events

    def close(self) -> None:
        try:
            os.write(self._to_w, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._to_w)
            self._reader.join(timeout=10)  # Chromium is gone: the reader sees EOF; only then close its fd
            os.close(self._from_r)


def render(url: str, profile: Path, *, pdf: bool = True) -> PageRun:
    """Load ``url`` in a fresh headless Chromium; collect problems, the DOM and (optionally) a PDF."""
    pipe = _Pipe(chromium_or_skip(), profile)
    run = PageRun()
    try:
        target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.send(f"{domain}.enable", session=sid)
        pipe.send("Page.navigate", {"url": url}, session=sid)
        pipe.wait_event("Page.loadEventFired")
        time.sleep(0.2)  # let late console/log events arrive
        run.html = pipe.send(
            "Runtime.evaluate",
            {"expression": "document.documentElement.outerHTML", "returnByValue": True},
            session=sid,
        )["result"]["value"]
        if pdf:
            data = pipe.send(
                "Page.printToPDF",
                {"preferCSSPageSize": True, "printBackground": True},
                session=sid,
                timeout=60,
            )["data"]
            run.pdf = base64.b64decode(data)
        for e in pipe.drain():
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                if p.get("type") in ("error", "assert"):
                    run.console.append(text)
                elif p.get("type") == "warning":
                    run.console_warnings.append(text)
            elif method == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                run.exceptions.append(d.get("exception", {}).get("description") or d.get("text", ""))
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                run.log_errors.append(
                    f"{p['entry'].get('source')}: {p['entry'].get('text')} {p['entry'].get('url', '')}"
                )
            elif method == "Network.requestWillBeSent":
                run.requests.append(p.get("request", {}).get("url", ""))
    finally:
        pipe.close()
    return run


def print_to_pdf_cli(html: Path, pdf: Path, profile: Path) -> subprocess.CompletedProcess[bytes]:
    """The plain ``--print-to-pdf`` route (what an operator would run by hand)."""
    return subprocess.run(
        [
            chromium_or_skip(),
            *FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
