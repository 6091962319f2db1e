"""The robots.txt cache: one fetch per site, the RFC 9309 status rules, expiry."""

from __future__ import annotations

import threading

import pytest

from newsdesk.pipeline.robots import RobotsAnswer, RobotsCache

RULES = "User-agent: *\nDisallow: /private/\nAllow: /private/ok\n\nUser-agent: greedybot\nDisallow: /\n"


class Site:
    """A stand-in for the network that answers robots.txt requests and counts them."""

    def __init__(self, answer: RobotsAnswer) -> None:
        self.answer = answer
        self.requests: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, url: str) -> RobotsAnswer:
        with self._lock:
            self.requests.append(url)
        return self.answer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rules_are_applied_for_our_agent() -> None:
    site = Site(RobotsAnswer(200, RULES))
    cache = RobotsCache(site, user_agent="newsdesk/1.0 (+https://example.org)")
    assert not cache.allowed("https://news.example/private/story")
    assert cache.allowed("https://news.example/private/ok")
    assert cache.allowed("https://news.example/world/story")
    assert site.requests == ["https://news.example/robots.txt"]
    assert not RobotsCache(site, user_agent="greedybot/2").allowed("https://news.example/world/story")


def test_the_most_specific_rule_wins_whatever_its_order() -> None:
    rules = "User-agent: *\nAllow: /\nDisallow: /private/\nAllow: /private/press/\n"
    cache = RobotsCache(Site(RobotsAnswer(200, rules)), user_agent="newsdesk")
    assert cache.allowed("https://news.example/world")
    assert not cache.allowed("https://news.example/private/memo")
    assert cache.allowed("https://news.example/private/press/release")


def test_one_fetch_per_site_and_per_hour() -> None:
    site, clock = Site(RobotsAnswer(200, RULES)), Clock()
    cache = RobotsCache(site, user_agent="newsdesk", clock=clock)
    for path in ("/a", "/b", "/private/c"):
        cache.allowed(f"https://news.example{path}")
    cache.allowed("https://other.example/a")
    cache.allowed("http://news.example/a")  # another scheme is another site
    assert len(site.requests) == 3
    clock.now += 3599
    cache.allowed("https://news.example/a")
    assert len(site.requests) == 3
    clock.now += 2
    cache.allowed("https://news.example/a")
    assert len(site.requests) == 4


@pytest.mark.parametrize(
    ("status", "refetch_after_s"), [(404, 3600), (401, 3600), (500, 300), (429, 300), (None, 300)]
)
def test_missing_allows_for_an_hour_and_broken_allows_briefly(
    status: int | None, refetch_after_s: float
) -> None:
    site, clock = Site(RobotsAnswer(status, "User-agent: *\nDisallow: /\n")), Clock()
    cache = RobotsCache(site, user_agent="newsdesk", clock=clock)
    assert cache.allowed("https://news.example/story")
    clock.now += refetch_after_s - 1
    cache.allowed("https://news.example/story")
    assert len(site.requests) == 1
    clock.now += 2
    cache.allowed("https://news.example/story")
    assert len(site.requests) == 2


def test_site_that_comes_back_with_rules_is_honoured() -> None:
    site, clock = Site(RobotsAnswer(503, "")), Clock()
    cache = RobotsCache(site, user_agent="newsdesk", clock=clock)
    assert cache.allowed("https://news.example/private/x")
    site.answer = RobotsAnswer(200, RULES)
    clock.now += 301
    assert not cache.allowed("https://news.example/private/x")


def test_concurrent_first_requests_fetch_once() -> None:
    gate = threading.Event()

    class SlowSite(Site):
        def __call__(self, url: str) -> RobotsAnswer:
            gate.wait(2)
            return super().__call__(url)

    site = SlowSite(RobotsAnswer(200, RULES))
    cache = RobotsCache(site, user_agent="newsdesk")
    answers: list[bool] = []
    threads = [
        threading.Thread(target=lambda: answers.append(cache.allowed("https://news.example/private/x")))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert answers == [False] * 5 and len(site.requests) == 1


def test_garbage_robots_txt_allows_everything() -> None:
    cache = RobotsCache(
        Site(RobotsAnswer(200, "\x00\xff<html>not robots</html>\n" * 50)), user_agent="newsdesk"
    )
    assert cache.allowed("https://news.example/story")
