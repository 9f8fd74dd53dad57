"""Self-checks of lesson 07: right answers in several styles pass, plausible wrong ones fail with the real reason."""

import asyncio

import pytest

from helpers import checks

# `bare_coroutines` passes coroutines to asyncio.wait, which refuses them: they are never awaited,
# and Python says so when they are collected, during whichever test comes next.
pytestmark = pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")

# --- exercise 1: first answer wins -------------------------------------------------------------


async def first_with_wait(urls, client):
    tasks = [asyncio.create_task(client.get(url)) for url in urls]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return len(done.pop().result().content)


async def first_with_as_completed(urls, client):
    tasks = [asyncio.create_task(client.get(url)) for url in urls]
    try:
        for arriving in asyncio.as_completed(tasks):
            response = await arriving
            return int(response.headers["content-length"])
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)


async def first_with_a_queue(urls, client):
    arrived = asyncio.Queue()

    async def one(url):
        await arrived.put(await client.get(url))

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(url)) for url in urls]
        response = await arrived.get()
        for task in tasks:
            task.cancel()  # the group waits for them when the block ends
    return len(response.content)


async def all_of_them(urls, client):
    responses = await asyncio.gather(*(client.get(url) for url in urls))
    return len(responses[1].content)


async def cancelled_but_not_awaited(urls, client):
    tasks = [asyncio.create_task(client.get(url)) for url in urls]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return len(done.pop().result().content)


async def never_cancelled(urls, client):
    tasks = [asyncio.create_task(client.get(url)) for url in urls]
    done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    return len(done.pop().result().content)


async def first_in_list_order(urls, client):
    return len((await client.get(urls[0])).content)


async def bare_coroutines(urls, client):
    done, _pending = await asyncio.wait([client.get(url) for url in urls], return_when=asyncio.FIRST_COMPLETED)
    return len(done.pop().result().content)


async def the_response_itself(urls, client):
    tasks = [asyncio.create_task(client.get(url)) for url in urls]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return done.pop().result()


@pytest.mark.parametrize("answer", [first_with_wait, first_with_as_completed, first_with_a_queue])
def test_first_response_passes_right_answers_in_any_style(answer):
    assert asyncio.run(checks.check_first_response(answer))


@pytest.mark.parametrize(("answer", "hint"), [
    (all_of_them, "waited for the slow requests"),
    (cancelled_but_not_awaited, "await them too"),
    (never_cancelled, "still running"),
    (first_in_list_order, "first response to arrive,"),
    (bare_coroutines, "create_task"),
    (the_response_itself, "len(response.content)"),
])
def test_first_response_fails_wrong_answers_naming_the_mistake(answer, hint):
    said = asyncio.run(checks.check_first_response(answer))
    assert not said
    assert hint in repr(said)


# --- exercise 2: a deadline for the whole batch ----------------------------------------------


async def within_timeout(urls, client, seconds):
    try:
        async with asyncio.timeout(seconds):
            responses = await asyncio.gather(*(client.get(url) for url in urls))
    except TimeoutError:
        return None
    return [len(r.content) for r in responses]


async def within_wait_for(urls, client, seconds):
    async def every_length():
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(client.get(url)) for url in urls]
        return [len(task.result().content) for task in tasks]

    try:
        return await asyncio.wait_for(every_length(), seconds)
    except TimeoutError:
        return None


async def no_deadline(urls, client, seconds):
    responses = await asyncio.gather(*(client.get(url) for url in urls))
    return [len(r.content) for r in responses]


async def one_at_a_time(urls, client, seconds):
    try:
        async with asyncio.timeout(seconds):
            return [len((await client.get(url)).content) for url in urls]
    except TimeoutError:
        return None


async def deadline_per_request_in_turn(urls, client, seconds):
    try:
        return [len((await asyncio.wait_for(client.get(url), seconds)).content) for url in urls]
    except TimeoutError:
        return None


async def gives_up_but_leaves_them_running(urls, client, seconds):
    tasks = [asyncio.create_task(client.get(url)) for url in urls]
    _done, pending = await asyncio.wait(tasks, timeout=seconds)
    if pending:
        return None
    return [len(task.result().content) for task in tasks]


async def in_arrival_order(urls, client, seconds):
    lengths = []

    async def fetch(url):
        response = await client.get(url)
        lengths.append(len(response.content))

    try:
        async with asyncio.timeout(seconds), asyncio.TaskGroup() as group:
            for url in urls:
                group.create_task(fetch(url))
    except TimeoutError:
        return None
    return lengths


@pytest.mark.parametrize("answer", [within_timeout, within_wait_for])
def test_batch_deadline_passes_right_answers_in_any_style(answer):
    assert asyncio.run(checks.check_batch_deadline(answer))


@pytest.mark.parametrize(("answer", "hint"), [
    (no_deadline, "expected None"),
    (one_at_a_time, "one request at a time"),
    (deadline_per_request_in_turn, "whole batch"),
    (gives_up_but_leaves_them_running, "still running"),
    (in_arrival_order, "url order"),
])
def test_batch_deadline_fails_wrong_answers_naming_the_mistake(answer, hint):
    said = asyncio.run(checks.check_batch_deadline(answer))
    assert not said
    assert hint in repr(said)


# --- whatever they are given, the checks answer and never raise ------------------------------


def not_async(urls, client, *rest):
    return 42


async def raises(urls, client, *rest):
    raise KeyError("oops")


async def swallowed_cancel(urls, client, *rest):
    task = asyncio.create_task(asyncio.sleep(5))
    task.cancel()
    await task


@pytest.mark.parametrize("check", [checks.check_first_response, checks.check_batch_deadline])
@pytest.mark.parametrize("answer", [None, 42, not_async, raises, swallowed_cancel])
def test_checks_never_raise(check, answer):
    said = asyncio.run(check(answer))
    assert not said
    assert repr(said).startswith("❌")


async def unwritten(urls, client, *rest):
    ...


@pytest.mark.parametrize("check", [checks.check_first_response, checks.check_batch_deadline])
def test_an_unwritten_answer_is_told_to_make_requests(check):
    assert "made no request" in repr(asyncio.run(check(unwritten)))
