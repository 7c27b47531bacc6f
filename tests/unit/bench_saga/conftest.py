"""The benchmarks live at the repository's root, outside the test path: append it (last, so
nothing installed or in the standard library is shadowed by a root directory's name)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.append(ROOT)
