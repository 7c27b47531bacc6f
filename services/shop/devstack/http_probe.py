"""The status code of one HTTP GET, on a fresh loopback connection, for the supervisor's probes.

A probe needs only the status line: this writes one request and reads the answer on plain
asyncio streams, a fraction of the CPU a general HTTP client spends per request (its pool,
request and response models, and the event loop hops between them).
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

MAX_ANSWER_BYTES = 64 * 1024


async def status_of(url: str, within: float) -> int | None:
    """The status code `GET url` answers with (`Connection: close`), or None if nothing
    answered a well-formed status line within `within` seconds."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname is None:
        raise ValueError(f"{url!r}: only plain http:// URLs are probed")
    request = (
        f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
    ).encode()
    try:
        async with asyncio.timeout(within):
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
            try:
                writer.write(request)
                answer = await reader.read(MAX_ANSWER_BYTES)  # the status line comes first
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
    except (OSError, TimeoutError):
        return None
    return _status(answer)


def _status(answer: bytes) -> int | None:
    """`HTTP/1.1 200 OK\r\n...` -> 200."""
    fields = answer.split(b"\r\n", 1)[0].split(b" ", 2)
    if len(fields) < 2 or not fields[0].startswith(b"HTTP/") or not fields[1].isdigit():
        return None
    return int(fields[1])
