"""The Tiltfile, checked without Tilt (it is not on the Go module proxy) or a cluster.

Starlark is close to a subset of Python's syntax, so the file is parsed with `ast` to check it
against the repository: every path it names exists, and the image it builds is the one the chart
and the kind platform deploy. Tilt's own Starlark parser and resolver check it in
tests/integration/packaging/test_tiltfile_starlark.py.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from localinfra.dex_realm import DEMO_CLIENT
from localinfra.paths import REPO_ROOT
from localinfra.versions import versions
from support.kind_dex import KindDex, kind_platform_auth

TILTFILE = REPO_ROOT / "Tiltfile"
FORBIDDEN_SYNTAX = (
    ast.Import,
    ast.ImportFrom,
    ast.ClassDef,
    ast.JoinedStr,
    ast.Try,
    ast.With,
    ast.AsyncFunctionDef,
    ast.Await,
    ast.Global,
    ast.Nonlocal,
)


@pytest.fixture(scope="module")
def tree() -> ast.Module:
    return ast.parse(TILTFILE.read_text(), filename="Tiltfile")


def calls(tree: ast.Module, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]


def literal(node: ast.AST) -> Any:
    return ast.literal_eval(node)


def keyword(call: ast.Call, name: str) -> Any:
    return next(literal(kw.value) for kw in call.keywords if kw.arg == name)


def test_the_tiltfile_uses_only_starlark_syntax(tree: ast.Module) -> None:
    assert [
        type(node).__name__ for node in ast.walk(tree) if isinstance(node, FORBIDDEN_SYNTAX)
    ] == []


def test_extensions_come_from_tilts_extension_repository(tree: ast.Module) -> None:
    assert all(literal(call.args[0]).startswith("ext://") for call in calls(tree, "load"))


def test_every_repository_path_it_names_exists(tree: ast.Module) -> None:
    paths: list[str] = []
    for call in calls(tree, "docker_build"):
        paths += [literal(call.args[1]), keyword(call, "dockerfile")]
        paths += [
            str(live.args[0].value)
            for live in ast.walk(call)
            if isinstance(live, ast.Call)
            and isinstance(live.func, ast.Name)
            and live.func.id == "sync"
            and isinstance(live.args[0], ast.Constant)
        ]
    for name in ("kustomize", "k8s_yaml"):
        paths += [
            literal(c.args[0]) for c in calls(tree, name) if isinstance(c.args[0], ast.Constant)
        ]
    for call in calls(tree, "helm"):
        paths += [literal(call.args[0]), *keyword(call, "values")]
    for call in calls(tree, "local_resource"):
        for kw in call.keywords:
            if kw.arg == "cmd" and isinstance(kw.value, ast.Constant):
                program = str(kw.value.value).split()[0]
                paths += [program] if "/" in program else []
    assert paths
    assert [path for path in paths if not (REPO_ROOT / path).exists()] == []


def constant(tree: ast.Module, name: str) -> Any:
    """The value of a top-level `NAME = <literal>` of the Tiltfile."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return literal(node.value)
    raise AssertionError(f"the Tiltfile defines no {name}")


def test_the_image_it_builds_is_the_image_the_chart_and_the_platform_run(
    tree: ast.Module,
) -> None:
    image = constant(tree, "IMAGE")
    values = yaml.safe_load((REPO_ROOT / "charts/shopkeeper/values.yaml").read_text())
    platform = yaml.safe_load((REPO_ROOT / "k8s/kind/platform.yaml").read_text())
    assert values["image"]["repository"] == image
    assert platform["spec"]["image"]["repository"] == image
    assert literal(project_build(tree).args[1]) == "."  # the repository, as the Dockerfile wants


def project_build(tree: ast.Module) -> ast.Call:
    """The `docker_build(IMAGE, ...)` of the project image."""
    (build,) = [
        call
        for call in calls(tree, "docker_build")
        if isinstance(call.args[0], ast.Name) and call.args[0].id == "IMAGE"
    ]
    return build


def test_the_dex_it_builds_and_forwards_is_the_one_the_kind_platform_names(
    tree: ast.Module,
) -> None:
    dex = KindDex.load()
    repository, _, tag = dex.container["image"].partition(":")
    assert constant(tree, "DEX_IMAGE") == repository
    assert tag == f"v{versions().dex}"
    (build,) = [c for c in calls(tree, "docker_build") if c is not project_build(tree)]
    assert isinstance(build.args[0], ast.Name)
    assert build.args[0].id == "DEX_IMAGE"
    # The context and Dockerfile that k8s/kind/dex/image.sh builds without Tilt.
    script = (REPO_ROOT / "k8s/kind/dex/image.sh").read_text()
    assert (
        f'--file "$ROOT/{keyword(build, "dockerfile")}" "$ROOT/{literal(build.args[1])}"' in script
    )
    issuer = urlsplit(kind_platform_auth()["issuer"])
    assert (issuer.hostname, issuer.port) == ("127.0.0.1", constant(tree, "DEX_PORT"))
    assert constant(tree, "DEX_SERVICE") == dex.service["metadata"]["name"]
    assert dex.service["spec"]["ports"][0]["port"] == constant(tree, "DEX_PORT")
    assert constant(tree, "DEX_DEMO_CLIENT_SECRET") == dex.client_secret(DEMO_CLIENT)


def test_the_platform_image_fields_tilt_rewrites_exist_in_the_crd(tree: ast.Module) -> None:
    (kind_call,) = calls(tree, "k8s_kind")
    image_object = keyword(kind_call, "image_object")
    assert image_object["json_path"] == "{.spec.image}"
    crd = yaml.safe_load(next((REPO_ROOT / "crds").glob("*.yaml")).read_text())
    spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    image_properties = spec["properties"]["image"]["properties"]
    assert {image_object["repo_field"], image_object["tag_field"]} <= set(image_properties)
    assert literal(kind_call.args[0]) == crd["spec"]["names"]["kind"]


def test_the_image_build_context_matches_the_dockerignore(tree: ast.Module) -> None:
    only = set(keyword(project_build(tree), "only"))
    kept = {
        line.removeprefix("!").rstrip("/")
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    assert only == kept


def test_the_scripts_it_runs_are_executable() -> None:
    scripts = ("k8s/kind/operators.sh", "k8s/kind/cluster.sh", "k8s/kind/dex/image.sh")
    for script in map(Path, scripts):
        assert (REPO_ROOT / script).stat().st_mode & 0o111, script
