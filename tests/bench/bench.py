#!/usr/bin/env python3
"""make bench: medians over several runs for synthetic pipelines of N deals.
Benchmarks are not tests: nothing here fails on a slow machine."""
import json, os, random, resource, shutil, statistics, subprocess, sys, tempfile, time, uuid

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

def cpu_ms():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000

def timed_cpu(cmd, cwd, setup=None, runs=None):
    """Medians of wall and CPU time (ms) of a whole process, after one
    warm-up run (runs=1: that one run, no warm-up)."""
    walls, cpus = [], []
    runs = RUNS if runs is None else runs
    warm = 1 if runs > 1 else 0
    for i in range(runs + warm):
        if setup:
            setup(i)
        c, t = cpu_ms(), time.perf_counter()
        r = run(cmd, cwd)
        wall, cpu = (time.perf_counter() - t) * 1000, cpu_ms() - c
        if r.returncode != 0:
            raise SystemExit(f"bench: {cmd} failed: {r.stderr.decode()}")
        if i >= warm:
            walls.append(wall)
            cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)

def rss_of(cmd, cwd):
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, env=ENV,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(r.stderr.decode().strip().splitlines()[-1]) / 1024

def script(workdir, name, lines):
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path

def board(repo, script_path):
    """The board in script mode: keys from a file, a virtual 120x40 screen."""
    def cmd(i):
        ENV["DEALBOARD_SCRIPT"] = script_path
        return [DB, "-C", repo, "board"]
    return cmd

def key_times(repo, script_path, times_path):
    """Per-key latencies (ms) the board records in script mode
    (DEALBOARD_SCRIPT_TIMES: "KEY MS", from taking a key until the next is
    asked for, the frame on screen), by key, over RUNS runs after a warm-up."""
    by_key = {}
    ENV["DEALBOARD_SCRIPT"] = script_path
    ENV["DEALBOARD_SCRIPT_TIMES"] = times_path
    try:
        for i in range(RUNS + 1):
            r = run([DB, "-C", repo, "board"], repo)
            if r.returncode != 0:
                raise SystemExit(f"bench: board failed: {r.stderr.decode()}")
            if i == 0:
                continue
            with open(times_path) as f:
                for line in f:
                    key, ms = line.split()
                    by_key.setdefault(key, []).append(float(ms))
    finally:
        ENV.pop("DEALBOARD_SCRIPT_TIMES", None)
    return by_key

def p90(values):
    return sorted(values)[int(0.9 * (len(values) - 1))]

def bench_board(res, repo, workdir):
    """Keypress to frame on screen, per key. A move's frame comes after its
    commit, with the git index written (SPEC 7: the index matches HEAD before
    the board waits for the next key). A user looks at the board between
    moves, so every move follows an idle pause."""
    first = script(workdir, "first.txt", ["screen /dev/null"])
    keys = script(workdir, "keys.txt", ["key j"] * 200 + ["screen /dev/null"])
    moves = script(workdir, "moves.txt", ["key L", "idle", "key H", "idle"] * 10 +
                   ["screen /dev/null"])
    burst = script(workdir, "burst.txt", ["key L", "key H"] * 10 + ["screen /dev/null"])
    times = os.path.join(workdir, "key-times.txt")
    ENV["DEALBOARD_SCRIPT_SIZE"] = "120x40"
    try:
        start = timed(board(repo, first), repo)
        res["board_first_frame_ms"] = start
        select = key_times(repo, keys, times)["j"]
        res["key_select_ms"], res["key_select_p90_ms"] = statistics.median(select), p90(select)
        by_key = key_times(repo, moves, times)
        move = by_key["L"] + by_key["H"]
        res["key_move_deal_ms"], res["key_move_deal_p90_ms"] = statistics.median(move), p90(move)
        by_key = key_times(repo, burst, times)
        res["key_move_burst_ms"] = statistics.median(by_key["L"] + by_key["H"])
        # The figure before per-key times: whole processes minus the first
        # frame, per move, index writes included (scripts idled after every line).
        res["key_move_deal_old_ms"] = (timed(board(repo, moves), repo) - start) / 20
        ENV["DEALBOARD_SCRIPT"] = keys
        res["rss_board_mb"] = rss_of([DB, "-C", repo, "board"], repo)
    finally:
        ENV.pop("DEALBOARD_SCRIPT", None)

def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, env=ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def bench_sync(res, repo, ids, workdir):
    """A teammate changed 1,000 deals (or all of a smaller pipeline) and
    pushed; we committed something too, so sync has to merge. One run:
    the set-up is a fresh clone each time."""
    team = os.path.join(workdir, "team.git")
    mate = os.path.join(workdir, "mate")
    subprocess.run(["git", "clone", "-q", "--bare", repo, team], check=True)
    git(repo, "remote", "add", "origin", team)
    git(repo, "fetch", "-q", "origin")
    git(repo, "branch", "-q", "-u", "origin/" + current_branch(repo))
    subprocess.run(["git", "clone", "-q", team, mate], check=True)
    changed = ids[:1000]
    for deal_id in changed:
        path = os.path.join(mate, "deals", deal_id[-2:], deal_id + ".json")
        text = open(path).read().replace('"close_date_pushes": ', '"close_date_pushes": 1', 1)
        open(path, "w").write(text)
    git(mate, "commit", "-q", "-am", "teammate edits")
    git(mate, "push", "-q", "origin", "HEAD")
    run([DB, "note", ids[-1], "local work"], repo)
    os.sync()                   # the clones' writeback, not sync's own
    t = time.perf_counter()
    r = run([DB, "sync"], repo)
    res["sync_ms"] = (time.perf_counter() - t) * 1000
    res["sync_changes"] = len(changed)
    if r.returncode != 0:
        raise SystemExit("bench: sync failed: " + r.stderr.decode())

HISTORY_MAX_DEALS = 10000   # a history of 100,000 deals would be a million commits

def bench_history(res, n, workdir):
    """dealboard stats on a multi-year history (tests/bench/history_gen.py,
    fixed seed: about ten commits per deal): the event index built the
    first time (one run), read warm, and updated after a sync that brought
    in 1,000 changed deals and merged them with a local commit (the index
    as it was before the sync put back before each run)."""
    repo = os.path.join(workdir, f"h{n}")
    truth = os.path.join(workdir, f"h{n}-truth.json")
    subprocess.run([sys.executable, os.path.join(HERE, "history_gen.py"), repo, str(n),
                    "--truth", truth], check=True, stdout=subprocess.DEVNULL)
    os.sync()
    env_today = ENV.get("DEALBOARD_TODAY")
    ENV["DEALBOARD_TODAY"] = json.load(open(truth))["today"]
    try:
        index = os.path.join(repo, ".git", "dealboard-events")
        def cold(i):
            if os.path.exists(index):
                os.unlink(index)
        res["hist_commits"] = int(subprocess.run(["git", "-C", repo, "rev-list", "--count", "HEAD"],
                                                 capture_output=True, text=True).stdout)
        res["hist_first_ms"], res["hist_first_cpu_ms"] = timed_cpu([DB, "stats", "--json"], repo,
                                                                   cold, runs=1)
        res["hist_warm_ms"], res["hist_warm_cpu_ms"] = timed_cpu([DB, "stats", "--json"], repo)
        before = os.path.join(workdir, f"h{n}-index-before-sync")
        shutil.copyfile(index, before)
        team, mate = os.path.join(workdir, f"h{n}-team.git"), os.path.join(workdir, f"h{n}-mate")
        subprocess.run(["git", "clone", "-q", "--bare", repo, team], check=True)
        git(repo, "remote", "add", "origin", team)
        git(repo, "fetch", "-q", "origin")
        git(repo, "branch", "-q", "-u", "origin/" + current_branch(repo))
        subprocess.run(["git", "clone", "-q", team, mate], check=True)
        paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(mate, "deals"))
                       for f in fs if f.endswith(".json"))[:1000]
        for path in paths:
            text = open(path).read()
            open(path, "w").write(text.replace('"value": ', '"value": 1', 1))
        git(mate, "commit", "-q", "-am", "teammate edits")
        git(mate, "push", "-q", "origin", "HEAD")
        deal = os.path.basename(paths[-1])[:-5]
        run([DB, "note", deal, "local work"], repo)
        r = run([DB, "sync"], repo)
        if r.returncode != 0:
            raise SystemExit("bench: history sync failed: " + r.stderr.decode())
        def stale(i):
            shutil.copyfile(before, index)
        res["hist_update_ms"], res["hist_update_cpu_ms"] = timed_cpu([DB, "stats", "--json"], repo,
                                                                     stale)
    finally:
        ENV["DEALBOARD_TODAY"] = env_today

def bench_taskwarrior(res, n, workdir):
    """Taskwarrior listing the same number of items, where it is installed:
    tasks of a similar size (a description, a tag, three annotations)."""
    if not shutil.which("task"):
        return
    data = os.path.join(workdir, f"tw{n}")
    os.makedirs(data)
    rc = os.path.join(workdir, f"tw{n}.rc")
    with open(rc, "w") as f:
        f.write(f"data.location={data}\nconfirmation=off\nverbose=nothing\nhooks=off\ngc=off\n")
    rng = random.Random(n)
    tasks = [{"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
              "description": f"Deal {i} budget forecast finance board approval",
              "status": "pending", "entry": "20260101T100000Z", "project": "sales",
              "tags": ["inbound"],
              "annotations": [{"entry": f"2026010{k + 2}T100000Z",
                               "description": "Pilot rollout data platform migration review"}
                              for k in range(3)]} for i in range(n)]
    src = os.path.join(workdir, f"tw{n}.json")
    with open(src, "w") as f:
        json.dump(tasks, f)
    env = dict(ENV, TASKRC=rc)
    subprocess.run(["task", "import", src], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def timed_task(args):
        times = []
        for i in range(RUNS + 1):
            t = time.perf_counter()
            subprocess.run(["task", *args], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if i:
                times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)
    res["task_export_ms"] = timed_task(["export"])
    res["task_list_ms"] = timed_task(["list"])

def current_branch(repo):
    return subprocess.run(["git", "-C", repo, "branch", "--show-current"], capture_output=True,
                          text=True, check=True).stdout.strip()

def bench(n, workdir):
    repo = os.path.join(workdir, f"p{n}")
    t = time.perf_counter()
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), repo, str(n)], check=True)
    gen = time.perf_counter() - t
    # Generating wrote hundreds of megabytes: let the disk take them first,
    # or its writeback slows every fsync measured next. And the load cache
    # leaves files changed in the last two seconds to be parsed (coarse
    # timestamps): a pipeline in use is older than that.
    os.sync()
    time.sleep(3)
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
    bench_board(res, repo, workdir)
    bench_sync(res, repo, ids, os.path.join(workdir, f"sync{n}"))
    bench_taskwarrior(res, n, workdir)
    if n <= HISTORY_MAX_DEALS:
        bench_history(res, n, workdir)
    return res

def main():
    with tempfile.TemporaryDirectory(prefix="dealboard-bench-") as work:
        rows = [bench(n, work) for n in SIZES]
    print(f"\ndealboard bench — {os.cpu_count()} cores, medians of {RUNS} runs (warm cache)\n")
    cols = [("deals", "n", "%d"), ("list --json ms", "list_json_ms", "%.1f"),
            ("list ms", "list_ms", "%.1f"), ("flags --json ms", "flags_ms", "%.1f"),
            ("move ms", "move_ms", "%.1f"), ("git add+commit ms", "git_cli_ms", "%.1f"),
            ("RSS list MB", "rss_list_mb", "%.1f"),
            ("board 1st frame ms", "board_first_frame_ms", "%.1f"),
            ("key: select ms", "key_select_ms", "%.2f"),
            ("key: move deal ms", "key_move_deal_ms", "%.1f"),
            ("RSS board MB", "rss_board_mb", "%.1f"),
            ("sync merging ms", "sync_ms", "%.0f"), ("incoming changes", "sync_changes", "%d")]
    print("| " + " | ".join(c[0] for c in cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(fmt % r[key] for _, key, fmt in cols) + " |")
    print("\nBoard keys: median (p90) ms from taking the key to the frame on screen, every"
          "\nmove its commit and git index included:\n")
    print("| deals | select | move deal | move, typing on | move, whole-process figure |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']} | {r['key_select_ms']:.2f} ({r['key_select_p90_ms']:.2f}) | "
              f"{r['key_move_deal_ms']:.1f} ({r['key_move_deal_p90_ms']:.1f}) | "
              f"{r['key_move_burst_ms']:.1f} | "
              f"{r['key_move_deal_old_ms']:.1f} |")
    if any("hist_commits" in r for r in rows):
        print("\n`stats` on a generated history (tests/bench/history_gen.py): wall (CPU) ms;"
              "\nthe update is the event index brought up to date after a sync of 1,000 changes:\n")
        print("| deals | commits | first build | warm | update after sync |\n|---|---|---|---|---|")
        for r in rows:
            if "hist_commits" in r:
                print(f"| {r['n']} | {r['hist_commits']} | {r['hist_first_ms']:.0f} "
                      f"({r['hist_first_cpu_ms']:.0f}) | {r['hist_warm_ms']:.0f} "
                      f"({r['hist_warm_cpu_ms']:.0f}) | {r['hist_update_ms']:.0f} "
                      f"({r['hist_update_cpu_ms']:.0f}) |")
    if any("task_export_ms" in r for r in rows):
        print("\nTaskwarrior " + subprocess.run(["task", "--version"], capture_output=True,
                                                text=True).stdout.strip() +
              ", the same number of tasks:\n")
        print("| deals | task export ms | task list ms |\n|---|---|---|")
        for r in rows:
            if "task_export_ms" in r:
                print(f"| {r['n']} | {r['task_export_ms']:.1f} | {r['task_list_ms']:.1f} |")

main()
