import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from shop.devstack.http_probe import status_of
from shop.devstack.ports import free_port


@asynccontextmanager
async def answering(answer: bytes | None) -> AsyncIterator[str]:
    """A loopback server that reads a request and answers `answer` (None: stays silent)."""
    requests: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        if answer is None:
            await asyncio.sleep(10)
        writer.write(answer or b"")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}"
    assert all(request.startswith(b"GET /livez HTTP/1.1\r\n") for request in requests)


@pytest.mark.parametrize("status", [200, 503])
async def test_the_status_code_is_read_from_the_status_line(status: int) -> None:
    answer = f"HTTP/1.1 {status} Whatever\r\ncontent-length: 2\r\n\r\n{{}}".encode()
    async with answering(answer) as url:
        assert await status_of(f"{url}/livez", within=5) == status


async def test_nothing_listening_or_a_garbled_or_late_answer_is_no_answer() -> None:
    assert await status_of(f"http://127.0.0.1:{free_port()}/livez", within=5) is None
    async with answering(b"SSH-2.0-OpenSSH\r\n") as url:
        assert await status_of(f"{url}/livez", within=5) is None
    async with answering(None) as url:
        assert await status_of(f"{url}/livez", within=0.2) is None


def test_only_plain_http_is_probed() -> None:
    with pytest.raises(ValueError, match="plain http"):
        asyncio.run(status_of("https://127.0.0.1:1/livez", within=1))
