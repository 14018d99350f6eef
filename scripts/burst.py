#!/usr/bin/env python3
"""A burst of registrations for `make bench` (issue #4): N POSTs sent at once, each on its own
connection, every response awaited. Prints: sent, the seconds it took to send them all, the
count per HTTP status, and the seconds until the last response.

usage: burst.py HOST PORT PATH COOKIE CSRF N
"""
import asyncio
import collections
import sys
import time


async def one(host, port, path, cookie, body, sent):
    reader, writer = await asyncio.open_connection(host, port)
    payload = body.encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(payload)}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n")
    writer.write(head.encode() + payload)
    await writer.drain()
    sent.append(time.monotonic())
    line = await reader.readline()
    await reader.read()
    writer.close()
    return int(line.split()[1]) if line else 0


async def main():
    host, port, path, cookie, csrf, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
    sent = []
    start = time.monotonic()
    tasks = [one(host, port, path, cookie, f"_csrf={csrf}&name=Rafale+{i}&phone=0612345678", sent) for i in range(n)]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    end = time.monotonic()
    counts = collections.Counter(r if isinstance(r, int) else type(r).__name__ for r in results)
    print(f"sent={len(sent)} send_seconds={max(sent) - start if sent else 0:.2f} total_seconds={end - start:.2f} "
          + " ".join(f"status_{k}={v}" for k, v in sorted(counts.items(), key=str)))


asyncio.run(main())
