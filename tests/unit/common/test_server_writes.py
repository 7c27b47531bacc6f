"""Serving through uvicorn with writes gathered per event-loop turn: answers stay whole."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from shop.common.server import _HttpProtocol, _TickWrites
from support.polling import wait_until_async


async def hello(_: Request) -> Response:
    return JSONResponse({"hello": "world"})


async def events(_: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for index in range(3):
            yield f"data: {index}\n\n".encode()
            await asyncio.sleep(0.01)  # each event in a turn of its own

    return StreamingResponse(chunks(), media_type="text/event-stream")


APP = Starlette(routes=[Route("/hello", hello), Route("/events", events)])


@asynccontextmanager
async def served() -> AsyncIterator[tuple[str, list[int]]]:
    """The app on a loopback port, and the size of every write its connections made."""
    writes: list[int] = []

    class Recording(_HttpProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            real = transport.write  # type: ignore[attr-defined]

            def write(data: bytes) -> None:
                writes.append(len(data))
                real(data)

            transport.write = write  # type: ignore[attr-defined]
            super().connection_made(transport)

    config = uvicorn.Config(
        APP, host="127.0.0.1", port=0, http=Recording, lifespan="off", log_config=None
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await wait_until_async(started, within=10, what="the server to listen")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", writes
    finally:
        server.should_exit = True
        await task


async def test_a_response_goes_out_in_one_write_and_keep_alive_still_serves() -> None:
    async with served() as (url, writes), httpx.AsyncClient(base_url=url) as http:
        first = await http.get("/hello")
        second = await http.get("/hello")  # the same connection

    assert (first.json(), second.json()) == ({"hello": "world"}, {"hello": "world"})
    assert len(writes) == 2  # head and body together, per response


async def test_a_stream_sends_each_event_as_it_comes_and_ends_whole() -> None:
    async with (
        served() as (url, writes),
        httpx.AsyncClient(base_url=url) as http,
        http.stream("GET", "/events") as response,
    ):
        lines = [line async for line in response.aiter_lines() if line]

    assert lines == ["data: 0", "data: 1", "data: 2"]
    assert len(writes) == 4  # the head with the first event, two events, the end


async def test_closing_sends_what_is_still_gathered() -> None:
    loop = asyncio.get_running_loop()
    received: list[bytes] = []

    class Reader(asyncio.Protocol):
        def data_received(self, data: bytes) -> None:
            received.append(data)

    server = await loop.create_server(Reader, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
    writes = _TickWrites(transport, loop)
    writes.write(b"last ")
    writes.write(b"words")
    writes.close()
    await asyncio.sleep(0.1)
    server.close()

    assert b"".join(received) == b"last words"
