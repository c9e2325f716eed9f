#!/usr/bin/env python3
"""Bursts of concurrent failed sign-ins against a running newsdesk, on loopback only.

Each burst is N sign-ins at once (default 150), each for a different unknown account from a
different loopback address (127.0.B.x), so neither the per-account nor the per-address throttle
stops them and every one reaches the password check (unknown accounts are checked against a
fixed hash, like known ones). Prints each burst's answers and time, and the server's peak and
current memory from /proc when given its PID.

    python3 bench/signin-burst.py http://127.0.0.1:PORT [BURSTS] [N] [PID]
"""
import http.client
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter

url = urllib.parse.urlparse(sys.argv[1])
assert url.hostname in ("127.0.0.1", "localhost"), "loopback only"
bursts = int(sys.argv[2]) if len(sys.argv) > 2 else 5
n = int(sys.argv[3]) if len(sys.argv) > 3 else 150
pid = sys.argv[4] if len(sys.argv) > 4 else None
origin = f"http://127.0.0.1:{url.port}"


def memory():
    if not pid:
        return ""
    status = open(f"/proc/{pid}/status").read()
    grab = lambda k: int(re.search(rf"{k}:\s+(\d+)", status).group(1)) // 1024
    return f"peak {grab('VmHWM')} MB, now {grab('VmRSS')} MB"


def attempt(results, burst, i):
    try:
        c = http.client.HTTPConnection("127.0.0.1", url.port, timeout=30, source_address=(f"127.0.{burst + 2}.{i % 250 + 1}", 0))
        c.request("GET", "/newsroom/login")
        r = c.getresponse()
        body = r.read().decode()
        cookie = (r.getheader("set-cookie") or "").split(";")[0]
        csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
        form = urllib.parse.urlencode({"csrf": csrf, "email": f"nobody{burst}-{i}@example.org", "password": f"wrong-{i}"})
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "Origin": origin}
        c.request("POST", "/newsroom/login", form, headers)
        r = c.getresponse()
        r.read()
        results.append(r.status)
        c.close()
    except Exception as e:  # noqa: BLE001 - every failure is counted, by its kind
        results.append(type(e).__name__)


print("before:", memory())
for burst in range(bursts):
    results = []
    threads = [threading.Thread(target=attempt, args=(results, burst, i)) for i in range(n)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"burst {burst + 1}: {dict(Counter(results))} in {time.time() - t0:.1f} s; {memory()}")
