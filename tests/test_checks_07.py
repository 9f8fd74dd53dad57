"""Self-checks of lesson 07."""

from helpers import checks


def test_lesson_07_checks():
    import asyncio

    async def first(urls, client):
        tasks = [asyncio.create_task(client.get(url)) for url in urls]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        return len(done.pop().result().content)

    async def all_of_them(urls, client):
        responses = await asyncio.gather(*(client.get(url) for url in urls))
        return len(responses[1].content)

    async def within(urls, client, seconds):
        try:
            async with asyncio.timeout(seconds):
                responses = await asyncio.gather(*(client.get(url) for url in urls))
        except TimeoutError:
            return None
        return [len(r.content) for r in responses]

    async def no_deadline(urls, client, seconds):
        responses = await asyncio.gather(*(client.get(url) for url in urls))
        return [len(r.content) for r in responses]

    assert asyncio.run(checks.check_first_response(first))
    assert not asyncio.run(checks.check_first_response(all_of_them))
    assert asyncio.run(checks.check_batch_deadline(within))
    assert not asyncio.run(checks.check_batch_deadline(no_deadline))


