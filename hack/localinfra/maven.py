"""Resolving jars from Maven Central with the poms of `hack/maven/`, into the cache.

A pom there is not a build: `copy_dependencies` runs `dependency:copy-dependencies` on it and
writes a stamp (versions and pom digest) into the result, so a warm provisioning is a file read.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from localinfra.errors import InfraError, MissingDependencyError
from localinfra.paths import REPO_ROOT
from localinfra.process import run_checked

MAVEN_DIR = REPO_ROOT / "hack" / "maven"
STAMP = ".provisioned"


def digest(path: Path) -> str:
    """A short content digest of a file (poms go into stamps)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def is_current(directory: Path, stamp: str) -> bool:
    """Whether `directory` was provisioned with exactly `stamp`."""
    try:
        return (directory / STAMP).read_text() == stamp
    except FileNotFoundError:
        return False


def copy_dependencies(
    pom: Path, target: Path, properties: dict[str, str], *, expected: list[str], stamp: str
) -> None:
    """Copy a pom's runtime dependencies into `target`, replacing it only once complete."""
    mvn = shutil.which("mvn")
    if mvn is None or shutil.which("java") is None:
        raise MissingDependencyError(
            "Java 17 and Maven", "apt-get install openjdk-17-jdk-headless maven"
        )
    staging = target.with_name(f"{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    argv = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    argv += [f"-D{key}={value}" for key, value in properties.items()]
    run_checked(argv, what=f"mvn copy-dependencies ({pom.parent.name})", timeout=1200)
    missing = [name for name in expected if not (staging / name).is_file()]
    if missing:
        raise InfraError(f"{pom} resolved without {missing}; see {staging}")
    (staging / STAMP).write_text(stamp)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
