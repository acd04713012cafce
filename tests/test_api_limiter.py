"""The rate limiter against a fake clock: bursts, refill, refunds, what each outcome of an attempt
costs (a 429 drains, a failure is charged as sent), header corrections, fairness."""

from __future__ import annotations

import asyncio

import pytest

from distill.api.rate_limiter import RateLimiter
from distill.offline.limits import ServerRateLimits


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)  # let other tasks run, as a real sleep does


def limiter(clock: FakeClock, **limits) -> RateLimiter:
    return RateLimiter(**limits, clock=clock, sleep=clock.sleep)


async def test_a_full_minute_goes_through_at_once_then_requests_wait_for_the_refill():
    clock = FakeClock()
    rate = limiter(clock, rpm=60, tpm=1_000_000)
    for _ in range(60):
        assert await rate.wait_if_needed(10) == 0
    assert await rate.wait_if_needed(10) == pytest.approx(1.0)  # 60 per minute: one per second refills
    assert await rate.wait_if_needed(10) == pytest.approx(1.0)


async def test_the_refill_is_continuous_and_never_exceeds_one_minute():
    clock = FakeClock()
    rate = limiter(clock, rpm=60, tpm=1_000_000)
    for _ in range(60):
        await rate.wait_if_needed()
    clock.now += 30.0  # half a minute refills half the bucket
    for _ in range(30):
        assert await rate.wait_if_needed() == 0
    assert await rate.wait_if_needed() == pytest.approx(1.0)
    clock.now += 3600.0  # an idle hour refills one minute's capacity, not sixty
    for _ in range(60):
        assert await rate.wait_if_needed() == 0
    assert await rate.wait_if_needed() > 0


async def test_combined_token_budget_and_refund_of_unused_tokens():
    clock = FakeClock()
    rate = limiter(clock, rpm=1000, tpm=6000)
    await rate.wait_if_needed(6000)
    reservation = await rate.acquire(2000, 1000)
    assert reservation.waited_s == pytest.approx(30.0)  # 3000 tokens at 100 per second
    rate.settle(reservation, input_tokens=800, output_tokens=200)  # 2000 of 3000 unused: refunded
    assert await rate.wait_if_needed(2000) == pytest.approx(0.0)
    assert await rate.wait_if_needed(100) == pytest.approx(1.0)


async def test_usage_above_the_estimate_is_charged():
    clock = FakeClock()
    rate = limiter(clock, rpm=1000, tpm=6000)
    reservation = await rate.acquire(1000, 0)
    rate.settle(reservation, input_tokens=7000, output_tokens=0)  # 1000 over capacity: a debt
    assert await rate.wait_if_needed(1) == pytest.approx(10.01)  # repay 1000 + 1 at 100 per second


class ManualClock(FakeClock):
    """A sleep that returns only when the test moves the time on (or the sleeper is woken)."""

    async def sleep(self, seconds: float) -> None:
        target = self.now + seconds
        while self.now < target:
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        for _ in range(20):  # let every woken task run to its next wait
            await asyncio.sleep(0)


async def test_separate_input_and_output_buckets_charge_max_tokens_up_front():
    clock = ManualClock()
    rate = limiter(clock, rpm=1000, tpm=1, itpm=60_000, otpm=6000)
    assert "tokens" not in rate.buckets  # the combined budget is replaced by the two
    first = await rate.acquire(100, 6000)  # the whole output minute is reserved by max_tokens
    assert first.waited_s == 0
    waiting = asyncio.ensure_future(rate.acquire(100, 3000))
    await clock.advance(0.0)  # it starts waiting
    await clock.advance(1.0)  # 100 output tokens refilled: the waiter still needs 2,900
    assert not waiting.done()
    rate.settle(first, 100, 1000)  # the reply used 1,000 of 6,000: 5,000 come back
    await clock.advance(0.0)
    assert waiting.done()  # woken by the refund, not after the 29 s it was going to sleep
    assert waiting.result().waited_s == pytest.approx(1.0)
    assert rate.buckets["input"].available() == pytest.approx(
        60_000 - 100
    )  # refilled to full at t=1, then 100


async def test_a_rejected_attempt_returns_its_tokens_a_failed_one_is_charged_neither_its_slot():
    clock = FakeClock()
    rate = limiter(clock, rpm=3, tpm=1000)
    rejected = await rate.acquire(300, 500)
    rate.release(rejected)  # a 400: no tokens were used, but the request may have been counted
    assert rate.requests.available() == pytest.approx(2.0)
    assert rate.buckets["tokens"].available() == pytest.approx(1000.0)
    rate.release(rejected)  # settling twice changes nothing
    assert rate.buckets["tokens"].available() == pytest.approx(1000.0)
    failed = await rate.acquire(300, 500)
    rate.charge_failed(failed)  # a 5xx/529: charged as sent, its input included; nothing generated
    assert rate.requests.available() == pytest.approx(1.0)
    assert rate.buckets["tokens"].available() == pytest.approx(700.0)
    never_sent = await rate.acquire(100, 100)
    rate.cancel(never_sent)  # the run stopped before it was sent: all of it comes back
    assert rate.requests.available() == pytest.approx(1.0)
    assert rate.buckets["tokens"].available() == pytest.approx(700.0)


async def test_a_call_that_sends_several_requests_reserves_a_slot_for_each():
    clock = FakeClock()
    rate = limiter(clock, rpm=3, tpm=None)
    two = await rate.acquire(requests=2)  # e.g. the SDK's batch results: a retrieve, then the download
    assert rate.requests.available() == pytest.approx(1.0)
    assert (await rate.acquire(requests=2)).waited_s == pytest.approx(20.0)  # one more slot: 20 s
    rate.cancel(two)  # never sent: both slots come back
    assert rate.requests.available() == pytest.approx(2.0)


async def test_a_429_without_headers_drains_every_bucket_as_of_its_sending_and_keeps_its_slot():
    clock = FakeClock()
    rate = limiter(clock, rpm=60, tpm=60_000)  # 1 request and 1,000 tokens a second
    for _ in range(30):
        await rate.wait_if_needed(100)
    refused = await rate.acquire(100, 0)  # 29 requests left after it
    clock.now += 2.0  # 2 requests refilled since it was sent
    later = await rate.acquire(100, 0)  # and one more sent since
    rate.refused(refused)
    # The server was empty when it refused: what was left after the attempt is gone, the refill
    # since and the attempt sent since stay: 0 + 2 - 1.
    assert rate.requests.available() == pytest.approx(1.0)
    assert rate.buckets["tokens"].available() == pytest.approx(2000.0 - 100.0)
    assert rate.refusals == 1
    rate.refused(later)  # refused too: the server was empty then as well, what was left goes
    assert rate.requests.available() == pytest.approx(0.0)
    assert rate.buckets["tokens"].available() == pytest.approx(0.0)
    clock.now += 3.0  # the refill goes on at the configured rate from there
    assert rate.requests.available() == pytest.approx(3.0)


async def test_refusals_of_attempts_sent_together_drain_the_buckets_once():
    clock = FakeClock()
    rate = limiter(clock, rpm=60, tpm=None)
    burst = [await rate.acquire() for _ in range(3)]  # 59, 58, 57 left after each
    for reservation in burst:
        rate.refused(reservation)
    # empty as of the first one's sending, the two sent after it still counted (no slot comes back)
    assert rate.requests.available() == pytest.approx(-2.0)
    assert rate.refusals == 3


async def test_a_retry_after_longer_than_the_drained_buckets_wait_holds_every_request_back():
    clock = FakeClock()
    rate = limiter(clock, rpm=60, tpm=None)
    assert set(rate.buckets) == {"requests"}  # tpm=None: requests only
    rate.refused(await rate.acquire(), retry_after_s=3.0)  # the server knows more than the buckets
    assert rate.requests.available() == pytest.approx(0.0)
    assert await rate.wait_if_needed() == pytest.approx(3.0)  # not the 1 s the refill would take
    for _ in range(2):  # the 3 s of the pause refilled 3 requests, as they refilled the server
        assert await rate.wait_if_needed() == 0
    assert await rate.wait_if_needed() == pytest.approx(1.0)


async def test_a_retry_after_that_agrees_with_the_drained_buckets_adds_no_pause():
    clock = FakeClock()
    rate = limiter(clock, rpm=120, tpm=None)  # one request every 0.5 s
    rate.refused(await rate.acquire(), retry_after_s=1.0)  # 0.5 s rounded up to whole seconds
    assert await rate.wait_if_needed() == pytest.approx(0.5)  # the buckets' own wait, nothing more
    assert await rate.wait_if_needed() == pytest.approx(0.5)


async def test_a_429_with_headers_takes_the_reported_levels_exactly_and_drains_the_rest():
    clock = FakeClock()
    rate = limiter(clock, rpm=60, tpm=60_000)
    refused = await rate.acquire(100, 0)
    rate.refused(
        refused,
        {
            "anthropic-ratelimit-requests-limit": "30",  # the account's limit, not the configured 60
            "anthropic-ratelimit-requests-remaining": "5",
        },
    )
    assert rate.requests.capacity == 30
    assert rate.requests.available() == pytest.approx(5.0)  # no allowance for rounding on a 429
    assert rate.buckets["tokens"].available() == pytest.approx(0.0)  # not reported: drained
    # a remaining count above what the client holds never raises the level
    rate.refused(await rate.acquire(0, 0), {"anthropic-ratelimit-requests-remaining": "20"})
    assert rate.requests.available() == pytest.approx(4.0)


async def test_waiters_are_served_in_arrival_order_one_refill_each():
    clock = FakeClock()
    rate = limiter(clock, rpm=1, tpm=1_000_000)
    order: list[int] = []

    async def request(i: int) -> None:
        await rate.wait_if_needed(1)
        order.append(i)

    await asyncio.gather(*(request(i) for i in range(5)))
    assert order == [0, 1, 2, 3, 4]
    assert clock.now == pytest.approx(240.0)  # one request a minute after the first
    assert len(clock.sleeps) == 4  # only the head of the queue sleeps: no herd wakes up to race


async def test_headers_lower_the_level_to_what_the_server_has_left():
    clock = FakeClock()
    rate = limiter(clock, rpm=600, tpm=1_000_000)
    rate.observe_headers(
        {"anthropic-ratelimit-requests-limit": "600", "anthropic-ratelimit-requests-remaining": "0"}
    )  # another process has used this minute
    free = 0
    while await rate.wait_if_needed() == 0:
        free += 1
    assert free == 7  # remaining 0, plus the allowance for rounding (1) and 1 % of the capacity (6)
    rate.observe_headers({"anthropic-ratelimit-requests-remaining": "590"})
    assert rate.requests.available() < 1  # a remaining count never raises the level


async def test_headers_set_the_limits_up_and_down_or_only_down():
    clock = FakeClock()
    follow = limiter(clock, rpm=50, tpm=40_000)
    follow.observe_headers(
        {"anthropic-ratelimit-requests-limit": "4000", "anthropic-ratelimit-tokens-limit": "96000"}
    )
    assert follow.requests.capacity == 4000 and follow.buckets["tokens"].capacity == 96_000
    ceiling = RateLimiter(50, 40_000, follow_header_limits=False, clock=clock, sleep=clock.sleep)
    ceiling.observe_headers({"anthropic-ratelimit-requests-limit": "4000"})
    assert ceiling.requests.capacity == 50
    ceiling.observe_headers({"anthropic-ratelimit-requests-limit": "20"})
    assert ceiling.requests.capacity == 20
    ceiling.observe_headers(
        {"anthropic-ratelimit-requests-limit": "garbage", "anthropic-ratelimit-tokens-remaining": "-3"}
    )
    assert ceiling.requests.capacity == 20 and ceiling.buckets["tokens"].available() == 40_000


async def test_pause_holds_every_request_back():
    clock = FakeClock()
    rate = limiter(clock, rpm=1000, tpm=1_000_000)
    rate.pause(2.5)
    assert await rate.wait_if_needed() == pytest.approx(2.5)
    assert await rate.wait_if_needed() == 0


async def test_the_spec_constructor_and_call():
    rate = RateLimiter(rpm=50, tpm=40000)
    assert await rate.wait_if_needed(estimated_tokens=1000) == 0.0
    assert set(rate.buckets) == {"requests", "tokens"}


def test_server_buckets_refuse_with_the_time_until_a_request_fits():
    clock = FakeClock()
    server = ServerRateLimits(rpm=60, itpm=None, otpm=600, clock=clock)
    assert server.admit(10, 600) == 0
    assert server.admit(10, 60) == pytest.approx(6.0)  # output minute used: 60 tokens at 10 per second
    headers = server.headers()
    assert headers["anthropic-ratelimit-output-tokens-remaining"] == "0"
    assert headers["anthropic-ratelimit-requests-remaining"] == "59"
    assert "anthropic-ratelimit-input-tokens-limit" not in headers
    assert headers["anthropic-ratelimit-requests-reset"].endswith("Z")
