#!/usr/bin/env python3
"""Row 11: how soon a freshly started proxy serves, and how soon it serves at full speed.

    cold_start.py PORT SECONDS [--sni NAME] -- COMMAND...

Starts COMMAND (the proxy, pinned by the caller), then from this process (pinned by the caller to
another CPU): a new TLS connection with one HTTPS request every 2 ms until one is answered 200 (the
time from the process start is the first figure), then wrk over HTTP/1.1 keep-alive (50 connections)
for SECONDS, counting the answers per 100 ms of when they arrived (cold_start.lua); the steady rate is the median of the second half of the run, and the second figure
is the first 100 ms from which the rate is at least 90 % of it, in that interval and on average over
the second that follows. Stops COMMAND and prints one JSON object.
"""
import json
import os
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

BUCKET = 0.1


CLIENT = ssl.create_default_context()
CLIENT.check_hostname = False
CLIENT.verify_mode = ssl.CERT_NONE


def answered(port, sni):
    context = CLIENT
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as raw:
            with context.wrap_socket(raw, server_hostname=sni) as tls:
                tls.sendall(f"GET / HTTP/1.1\r\nHost: {sni}\r\nConnection: close\r\n\r\n".encode())
                return tls.recv(12) == b"HTTP/1.1 200"
    except OSError:
        return False


def cpu_seconds(pid):
    """User and system CPU time of a process so far: on a busy machine, what starting cost it."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    separator = sys.argv.index("--")
    options, command = sys.argv[1:separator], sys.argv[separator + 1:]
    port, seconds = int(options[0]), int(options[1])
    sni = options[options.index("--sni") + 1] if "--sni" in options else "bench.test"
    log = tempfile.NamedTemporaryFile(prefix="cold-start-", suffix=".log", delete=False).name  # the proxy's output
    output = open(log + ".proxy", "w")
    started = time.time()
    proxy = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        first = None
        while time.time() - started < 60 and proxy.poll() is None:
            if answered(port, sni):
                first = time.time() - started
                first_cpu = cpu_seconds(proxy.pid)
                break
            time.sleep(0.002)
        if first is None:
            output.flush()
            print(json.dumps({"error": "no answer within 60 s", "exit": proxy.poll(),
                              "output": open(log + ".proxy").read()[-800:]}))
            return
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cold_start.lua")
        load = subprocess.run(["wrk", "-t1", "-c50", f"-d{seconds}s", "-s", script, "-H", f"Host: {sni}",
                               f"https://127.0.0.1:{port}/"], capture_output=True, text=True)
        buckets = {}
        for line in load.stdout.splitlines():
            fields = line.split()
            if len(fields) == 2 and fields[0].isdigit():
                buckets[int(fields[0]) - int(started * 10)] = int(fields[1])
        if not buckets:
            print(json.dumps({"error": "no request answered under load", "wrk": (load.stdout + load.stderr)[-500:]}))
            return
        begin, end = min(buckets), max(buckets)
        rates = [buckets.get(i, 0) / BUCKET for i in range(begin, end)]  # the last interval is partial
        steady = statistics.median(rates[len(rates) // 2:])
        window = int(1 / BUCKET)
        reached = None
        for i, rate in enumerate(rates):
            ahead = rates[i:i + window]
            if rate >= 0.9 * steady and sum(ahead) / len(ahead) >= 0.9 * steady:
                reached = (begin + i + 1) * BUCKET  # the end of that interval
                break
        print(json.dumps({"first_ms": round(first * 1000), "first_cpu_ms": round(first_cpu * 1000), "ninety_ms": round(reached * 1000) if reached else None,
                          "steady_per_s": round(steady), "load_started_ms": round(begin * BUCKET * 1000)}))
    finally:
        proxy.send_signal(signal.SIGKILL)
        proxy.wait()
        output.close()
        for name in (log, log + ".proxy"):
            if os.path.exists(name):
                os.unlink(name)


if __name__ == "__main__":
    main()
