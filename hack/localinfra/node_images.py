"""The node's images, made here (there is no registry): the pause image from Kubernetes' own
pause.c, a Debian base with Python made with mmdebstrap, and the project image built from the
unchanged Dockerfile on that base with buildah (after the web app's bundle, which it copies).
Each is saved as an OCI archive that `Containerd.import_image` loads into the node.

buildah keeps its storage under the cache (never /var/lib/containers).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.node_host import unmount_under
from localinfra.node_provision import pause_binary
from localinfra.paths import REPO_ROOT, cache_dir
from localinfra.process import run_checked
from localinfra.versions import pins, versions
from localinfra.webapp import current_dist

PAUSE_IMAGE = f"shopkeeper.local/pause:{versions().kubernetes}"
PROJECT_REPOSITORY = "ghcr.io/shopkeeper/shopkeeper"
# mmdebstrap's package set: the interpreter, venv and pip (the Dockerfile pip-installs uv).
BASE_PACKAGES = (
    "python{py}",
    "python3-venv",
    "python3-pip",
    "python-is-python3",
    "ca-certificates",
)
DEBIAN_MIRRORS = (
    "deb http://deb.debian.org/debian {suite} main",
    "deb http://deb.debian.org/debian {suite}-updates main",
    "deb http://deb.debian.org/debian-security {suite}-security main",
)
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


def images_dir() -> Path:
    return cache_dir() / "node-images"


def base_image() -> str:
    """The local stand-in for the Dockerfile's python:<version>-slim-<suite> base."""
    return f"shopkeeper.local/python:{pins()['BASE_IMAGE_PYTHON']}-{pins()['BASE_IMAGE_SUITE']}"


@dataclass(frozen=True)
class BuiltImage:
    """An image reference and the OCI archive that holds it."""

    reference: str
    archive: Path
    seconds: float  # time spent making it now (0 when it came from the cache)


# What buildah creates wherever its storage is (a CNI lock, a blob-info cache).
BUILDAH_GLOBAL_PATHS = ("/etc/cni", "/var/lib/containers", "/run/containers")


def buildah(*argv: str, what: str, timeout: float = 1800) -> str:
    """Run buildah on the cache's own storage; remove the global paths it created."""
    if shutil.which("buildah") is None:
        raise MissingDependencyError("buildah", "make deps")
    absent = [path for path in BUILDAH_GLOBAL_PATHS if not os.path.lexists(path)]
    try:
        return _run_buildah(argv, what, timeout)
    finally:
        for path in absent:
            shutil.rmtree(path, ignore_errors=True)


def _run_buildah(argv: tuple[str, ...], what: str, timeout: float) -> str:
    storage = images_dir() / "storage"
    return run_checked(
        [
            "buildah",
            "--root",
            str(storage / "root"),
            "--runroot",
            str(storage / "runroot"),
            "--storage-driver",
            "overlay",
            *argv,
        ],
        what=what,
        timeout=timeout,
    )


def release_storage() -> None:
    """Unmount what buildah left mounted (a killed build leaves its overlays)."""
    unmount_under(images_dir() / "storage")


def _save(reference: str, archive: Path) -> None:
    staged = archive.with_suffix(".partial")
    staged.unlink(missing_ok=True)
    # Uncompressed: the archive is read once, by containerd on this machine.
    buildah(
        "push",
        "--quiet",
        "--disable-compression",
        reference,
        f"oci-archive:{staged}:{reference}",
        what="buildah push",
    )
    staged.replace(archive)


def _from_scratch(reference: str, content: list[tuple[str, str]], config: list[str]) -> None:
    container = buildah("from", "--quiet", "scratch", what="buildah from scratch").strip()
    try:
        for source, target in content:
            buildah("add", container, source, target, what=f"buildah add {source}")
        buildah("config", *config, container, what="buildah config")
        buildah("commit", "--quiet", "--rm", container, reference, what="buildah commit")
    except BaseException:
        buildah("rm", container, what="buildah rm")
        raise


def _cached(reference: str, archive: Path, stamp: str) -> BuiltImage | None:
    stamp_file = archive.with_suffix(".stamp")
    if archive.is_file() and stamp_file.is_file() and stamp_file.read_text() == stamp:
        return BuiltImage(reference, archive, 0.0)
    return None


def pause_image() -> BuiltImage:
    """The sandbox image: Kubernetes' pause.c, statically linked, alone in one layer."""
    binary = pause_binary()
    if not binary.is_file():
        raise MissingDependencyError("the pause binary", "make deps")
    archive = images_dir() / "pause.oci.tar"
    stamp = hashlib.sha256(binary.read_bytes() + PAUSE_IMAGE.encode()).hexdigest()
    cached = _cached(PAUSE_IMAGE, archive, stamp)
    if cached:
        return cached
    started = time.monotonic()
    images_dir().mkdir(parents=True, exist_ok=True)
    _from_scratch(
        PAUSE_IMAGE,
        [(str(binary), "/pause")],
        ["--entrypoint", '["/pause"]', "--user", "65535:65535"],
    )
    _save(PAUSE_IMAGE, archive)
    archive.with_suffix(".stamp").write_text(stamp)
    return BuiltImage(PAUSE_IMAGE, archive, time.monotonic() - started)


def _base_recipe() -> dict[str, object]:
    suite, python = pins()["BASE_IMAGE_SUITE"], pins()["BASE_IMAGE_PYTHON"]
    return {
        "suite": suite,
        "packages": [package.format(py=python) for package in BASE_PACKAGES],
        "mirrors": [mirror.format(suite=suite) for mirror in DEBIAN_MIRRORS],
        "ca": hashlib.sha256(HOST_CA_BUNDLE.read_bytes()).hexdigest(),
    }


def ensure_base_image() -> float:
    """Make the base in buildah's storage unless it is there; the seconds it took (0: cached)."""
    recipe = _base_recipe()
    stamp = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()
    stamp_file = images_dir() / "base.stamp"
    present = buildah("images", "--quiet", "--noheading", what="buildah images").split()
    if stamp_file.is_file() and stamp_file.read_text() == stamp and present:
        listed = buildah("images", "--format", "{{.Name}}:{{.Tag}}", what="buildah images")
        if base_image() in listed.split():
            return 0.0
    started = time.monotonic()
    images_dir().mkdir(parents=True, exist_ok=True)
    rootfs = images_dir() / "base-rootfs.tar"
    python = pins()["BASE_IMAGE_PYTHON"]
    run_checked(
        [
            "mmdebstrap",
            "--quiet",
            "--variant=minbase",
            f"--include={','.join(recipe['packages'])}",  # type: ignore[arg-type]
            # pip may install into the system interpreter: this image is an isolated build base.
            f'--customize-hook=rm -f "$1"/usr/lib/python{python}/EXTERNALLY-MANAGED',
            # The index is reached as from the host: with the host's CA bundle (pip and uv).
            f"--customize-hook=upload {HOST_CA_BUNDLE} /etc/ssl/certs/ca-certificates.crt",
            '--customize-hook=printf "[global]\\ncert = /etc/ssl/certs/ca-certificates.crt\\n"'
            ' > "$1"/etc/pip.conf',
            str(recipe["suite"]),
            str(rootfs),
            *recipe["mirrors"],  # type: ignore[misc]
        ],
        what="mmdebstrap",
        timeout=1800,
    )
    try:
        _from_scratch(
            base_image(),
            [(str(rootfs), "/")],
            [
                "--env",
                "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
                "--env",
                "LANG=C.UTF-8",
                "--cmd",
                '["python3"]',
            ],
        )
    finally:
        rootfs.unlink(missing_ok=True)
    stamp_file.write_text(stamp)
    return time.monotonic() - started


def project_image(tag: str, *, label: str | None = None) -> BuiltImage:
    """The project image of this checkout, from the unchanged Dockerfile, tagged `tag`.

    `label` (an image label) makes a distinct image of the same sources, e.g. for an upgrade.
    """
    base_seconds = ensure_base_image()
    reference = f"{PROJECT_REPOSITORY}:{tag}"
    started = time.monotonic()
    current_dist()  # the Dockerfile copies web/dist
    extra = ["--label", f"shopkeeper.dev/build={label}"] if label else []
    images_dir().mkdir(parents=True, exist_ok=True)
    id_file = images_dir() / f"project-{tag}.iid"
    buildah(
        "bud",
        "--iidfile",
        str(id_file),
        "--quiet",
        "--layers",
        "--pull=never",
        "--network",
        "host",
        "--build-arg",
        f"PYTHON_IMAGE={base_image()}",
        *extra,
        "--tag",
        reference,
        "--file",
        str(REPO_ROOT / "Dockerfile"),
        str(REPO_ROOT),
        what="buildah bud",
    )
    archive = images_dir() / f"project-{tag}.oci.tar"
    if _cached(reference, archive, id_file.read_text()) is None:  # unchanged: keep the archive
        _save(reference, archive)
        archive.with_suffix(".stamp").write_text(id_file.read_text())
    return BuiltImage(reference, archive, base_seconds + time.monotonic() - started)


def remove_archive(image: BuiltImage) -> None:
    """Delete a project image's archive (images of past sessions pile up otherwise)."""
    if image.archive.parent != images_dir():
        raise InfraError(f"{image.archive} is not a node image archive")
    image.archive.unlink(missing_ok=True)
