"""Open a local HTML file in headless Chromium, offline, and record what the page tried.

Debian's ``chromium`` (``/usr/bin/chromium``) driven by Playwright for Python; never a browser
download. Every request that is not ``file:`` (or ``data:``/``blob:``, which never leave the
machine) is aborted and recorded, and so are dialogs (``alert`` from injected script), console
errors and uncaught page errors.

In a test::

    from browser import needs_chromium, open_page

    @needs_chromium
    def test_page(tmp_path):
        with open_page(tmp_path / "page.html") as page:
            page.wait_ready("document.body !== null")
            assert page.blocked == [] and page.console_errors == []

or with the ``chromium_page`` fixture (``pytest_plugins = ["browser"]`` in a test module, or
``from browser import chromium_page``). Outside pytest (benchmarks) use :func:`open_page`.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
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
_LOCAL = ("file:", "data:", "blob:", "about:")


def chromium_missing() -> str | None:
    """Why browser tests cannot run here, or ``None`` when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]')"
    return None


needs_chromium = pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing()))


@dataclass
class OfflinePage:
    """A Playwright page plus what it tried: ``blocked`` URLs, ``dialogs`` (their messages),
    ``console_errors`` and ``page_errors``."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def wait_ready(self, expression: str, timeout_ms: float = 30_000) -> None:
        """Wait until the JS ``expression`` is truthy (``page.evaluate`` has no timeout and
        can hang while the page's main thread is busy; this does not)."""
        self.page.wait_for_function(expression, timeout=timeout_ms)

    def evaluate(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def problems(self) -> dict[str, list[str]]:
        """Everything that should be empty on a self-contained, well-behaved page."""
        return {
            "blocked requests": self.blocked,
            "dialogs": self.dialogs,
            "console errors": self.console_errors,
            "page errors": self.page_errors,
        }


@contextlib.contextmanager
def open_page(
    path: str | Path,
    *,
    width: int = 1400,
    height: int = 900,
    before: Callable[[OfflinePage], None] | None = None,
) -> Iterator[OfflinePage]:
    """Open ``path`` from ``file://`` in a fresh headless Chromium profile, offline.

    ``before`` runs on the page before navigation (to add listeners or init scripts).
    """
    profile = tempfile.mkdtemp(prefix="graphwarm-chromium-")
    try:
        # one Playwright driver per process: pages may be open side by side
        context = _playwright().chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": width, "height": height},
            service_workers="block",
            # a page's own Content-Security-Policy must not hide what it tries to load:
            # with it bypassed, every attempt reaches the router below and is recorded
            bypass_csp=True,
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            offline = OfflinePage(page)

            def route(r: Any) -> None:
                url = r.request.url
                if url.startswith(_LOCAL):
                    r.continue_()
                else:
                    offline.blocked.append(url)
                    r.abort()

            def dialog(d: Any) -> None:
                offline.dialogs.append(f"{d.type}: {d.message}")
                d.dismiss()

            def console(message: Any) -> None:
                if message.type == "error":
                    offline.console_errors.append(message.text)

            context.route("**/*", route)
            page.on("dialog", dialog)
            page.on("console", console)
            page.on("pageerror", lambda err: offline.page_errors.append(str(err)))
            if before is not None:
                before(offline)
            page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=60_000)
            yield offline
        finally:
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


MAP_READY = "window.graphwarmMap && window.graphwarmMap.state.ready"


@contextlib.contextmanager
def map_page(view: Any, folder: Path) -> Iterator[OfflinePage]:
    """The map of ``view`` (a ``MapView``) written into ``folder`` and open, drawn."""
    from graphwarm.outputs.netmap import render_map

    path = folder / "map.html"
    path.write_text(render_map(view), encoding="utf-8")
    with open_page(path) as page:
        page.wait_ready(MAP_READY, 30_000)
        yield page


def node_on_screen(page: OfflinePage, key: str) -> tuple[float, float]:
    """Bring a map's node into view; where it is drawn, in page coordinates."""
    page.evaluate(f"window.graphwarmMap.network.focus({key!r}, {{scale: 1.2, animation: false}})")
    page.page.wait_for_timeout(100)
    x, y = page.evaluate(
        """key => {
            const net = window.graphwarmMap.network;
            const p = net.canvasToDOM(net.getPosition(key));
            const box = document.getElementById("map").getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        key,
    )
    return x, y


def hover_node(page: OfflinePage, key: str, name: str) -> str:
    """The text of a map's node ``key``'s tooltip, hovered where it is drawn: it starts
    with ``name``."""
    x, y = node_on_screen(page, key)
    page.page.mouse.move(x - 40, y - 40)
    page.page.wait_for_timeout(100)
    page.page.mouse.move(x, y, steps=4)
    page.page.wait_for_function(
        """name => {
            const tip = document.querySelector('div.vis-tooltip');
            return tip && tip.style.visibility !== 'hidden' && tip.textContent.startsWith(name);
        }""",
        arg=name,
        timeout=5_000,
    )
    return page.evaluate("document.querySelector('div.vis-tooltip').textContent")


def click_node(page: OfflinePage, key: str) -> None:
    """Click a map's node where it is drawn on the screen."""
    page.page.mouse.click(*node_on_screen(page, key))


_DRIVER: list[Any] = []


def _playwright() -> Any:
    """The process's Playwright driver, started on first use and stopped at exit."""
    if not _DRIVER:
        import atexit

        from playwright.sync_api import sync_playwright

        _DRIVER.append(sync_playwright().start())
        atexit.register(_DRIVER[0].stop)
    return _DRIVER[0]


@pytest.fixture
def chromium_page() -> Callable[..., contextlib.AbstractContextManager[OfflinePage]]:
    """``with chromium_page(path) as page:`` — :func:`open_page`, skipped without Chromium."""
    reason = chromium_missing()
    if reason is not None:
        pytest.skip(reason)
    return open_page


def png_pixels(png: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, bytes per pixel and raw pixel bytes of an 8-bit RGB(A) PNG (what
    Chromium's screenshots are): no Pillow needed."""
    import struct
    import zlib

    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, b""
    width = height = bpp = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    data = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = data[start], bytearray(data[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def screenshot_is_blank(png: bytes, *, min_share: float = 0.002) -> bool:
    """Whether a screenshot is (nearly) one flat colour: fewer than ``min_share`` of its
    pixels differ from the most common one."""
    from collections import Counter

    width, height, bpp, pixels = png_pixels(png)
    colours = Counter(pixels[i : i + 3] for i in range(0, len(pixels), bpp))
    _, most = colours.most_common(1)[0]
    return (width * height - most) < min_share * width * height
