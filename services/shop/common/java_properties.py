"""The `java.util.Properties` text format, in which Debezium reads `tracingspancontext`.

Debezium's tracing loads the column with `Properties.load`, then hands the pairs to the
OpenTelemetry propagator: so the outbox stores `traceparent=00-...` lines in this format.
"""

from __future__ import annotations

from collections.abc import Mapping

_WRITE_ESCAPES = {
    "\\": "\\\\",
    "\t": "\\t",
    "\n": "\\n",
    "\r": "\\r",
    "\f": "\\f",
    "=": "\\=",
    ":": "\\:",
    "#": "\\#",
    "!": "\\!",
}
_READ_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
_WHITESPACE = " \t\f"


def dumps(properties: Mapping[str, str]) -> str:
    """Serialize like `Properties.store` (without its comment lines), one `key=value` a line."""
    return "".join(
        f"{_escape(key, leading_space=True)}={_escape(value, leading_space=False)}\n"
        for key, value in properties.items()
    )


def loads(text: str) -> dict[str, str]:
    """Parse like `Properties.load`: comments, `=`/`:`/space separators, escapes, continuations."""
    result: dict[str, str] = {}
    for line in _logical_lines(text):
        key, value = _split(line)
        result[_unescape(key)] = _unescape(value)
    return result


def _escape(text: str, *, leading_space: bool) -> str:
    out = []
    for index, char in enumerate(text):
        if char == " " and (leading_space or index == 0):
            out.append("\\ ")
        elif char in _WRITE_ESCAPES:
            out.append(_WRITE_ESCAPES[char])
        elif not 0x20 <= ord(char) <= 0x7E:
            out.append("".join(f"\\u{unit:04x}" for unit in _utf16_units(char)))
        else:
            out.append(char)
    return "".join(out)


def _utf16_units(char: str) -> list[int]:
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2]) for i in range(0, len(data), 2)]


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        part = raw.lstrip(_WHITESPACE)
        if not pending and (not part or part[0] in "#!"):
            continue
        trailing = len(part) - len(part.rstrip("\\"))
        if trailing % 2 == 1:  # an unescaped backslash continues the line
            pending += part[:-1]
            continue
        lines.append(pending + part)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def _split(line: str) -> tuple[str, str]:
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\":
            index += 2
            continue
        if char in "=:" or char in _WHITESPACE:
            break
        index += 1
    key, rest = line[:index], line[index:]
    rest = rest.lstrip(_WHITESPACE)
    if rest[:1] in ("=", ":"):
        rest = rest[1:].lstrip(_WHITESPACE)
    return key, rest


def _unescape(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\" or index + 1 >= len(text):
            out.append(char)
            index += 1
            continue
        nxt = text[index + 1]
        if nxt == "u":
            out.append(chr(int(text[index + 2 : index + 6], 16)))
            index += 6
            continue
        out.append(_READ_ESCAPES.get(nxt, nxt))
        index += 2
    joined = "".join(out)
    return joined.encode("utf-16", "surrogatepass").decode("utf-16")
