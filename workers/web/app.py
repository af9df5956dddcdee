"""The read API and the analyst's page: one ASGI app over the query layer, which it never writes through.

Built by `create_app(settings)` at the entry point (`govreports serve`, uvicorn's factory), never at
import time. Three things hold for every request:

- **Access.** A token (`GOVREPORTS_API_TOKEN`) is asked for unless the operator made the data
  public on purpose (`GOVREPORTS_API_PUBLIC=true`); with neither, every request is refused with a
  problem saying which setting to make. Scripts send `Authorization: Bearer …`; people sign in on
  the page once, which sets an HttpOnly, SameSite=Strict cookie holding an HMAC of the token (so the
  token itself never sits in a browser).
- **Limits.** Page sizes are capped (`GOVREPORTS_API_MAX_PAGE_SIZE`) and every request's
  statements run under a deadline (`GOVREPORTS_API_QUERY_TIMEOUT`): a query that would scan
  everything is stopped by the database and answered 503 with what to narrow.
- **Untrusted text.** Titles, bodies, evidence and URLs came from portals. Templates escape
  everything, links are drawn only for http(s) URLs, and a Content-Security-Policy without any
  script source means that even a missed escape could not run code.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipelines.store.browse import BadCursor
from pipelines.store.limits import QueryTooSlow, statement_deadline
from pipelines.store.session import make_engine, make_sessionmaker
from scrapers.errors import PermanentError
from workers.config import Settings

HERE = Path(__file__).parent
COOKIE = "govreports_session"
_COOKIE_PURPOSE = b"govreports page session v1"

# No script source at all: the pages need none, and a title carrying <script> could not run even unescaped.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# /docs runs Swagger UI from our own static files (no CDN, no inline script).
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class Web:
    """What every request reads: the settings and a session factory (one engine per app)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.effective_database_url)
        self.sessions: sessionmaker[Session] = make_sessionmaker(self.engine)

    def cookie_value(self) -> str | None:
        token = self.settings.api_token
        if token is None:
            return None
        return hmac.new(token.get_secret_value().encode(), _COOKIE_PURPOSE, hashlib.sha256).hexdigest()


def web(request: Request) -> Web:
    state: Web = request.app.state.web
    return state


class NotAllowed(PermanentError):
    """The request carries no valid token; `why` says what to do."""

    def __init__(self, why: str, status: int = 401) -> None:
        super().__init__(why)
        self.why = why
        self.status = status


_bearer = HTTPBearer(auto_error=False, description="GOVREPORTS_API_TOKEN of the server")


def allowed(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    w: Annotated[Web, Depends(web)],
) -> None:
    """Let the request through when the data is public or it carries the token (header or page cookie)."""
    settings = w.settings
    if settings.api_public:
        return
    token = settings.api_token
    if token is None:
        raise NotAllowed(
            "this server has no GOVREPORTS_API_TOKEN: set one (or GOVREPORTS_API_PUBLIC=true for public data)",
            status=503,
        )
    if credentials is not None and hmac.compare_digest(
        credentials.credentials.encode(), token.get_secret_value().encode()
    ):
        return
    cookie = request.cookies.get(COOKIE)
    expected = w.cookie_value()
    if cookie and expected and hmac.compare_digest(cookie.encode(), expected.encode()):
        return
    raise NotAllowed("send `Authorization: Bearer <GOVREPORTS_API_TOKEN>`, or sign in at /login")


def read_session(w: Annotated[Web, Depends(web)]) -> Iterator[Session]:
    """A read-only session whose statements run under the request deadline; rolled back at the end."""
    with w.sessions() as session:
        with statement_deadline(session, w.settings.api_query_timeout):
            yield session
        session.rollback()


def page_limit(limit: int, w: Web) -> int:
    most = w.settings.api_max_page_size
    if limit > most:
        raise HTTPException(400, f"limit {limit} is over the most one request returns ({most}): page with `cursor`")
    return limit


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/health", "/openapi.json"))


def problem(request: Request, status: int, title: str, detail: str) -> Response:
    if _wants_html(request):
        from workers.web.pages import error_page  # the page module needs the app's templates

        return error_page(request, status, title, detail)
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(NotAllowed)
    async def _not_allowed(request: Request, exc: NotAllowed) -> Response:
        if _wants_html(request) and exc.status == 401:
            from fastapi.responses import RedirectResponse

            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        response = problem(request, exc.status, "Not signed in" if exc.status == 401 else "Not configured", exc.why)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {400: "Bad request", 404: "Not found", 405: "Method not allowed"}
        return problem(request, exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()]
        return problem(request, 422, "Invalid parameters", "; ".join(parts))

    @app.exception_handler(BadCursor)
    async def _cursor(request: Request, exc: BadCursor) -> Response:
        return problem(
            request, 400, "Bad cursor", "`cursor` must be a next_cursor this API returned; drop it to start over"
        )

    @app.exception_handler(QueryTooSlow)
    async def _slow(request: Request, exc: QueryTooSlow) -> Response:
        detail = f"{exc}: narrow it (portal, region, year, name) or page with a smaller `limit`"
        return problem(request, 503, "Query too slow", detail)


def _install_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def _security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if request.url.path == "/docs" else PAGE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app over the database of `settings` (the environment's when None)."""
    from workers.web import api, pages

    settings = settings or Settings()
    state = Web(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.engine.dispose()  # the pool's connections close with the server, not at interpreter exit

    app = FastAPI(
        title="govreports",
        summary="Read API over crawled government reports: portals, versions, diffs, metrics, series",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    _install_errors(app)
    _install_headers(app)
    if settings.api_cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.api_cors_origins, allow_methods=["GET"])
    # The longer prefix first: Starlette matches mounts in order, and /static would swallow /static/docs.
    app.mount("/static/docs", StaticFiles(directory=_swagger_dir()), name="docs-static")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/health", tags=["health"], include_in_schema=True)
    def health(w: Annotated[Web, Depends(web)]) -> JSONResponse:
        """Whether the database answers and which schema revision it has (no token needed)."""
        try:
            with w.engine.connect() as conn:
                revision = conn.scalar(select(text("version_num")).select_from(text("alembic_version")))
        except Exception as exc:
            return JSONResponse(
                {"status": "unhealthy", "database": type(exc).__name__, "schema_revision": None}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "ok", "schema_revision": revision})

    return app


def _swagger_dir() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"
