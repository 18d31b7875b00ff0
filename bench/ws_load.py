#!/usr/bin/env python3
"""WebSocket echo for bench/run's row 12, both ends of it.

  ws_load.py serve PORT
      An echo server on 127.0.0.1:PORT: HTTP/1.1 upgrade to WebSocket (RFC 6455), every data frame
      sent back unmasked with its opcode; a close frame answered and the connection ended.
  ws_load.py load PORT SECONDS [--conns 50] [--procs 4] [--size 128] [--host bench.test] [--path /ws]
      TLS to 127.0.0.1:PORT (SNI and Host: --host), the upgrade on --path, then on each connection a
      masked text message of --size bytes and a wait for its echo, again and again for SECONDS.
      Prints {"messages": echoed, "per_second": rate, "connections": upgraded, "failed": failures}.
"""
import argparse
import asyncio
import base64
import hashlib
import json
import multiprocessing
import os
import ssl
import struct
import sys
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


async def read_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    return head.decode("latin-1")


async def read_frame(reader):
    first, second = await reader.readexactly(2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    mask = await reader.readexactly(4) if second & 0x80 else None
    payload = await reader.readexactly(length)
    if mask:
        key = int.from_bytes((mask * (length // 4 + 1))[:length], "big")
        payload = (int.from_bytes(payload, "big") ^ key).to_bytes(length, "big")
    return first & 0x0F, payload


def frame(opcode, payload, mask=None):
    length = len(payload)
    second = 0x80 if mask else 0
    if length < 126:
        head = bytes([0x80 | opcode, second | length])
    elif length < 65536:
        head = bytes([0x80 | opcode, second | 126]) + struct.pack("!H", length)
    else:
        head = bytes([0x80 | opcode, second | 127]) + struct.pack("!Q", length)
    if not mask:
        return head + payload
    key = int.from_bytes((mask * (length // 4 + 1))[:length], "big")
    return head + mask + (int.from_bytes(payload, "big") ^ key).to_bytes(length, "big")


async def echo(reader, writer):
    try:
        head = await read_head(reader)
        key = next(line.split(":", 1)[1].strip() for line in head.split("\r\n")
                   if line.lower().startswith("sec-websocket-key:"))
        accept = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()
        writer.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        while True:
            opcode, payload = await read_frame(reader)
            if opcode == 0x8:
                writer.write(frame(0x8, payload[:2]))
                break
            if opcode == 0x9:
                writer.write(frame(0xA, payload))
            elif opcode in (0x1, 0x2):
                writer.write(frame(opcode, payload))
    except (asyncio.IncompleteReadError, ConnectionError, StopIteration):
        pass
    finally:
        writer.close()


async def serve(port):
    server = await asyncio.start_server(echo, "127.0.0.1", port, reuse_port=True, backlog=1024)
    async with server:
        await server.serve_forever()


async def one_connection(port, host, path, size, deadline, counts):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context, server_hostname=host)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = await read_head(reader)
        if not head.startswith("HTTP/1.1 101"):
            counts["failed"] += 1
            writer.close()
            return
        counts["connections"] += 1
        message = b"x" * size
        request = frame(0x1, message, os.urandom(4))
        while time.monotonic() < deadline:
            writer.write(request)
            opcode, payload = await read_frame(reader)
            if opcode != 0x1 or payload != message:
                counts["failed"] += 1
                break
            counts["messages"] += 1
        writer.write(frame(0x8, struct.pack("!H", 1000), os.urandom(4)))
        await writer.drain()
        writer.close()
    except Exception:  # any failure is counted, so that the process always reports
        counts["failed"] += 1


def load_process(port, host, path, size, conns, seconds, results):
    counts = {"messages": 0, "connections": 0, "failed": 0}

    async def run():
        started = time.monotonic()
        await asyncio.gather(*(one_connection(port, host, path, size, started + seconds, counts) for _ in range(conns)))
        counts["seconds"] = time.monotonic() - started

    asyncio.run(run())
    results.put(counts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["serve", "load"])
    parser.add_argument("port", type=int)
    parser.add_argument("seconds", type=float, nargs="?", default=10)
    parser.add_argument("--conns", type=int, default=50)
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--host", default="bench.test")
    parser.add_argument("--path", default="/ws")
    args = parser.parse_args()
    if args.mode == "serve":
        asyncio.run(serve(args.port))
        return
    results = multiprocessing.Queue()
    per_process = [args.conns // args.procs + (1 if i < args.conns % args.procs else 0) for i in range(args.procs)]
    processes = [multiprocessing.Process(target=load_process, args=(args.port, args.host, args.path, args.size, n,
                                                                   args.seconds, results)) for n in per_process]
    for process in processes:
        process.start()
    total = {"messages": 0, "connections": 0, "failed": 0}
    elapsed = []
    for process in processes:
        try:
            counts = results.get(timeout=args.seconds + 60)
        except Exception:  # a process that died without reporting
            total["failed"] += 1
            continue
        elapsed.append(counts.pop("seconds"))
        for key, value in counts.items():
            total[key] += value
    for process in processes:
        process.join(timeout=10)
    total["per_second"] = round(total["messages"] / max(elapsed or [args.seconds]), 1)
    json.dump(total, sys.stdout)
    print()


if __name__ == "__main__":
    main()
