"""Open a page in headless Chromium with the network switched off, and report what it drew.

The tests and ``bench/map.py`` check the map and the dashboard the way staff see them: in a
real browser, with no internet. Chromium is driven through its DevTools protocol over
``--remote-debugging-pipe`` (JSON messages on file descriptors 3 and 4, each ended by a NUL),
so nothing beyond the standard library and Debian's ``chromium`` package is needed: no
websocket client, no Selenium, no Playwright and no browser download.

Every request the page makes is recorded, so a caller can prove that none left the machine;
every console error and uncaught exception is recorded too. As a second line, the browser
is given a proxy that goes nowhere and a resolver that resolves nothing but loopback, so a
request to a CDN fails instead of reaching it.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

__all__ = ["CHROMIUM_FLAGS", "Browser", "BrowserError", "PageRun", "find_chromium", "left_the_machine"]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # tests run as root in containers, where the sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--metrics-recording-only",
    "--mute-audio",
    "--hide-scrollbars",
    "--lang=zh-CN",  # a Chinese staff member's browser: Accept-Language zh-CN, so pages and the data they fetch are in Chinese
    "--accept-lang=zh-CN,zh",
    # The network switched off: every proxied request goes to a port nothing listens on, and
    # no name resolves except loopback. Loopback itself bypasses the proxy (Chromium's default),
    # so a page served by the test's own server still loads.
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)

_LOCAL_SCHEMES = {"file", "data", "about", "blob", "chrome", "devtools"}
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class BrowserError(RuntimeError):
    """Chromium did not start, went away, or did not answer in time."""


def find_chromium() -> str | None:
    """The Chromium binary on PATH (Debian's package installs ``chromium``), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def left_the_machine(url: str) -> bool:
    """Whether a request to this URL would leave the machine: anything but loopback and local schemes."""
    parts = urlsplit(url)
    if parts.scheme in _LOCAL_SCHEMES:
        return False
    return (parts.hostname or "") not in _LOOPBACK


@dataclass
class PageRun:
    """What happened while one page loaded and drew."""

    url: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Console errors, uncaught exceptions and browser log errors, as text."""
    ready_ms: float | None = None
    """Milliseconds from the start of navigation until the page said it had drawn (performance.now())."""
    result: Any = None
    """The value of the check expression, evaluated once the page had drawn."""

    @property
    def outside(self) -> list[str]:
        """Requests that would have left the machine."""
        return [u for u in self.requests if left_the_machine(u)]


class Browser:
    """One headless Chromium, driven over a pipe; use as a context manager."""

    def __init__(self, binary: str | None = None, *, width: int = 1400, height: int = 900, timeout: float = 60.0) -> None:
        chosen = binary or find_chromium()
        if chosen is None:
            raise BrowserError("no chromium on PATH (Debian: apt-get install chromium fonts-noto-cjk)")
        self.binary = chosen
        self.width, self.height, self.timeout = width, height, timeout
        self._profile = tempfile.mkdtemp(prefix="grassroots-chromium-")
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # Move the child's ends above 4 first, so the dup2 onto 3 and 4 below never clobbers one of them.
        self._child_in = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        self._child_out = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)
        self._write_fd, self._read_fd = to_child_w, from_child_r
        child_in, child_out = self._child_in, self._child_out

        def give_pipe() -> None:  # in the child, before exec: Chromium reads fd 3 and writes fd 4
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        args = [
            self.binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self._profile}",
            f"--window-size={width},{height}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self._process = subprocess.Popen(  # noqa: S603 - a fixed argument list, no shell
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,  # fds 3 and 4 must survive exec; every other fd Python opens is non-inheritable
            preexec_fn=give_pipe,  # the only way to place the pipe on fds 3 and 4
        )
        os.close(self._child_in)
        os.close(self._child_out)
        self._session: str | None = None

    # -- the protocol -------------------------------------------------------------------------

    def _send(self, method: str, params: dict[str, Any] | None = None, *, session: bool = True) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self._session:
            message["sessionId"] = self._session
        os.write(self._write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            for reply in self._receive(deadline):
                if reply.get("id") == self._next_id:
                    if "error" in reply:
                        raise BrowserError(f"{method}: {reply['error'].get('message')}")
                    result: dict[str, Any] = reply.get("result", {})
                    return result
                self._events.append(reply)

    def _receive(self, deadline: float) -> list[dict[str, Any]]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"chromium did not answer within {self.timeout:.0f} s")
            ready, _, _ = select.select([self._read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._read_fd, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed its pipe (did it start? try running it by hand with --headless)")
            self._buffer += chunk
        *complete, self._buffer = self._buffer.split(b"\0")
        return [json.loads(m) for m in complete if m]

    def _drain(self, run: PageRun) -> None:
        for event in self._events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                run.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                run.failed.append(f"{params.get('errorText')} ({params.get('requestId')})")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                run.errors.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = details.get("exception", {}).get("description") or details.get("text")
                run.errors.append(f"exception: {text}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                run.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())
        self._events.clear()

    # -- pages ---------------------------------------------------------------------------------

    def _attach(self) -> None:
        target = self._send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self._send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=False)
        self._session = attached["sessionId"]
        for domain in ("Network", "Runtime", "Log", "Page"):
            self._send(f"{domain}.enable")
        self._send(
            "Emulation.setDeviceMetricsOverride", {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False}
        )

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        answer = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in answer:
            raise BrowserError(f"{expression[:60]}...: {answer['exceptionDetails'].get('text')}")
        return answer.get("result", {}).get("value")

    def open(self, url: str, *, ready: str = "document.readyState === 'complete'", check: str | None = None) -> PageRun:
        """Load a page, wait until ``ready`` is true in it, then evaluate ``check``; what it did is in the answer."""
        if self._session is None:
            self._attach()
        self._events.clear()
        run = PageRun(url=url)
        self._send("Page.navigate", {"url": url})
        deadline = time.monotonic() + self.timeout
        while not self.evaluate(f"Boolean({ready})"):
            if time.monotonic() > deadline:
                self._drain(run)
                raise BrowserError(f"{url} was not ready ({ready}) within {self.timeout:.0f} s; errors: {run.errors}")
            time.sleep(0.01)
        run.ready_ms = self.evaluate("window.drawnAt ?? performance.now()")
        if check is not None:
            run.result = self.evaluate(check)
        self.evaluate("new Promise((done) => setTimeout(done, 50))")  # let late requests and log entries arrive
        self._drain(run)
        return run

    def screenshot(self, path: Path) -> Path:
        """The page as it is now, as a PNG."""
        shot = self._send("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        try:
            if self._process.poll() is None:
                with contextlib.suppress(BrowserError, OSError):
                    self._send("Browser.close", session=False)
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
        finally:
            os.close(self._write_fd)
            os.close(self._read_fd)
            shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None) -> None:
        self.close()
