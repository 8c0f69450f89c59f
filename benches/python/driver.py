#!/usr/bin/env python3
"""The comparison driver behind `benches/run`: generates the sample corpus, checks that rapport and the
Python reference agree, then times both, stage by stage, and writes the results.

Each run is a separate process (pinned with `taskset` when there are several cores); peak memory is
that process's `ru_maxrss` from `os.wait4`, and per stage the peak RSS the process had reached by the
end of the stage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = Path(os.environ.get("RAPPORT_BENCH_BIN", ROOT / "target" / "release" / "rapport-bench"))
PY = Path(sys.executable)
REF = ROOT / "benches" / "python" / "reference.py"
OUT = ROOT / "benches" / "out"

# (stage, rapport key, Python key); the pipeline is the sum of the stages with networkx.
STAGES = [
    ("load", "load", "load"),
    ("threads", "threads", "threads"),
    ("engagement", "engagement", "engagement"),
    ("hashtags", "hashtags", "hashtags"),
    ("pagerank (networkx)", "pagerank", "pagerank_nx"),
    ("pagerank (igraph)", "pagerank", "pagerank_igraph"),
]
PIPELINE_PY = ["load", "threads", "engagement", "hashtags", "pagerank_nx"]
PIPELINE_RS = ["load", "threads", "engagement", "hashtags", "pagerank"]


class Disagreement(Exception):
    pass


def parse_size(s: str) -> int:
    s = s.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(s[-1], 1)
    return int(float(s[:-1] if s[-1] in "km" else s) * mult)


def size_label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def run_child(cmd, cpu, env=None):
    """Runs one process; returns (its JSON output, its peak RSS in bytes from os.wait4, wall seconds)."""
    if cpu is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", cpu, *cmd]
    t0 = time.perf_counter()
    out_f = OUT / ".stdout"
    err_f = OUT / ".stderr"
    with open(out_f, "wb") as o, open(err_f, "wb") as e:
        p = subprocess.Popen(cmd, stdout=o, stderr=e, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n{err_f.read_text(errors='replace')}")
    data = json.loads(out_f.read_text().strip().splitlines()[-1])
    data["cpu_s"] = ru.ru_utime + ru.ru_stime
    return data, ru.ru_maxrss * 1024, wall


# ----- agreement ------------------------------------------------------------------------------------


def compare(rs: dict, py: dict, label: str) -> list[str]:
    """Every difference between the answers, as readable lines (empty when they agree)."""
    bad = []
    for k in ["load", "threads", "interactions", "funnel", "hashtags"]:
        if rs.get(k) != py.get(k):
            bad.append(f"{k}: rapport {json.dumps(rs.get(k))[:400]} != python {json.dumps(py.get(k))[:400]}")
    re_, pe = rs["engagement"], py["engagement"]
    only = sorted(set(re_) ^ set(pe))
    if only:
        bad.append(f"engagement: {len(only)} accounts on one side only, e.g. {only[:5]}")
    n = 0
    for a in sorted(set(re_) & set(pe)):
        for f, v in re_[a].items():
            w = pe[a].get(f)
            ok = math.isclose(v, w, rel_tol=1e-9, abs_tol=1e-12) if isinstance(v, float) else v == w
            if not ok:
                n += 1
                if n <= 10:
                    bad.append(f"engagement[{a}].{f}: rapport {v} != python {w}")
    if n > 10:
        bad.append(f"... {n} engagement fields differ in all")
    for side in ["pagerank", "pagerank_igraph"]:
        for topic, scores in rs["pagerank"].items():
            other = py[side].get(topic)
            if other is None:
                bad.append(f"{side}: no topic {topic}")
                continue
            if set(other) != set(scores):
                bad.append(f"{side}[{topic}]: node sets differ ({len(scores)} vs {len(other)})")
                continue
            l1 = sum(abs(scores[a] - other[a]) for a in scores)
            if l1 > 1e-6:
                bad.append(f"{side}[{topic}]: L1 distance {l1:.3g} > 1e-6")
    return [f"[{label}] {b}" for b in bad]


def pagerank_l1(rs: dict, py: dict) -> dict:
    out = {}
    for side in ["pagerank", "pagerank_igraph"]:
        out["networkx" if side == "pagerank" else "igraph"] = max(
            sum(abs(s[a] - py[side][t][a]) for a in s) for t, s in rs["pagerank"].items()
        )
    return out


# ----- machine --------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    load = os.getloadavg()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_bytes": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "rustc": subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip(),
        "loadavg_at_start": [round(x, 2) for x in load],
    }


def versions() -> dict:
    import importlib.metadata as md

    return {p: md.version(p) for p in ["orjson", "numpy", "pandas", "networkx", "igraph", "scipy"]}


# ----- the run --------------------------------------------------------------------------------------


def median(xs):
    return statistics.median(xs) if xs else None


def mb(b):
    return b / 1e6


def bench_size(n: int, args, cpu) -> dict:
    label = size_label(n)
    path = OUT / f"sample-{label}.jsonl"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        subprocess.run([str(BENCH), "gen", "--posts", str(n), "--out", str(path)], check=True, stdout=subprocess.DEVNULL)
    size = path.stat().st_size
    print(f"\n== {label} posts ({size / 1e6:.0f} MB): checking agreement ...", flush=True)
    rs_ans, py_ans = OUT / f"answers-rapport-{label}.json", OUT / f"answers-python-{label}.json"
    extra = ["--esco", str(args.esco)] if args.esco else []
    rs_first = run_child([str(BENCH), "run", str(path), "--answers", str(rs_ans)], cpu)
    py_first = run_child([str(PY), str(REF), str(path), "--answers", str(py_ans)], cpu)
    rs_a, py_a = json.loads(rs_ans.read_text()), json.loads(py_ans.read_text())
    bad = compare(rs_a, py_a, label)
    if bad:
        print("\nDISAGREEMENT between rapport and the Python reference:", file=sys.stderr)
        for b in bad:
            print("  " + b, file=sys.stderr)
        raise Disagreement(label)
    l1 = pagerank_l1(rs_a, py_a)
    print(
        f"   agree: {rs_a['load']['posts']} posts, {rs_a['load']['accounts']} accounts, "
        f"{rs_a['threads']['conversations']} conversations, {len(rs_a['engagement'])} engaged accounts, "
        f"{rs_a['hashtags']['pairs']} (account, hashtag) pairs; PageRank L1 vs networkx {l1['networkx']:.1e}, "
        f"vs igraph {l1['igraph']:.1e}",
        flush=True,
    )
    rs_runs, py_runs, parse_runs, load_runs, skill_runs = [rs_first], [py_first], [], [], []
    for i in range(args.runs):
        print(f"   run {i + 1}/{args.runs} ...", flush=True)
        if i > 0:
            rs_runs.append(run_child([str(BENCH), "run", str(path)], cpu))
            py_runs.append(run_child([str(PY), str(REF), str(path)], cpu))
        parse_runs.append(run_child([str(BENCH), "run", str(path), "--stages", "parse"], cpu))
        load_runs.append(run_child([str(BENCH), "run", str(path), "--stages", "load"], cpu))
        if extra:
            # Skill evidence has no Python counterpart: its own process, so the ESCO taxonomy does not
            # count in the pipeline's peak memory.
            skill_runs.append(run_child([str(BENCH), "run", str(path), *extra], cpu))
    # The first (agreement) run also writes answers; with one run it is the timed one too.
    binding = bench_binding(path, cpu, args.runs)

    def med(runs, key):
        return median([r[0]["times"][key] for r in runs if key in r[0]["times"]])

    def med_cpu(runs, key):
        return median([r[0]["cpu"][key] for r in runs if key in r[0].get("cpu", {})])

    def peak(runs, key):
        return median([r[0]["peak_rss"][key] for r in runs if key in r[0].get("peak_rss", {})])

    stages = {}
    for name, rk, pk in STAGES:
        stages[name] = {
            "rapport_s": med(rs_runs, rk),
            "python_s": med(py_runs, pk),
            "rapport_cpu_s": med_cpu(rs_runs, rk),
            "python_cpu_s": med_cpu(py_runs, pk),
            "rapport_peak_rss": peak(rs_runs, rk),
            "python_peak_rss": peak(py_runs, pk),
        }
    # Load alone, in its own process (peak memory of loading only).
    stages["load"]["rapport_s"] = med(load_runs, "load")
    stages["load"]["rapport_peak_rss"] = median([r[1] for r in load_runs])
    stages["load"]["rapport_cpu_s"] = med_cpu(load_runs, "load")
    rs_pipe = median([sum(r[0]["times"][k] for k in PIPELINE_RS) for r in rs_runs])
    py_pipe = median([sum(r[0]["times"][k] for k in PIPELINE_PY) for r in py_runs])
    stages["pipeline"] = {
        "rapport_s": rs_pipe,
        "python_s": py_pipe,
        "rapport_cpu_s": median([sum(r[0].get("cpu", {}).get(k, 0) for k in PIPELINE_RS) for r in rs_runs]),
        "python_cpu_s": median([sum(r[0].get("cpu", {}).get(k, 0) for k in PIPELINE_PY) for r in py_runs]),
        "rapport_peak_rss": median([r[1] for r in rs_runs]),
        "python_peak_rss": median([r[1] for r in py_runs]),
    }
    for s in stages.values():
        s["cpu_ratio"] = s["python_cpu_s"] / s["rapport_cpu_s"] if s["rapport_cpu_s"] and s["python_cpu_s"] else None
        s["ratio"] = s["python_s"] / s["rapport_s"] if s["rapport_s"] and s["python_s"] else None
        s["memory_ratio"] = (
            s["python_peak_rss"] / s["rapport_peak_rss"] if s["rapport_peak_rss"] and s["python_peak_rss"] else None
        )
    parse_s = med(parse_runs, "parse")
    extras = {
        "parse_limit_s": parse_s,
        "parse_limit_mb_s": size / 1e6 / parse_s,
        "load_mb_s": size / 1e6 / stages["load"]["rapport_s"],
        "load_over_parse": stages["load"]["rapport_s"] / parse_s,
        "parse_peak_rss": median([r[1] for r in parse_runs]),
        # CPU time of the load-only and parse-only processes: robust to other work on a shared machine.
        "load_cpu_s": median([r[0]["cpu_s"] for r in load_runs]),
        "parse_cpu_s": median([r[0]["cpu_s"] for r in parse_runs]),
        "load_cpu_mb_s": size / 1e6 / median([r[0]["cpu_s"] for r in load_runs]),
        "parse_cpu_mb_s": size / 1e6 / median([r[0]["cpu_s"] for r in parse_runs]),
        "pipeline_cpu_s": {"rapport": median([r[0]["cpu_s"] for r in rs_runs]),
                           "python": median([r[0]["cpu_s"] for r in py_runs])},
        "broadcast_s": med(rs_runs, "broadcast"),
        "engagement_plus_broadcast_s": med(rs_runs, "engagement") + med(rs_runs, "broadcast"),
        "skills_s": med(skill_runs, "skills"),
        "skills_cpu_s": med_cpu(skill_runs, "skills"),
        "engagement_plus_broadcast_cpu_s": (med_cpu(rs_runs, "engagement") or 0) + (med_cpu(rs_runs, "broadcast") or 0),
        "pagerank_ratio_vs_igraph": stages["pagerank (igraph)"]["ratio"],
    }
    return {
        "posts": n,
        "file_bytes": size,
        "runs": args.runs,
        "agreement": {"ok": True, "pagerank_l1": l1},
        "stages": stages,
        "rapport_only": extras,
        "binding": binding,
    }


BINDING_SCRIPT = r"""
import json, resource, sys, time
import rapport
t0 = time.perf_counter(); c = rapport.Corpus.from_jsonl(sys.argv[1]); t1 = time.perf_counter()
conv = c.conversations(); t2 = time.perf_counter()
print(json.dumps({"times": {"load": t1 - t0, "threads": t2 - t1, "posts": c.num_posts()},
                  "peak_rss_total": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def bench_binding(path: Path, cpu, runs: int) -> dict:
    probe = subprocess.run([str(PY), "-c", "import rapport; rapport.Corpus.from_jsonl"], capture_output=True)
    if probe.returncode != 0:
        return {"available": False, "note": "the `rapport` Python package is not importable in the bench venv "
                "(install it with maturin to include the binding's overhead)"}
    rows = [run_child([str(PY), "-c", BINDING_SCRIPT, str(path)], cpu) for _ in range(runs)]
    return {
        "available": True,
        "load_s": median([r[0]["times"]["load"] for r in rows]),
        "threads_s": median([r[0]["times"]["threads"] for r in rows]),
        "peak_rss": median([r[1] for r in rows]),
    }


def fmt_s(s):
    if s is None:
        return "—"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def fmt_x(r):
    return "—" if r is None else f"{r:.1f}×"


def table(res: dict) -> str:
    lines = [
        "| stage | rapport | Python | speed-up | CPU: rapport | CPU: Python | CPU speed-up | rapport peak RSS | Python peak RSS | memory ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in res["stages"].items():
        lines.append(
            f"| {name} | {fmt_s(s['rapport_s'])} | {fmt_s(s['python_s'])} | {fmt_x(s['ratio'])} | "
            f"{fmt_s(s.get('rapport_cpu_s'))} | {fmt_s(s.get('python_cpu_s'))} | {fmt_x(s.get('cpu_ratio'))} | "
            f"{mb(s['rapport_peak_rss'] or 0):.0f} MB | {mb(s['python_peak_rss'] or 0):.0f} MB | {fmt_x(s['memory_ratio'])} |"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description="rapport vs pandas/networkx/igraph on the sample corpus")
    ap.add_argument("--sizes", default="100k,1m")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smoke", action="store_true", help="10k posts, one run, results in benches/out/")
    ap.add_argument("--cpu", default=None, help="pin every run to this CPU (default: 1 when nproc > 1)")
    ap.add_argument("--esco", default=None, help="ESCO classification zip: also time skill evidence")
    ap.add_argument("--out", default=None, help="results JSON (default benches/results/<date>.json)")
    ap.add_argument("--delete-after", action="store_true", help="delete each generated file after its size")
    args = ap.parse_args()
    if args.smoke:
        args.sizes, args.runs = "10k", 1
    if args.esco is None:
        # shared/ sits next to the clone (CI) or next to the worktrees' parent (development).
        zips = [p / "shared" / "data" / "esco" / "esco-v1.1.1-classification-en-csv.zip" for p in (ROOT.parent, ROOT.parent.parent)]
        args.esco = next((z for z in zips if z.exists()), None) if not args.smoke else None
    cpu = args.cpu if args.cpu is not None else ("1" if (os.cpu_count() or 1) > 1 else None)
    OUT.mkdir(parents=True, exist_ok=True)
    if not BENCH.exists():
        raise SystemExit(f"{BENCH} is missing: run `cargo build --release -p rapport-benches` (benches/run does)")
    results = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "python_packages": versions(),
        "pinned_cpu": cpu,
        "sizes": {},
    }
    print(f"machine: {results['machine']['cpu']} ({results['machine']['nproc']} cores, "
          f"{results['machine']['memory_bytes'] / 2**30:.0f} GiB), load {results['machine']['loadavg_at_start']}")
    try:
        for s in args.sizes.split(","):
            n = parse_size(s)
            res = bench_size(n, args, cpu)
            results["sizes"][size_label(n)] = res
            print(f"\n{size_label(n)} posts, median of {args.runs} run(s):\n" + table(res))
            x = res["rapport_only"]
            print(
                f"load {x['load_mb_s']:.0f} MB/s, parse limit {x['parse_limit_mb_s']:.0f} MB/s "
                f"(load/parse {x['load_over_parse']:.2f}); by CPU time load {x['load_cpu_mb_s']:.0f} MB/s, "
                f"parse {x['parse_cpu_mb_s']:.0f} MB/s; whole process CPU rapport {fmt_s(x['pipeline_cpu_s']['rapport'])}, "
                f"Python {fmt_s(x['pipeline_cpu_s']['python'])}; engagement + broadcast {fmt_s(x['engagement_plus_broadcast_s'])}"
                + (f"; skill evidence (ESCO) {fmt_s(x['skills_s'])} (CPU {fmt_s(x['skills_cpu_s'])})" if x["skills_s"] else "")
            )
            b = res["binding"]
            print("rapport from Python: " + (f"load {fmt_s(b['load_s'])}, threads {fmt_s(b['threads_s'])}, peak {mb(b['peak_rss']):.0f} MB"
                                             if b["available"] else b["note"]))
            if args.delete_after:
                (OUT / f"sample-{size_label(n)}.jsonl").unlink(missing_ok=True)
    except Disagreement as e:
        print(f"\nbenchmark stopped: the two pipelines disagree at {e} posts (nothing was timed)", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else (OUT / "smoke.json" if args.smoke else ROOT / "benches" / "results" / f"{results['date']}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
