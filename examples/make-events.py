#!/usr/bin/env python3
"""Writes examples/events.ndjson: 400 web-shop events, deterministic (seeded).

Usage: examples/make-events.py [N] > examples/events.ndjson
The records mix what real event logs hold: timestamps, repeated strings (good for
dictionaries), integers that grow (good for delta), decimals, absent vs null keys,
nested objects and arrays.
"""
import json
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
rng = random.Random(20250314)
events = ["page_view"] * 6 + ["search"] * 2 + ["add_to_cart", "checkout", "login", "logout"]
paths = ["/", "/products", "/products/1842", "/products/977", "/cart", "/checkout", "/account", "/search"]
browsers = [("Firefox", "Linux"), ("Chrome", "Windows"), ("Safari", "macOS"), ("Chrome", "Android"), ("Safari", "iOS")]
countries = ["DE", "FR", "US", "JP", "BR", "NL", "IN"]
queries = ["usb-c cable", "desk lamp", "running shoes", "coffee grinder", "notebook a5", "wool socks"]
users = [f"u_{1000 + i}" for i in range(37)]
sessions = {}
t = 1741943523.0  # 2025-03-14T09:12:03Z
seq = 880000
for i in range(n):
    t += rng.expovariate(1 / 2.5)
    seq += 1
    user = rng.choice(users)
    session = sessions.setdefault(user, "s_%08x" % rng.getrandbits(32))
    event = rng.choice(events)
    browser, os_name = rng.choice(browsers)
    ms = int((t % 1) * 1000)
    stamp = "2025-03-14T%02d:%02d:%02d.%03dZ" % (int(t // 3600) % 24, int(t // 60) % 60, int(t) % 60, ms)
    r = {"ts": stamp, "seq": seq, "event": event, "user": user, "session": session}
    if event in ("page_view", "search", "add_to_cart", "checkout"):
        r["path"] = "/search" if event == "search" else rng.choice(paths)
        r["status"] = rng.choices([200, 304, 404, 500], [90, 6, 3, 1])[0]
        r["latency_ms"] = round(rng.lognormvariate(3.3, 0.6), 1)
    if event == "search":
        r["query"] = rng.choice(queries)
        r["results"] = rng.randint(0, 240)
    if event in ("add_to_cart", "checkout"):
        items = [{"sku": "SKU-%04d" % rng.randint(1, 60), "qty": rng.randint(1, 3),
                  "price": round(rng.uniform(3, 120), 2)} for _ in range(rng.randint(1, 3))]
        r["items"] = items
        r["total"] = round(sum(x["qty"] * x["price"] for x in items), 2)
    if event == "checkout":
        r["coupon"] = rng.choice([None, None, "SPRING10", "FREESHIP"])
    r["client"] = {"browser": browser, "os": os_name, "mobile": os_name in ("Android", "iOS")}
    r["geo"] = {"country": rng.choice(countries)}
    r["referrer"] = rng.choice([None, None, "https://www.example.org/", "https://news.example.com/deals"])
    if rng.random() < 0.1:
        r["flags"] = rng.sample(["beta", "ab_test_b", "returning", "newsletter"], rng.randint(1, 2))
    print(json.dumps(r, separators=(",", ":")))
