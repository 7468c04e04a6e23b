"""A small Chrome DevTools Protocol client for Debian's headless Chromium, over
``--remote-debugging-pipe`` (fd 3 in, fd 4 out, messages ended by NUL): no port, no websocket,
no dependency beyond the standard library."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe", "--hide-scrollbars", "--mute-audio"]
TIMEOUT = 30.0


def chromium_binary() -> str:
    """The browser, or a failing test that says what to install (never a silent skip)."""
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not found:
        pytest.fail("headless Chromium not found at /usr/bin/chromium: install it (Debian: apt-get install chromium)")
    return found


def binary(name: str, package: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} not found: install it (Debian: apt-get install {package})")
    return found


class Browser:
    """One Chromium process with a fresh profile; :meth:`open` gives a page session."""

    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="aqb-chromium-")
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()

        def wire() -> None:  # runs in the child: the pipe ends become fds 3 and 4 (via spare copies,
            spare_in, spare_out = os.dup(to_child), os.dup(from_child)  # as either may be 3 or 4 already)
            os.dup2(spare_in, 3)
            os.dup2(spare_out, 4)

        self.process = subprocess.Popen(
            [chromium_binary(), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=wire,  # noqa: PLW1509 (the one way to place fds 3 and 4; no threads run yet)
            close_fds=False)  # fds 3 and 4 are inheritable; every other fd closes on exec
        os.close(to_child)
        os.close(from_child)
        self._next = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Condition()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        buffer = b""
        while chunk := os.read(self._read, 65536):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        self._answers[message["id"]] = message
                        self._lock.notify_all()
                else:
                    self.events.put(message)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next += 1
        number = self._next
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        with self._lock:
            if not self._lock.wait_for(lambda: number in self._answers, timeout=TIMEOUT):
                raise TimeoutError(f"no answer from Chromium to {method}")
            answer = self._answers.pop(number)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def open(self, width: int = 1200, height: int = 900) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                         "mobile": False}, session=session)
        return Page(self, session)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._write, self._read):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser, self.session = browser, session
        self.errors: list[str] = []

    def _drain(self, until: str | None = None) -> None:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                wait = 0.05 if until is None else max(0.0, deadline - time.monotonic())
                event = self.browser.events.get(timeout=wait)
            except queue.Empty:
                if until is None:
                    return
                raise TimeoutError(f"Chromium sent no {until}") from None
            if event.get("sessionId") == self.session:
                self._note(event)
                if event["method"] == until:
                    return

    def _note(self, event: dict[str, Any]) -> None:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append(params["entry"]["text"])

    def goto(self, url: str) -> None:
        self.browser.send("Page.navigate", {"url": url}, session=self.session)
        self._drain(until="Page.loadEventFired")
        self._drain()  # what the page logged while it settled

    def evaluate(self, expression: str) -> Any:
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                                   session=self.session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        shot = self.browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                                 session=self.session)
        path.write_bytes(base64.b64decode(shot["data"]))
        self._drain()
        return path


def inked(picture: Path) -> float:
    """The share of a picture's pixels that are not (nearly) white: a blank page is close to 0."""
    from PIL import Image

    grey = Image.open(picture).convert("L")
    return sum(n for level, n in enumerate(grey.histogram()) if level < 240) / (grey.width * grey.height)
