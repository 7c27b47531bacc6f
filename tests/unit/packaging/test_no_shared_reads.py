"""Nothing in the repository reads the development machine's shared folder beside the clone."""

from __future__ import annotations

from pathlib import Path

from localinfra.paths import REPO_ROOT
from support.project_files import project_files

# Spellings of a path to the folder beside the clone (or of the variable that used to name it).
# Built from parts so that this guard does not name the folder itself.
SHARED = "shared"
FORBIDDEN = (
    f"../{SHARED}",
    f"/work/{SHARED}",
    f"SHOPKEEPER_{SHARED.upper()}",
    f'"{SHARED}" / "crds"',
)


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
