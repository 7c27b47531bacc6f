"""Check that the commands the README and docs/ tell a person to type name things that exist.

A command is a simple command of a shell code block (```bash, sh, shell; the `$ ` lines of a
```console block) or an inline `make ...` span. Its first word must be a make target (and its
variables the Makefile's), a script in the repository, a `shop`/`shopkeeper` command line that
the real parsers accept, `hack/local-cluster` with one of its commands, `python -m` with an
importable module, or a known outside tool; any argument naming a path in the repository must exist.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from localinfra import kube_cluster
from localinfra.__main__ import parser as localinfra_parser
from shop.cli import parser as shop_parser
from shopkeeper.cli import parser as shopkeeper_parser

ROOT = Path(__file__).resolve().parents[2]
SHELL_LANGUAGES = {"bash", "sh", "shell", "console"}
# Tools from elsewhere that the docs use on purpose: a cluster's clients and the kind dev loop.
OUTSIDE_TOOLS = {"kubectl", "helm", "tilt", "kind", "docker", "curl", "python3", "git", "npm"}
BUILTINS = {"cd", "export", "echo", "eval", "source"}
SEPARATORS = {"|", "||", "&&", ";", "&", "(", ")", "$("}
# Make variables whose value is a command line of their own: (parser, the words before it).
FLAG_VARIABLES: dict[str, tuple[Callable[[], argparse.ArgumentParser], list[str]]] = {
    "UP_FLAGS": (localinfra_parser, ["up"]),
    "DEMO_FLAGS": (shop_parser, ["demo"]),
}
PARSERS: dict[str, Callable[[], argparse.ArgumentParser]] = {
    "shop": shop_parser,
    ".venv/bin/shop": shop_parser,
    "shopkeeper": shopkeeper_parser,
    ".venv/bin/shopkeeper": shopkeeper_parser,
    "hack/local-cluster": kube_cluster.parser,
}
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE_MAKE = re.compile(r"(?<!`)`(make [^`]+)`")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_TARGET = re.compile(r"^([a-z0-9][a-z0-9-]*):", re.MULTILINE)


@dataclass(frozen=True)
class Command:
    """One documented command: where it is written and its words."""

    where: str
    words: list[str]


def documented_commands(path: Path, text: str) -> Iterator[Command]:
    """The commands of one markdown file, in order."""
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    for fence in _FENCE.finditer(text):
        if fence.group(1) not in SHELL_LANGUAGES:
            continue
        line = text.count("\n", 0, fence.start(2)) + 1
        block = fence.group(2)
        if fence.group(1) == "console":  # prompts only; the other lines are output
            block = "\n".join(x[2:] if x.startswith("$ ") else "" for x in block.splitlines())
        for offset, words in simple_commands(block):
            yield Command(f"{name}:{line + offset}", words)
    for span in _INLINE_MAKE.finditer(text):
        line = text.count("\n", 0, span.start()) + 1
        for _, words in simple_commands(span.group(1)):
            yield Command(f"{name}:{line}", words)


def simple_commands(script: str) -> Iterator[tuple[int, list[str]]]:
    """(line index, words) of a script's simple commands, without comments, assignments' prefixes
    and separators; a line continued by a backslash counts as its first line."""
    lines = script.split("\n")
    index = 0
    while index < len(lines):
        first, line = index, lines[index]
        while line.endswith("\\") and index + 1 < len(lines):
            index += 1
            line = line[:-1] + " " + lines[index]
        index += 1
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token in SEPARATORS:
                if words:
                    yield first, words
                words = []
            elif words or not _ASSIGNMENT.match(token):
                words.append(token)


def problems(command: Command) -> list[str]:
    """Why `command` would not work as written (empty when it would)."""
    missing = _missing_paths(command.words[1:])
    found = [f"{command.where}: `{word}` is not in the repository" for word in missing]
    return found + [f"{command.where}: {problem}" for problem in _word_problems(command.words)]


def _word_problems(words: list[str]) -> Iterator[str]:
    head, args = words[0], words[1:]
    if head == "eval":
        for arg in args:
            if arg.startswith("$(") and arg.endswith(")"):
                for _, inner in simple_commands(arg[2:-1]):
                    yield from _word_problems(inner)
    elif head == "make":
        yield from _make_problems(args)
    elif head in PARSERS:
        if refused := _refusal(PARSERS[head], args):
            yield f"`{' '.join(words)}`: {refused}"
    elif head == "uv":
        if args[:1] == ["run"]:
            rest = [arg for arg in args[1:] if not arg.startswith("--")]
            yield from _word_problems(rest) if rest else ["`uv run` runs nothing"]
    elif head == "python" or (head == "python3" and args[:1] == ["-m"]):
        yield from _python_problems(args)
    elif "/" in head:
        if not (ROOT / head).is_file() or not os.access(ROOT / head, os.X_OK):
            yield f"`{head}` is not an executable script in the repository"
    elif head not in OUTSIDE_TOOLS | BUILTINS:
        yield (
            f"`{head}` is neither a make target, a script in the repository, `shop`, "
            "`shopkeeper` nor a known outside tool"
        )


def _make_problems(args: list[str]) -> Iterator[str]:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(_TARGET.findall(makefile))
    for arg in args:
        if arg.startswith("-"):
            continue
        if "=" in arg:
            name, value = arg.split("=", 1)
            if f"$({name})" not in makefile:
                yield f"`make` has no variable {name}"
            elif name in FLAG_VARIABLES:
                build, before = FLAG_VARIABLES[name]
                if refused := _refusal(build, [*before, *shlex.split(value)]):
                    yield f"`make {arg}` ({build().prog} {' '.join(before)}): {refused}"
        elif arg not in targets:
            yield f"`make {arg}`: no such target (targets: {', '.join(sorted(targets))})"


def _refusal(build: Callable[[], argparse.ArgumentParser], args: list[str]) -> str | None:
    """The parser's error for `args`, or None when it accepts them."""
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
            _exact(build()).parse_args(args)
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            return (errors.getvalue().strip().splitlines() or ["refused"])[-1]
    return None


def _exact(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """`parser` and its subcommands refusing abbreviated flags: the docs spell flags out."""
    parser.allow_abbrev = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _exact(sub)
    return parser


def _python_problems(args: list[str]) -> Iterator[str]:
    if args[:1] == ["-m"] and len(args) > 1:
        if importlib.util.find_spec(args[1]) is None:
            yield f"`python -m {args[1]}`: no such module"
    elif args and not args[0].startswith("-") and not (ROOT / args[0]).is_file():
        yield f"`python {args[0]}`: no such script"


def _missing_paths(words: list[str]) -> Iterator[str]:
    """Words that name a path under one of the repository's top-level folders but do not exist."""
    folders = {entry.name for entry in ROOT.iterdir() if entry.is_dir()} - {".venv", ".git"}
    for word in words:
        value = word.split("=", 1)[-1]
        if value.split("/", 1)[0] in folders and "/" in value and not (ROOT / value).exists():
            yield value


def markdown_files() -> list[Path]:
    """README.md and every page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
