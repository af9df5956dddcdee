"""A threaded stdlib HTTP server for the demo site on 127.0.0.1 (port 0: the OS picks one)."""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import socket
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from seeds.demo.site import DemoSite
from seeds.demo.templates import render_article, render_home, render_list


@functools.lru_cache(maxsize=1)
def _gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


class _Handler(BaseHTTPRequestHandler):
    server: _DemoHTTPServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without NODELAY, Nagle + delayed ACK add ~40 ms each.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read `site.requests` instead."""

    def do_GET(self) -> None:
        site = self.server.site
        path = self.path.split("?", 1)[0]
        if path.endswith("/") and path != "/":
            path += "index.html"  # a directory serves its index, as web servers do by default
        fault = site.take_fault(path)
        try:
            if site.answer_delay:
                time.sleep(site.answer_delay)
            self._answer(path, fault)
        finally:
            site.answered()

    def _answer(self, path: str, fault: str | None) -> None:
        if fault is not None and fault != "truncated" and self._send_fault(fault):
            return
        found = self._render(path)
        if found is None:
            self._send(404, "<html><body>404 页面不存在</body></html>".encode(), "text/html; charset=utf-8")
            return
        body, content_type, modified = found
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", None, etag=etag)
            return
        if fault == "truncated":
            self._send(200, body, content_type, etag=etag, modified=modified, truncate=True)
            return
        self._send(200, body, content_type, etag=etag, modified=modified)

    def _send_fault(self, fault: str) -> bool:
        """Answer with an injected fault; False when the fault lets the normal answer through."""
        site = self.server.site
        if fault == "timeout":
            time.sleep(site.stall_seconds)
            fault = "503"
        if fault == "reset":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.request.shutdown(socket.SHUT_RDWR)
        elif fault.startswith("redirect:"):
            self._send(302, b"", None, extra={"Location": fault.split(":", 1)[1]})
        elif fault == "gzip-bomb":
            self._send(200, _gzip_bomb(), "text/html; charset=utf-8", extra={"Content-Encoding": "gzip"})
        elif fault.isdigit():
            extra = {"Retry-After": str(site.retry_after)} if fault in ("429", "503") else None
            self._send(int(fault), b"<html><body>error</body></html>", "text/html; charset=utf-8", extra=extra)
        else:
            return False
        return True

    def _render(self, path: str) -> tuple[bytes, str, datetime | None] | None:
        site = self.server.site
        if path == "/robots.txt":
            return site.robots_txt.encode(), "text/plain", None
        if path in ("/", "/index.html"):
            return render_home(site).encode(), "text/html; charset=utf-8", None
        for portal in site.portals.values():
            if not path.startswith(f"/{portal.prefix}/"):
                continue
            # GBK portals declare the charset only in <meta>, like many old TRS sites.
            content_type = "text/html" if portal.encoding != "utf-8" else "text/html; charset=utf-8"
            for page in range(1, portal.page_count + 1):
                if path == portal.list_page_path(page):
                    html = render_list(site, portal, page)
                    return html.encode(portal.encoding, "xmlcharrefreplace"), content_type, None
            for article in portal.articles:
                for _name, filename, data in article.attachments:
                    if path == portal.attachment_path(filename):
                        return data, "application/octet-stream", None
                for page in range(article.pages):
                    if path == portal.article_path(article, page):
                        html = render_article(portal, article, page)
                        modified = datetime.combine(article.published, datetime.min.time(), UTC)
                        return html.encode(portal.encoding, "xmlcharrefreplace"), content_type, modified
        return None

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        *,
        etag: str | None = None,
        modified: datetime | None = None,
        extra: dict[str, str] | None = None,
        truncate: bool = False,
    ) -> None:
        self.send_response(status)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if content_type:
            self.send_header("Content-Type", content_type)
        if etag:
            self.send_header("ETag", etag)
        if modified:
            self.send_header("Last-Modified", format_datetime(modified, usegmt=True))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body[: len(body) // 2] if truncate else body)
            if truncate:
                self.close_connection = True


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: DemoSite) -> None:
        super().__init__(address, _Handler)
        self.site = site


class DemoServer:
    """The running demo site; use as a context manager, or call `close()`."""

    def __init__(self, site: DemoSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self._httpd = _DemoHTTPServer((host, port), site)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-portal", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(site: DemoSite, host: str = "127.0.0.1", port: int = 0) -> DemoServer:
    """Start serving `site` in a background thread."""
    return DemoServer(site, host, port)
