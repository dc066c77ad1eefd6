"""Load on loopback: `frin serve` under C concurrent clients, against in-process `decide` in the same run.

The service runs in its own process (SQLite log in a temporary folder, `synchronous=FULL`:
every decision is on disk before it is answered); this process runs C client threads, each with
a keep-alive HTTP connection, posting the bundled example for S seconds. Before and after the
load, the same case is decided in this process with the compiled fast path from the case
document's text (parse, check, `decide_case(..., fast=True)`, JSON: what the service computes
per request), for the baseline. Reported: throughput and p50/p99 latency, each also as a
ratio to in-process decide; errors (any answer but 200); the server's RSS after warm-up and at
the end (memory flat?); and whether every acknowledged decision is in the log and its chain
verifies. The clients share the 2 cores with the server, so the ratios are of this set-up.

    .venv/bin/python bench/serve.py                       # 32 clients, 60 s
    .venv/bin/python bench/serve.py --seconds 10          # what the shared machine allows
"""
from __future__ import annotations

import argparse
import http.client
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


def client(port: int, body: bytes, until: float, latencies: list, errors: list, ids: list, answers: set) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < until:
        t = time.perf_counter()
        try:
            conn.request("POST", "/v1/decide", body, {"Content-Type": "application/yaml"})
            answer = conn.getresponse()
            text = answer.read()
        except OSError as err:
            errors.append(repr(err))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - t)
        if answer.status == 200:
            ids.append(answer.getheader("Frist-Log-Id"))
            answers.add(text)
        else:
            errors.append(answer.status)
    conn.close()


def load(port: int, clients: int, seconds: float) -> tuple[list, list, list, set, float]:
    body = CASE.read_bytes()
    latencies: list = []
    errors: list = []
    ids: list = []
    answers: set = set()
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(port, body, started + seconds, latencies, errors, ids, answers))
               for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, ids, answers, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0, help="the issue's 60 s; 10 on the shared machine")
    parser.add_argument("--baseline", type=int, default=2000, help="in-process decisions before and after")
    args = parser.parse_args()
    from live_service import Service
    from engine.audit.chain import verify_chain
    from engine.audit.store import open_log
    before_rate, before = in_process(args.baseline)
    with tempfile.TemporaryDirectory(prefix="frist-bench-serve-") as folder:
        log_file = str(Path(folder) / "log.sqlite")
        service = Service(log=log_file)
        try:
            load(service.port, args.clients, 1.0)                      # warm-up: compile, connections
            rss_start = rss_kb(service.process.pid)
            samples: list[float] = []
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.wait(args.seconds / 10):
                    samples.append(round(rss_kb(service.process.pid) / 1024, 1))

            sampler = threading.Thread(target=sample)
            sampler.start()
            latencies, errors, ids, answers, elapsed = load(service.port, args.clients, args.seconds)
            sampling.set()
            sampler.join()
            rss_end = rss_kb(service.process.pid)
        finally:
            service.stop()
        log = open_log(log_file)
        records = list(log.records())
        chain = verify_chain(records).ok
        logged = {r.id for r in records}
        log.close()
    after_rate, after = in_process(args.baseline)
    base = before + after
    base_rate = (before_rate + after_rate) / 2
    rate = len(latencies) / elapsed
    result = {
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": len(latencies), "errors": len(errors),
        "throughput_per_s": round(rate, 1), "in_process_per_s": round(base_rate, 1),
        "throughput_ratio": round(rate / base_rate, 4),
        "p50_ms": round(percentile(latencies, 0.5) * 1e3, 2), "p99_ms": round(percentile(latencies, 0.99) * 1e3, 2),
        "in_process_p50_ms": round(percentile(base, 0.5) * 1e3, 3),
        "in_process_p99_ms": round(percentile(base, 0.99) * 1e3, 3),
        "p50_ratio": round(percentile(latencies, 0.5) / percentile(base, 0.5), 1),
        "p99_ratio": round(percentile(latencies, 0.99) / percentile(base, 0.99), 1),
        "server_rss_mb_after_warmup": round(rss_start / 1024, 1), "server_rss_mb_at_end": round(rss_end / 1024, 1),
        "server_rss_mb_every_tenth": samples,
        "acknowledged_all_logged": set(ids) <= logged, "chain_verifies": chain,
        "distinct_answers": len(answers),            # the same case: 1 unless threads disturbed a decision
        "load_average_1min_at_end": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(result, indent=2))
    return 0 if not errors and chain and result["acknowledged_all_logged"] and len(answers) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
