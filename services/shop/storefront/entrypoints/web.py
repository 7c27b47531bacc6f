"""`shop run storefront-web`: serve the built web app, deep links included, and `/config.json`.

Hashed assets (`/assets/...`) are cached for good; `index.html` is revalidated on each load,
so a new build reaches browsers at once. Any path that is not a file gets `index.html`: the
app's router draws it (`/orders/<id>`, `/admin/products`). The gateway routes `/` here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvloop
from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse

from shop.common.logging_setup import configure_logging
from shop.common.server import serve
from shop.storefront.settings import StorefrontSettings

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def _file_under(root: Path, path: str) -> Path | None:
    """The file `path` names inside `root`, or None (missing, a directory, or outside root)."""
    candidate = (root / path).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


def create_storefront_app(settings: StorefrontSettings) -> FastAPI:
    root = settings.dist_dir.resolve()
    index = root / "index.html"
    config = settings.web_config()
    app = FastAPI(title="Shopkeeper storefront", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/livez")
    @app.get("/readyz")
    async def probe() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/config.json")
    async def web_config() -> JSONResponse:
        return JSONResponse(config, headers={"cache-control": REVALIDATE})

    @app.api_route("/api/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def no_api_here(path: str) -> JSONResponse:
        """The APIs live behind the gateway; reaching this server directly finds none."""
        problem = {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": f"/api/{path} is served by the gateway in front of the storefront",
        }
        return JSONResponse(problem, status_code=404, media_type="application/problem+json")

    @app.get("/{path:path}")
    async def page(path: str) -> FileResponse:
        found = _file_under(root, path)
        if found is None or found == index:
            return FileResponse(index, headers={"cache-control": REVALIDATE})
        cache = IMMUTABLE if found.parent.name == "assets" else REVALIDATE
        return FileResponse(found, headers={"cache-control": cache})

    return app


def main() -> int:
    settings = StorefrontSettings()
    configure_logging("INFO", json=False, static_fields={"service": "storefront-web"})
    uvloop.run(serve(create_storefront_app(settings), settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
