#!/usr/bin/env python3
"""A live poll with N participants for `make bench` (issue #4): does each vote reach the
projector view in under a second?

One projector, signed in as an organiser, holds the WebSocket of the event and behaves as
Public/live.js does: on a message it fetches its results (one fetch in flight at most, at most
one every 250 ms). N participants, each with a cookie of their own (no account), open the
participation page, then all vote within SPREAD seconds (each at a random moment, one
connection each).

For each vote, its delay is measured from the moment its POST was sent to the end of the first
projector fetch that started after the vote was acknowledged, so it surely shows the vote (an
upper bound of what a person in the room sees). The last fetch must show every vote.

usage: livepoll.py HOST PORT CODE PROJECTOR_PATH SESSION_COOKIE N [SPREAD]
prints: key=value pairs (participants, votes_ok, statuses, shown, median_ms, p99_ms, max_ms, fetches)
"""
import asyncio
import base64
import collections
import os
import random
import re
import sys
import time

THROTTLE = 0.25  # seconds between two projector fetches, as in Public/live.js


async def http(host, port, method, path, cookie="", body=b""):
    """One request on its own connection: (status, headers as a list of (name, value), body)."""
    reader, writer = await asyncio.open_connection(host, port)
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    if body:
        head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    header_block, _, content = raw.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
    if any(name.lower() == "transfer-encoding" and "chunked" in value.lower() for name, value in headers):
        content = dechunk(content)
    return status, headers, content.decode("utf-8", "replace")


def dechunk(data):
    out, rest = b"", data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2:]
    return out


def cookies_from(headers):
    return {value.split("=", 1)[0]: value.split(";", 1)[0].split("=", 1)[1]
            for name, value in headers if name.lower() == "set-cookie"}


def total_votes(html):
    """The vote count of the first open poll on the projector ("Réponses (12 votes)")."""
    match = re.search(r"\((\d+) votes?\)", html)
    return int(match.group(1)) if match else -1


class Projector:
    def __init__(self, host, port, code, path, session):
        self.host, self.port, self.code, self.path, self.session = host, port, code, path, session
        self.fetches = []  # (started, ended, total shown)
        self.busy = False
        self.again = False
        self.timer = None
        self.last = 0.0

    async def fetch(self):
        self.busy = True
        self.last = started = time.monotonic()
        _, _, html = await http(self.host, self.port, "GET", self.path, f"agora_session={self.session}")
        self.fetches.append((started, time.monotonic(), total_votes(html)))
        self.busy = False
        if self.again:
            self.again = False
            self.soon()

    def soon(self):
        if self.busy:
            self.again = True
            return
        if self.timer and not self.timer.done():
            return
        wait = max(0.0, self.last + THROTTLE - time.monotonic())

        async def later():
            await asyncio.sleep(wait)
            await self.fetch()
        self.timer = asyncio.ensure_future(later())

    async def listen(self, ready):
        reader, writer = await asyncio.open_connection(self.host, self.port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET /direct/{self.code}/ws HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        await writer.drain()
        status = await reader.readline()
        if b" 101 " not in status:
            raise SystemExit(f"the projector's WebSocket was refused: {status!r}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        ready.set_result(True)
        self.writer = writer
        while True:  # server frames are not masked
            first = await reader.readexactly(2)
            length = first[1] & 0x7F
            if length == 126:
                length = int.from_bytes(await reader.readexactly(2), "big")
            elif length == 127:
                length = int.from_bytes(await reader.readexactly(8), "big")
            await reader.readexactly(length)
            if first[0] & 0x0F == 0x8:  # close
                return
            self.soon()


async def join(host, port, code):
    """A participant opens the page: their own cookie, the CSRF pair and the poll's form."""
    status, headers, html = await http(host, port, "GET", f"/participer/{code}")
    if status != 200:
        raise SystemExit(f"the participation page answered {status}")
    cookies = cookies_from(headers)
    token = re.search(r'name="_csrf" value="([^"]*)"', html).group(1)
    action = re.search(r'action="(/participer/[^"]+/\d+)"', html).group(1)
    choices = [re.search(r'value="(\d+)"', tag).group(1) for tag in re.findall(r'<input[^>]*name="choice"[^>]*>', html)]
    if not choices:
        raise SystemExit("the participation page shows no open single-choice poll")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return cookie, token, action, choices


async def main():
    host, port, code, path, session, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
    spread = float(sys.argv[7]) if len(sys.argv) > 7 else 5.0
    rng = random.Random(2026)
    projector = Projector(host, port, code, path, session)
    ready = asyncio.get_running_loop().create_future()
    listening = asyncio.ensure_future(projector.listen(ready))
    await ready
    await projector.fetch()
    base = projector.fetches[-1][2]
    if base < 0:
        raise SystemExit("the projector shows no open poll")

    gate = asyncio.Semaphore(50)

    async def joined():
        async with gate:
            return await join(host, port, code)
    participants = await asyncio.gather(*[joined() for _ in range(n)])

    start = time.monotonic()
    votes = []  # (sent, acknowledged, status)

    async def vote(participant):
        cookie, token, action, choices = participant
        await asyncio.sleep(rng.uniform(0, spread))
        sent = time.monotonic()
        body = f"_csrf={token}&choice={rng.choice(choices)}".encode()
        status, _, _ = await http(host, port, "POST", action, cookie, body)
        votes.append((sent, time.monotonic(), status))
    await asyncio.gather(*[vote(p) for p in participants])

    # Let the projector catch up (its last fetch follows the last message), then stop.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and (projector.busy or (projector.timer and not projector.timer.done())
                                           or projector.fetches[-1][0] < max(v[1] for v in votes)):
        await asyncio.sleep(0.05)
    listening.cancel()

    delays = []
    for sent, acknowledged, status in votes:
        if status != 303:
            continue
        shown_at = next((ended for started, ended, _ in projector.fetches if started >= acknowledged), None)
        delays.append((shown_at - sent) if shown_at else float("inf"))
    delays.sort()
    statuses = collections.Counter(status for _, _, status in votes)

    def pct(p):
        return delays[min(len(delays) - 1, int(p * len(delays)))] * 1000 if delays else float("inf")
    shown = projector.fetches[-1][2] - base
    print(f"participants={n} votes_ok={statuses.get(303, 0)} statuses={','.join(f'{k}:{v}' for k, v in sorted(statuses.items()))} "
          f"shown={shown} median_ms={pct(0.5):.0f} p99_ms={pct(0.99):.0f} max_ms={(delays[-1] * 1000 if delays else float('inf')):.0f} "
          f"fetches={len(projector.fetches)} seconds={time.monotonic() - start:.1f}")


asyncio.run(main())
