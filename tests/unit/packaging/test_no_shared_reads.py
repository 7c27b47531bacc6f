"""Nothing in the repository reads the development machine's shared folder beside the clone."""

from __future__ import annotations

import subprocess
from pathlib import Path

from localinfra.paths import REPO_ROOT

# Spellings of a path to the folder beside the clone (or of the variable that used to name it).
# Built from parts so that this guard does not name the folder itself.
SHARED = "shared"
FORBIDDEN = (
    f"../{SHARED}",
    f"/work/{SHARED}",
    f"SHOPKEEPER_{SHARED.upper()}",
    f'"{SHARED}" / "crds"',
)


def project_files() -> list[Path]:
    """Tracked and new (not ignored) files of the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [REPO_ROOT / name for name in listed.split("\0") if name]


def test_no_project_file_names_the_shared_folder() -> None:
    offenders = []
    for path in project_files():
        if path == Path(__file__) or not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        offenders += [
            f"{path.relative_to(REPO_ROOT)}: {word}" for word in FORBIDDEN if word in text
        ]
    assert not offenders
