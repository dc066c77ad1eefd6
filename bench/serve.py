"""Load on loopback: `frin serve` under C concurrent clients, against in-process `decide` in the same run.

The service runs in its own process (SQLite log in a temporary folder, `synchronous=FULL`:
every decision is on disk before it is answered); this process runs C client threads, each with
a keep-alive HTTP connection, posting the bundled example. Before and after the load, the same
case is decided in this process with the compiled fast path from the case document's text
(parse, check, `decide_case(..., fast=True)`, JSON: what the service computes per request), for
the baseline. The clients share the machine's cores with the server, so the ratios are of this
set-up.

Two measures in one run, because the issue asks for both on the same service:
- throughput and p50/p99 latency over the first `--seconds` of load (the issue's 60 s), each
  also as a ratio to in-process decide;
- the server's RSS, sampled every `--sample-seconds` with the number of requests answered so
  far, over the whole load, which goes on until `--requests` answers (the issue's 100 k) or
  `--max-seconds`, whichever comes first: start (after warm-up), end, peak, and the least-squares
  slope in MB per 10 k requests over the whole run and over its second half (flat = the second
  half's slope near 0).
Errors are any answer but 200 or a broken connection; at the end every acknowledged decision must
be in the log and the chain must verify. The 1-minute load average is noted at start and end (a
shared machine: other work competes for the cores).

    nice .venv/bin/python bench/serve.py                          # 32 clients, 60 s, then up to 100 k requests
    nice .venv/bin/python bench/serve.py --seconds 10 --requests 0  # only the timed part, 10 s
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
CASE = ROOT / "examples/consumer-inkassovarsel.yaml"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_process(n: int) -> tuple[float, list[float]]:
    """Decisions per second (one thread) and per-call latencies of in-process decide + JSON."""
    from engine.check.catalog_cache import checked_catalog
    from engine.core.document import parse_document
    from engine.core.source import Source
    from engine.decide.decision import decide_case
    from engine.policy.case import case_from_data
    catalog = checked_catalog([str(ROOT / "policies")])
    text = CASE.read_text(encoding="utf-8")
    latencies = []
    started = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        doc = parse_document(Source("<case>", text))         # what `frin decide FILE` does with the file
        case = case_from_data(doc.data, "<case>", doc)
        json.dumps(decide_case(catalog, case, case.data["as_of"], fast=True).to_dict(include_trace=False))
        latencies.append(time.perf_counter() - t)
    return n / (time.perf_counter() - started), latencies


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def slope_mb_per_10k(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of RSS (MB) against requests answered, per 10 000 requests."""
    if len(points) < 3:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx * 10_000


class Load:
    """C client threads posting the case until `stop_at` (perf_counter) or `limit` answers are claimed."""

    def __init__(self, port: int, clients: int, seconds: float, limit: int) -> None:
        self.port, self.clients, self.seconds, self.limit = port, clients, seconds, limit
        self.body = CASE.read_bytes()
        self.done: list[tuple[float, float]] = []       # (finished at, latency), appended by every client
        self.errors: list = []
        self.ids: list = []
        self.answers: set = set()
        self.claims = itertools.count()
        self.started = 0.0

    def _client(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        stop_at = self.started + self.seconds
        while time.perf_counter() < stop_at and (not self.limit or next(self.claims) < self.limit):
            t = time.perf_counter()
            try:
                conn.request("POST", "/v1/decide", self.body, {"Content-Type": "application/yaml"})
                answer = conn.getresponse()
                text = answer.read()
            except OSError as err:
                self.errors.append(repr(err))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            now = time.perf_counter()
            self.done.append((now, now - t))
            if answer.status == 200:
                self.ids.append(answer.getheader("Frist-Log-Id"))
                self.answers.add(text)
            else:
                self.errors.append(answer.status)
        conn.close()

    def run(self, on_tick=None, tick_s: float = 1.0) -> float:
        threads = [threading.Thread(target=self._client) for _ in range(self.clients)]
        self.started = time.perf_counter()
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            time.sleep(tick_s)
            if on_tick:
                on_tick()
        return time.perf_counter() - self.started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0, help="window for throughput and latency (the issue's 60 s)")
    parser.add_argument("--requests", type=int, default=100_000,
                        help="keep the load on until this many answers, for the memory curve (0: stop after --seconds)")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="cap on the whole load when --requests is set")
    parser.add_argument("--sample-seconds", type=float, default=2.0, help="RSS sampling interval")
    parser.add_argument("--baseline", type=int, default=2000, help="in-process decisions before and after")
    args = parser.parse_args()
    from support.live_service import Service
    from engine.audit.chain import verify_chain
    from engine.audit.store import open_log
    load_at_start = os.getloadavg()[0]
    before_rate, before = in_process(args.baseline)
    with tempfile.TemporaryDirectory(prefix="frist-bench-serve-") as folder:
        log_file = str(Path(folder) / "log.sqlite")
        service = Service(log=log_file)
        try:
            Load(service.port, args.clients, 1.0, 0).run()             # warm-up: compile, connections
            pid = service.process.pid
            rss_start = rss_kb(pid) / 1024
            load = Load(service.port, args.clients, args.max_seconds if args.requests else args.seconds, args.requests)
            curve: list[tuple[float, int, float]] = [(0.0, 0, round(rss_start, 2))]   # (seconds, answers, RSS MB)
            last = [0.0]

            def tick() -> None:
                now = time.perf_counter() - load.started
                if now - last[0] >= args.sample_seconds:
                    last[0] = now
                    curve.append((round(now, 1), len(load.done), round(rss_kb(pid) / 1024, 2)))

            elapsed = load.run(tick, tick_s=min(0.5, args.sample_seconds))
            rss_end = rss_kb(pid) / 1024
            if curve[-1][1] == len(load.done):
                curve.pop()
            curve.append((round(elapsed, 1), len(load.done), round(rss_end, 2)))
        finally:
            service.stop()
        log = open_log(log_file)
        records = list(log.records())
        chain = verify_chain(records).ok
        logged = {r.id for r in records}
        log.close()
    after_rate, after = in_process(args.baseline)
    load_at_end = os.getloadavg()[0]
    window_end = load.started + args.seconds
    window = [lat for at, lat in load.done if at <= window_end]
    window_s = min(args.seconds, elapsed)
    base = before + after
    base_rate = (before_rate + after_rate) / 2
    rate = len(window) / window_s
    points = [(n, mb) for _, n, mb in curve]
    second_half = [p for p in points if p[0] >= points[-1][0] / 2]
    step = max(1, len(curve) // 20)
    result = {
        "clients": args.clients, "window_s": round(window_s, 1), "requests_in_window": len(window),
        "throughput_per_s": round(rate, 1), "in_process_per_s": round(base_rate, 1),
        "throughput_ratio": round(rate / base_rate, 3),
        "p50_ms": round(percentile(window, 0.5) * 1e3, 2), "p99_ms": round(percentile(window, 0.99) * 1e3, 2),
        "in_process_p50_ms": round(percentile(base, 0.5) * 1e3, 3),
        "in_process_p99_ms": round(percentile(base, 0.99) * 1e3, 3),
        "p50_ratio": round(percentile(window, 0.5) / percentile(base, 0.5), 1),
        "p99_ratio": round(percentile(window, 0.99) / percentile(base, 0.99), 1),
        "load_s": round(elapsed, 1), "requests": len(load.done), "requests_asked": args.requests or None,
        "errors": len(load.errors), "first_errors": load.errors[:5],
        "server_rss_mb": {"after_warmup": round(rss_start, 2), "end": round(rss_end, 2),
                          "peak": max(mb for _, _, mb in curve),
                          "slope_mb_per_10k_requests": round(slope_mb_per_10k(points) or 0, 3),
                          "slope_second_half_mb_per_10k": round(slope_mb_per_10k(second_half) or 0, 3)},
        "rss_curve_s_requests_mb": curve[::step] + ([curve[-1]] if (len(curve) - 1) % step else []),
        "rss_samples": len(curve),
        "log_records": len(records), "acknowledged_all_logged": set(load.ids) <= logged, "chain_verifies": chain,
        "distinct_answers": len(load.answers),       # the same case: 1 unless threads disturbed a decision
        "load_average_1min": {"start": round(load_at_start, 2), "end": round(load_at_end, 2)},
    }
    text = json.dumps(result, indent=1)
    print(text.replace(json.dumps(result["rss_curve_s_requests_mb"], indent=1).replace("\n", "\n "),
                       "[\n  " + ",\n  ".join(json.dumps(p) for p in result["rss_curve_s_requests_mb"]) + "\n ]"))
    ok = not load.errors and chain and result["acknowledged_all_logged"] and len(load.answers) == 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
