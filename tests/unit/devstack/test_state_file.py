import os
import subprocess
import sys
from pathlib import Path

import pytest

from shop.devstack.errors import DevstackError
from shop.devstack.state_file import (
    StackNotRunningError,
    StackState,
    read_state,
    remove_state,
    write_state,
)


def state(pid: int) -> StackState:
    return StackState(pid, "http://127.0.0.1:1234", {"catalog": "http://127.0.0.1:1"}, "/tmp/x")


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_written_state_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "up.json"
    write_state(path, state(os.getpid()))
    assert read_state(path) == state(os.getpid())


def test_a_missing_file_says_how_to_start_the_shop(tmp_path: Path) -> None:
    with pytest.raises(StackNotRunningError, match="make up"):
        read_state(tmp_path / "absent.json")


def test_a_file_left_by_a_dead_stack_is_not_a_running_shop(tmp_path: Path) -> None:
    path = tmp_path / "up.json"
    write_state(path, state(dead_pid()))
    with pytest.raises(StackNotRunningError, match="no longer running"):
        read_state(path)
    write_state(path, state(os.getpid()))  # a stale file is taken over
    assert read_state(path).pid == os.getpid()


def test_a_second_stack_may_not_take_a_live_stacks_file(tmp_path: Path) -> None:
    path = tmp_path / "up.json"
    write_state(path, state(os.getppid()))
    with pytest.raises(DevstackError, match="already up"):
        write_state(path, state(os.getpid()))


def test_remove_leaves_another_stacks_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "up.json"
    write_state(path, state(os.getppid()))
    remove_state(path, os.getpid())
    assert path.exists()
    remove_state(path, os.getppid())
    assert not path.exists()


def test_garbage_is_not_a_state_file(tmp_path: Path) -> None:
    path = tmp_path / "up.json"
    path.write_text('{"pid": "x"}')
    with pytest.raises(StackNotRunningError, match="not a shop state file"):
        read_state(path)
