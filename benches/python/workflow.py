"""An analyst's whole workflow from Python, rapport against pandas + networkx, side by side in one run
(`benches/run workflow`): load a twarc2 JSONL file, engagement with the organisation, global mentors,
mentors of three skill topics, and the skills of every account with the built-in taxonomy. The
pandas side is `benches/python/reference.py` (load, engagement, hashtags, PageRank global + three
topics with networkx and with igraph; it has no skills stage).

Each run is its own process; the two sides alternate, so both see the same load on a shared machine.
Reports the median wall time per step, the whole process's CPU time (user + sys, every thread,
`wait4`) and its peak RSS.

    benches/run workflow FILE [FILE ...] [--runs 3] [--threads 1,2] [--rapport-python PY]
                              [--reference-python PY] [--out FILE]
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
BENCH = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "rapport-bench"

# The rapport side, run in a child process with a Python that can import rapport.
RAPPORT_CHILD = r"""
import json, sys, time
import rapport
path, org = sys.argv[1], sys.argv[2].split(",")
topics = sys.argv[3].split(",")
times = {}
def timed(name, f):
    t0 = time.perf_counter()
    r = f()
    times[name] = time.perf_counter() - t0
    return r
c = timed("load", lambda: rapport.Corpus.from_jsonl(path))
e = timed("engagement", lambda: c.engagement(org=org))
g = timed("mentors_global", lambda: c.mentors(limit=20))
rows = {}
for i, t in enumerate(topics):
    rows[t] = len(timed(f"mentors_topic_{i + 1}", lambda: c.mentors(t, limit=20)))
s = timed("skills", lambda: c.skills())
s2 = timed("skills_again", lambda: c.skills())
times["analyses"] = sum(v for k, v in times.items() if k != "load" and k != "skills_again")
times["workflow"] = times["load"] + times["analyses"]
print(json.dumps({"times": times, "posts": len(c), "engagement_rows": len(e), "mentors_global": len(g),
                  "mentors_topics": rows, "skill_rows": len(s)}))
"""


def child(args: list[str], env: dict | None = None) -> dict:
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, env=env)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"{' '.join(args[:3])} … failed")
    r = json.loads(out)
    r["wall_s"] = time.perf_counter() - t0
    r["proc_cpu_s"] = ru.ru_utime + ru.ru_stime
    r["maxrss_mb"] = ru.ru_maxrss * 1024 / 1e6
    return r


def med(runs: list[dict], key: str) -> float:
    return statistics.median(r["times"][key] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--org", default="auto",
                    help="the organisation's handles; `auto`: acme_careers, acme_eng, acme_people when the file "
                         "has them (the sample corpus), else the first three users of its first page")
    ap.add_argument("--topics", default="rust,python,kubernetes", help="three skill topics")
    ap.add_argument("--rapport-python", default=str(ROOT / ".venv" / "bin" / "python"))
    ap.add_argument("--reference-python", default=str(ROOT / "benches" / "out" / "venv" / "bin" / "python"))
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--rust", action="store_true",
                    help="run rapport's side as `rapport-bench run --stages workflow` (the same calls through "
                         "the same analysis context, without the Python binding) instead of from Python")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    result = {"runs": a.runs, "load_average_start": os.getloadavg(), "files": {}}
    for f in a.files:
        mb = f.stat().st_size / 1e6
        org = a.org
        if org == "auto":
            with f.open("rb") as fh:
                head = fh.read(8 << 20)
            if b'"acme_careers"' in head:
                org = "acme_careers,acme_eng,acme_people"
            else:
                first = json.loads(head.split(b"\n", 1)[0])
                org = ",".join(u["username"] for u in first["includes"]["users"][:3])
        row: dict = {"mb": mb, "org": org, "rapport": {}}
        ref_runs = []
        rs_runs: dict[int, list] = {t: [] for t in threads}
        for _ in range(a.runs):
            for t in threads:
                env = dict(os.environ, RAPPORT_THREADS=str(t))
                if a.rust:
                    r = child([str(BENCH), "run", str(f), "--stages", "workflow", "--threads", str(t),
                               "--org", org, "--skill-topics", a.topics], env)
                    tm = r["times"]
                    tm["analyses"] = sum(tm[k] for k in ("engagement", "mentors_global", "mentors_topic_1",
                                                         "mentors_topic_2", "mentors_topic_3", "skills"))
                    tm["workflow"] = tm["load"] + tm["analyses"]
                    tm["skills_again"] = tm["skills_fresh"]
                    ans = r["answers"]
                    r.update(posts=ans["load"]["posts"], engagement_rows=ans["engagement_rows"],
                             mentors_global=ans["mentors_global"],
                             mentors_topics={k: v for k, v in ans.items() if k.startswith("mentors_")
                                             and k != "mentors_global"},
                             skill_rows=ans["skill_rows"])
                    rs_runs[t].append(r)
                else:
                    rs_runs[t].append(child([a.rapport_python, "-c", RAPPORT_CHILD, str(f), org, a.topics],
                                            env))
            if not a.no_reference:
                ref_runs.append(child([a.reference_python, str(ROOT / "benches/python/reference.py"), str(f),
                                       "--org", org, "--stages", "all"]))
        for t, runs in rs_runs.items():
            keys = runs[0]["times"].keys()
            row["rapport"][f"{t}t"] = {
                "median_s": {k: med(runs, k) for k in keys},
                "proc_cpu_s": statistics.median(r["proc_cpu_s"] for r in runs),
                "peak_rss_mb": statistics.median(r["maxrss_mb"] for r in runs),
                "workflow_runs_s": [r["times"]["workflow"] for r in runs],
                "answers": {k: runs[0][k] for k in ("posts", "engagement_rows", "mentors_global",
                                                    "mentors_topics", "skill_rows")},
            }
            m = row["rapport"][f"{t}t"]["median_s"]
            print(f"{f.name}: rapport {t} thread(s): workflow {m['workflow']:.2f} s (load {m['load']:.2f} s, "
                  f"{mb / m['load']:.0f} MB/s; engagement {m['engagement']:.3f}, mentors global "
                  f"{m['mentors_global']:.3f}, topics {m['mentors_topic_1']:.3f} / {m['mentors_topic_2']:.3f} / "
                  f"{m['mentors_topic_3']:.3f}, skills {m['skills']:.3f}, again {m['skills_again']:.3f}); "
                  f"CPU {row['rapport'][f'{t}t']['proc_cpu_s']:.2f} s; peak "
                  f"{row['rapport'][f'{t}t']['peak_rss_mb']:.0f} MB", flush=True)
        if ref_runs:
            keys = ref_runs[0]["times"].keys()
            m = {k: med(ref_runs, k) for k in keys}
            # The same workflow in pandas: load, engagement (with its interaction rows), PageRank global +
            # three topics with networkx. Threads and hashtags are stages rapport's workflow does not run.
            same = m["load"] + m["engagement"] + m["pagerank_nx"]
            row["reference"] = {
                "median_s": m, "workflow_s": same,
                "proc_cpu_s": statistics.median(r["proc_cpu_s"] for r in ref_runs),
                "peak_rss_mb": statistics.median(r["maxrss_mb"] for r in ref_runs),
                "workflow_runs_s": [r["times"]["load"] + r["times"]["engagement"] + r["times"]["pagerank_nx"]
                                    for r in ref_runs],
            }
            for t in threads:
                rs = row["rapport"][f"{t}t"]["median_s"]["workflow"]
                row[f"speedup_{t}t"] = same / rs
            print(f"{f.name}: pandas + networkx: load + engagement + PageRank {same:.2f} s (load {m['load']:.2f}, "
                  f"engagement {m['engagement']:.2f}, PageRank {m['pagerank_nx']:.2f}; whole script "
                  f"{m['total']:.2f} s); CPU {row['reference']['proc_cpu_s']:.2f} s; peak "
                  f"{row['reference']['peak_rss_mb']:.0f} MB; rapport is "
                  + ", ".join(f"{row[f'speedup_{t}t']:.1f}× ({t} thread(s))" for t in threads), flush=True)
        result["files"][f.name] = row
    result["load_average_end"] = os.getloadavg()
    if a.out:
        a.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
