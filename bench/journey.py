"""The opening rush as one visitor lives it, for `make bench`: home → program → an item → the
sign-up form → the sign-up POST → the thanks page → the management page from the link. wrk
cannot carry one visitor's cookie, token and link from one request to the next, so this is a
small threaded driver (one thread and one keep-alive connection per virtual visitor).

    python bench/journey.py BASE_URL ITEM_SLUG DAY_ID ITEM_ID CONNECTIONS WARMUP_S DURATION_S

Prints one JSON line: complete journeys per second over the measured seconds (journeys begun in
the warm-up are left out), the median and p99 of each step, and every unexpected answer."""

import gzip
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse
import uuid

STEPS = ("home", "program", "item", "form", "sign-up", "thanks", "manage")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class Visitor(threading.Thread):
    def __init__(self, driver: "Driver"):
        super().__init__(daemon=True)
        self.driver = driver
        self.connection = http.client.HTTPConnection(driver.host, driver.port, timeout=10)

    def request(self, step: str, method: str, path: str, expect: int, *, body=None, headers=None):
        started = time.monotonic()
        try:
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            raise Failed(f"{step}: {type(error).__name__}") from error
        if started >= self.driver.measured_from:  # the warm-up's requests are left out
            self.driver.timings[step].append(time.monotonic() - started)
        if response.status != expect:
            raise Failed(f"{step}: {response.status}")
        if response.getheader("Content-Encoding") == "gzip":  # as a browser unpacks it
            content = gzip.decompress(content)
        return response, content.decode()

    def journey(self) -> None:
        d = self.driver
        language = {"Cookie": "django_language=pl", "Accept-Encoding": "gzip, deflate, br"}  # a browser
        self.request("home", "GET", "/", 200, headers=language)
        self.request("program", "GET", "/program/", 200, headers=language)
        self.request("item", "GET", f"/program/{d.slug}/", 200, headers=language)
        response, page = self.request("form", "GET", "/registration/", 200, headers=language)
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
        key = str(uuid.uuid4())
        form = {
            "csrfmiddlewaretoken": TOKEN.search(page).group(1),
            "first_name": "Bench",
            "last_name": "Journey",
            "email": f"j{key}@example.com",
            "town": "Kraków",
            "voivodeship": "lesser_poland",
            "organisation_type": "ngo",
            "accept_terms": "on",
            "submission_key": key,
            "days": d.day,
            "items": d.item,
        }
        response, _ = self.request(
            "sign-up",
            "POST",
            "/registration/",
            302,
            body=urllib.parse.urlencode(form),
            headers={
                "Cookie": f"csrftoken={cookie}; django_language=pl",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        thanks = urllib.parse.urlsplit(response.getheader("Location")).path
        if "/thanks/" not in thanks:
            raise Failed(f"sign-up: redirected to {thanks}")
        self.request("thanks", "GET", thanks, 200, headers=language)
        # The confirmation mail's link: the same person's management page.
        self.request("manage", "GET", thanks.replace("/thanks/", "/manage/"), 200, headers=language)

    def run(self) -> None:
        d = self.driver
        while time.monotonic() < d.ends:
            started = time.monotonic()
            try:
                self.journey()
            except Failed as failure:
                with d.lock:
                    d.errors.append(str(failure))
                continue
            if started >= d.measured_from and time.monotonic() <= d.ends:
                with d.lock:
                    d.journeys += 1


class Failed(Exception):
    pass


class Driver:
    def __init__(self, base: str, slug: str, day: str, item: str):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.slug, self.day, self.item = slug, day, item
        self.timings: dict[str, list[float]] = {step: [] for step in STEPS}
        self.errors: list[str] = []
        self.journeys = 0
        self.lock = threading.Lock()

    def drive(self, connections: int, warmup: float, duration: float) -> dict:
        self.measured_from = time.monotonic() + warmup
        self.ends = self.measured_from + duration
        visitors = [Visitor(self) for _ in range(connections)]
        for visitor in visitors:
            visitor.start()
        for visitor in visitors:
            visitor.join()
        return {
            "journeys": self.journeys,
            "seconds": duration,
            "rps": round(self.journeys / duration, 2),
            "errors": len(self.errors),
            "error_kinds": sorted(set(self.errors))[:10],
            "steps": {
                step: {
                    "requests": len(times),
                    "p50_ms": round(percentile(times, 0.50) * 1000, 1),
                    "p99_ms": round(percentile(times, 0.99) * 1000, 1),
                }
                for step, times in self.timings.items()
            },
        }


if __name__ == "__main__":
    base, slug, day, item, connections, warmup, duration = sys.argv[1:8]
    result = Driver(base, slug, day, item).drive(int(connections), float(warmup), float(duration))
    print("JSON " + json.dumps(result))
