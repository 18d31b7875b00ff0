#!/usr/bin/env python3
"""Opens TLS 1.3 connections one after another from several processes, one request on each.

  tls_load.py PORT SECONDS [--procs N] [--resume] [--sni NAME | --sni-file FILE [--each-name-once]]
              [--cert FILE --key FILE]

--resume offers each process's last session ticket (resumed handshakes); --sni-file picks a
random server name from FILE for every connection, or, with --each-name-once, connects once to
every name of FILE and stops; --cert and --key present a client certificate
(--cert DIR: a random one of DIR's *.crt files, all for the one key, on every connection).
Prints one JSON line: connections, their rate, the fraction that resumed, the connections that
failed and those answered other than 200.
"""
import argparse, glob, json, multiprocessing, os, random, socket, ssl, time


def client_context(args, certs):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    if certs:
        context.load_cert_chain(random.choice(certs), args.key)
    return context


def chosen_names(names, deadline):
    """A random name per connection until the deadline."""
    while time.monotonic() < deadline:
        yield random.choice(names)


def worker(args, names, deadline, results):
    certs = sorted(glob.glob(os.path.join(args.cert, "*.crt"))) if args.cert and os.path.isdir(args.cert) \
        else [args.cert] if args.cert else []
    context = client_context(args, certs)
    session, done, resumed, failed, refused = None, 0, 0, 0, 0
    for name in (names if args.each_name_once else chosen_names(names, deadline)):
        if len(certs) > 1:
            context = client_context(args, certs)
        try:
            with socket.create_connection(("127.0.0.1", args.port), timeout=5) as raw:
                with context.wrap_socket(raw, server_hostname=name, session=session if args.resume else None) as tls:
                    tls.sendall(b"GET / HTTP/1.1\r\nHost: " + name.encode() + b"\r\nConnection: close\r\n\r\n")
                    head = tls.recv(65536)
                    refused += not head.startswith(b"HTTP/1.1 200")
                    while tls.recv(65536):
                        pass
                    resumed += tls.session_reused
                    if args.resume and not tls.session_reused:
                        session = tls.session
            done += 1
        except (OSError, ssl.SSLError):
            failed += 1
    results.put((done, resumed, failed, refused))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("seconds", type=float)
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--sni", default="bench.test")
    parser.add_argument("--sni-file")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--each-name-once", action="store_true")
    args = parser.parse_args()
    names = open(args.sni_file).read().split() if args.sni_file else [args.sni]
    results = multiprocessing.Queue()
    started = time.monotonic()
    deadline = started + args.seconds
    # --each-name-once: every name of the file once, shared out between the processes; SECONDS is ignored.
    share = (lambda i: names[i::args.procs]) if args.each_name_once else (lambda i: names)
    procs = [multiprocessing.Process(target=worker, args=(args, share(i), deadline, results)) for i in range(args.procs)]
    for p in procs:
        p.start()
    totals = [sum(x) for x in zip(*(results.get() for _ in procs))]
    for p in procs:
        p.join()
    done, resumed, failed, refused = totals
    seconds = time.monotonic() - started if args.each_name_once else args.seconds
    print(json.dumps({"connections": done, "per_second": round(done / seconds, 1),
                      "resumed_fraction": round(resumed / done, 3) if done else 0, "failed": failed,
                      "not_ok": refused}))


if __name__ == "__main__":
    main()
