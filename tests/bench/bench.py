#!/usr/bin/env python3
"""make bench: medians over several runs for synthetic pipelines of N deals.
Benchmarks are not tests: nothing here fails on a slow machine."""
import os, resource, statistics, subprocess, sys, tempfile, time

DB = os.path.abspath(sys.argv[1])
SIZES = [int(n) for n in (sys.argv[2:] or ["1000", "10000", "100000"])]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, DEALBOARD_TODAY="2026-11-20", LC_ALL="C.UTF-8")

def run(cmd, cwd, **kw):
    return subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, **kw)

def timed(cmd, cwd, setup=None):
    """Median wall time (ms) of a whole process, after one warm-up run."""
    times = []
    for i in range(RUNS + 1):
        if setup:
            setup(i)
        t = time.perf_counter()
        r = run(cmd(i) if callable(cmd) else cmd, cwd)
        elapsed = (time.perf_counter() - t) * 1000
        if r.returncode != 0:
            raise SystemExit(f"bench: {cmd} failed: {r.stderr.decode()}")
        if i:
            times.append(elapsed)
    return statistics.median(times)

def rss_of(cmd, cwd):
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, env=ENV,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(r.stderr.decode().strip().splitlines()[-1]) / 1024

def bench(n, workdir):
    repo = os.path.join(workdir, f"p{n}")
    t = time.perf_counter()
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), repo, str(n)], check=True)
    gen = time.perf_counter() - t
    ids = open(os.path.join(repo, ".bench-ids")).read().split()
    with open(os.path.join(repo, ".git", "info", "exclude"), "a") as f:
        f.write(".bench-ids\n")
    deal = ids[len(ids) // 2]
    res = {"n": n, "generate_s": gen}
    res["list_json_ms"] = timed([DB, "list", "--json"], repo)
    res["list_ms"] = timed([DB, "list"], repo)
    res["flags_ms"] = timed([DB, "flags", "--json"], repo)
    stages = ["explore", "decide"]
    res["move_ms"] = timed(lambda i: [DB, "move", deal, stages[i % 2]], repo)
    # The same edit through the git CLI: write the file, git add, git commit.
    path = os.path.join(repo, "deals", deal[-2:], deal + ".json")
    res["git_cli_ms"] = timed(lambda i: ["sh", "-c",
        f"printf ' ' >> '{path}' && git add '{path}' && git commit -qm edit"], repo)
    res["rss_list_mb"] = rss_of([DB, "list", "--json"], repo)
    return res

def main():
    with tempfile.TemporaryDirectory(prefix="dealboard-bench-") as work:
        rows = [bench(n, work) for n in SIZES]
    print(f"\ndealboard bench — {os.cpu_count()} cores, medians of {RUNS} runs (warm cache)\n")
    cols = [("deals", "n", "%d"), ("list --json ms", "list_json_ms", "%.1f"),
            ("list ms", "list_ms", "%.1f"), ("flags --json ms", "flags_ms", "%.1f"),
            ("move ms", "move_ms", "%.1f"), ("git add+commit ms", "git_cli_ms", "%.1f"),
            ("RSS list MB", "rss_list_mb", "%.1f")]
    print("| " + " | ".join(c[0] for c in cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(fmt % r[key] for _, key, fmt in cols) + " |")

main()
