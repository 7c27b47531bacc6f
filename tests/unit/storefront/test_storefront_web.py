from pathlib import Path

import httpx
import pytest

from shop.common.settings_errors import SettingsError
from shop.storefront.entrypoints.web import create_storefront_app
from shop.storefront.settings import StorefrontSettings


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<div id=root></div>")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("nope")
    return tmp_path


def client(settings: StorefrontSettings) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_storefront_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://storefront")


async def test_deep_links_get_the_app_and_hashed_assets_are_cached_for_good(dist: Path) -> None:
    async with client(StorefrontSettings(dist_dir=dist)) as http:
        page = await http.get("/orders/0196a5b4")
        asset = await http.get("/assets/index-abc.js")
        icon = await http.get("/favicon.svg")
    assert page.status_code == 200
    assert page.text == "<div id=root></div>"
    assert page.headers["cache-control"] == "no-cache"
    assert asset.headers["cache-control"].endswith("immutable")
    assert icon.headers["cache-control"] == "no-cache"


async def test_no_path_reaches_a_file_outside_the_build(dist: Path) -> None:
    async with client(StorefrontSettings(dist_dir=dist)) as http:
        escaped = await http.get("/%2e%2e/secret.txt")
    assert "nope" not in escaped.text


async def test_config_names_the_provider_only_when_there_is_one(dist: Path) -> None:
    async with client(StorefrontSettings(dist_dir=dist)) as http:
        anonymous = (await http.get("/config.json")).json()
    assert anonymous == {"apiBase": "/api", "apis": {}, "oidc": None}
    settings = StorefrontSettings(
        dist_dir=dist,
        oidc_authority="http://127.0.0.1:8080/dex",
        oidc_admin_role="shopkeeper-admin",
    )
    async with client(settings) as http:
        oidc = (await http.get("/config.json")).json()["oidc"]
    assert oidc["authority"] == "http://127.0.0.1:8080/dex"
    assert oidc["clientId"] == "shopkeeper-web"
    assert (oidc["roleClaim"], oidc["adminRole"]) == ("groups", "shopkeeper-admin")


def test_a_directory_without_a_build_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="make web"):
        StorefrontSettings(dist_dir=tmp_path)


async def test_api_paths_reaching_it_directly_get_a_problem_not_the_app(dist: Path) -> None:
    async with client(StorefrontSettings(dist_dir=dist)) as http:
        answer = await http.get("/api/catalog/products")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
