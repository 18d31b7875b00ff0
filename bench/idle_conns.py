#!/usr/bin/env python3
"""Opens N TLS 1.3 connections (handshake done, no request) from several processes and holds them.

  idle_conns.py PORT N [--procs P]

Prints "ready <opened>" once every connection is open (or failed), then holds them until its
standard input closes.
"""
import argparse, multiprocessing, resource, socket, ssl, sys


def opener(port, count, ready, release):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    held = []
    for _ in range(count):
        try:
            raw = socket.create_connection(("127.0.0.1", port), timeout=10)
            held.append(context.wrap_socket(raw, server_hostname="bench.test"))
        except (OSError, ssl.SSLError):
            pass
    ready.put(len(held))
    release.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("n", type=int)
    parser.add_argument("--procs", type=int, default=4)
    args = parser.parse_args()
    ready, release = multiprocessing.Queue(), multiprocessing.Event()
    share = [args.n // args.procs + (1 if i < args.n % args.procs else 0) for i in range(args.procs)]
    procs = [multiprocessing.Process(target=opener, args=(args.port, k, ready, release)) for k in share]
    for p in procs:
        p.start()
    opened = sum(ready.get() for _ in procs)
    print(f"ready {opened}", flush=True)
    sys.stdin.read()
    release.set()
    for p in procs:
        p.join()


if __name__ == "__main__":
    main()
