"""The project's files as a clean clone would have them: tracked, plus new ones git does not
ignore."""

from __future__ import annotations

import subprocess
from pathlib import Path

from localinfra.paths import REPO_ROOT


def project_files() -> list[Path]:
    """Tracked and new (not ignored) files of the working tree, as absolute paths."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [REPO_ROOT / name for name in listed.split("\0") if name]
