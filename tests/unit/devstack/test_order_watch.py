import asyncio
import contextlib

import httpx

from shop.devstack.order_watch import SAMPLE_SECONDS, OrderWatch

METRICS = "# TYPE shop_orders_placed_total counter\nshop_orders_placed_total 12.0\n"


def counting_worker(asked: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, text=METRICS)

    return httpx.MockTransport(answer)


async def test_a_refresh_samples_only_the_saga_counters_at_most_once_a_second() -> None:
    asked: list[httpx.Request] = []
    watch = OrderWatch("http://ordering-worker", counting_worker(asked))
    await watch.refresh()
    await watch.refresh()
    assert len(asked) == 1
    assert asked[0].url.params.get_list("name[]") == [
        "shop_orders_placed_total",
        "shop_saga_outcomes_total",
    ]
    assert watch.rate.latest.placed == 12


async def test_nobody_reading_the_status_means_no_sampling() -> None:
    asked: list[httpx.Request] = []
    watch = OrderWatch("http://ordering-worker", counting_worker(asked))
    sampling = asyncio.create_task(watch.run())
    await asyncio.sleep(SAMPLE_SECONDS * 1.5)
    assert asked == []
    watch.asked()  # the status was read: sampled from the next second on
    await asyncio.sleep(SAMPLE_SECONDS)
    sampling.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sampling
    assert len(asked) == 1
