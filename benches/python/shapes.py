"""rapport's load on both corpus shapes (`benches/run shapes`): the sample corpus and the twarc2 search
dump of `benches/src/twarc.rs`, parse-only and load at 1 and 2 threads, median of N runs, each run its
own process. Reports MB/s by wall time and by CPU time of the whole process (user + sys, every thread),
and the peak RSS. Standard library only.

It also measures what two cores of the machine give on this work at best: two parse-only processes
side by side, each on one thread, sharing nothing. Their throughput over one process's alone
(`two_processes.speedup` in the JSON) bounds what any two-thread load can reach on the machine; on a
VM whose two vCPUs share a core's resources or memory bandwidth it is well under 2.

    benches/run shapes [--posts 200k] [--runs 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BENCH = TARGET / "release" / "rapport-bench"
OUT = ROOT / "benches" / "out"


def size(s: str) -> int:
    s = s.lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(s[-1], 1)
    return int(float(s.rstrip("km")) * mult)


def child(args: list[str]) -> dict:
    """Runs one measurement process; returns its JSON plus its CPU time and peak RSS from wait4."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.PIPE)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"{' '.join(args)} failed")
    r = json.loads(out)
    r["wall_s"] = time.perf_counter() - t0
    r["proc_cpu_s"] = ru.ru_utime + ru.ru_stime
    r["maxrss"] = ru.ru_maxrss * 1024
    return r


def side_by_side(args: list[str]) -> list[float]:
    """Runs two copies of one measurement process at once; the wall time of each."""
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate()[0] for p in procs]
    if any(p.returncode != 0 for p in procs):
        sys.exit(f"{' '.join(args)} failed")
    return [json.loads(o)["times"]["parse"] for o in outs]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", default="200k")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    n = size(args.posts)
    OUT.mkdir(parents=True, exist_ok=True)
    results = {"posts": n, "runs": args.runs, "load_average": os.getloadavg(), "shapes": {}}
    for shape in ["sample", "twarc"]:
        path = OUT / f"{shape}-{args.posts}.jsonl"
        if not path.exists():
            subprocess.run([str(BENCH), "gen", "--shape", shape, "--posts", str(n), "--out", str(path)],
                           check=True, stdout=subprocess.DEVNULL)
        mb = path.stat().st_size / 1e6
        row = {"mb": mb, "bytes_per_post": path.stat().st_size / n}
        for label, extra, stage in [("parse", [], "parse"), ("load_1t", ["--threads", "1"], "load"),
                                    ("load_2t", ["--threads", "2"], "load")]:
            runs = [child([str(BENCH), "run", str(path), "--stages", stage, *extra]) for _ in range(args.runs)]
            wall = statistics.median(r["times"][stage] for r in runs)
            cpu = statistics.median(r["process_cpu"][stage] for r in runs)
            # The kernel's part: reading the file, and faulting in fresh memory.
            sys_s = statistics.median(r.get("process_sys", {}).get(stage, 0.0) for r in runs)
            row[label] = {
                "wall_s": wall, "cpu_s": cpu, "sys_s": sys_s, "mb_s_wall": mb / wall, "mb_s_cpu": mb / cpu,
                "peak_rss_mb": statistics.median(r["maxrss"] for r in runs) / 1e6,
                "wall_runs": [r["times"][stage] for r in runs],
            }
            print(f"{shape:6} {label:7} {mb:8.0f} MB  wall {wall:6.2f} s ({mb / wall:4.0f} MB/s)  "
                  f"cpu {cpu:6.2f} s ({mb / cpu:4.0f} MB/s, system {sys_s:5.2f} s)  peak {row[label]['peak_rss_mb']:5.0f} MB",
                  flush=True)
        row["speedup_2t_wall"] = row["load_1t"]["wall_s"] / row["load_2t"]["wall_s"]
        pairs = [side_by_side([str(BENCH), "run", str(path), "--stages", "parse"]) for _ in range(args.runs)]
        each = statistics.median(w for pair in pairs for w in pair)
        row["two_processes"] = {"wall_s_each": each, "wall_runs": pairs,
                                "speedup": 2 * row["parse"]["wall_s"] / each}
        print(f"{shape:6} two parse-only processes side by side: {each:6.2f} s each, "
              f"{row['two_processes']['speedup']:.2f}x one alone; the load on 2 threads: "
              f"{row['speedup_2t_wall']:.2f}x", flush=True)
        results["shapes"][shape] = row
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
