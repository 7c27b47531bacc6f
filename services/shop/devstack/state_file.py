"""Where a running `shop up` can be found: a small JSON file with its control URL and APIs.

`shop demo` and the e2e tests read it; it is removed when the stack stops. It holds the demo
client's secret (a local stack's, fresh per start), so only its owner may read it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from shop.devstack.errors import DevstackError
from shop.devstack.identity import Identity


def default_state_file() -> Path:
    """`$SHOPKEEPER_CACHE/shop-up.json` (default cache: ~/.cache/shopkeeper)."""
    cache = os.environ.get("SHOPKEEPER_CACHE") or str(Path.home() / ".cache" / "shopkeeper")
    return Path(cache) / "shop-up.json"


@dataclass(frozen=True)
class StackState:
    pid: int
    control_url: str
    apis: dict[str, str]
    workdir: str
    identity: Identity | None = None


class StackNotRunningError(DevstackError):
    """No live `shop up` behind the state file."""


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_state(path: Path, state: StackState) -> None:
    """Write atomically; refuse if another live stack already owns `path`."""
    try:
        other = read_state(path)
    except StackNotRunningError:
        other = None
    if other is not None and other.pid != state.pid:
        raise DevstackError(
            f"a shop is already up (pid {other.pid}, {other.control_url}); stop it first "
            f"or pass another --state-file than {path}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.touch(mode=0o600)
    identity = state.identity.model_dump(mode="json") if state.identity else None
    partial.write_text(json.dumps({**asdict(state), "identity": identity}, indent=2) + "\n")
    partial.replace(path)


def read_state(path: Path) -> StackState:
    """The running stack's state; StackNotRunningError if the file is absent or stale."""
    try:
        raw = json.loads(path.read_text())
        state = StackState(
            pid=int(raw["pid"]),
            control_url=str(raw["control_url"]),
            apis={str(k): str(v) for k, v in raw["apis"].items()},
            workdir=str(raw["workdir"]),
            identity=Identity.model_validate(raw["identity"]) if raw.get("identity") else None,
        )
    except FileNotFoundError:
        raise StackNotRunningError(f"no shop is up ({path} is absent); run `make up`") from None
    except (ValueError, KeyError, TypeError, AttributeError) as err:  # ValidationError too
        raise StackNotRunningError(f"{path} is not a shop state file: {err}") from None
    if not pid_alive(state.pid):
        raise StackNotRunningError(f"the shop in {path} (pid {state.pid}) is no longer running")
    return state


def remove_state(path: Path, pid: int) -> None:
    """Remove the file if it is still ours."""
    try:
        if read_state(path).pid != pid:
            return
    except StackNotRunningError:
        pass
    path.unlink(missing_ok=True)
