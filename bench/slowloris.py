#!/usr/bin/env python3
"""Slowloris against a running newsdesk, on 127.0.0.1 only, stopping by itself.

N slow connections (default 500), spread over loopback source addresses 127.0.0.10 and up
(at most 63 from each, under the per-address cap), each sends half a request and then one
header line every 5 s; a connection the server closes is opened again at once, as an attacker
would. Meanwhile a reader on 127.0.0.1 asks for PATHS in turn, ten times a second. After
SECONDS (default 60) it prints, as JSON: the slow connections held open (mean and max over the
run), how many times the server closed one, and the reader's request count, failures, p50, p99
and max in milliseconds.

    python3 bench/slowloris.py http://127.0.0.1:PORT [N] [SECONDS] [PATH ...]
"""
import http.client
import json
import socket
import sys
import threading
import time
import urllib.parse

url = urllib.parse.urlparse(sys.argv[1])
assert url.hostname in ("127.0.0.1", "localhost"), "loopback only"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
paths = sys.argv[4:] or ["/"]
port = url.port
end = time.time() + seconds


def source(i):
    return (f"127.0.0.{10 + i // 63}", 0)


def open_slow(i):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(source(i))
    s.settimeout(2)
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    s.setblocking(False)
    return s


def closed(s):
    try:
        data = s.recv(1024, socket.MSG_PEEK)
        return data == b"" or data.startswith(b"HTTP/")
    except BlockingIOError:
        return False
    except OSError:
        return True


slow = [None] * n
closes = 0
held = []
latencies = []
failures = 0


def reader():
    global failures
    i = 0
    while time.time() < end:
        path = paths[i % len(paths)]
        i += 1
        t0 = time.time()
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            if r.status != 200:
                failures += 1
        except OSError:
            failures += 1
        latencies.append((time.time() - t0) * 1000)
        time.sleep(max(0, 0.1 - (time.time() - t0)))


t = threading.Thread(target=reader)
t.start()
last_line = 0.0
while time.time() < end:
    now = time.time()
    send_line = now - last_line >= 5
    if send_line:
        last_line = now
    for i in range(n):
        s = slow[i]
        if s is not None and closed(s):
            s.close()
            slow[i] = s = None
            closes += 1
        if s is None:
            try:
                slow[i] = open_slow(i)
            except OSError:
                slow[i] = None
            continue
        if send_line:
            try:
                s.send(b"X-Slow: 1\r\n")
            except OSError:
                pass
    held.append(sum(1 for s in slow if s is not None and not closed(s)))
    time.sleep(0.5)
t.join()
for s in slow:
    if s is not None:
        s.close()
latencies.sort()


def pct(p):
    return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 1) if latencies else None


print(json.dumps({
    "slow_connections": n, "seconds": seconds,
    "held_mean": round(sum(held) / len(held), 1) if held else 0, "held_max": max(held or [0]),
    "closed_by_server": closes,
    "reader_requests": len(latencies), "reader_failures": failures,
    "reader_p50_ms": pct(0.5), "reader_p99_ms": pct(0.99), "reader_max_ms": pct(1.0),
}))
