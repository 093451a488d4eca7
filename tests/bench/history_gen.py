#!/usr/bin/env python3
"""Writes a pipeline repository with a multi-year history (test tooling, not
product: it feeds `git fast-import`), with known distributions, for the
tests of `dealboard stats` and for `make bench`.

    history_gen.py REPO DEALS [--seed S] [--years Y] [--touches T] [--truth FILE]

Every deal lives a simulated life: it enters in Status quo, Recognize or
Define, stays in each stage a lognormal number of whole days (median
STAGE_MEDIAN), then moves forward (sometimes skipping a stage), back one
stage, or is lost or moved on; in Decide it is won or lost, less often the
more its close date was pushed. Close dates are pushed (and now and then
pulled in), values change, sellers log touches. The whole life is simulated,
the repository gets what happened up to TODAY: deals still open then are
what a survival estimate must count as still running.

History as teams make it: commits by several sellers and a manager, side
branches merged back (sync), a tenth of the moves made by hand in an editor
(no log entry, stage_entered untouched, other indentation), and now and then
a file broken by hand and fixed in the next commit.

--truth FILE gets the figures `stats` must recover, computed from the
simulation: per stage entered, exited_forward, won, censored (exact), the
median of the whole time deals spent in the stage counting the part after
TODAY (what Kaplan-Meier estimates), the 80th percentile for won deals
(exact); the slip ledger (exact); the number of broken file versions."""
import argparse, datetime, json, math, os, random, subprocess, sys

STAGES = ["status-quo", "recognize", "define", "explore", "evaluate", "decide"]
STAGE_MEDIAN = [12, 9, 14, 21, 18, 10]
SIGMA = 0.6
SELLERS = ["Dana Whitfield", "Marco Rossi", "Aisha Khan", "Lukas Berger", "Priya Nair"]
MANAGER = "Sam Ortega"
START = datetime.date(2023, 1, 2)
DAY = 86400
WORDS = ("budget forecast finance board approval pilot rollout data platform migration "
         "security review champion procurement legal timeline demo").split()


def email(name):
    return name.lower().replace(" ", ".") + "@example.com"


def iso(day):
    return (START + datetime.timedelta(days=day)).isoformat()


class Deal:
    def __init__(self, rng, i, created):
        words = " ".join(rng.choice(WORDS) for _ in range(2)).capitalize()
        self.title = f"{words} {i}"
        slug = "-".join(self.title.lower().split())[:32].strip("-")
        self.id = f"{slug}-{rng.getrandbits(24):06x}"
        self.owner = rng.choice(SELLERS)
        self.state = {"stage": None, "status": "open", "value": rng.randint(5, 400) * 1000,
                      "created": iso(created), "stage_entered": iso(created),
                      "close_date": iso(created + rng.randint(60, 120)), "close_date_pushes": 0}
        self.log = []

    def path(self):
        return f"deals/{self.id[-2:]}/{self.id}.json"

    def text(self, indent=2):
        s = self.state
        obj = {"id": self.id, "title": self.title, "account": self.title.split()[0] + " GmbH",
               "owner": self.owner, "stage": s["stage"], "status": s["status"],
               "value": s["value"], "created": s["created"], "stage_entered": s["stage_entered"],
               "last_touch": s["stage_entered"], "close_date": s["close_date"],
               "close_date_pushes": s["close_date_pushes"], "next_step": None,
               "status_quo": "", "insight": "", "persona": "", "champion": "", "tags": [],
               "snooze": None, "moved_on": None, "log": self.log[-4:]}
        return json.dumps(obj, indent=indent, ensure_ascii=False) + "\n"


def draw_days(rng, stage):
    return max(1, round(STAGE_MEDIAN[stage] * math.exp(SIGMA * rng.gauss(0, 1))))


def at(rng, day):
    """A moment during the working day (UTC), so that whole days are exact."""
    return day * DAY + rng.randint(9 * 3600, 17 * 3600 - 1)


def simulate(rng, deal, created):
    """The deal's whole life: [(time, kind, payload)], unbounded by TODAY."""
    r = rng.random()
    stage = 0 if r < 0.6 else 1 if r < 0.9 else 2
    pushes = rng.choices([0, 1, 2, 3, 4], [50, 25, 14, 8, 3])[0]
    events = [(at(rng, created), "create", stage)]
    day, spells = created, []
    while True:
        d = draw_days(rng, stage)
        spells.append((stage, d))
        day += d
        r = rng.random()
        if stage == len(STAGES) - 1:
            won = 0.75 - 0.15 * pushes
            kind = "won" if r < won else "lost" if r < 0.92 else "back"
        else:
            kind = ("back" if r < 0.05 and stage > 0 else "lost" if r < 0.22 else
                    "moved-on" if r < 0.30 else "forward")
        t = at(rng, day)
        if kind == "back":
            stage -= 1
            events.append((t, "move", stage))
        elif kind == "forward":
            stage += 2 if rng.random() < 0.05 and stage < len(STAGES) - 2 else 1
            events.append((t, "move", stage))
        else:
            events.append((t, "close", kind))
            break
    end, born = day, events[0][0]

    def during_life():
        return max(born + 60, at(rng, rng.randint(created, end)))
    for _ in range(pushes):
        events.append((during_life(), "push", rng.randint(7, 45)))
    if rng.random() < 0.08:
        events.append((during_life(), "pull", rng.randint(3, 20)))
    if rng.random() < 0.2:
        events.append((during_life(), "value", rng.randint(5, 400) * 1000))
    return sorted(events, key=lambda e: (e[0], e[1] != "create")), spells


def touches(rng, created, end, every):
    t, out = created, []
    while every > 0:
        t += max(1, round(rng.expovariate(1 / every)))
        if t >= end:
            return out
        out.append(at(rng, t))
    return out


def apply(rng, deal, kind, payload, t):
    """Changes the deal's state; returns the commit message (None: nothing)."""
    s, day = deal.state, iso(t // DAY)
    who = SELLERS[0]
    if kind == "create":
        s["stage"] = STAGES[payload]
        return f"Add {deal.id}"
    if kind == "move":
        s["stage"], s["stage_entered"] = STAGES[payload], day
        deal.log.append({"id": f"{rng.getrandbits(32):08x}", "at": stamp(t), "by": who,
                         "kind": "stage", "text": f"-> {STAGES[payload]}"})
        return f"Move {deal.id}: {STAGES[payload]}"
    if kind == "close":
        s["status"] = payload
        return f"{payload.capitalize()}: {deal.id}"
    if kind in ("push", "pull"):
        old = datetime.date.fromisoformat(s["close_date"])
        shift = payload if kind == "push" else -payload
        s["close_date"] = (old + datetime.timedelta(days=shift)).isoformat()
        s["close_date_pushes"] += kind == "push"
        return f"Close date of {deal.id}: {s['close_date']}"
    if kind == "value":
        s["value"] = payload
        return f"Value of {deal.id}: {payload}"
    deal.log.append({"id": f"{rng.getrandbits(32):08x}", "at": stamp(t), "by": who,
                     "kind": "touch", "text": " ".join(rng.choice(WORDS) for _ in range(6))})
    return f"Touch {deal.id}"


def stamp(t):
    return datetime.datetime.fromtimestamp(t + START_EPOCH, datetime.timezone.utc) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")


START_EPOCH = int(datetime.datetime(START.year, START.month, START.day,
                                    tzinfo=datetime.timezone.utc).timestamp())


class Stream:
    """git fast-import input; commits are numbered marks."""

    def __init__(self, out):
        self.out, self.mark = out, 0

    def data(self, text):
        b = text.encode()
        self.out.write(b"data %d\n" % len(b))
        self.out.write(b)
        self.out.write(b"\n")

    def commit(self, ref, author, t, message, files, parents):
        self.mark += 1
        w = self.out.write
        w(f"commit {ref}\nmark :{self.mark}\n".encode())
        ident = f"{author} <{email(author)}> {t + START_EPOCH} +0000"
        w(f"author {ident}\ncommitter {ident}\n".encode())
        self.data(message)
        if parents:
            w(f"from :{parents[0]}\n".encode())
        for p in parents[1:]:
            w(f"merge :{p}\n".encode())
        for path, text in files:
            w(f"M 100644 inline {path}\n".encode())
            self.data(text)
        return self.mark


def lower_median(values):
    v = sorted(values)
    return v[math.ceil(len(v) / 2) - 1] if v else None


def rank(values, q):
    v = sorted(values)
    return v[math.ceil(q * len(v)) - 1] if v else None


def build(args):
    rng = random.Random(args.seed)
    days = int(args.years * 365)
    today = days - 1
    end_t = (today + 1) * DAY
    deals, commits, lives = [], [], []
    for i in range(args.deals):
        created = rng.randint(0, today)
        deal = Deal(rng, i, created)
        events, spells = simulate(rng, deal, created)
        lives.append((deal, events, spells))
        last = max(e[0] for e in events)
        for t in touches(rng, created, last // DAY, args.touches):
            events.append((t, "touch", None))
        events.sort(key=lambda e: (e[0], e[1] != "create"))
        for t, kind, payload in events:
            if t < end_t:
                commits.append((t, len(deals), kind, payload))
        deals.append(deal)
    commits.sort(key=lambda c: (c[0], c[1]))
    return rng, deals, commits, lives, today, end_t


def truth_of(lives, end_t, broken):
    st = {s: {"entered": set(), "exited_forward": set(), "won": set(), "censored": 0,
              "all_days": [], "won_days": []} for s in STAGES}
    pushes_by_deal, slips, closed = {}, [], {}
    for deal, events, spells in lives:
        if events[0][0] >= end_t:
            continue
        stage, status = None, "open"
        totals = {}
        for s, d in spells:
            totals[s] = totals.get(s, 0) + d
        for t, kind, payload in events:
            if t >= end_t:
                break
            if kind == "create":
                stage = payload
                st[STAGES[stage]]["entered"].add(deal.id)
            elif kind == "move":
                if payload > stage:
                    st[STAGES[stage]]["exited_forward"].add(deal.id)
                stage = payload
                st[STAGES[stage]]["entered"].add(deal.id)
            elif kind == "close":
                status = payload
            elif kind == "push":
                pushes_by_deal[deal.id] = pushes_by_deal.get(deal.id, 0) + 1
                slips.append(payload)
        if status == "open":
            st[STAGES[stage]]["censored"] += 1
        else:
            closed[deal.id] = (pushes_by_deal.get(deal.id, 0), status == "won")
        for s, d in totals.items():
            rec = st[STAGES[s]]
            if deal.id in rec["entered"]:
                rec["all_days"].append(d)
                if status == "won":
                    rec["won"].add(deal.id)
                    rec["won_days"].append(d)
    stages = [{"id": s, "entered": len(r["entered"]), "exited_forward": len(r["exited_forward"]),
               "won": len(r["won"]), "censored": r["censored"],
               "true_median_days": lower_median(r["all_days"]),
               "p80_days_won": rank(r["won_days"], 0.8)} for s, r in st.items()]
    by_pushes = []
    for k in range(4):
        ds = [w for p, w in closed.values() if min(p, 3) == k]
        by_pushes.append({"pushes": k, "deals": len(ds), "won": sum(ds)})
    return {"stages": stages, "unparseable": broken,
            "slips": {"pushed_deals": len(pushes_by_deal), "won_rate_by_pushes": by_pushes,
                      "median_slip_days": lower_median(slips)}}


def write(args, rng, deals, commits, lives, today, end_t):
    os.makedirs(args.repo, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", args.repo], check=True)
    for k, v in (("user.name", "Bench Seller"), ("user.email", "bench@example.com"),
                 ("gc.auto", "0")):
        subprocess.run(["git", "-C", args.repo, "config", k, v], check=True)
    stream_path = os.path.join(args.repo, ".git", "history-gen.stream")
    stream = open(stream_path, "wb", buffering=1 << 20)
    s = Stream(stream)
    config = json.dumps({"name": "History", "currency": "EUR"}, indent=2) + "\n"
    main = s.commit("refs/heads/main", MANAGER, commits[0][0] - 3600, "Start the pipeline",
                    [("pipeline.json", config)], [])
    broken, i = 0, 0
    while i < len(commits):
        chunk = commits[i:i + 12]
        main, n = emit_chunk(s, rng, deals, chunk, main, rng.random() < 0.2)
        broken += n
        i += len(chunk)
    stream.close()
    with open(stream_path, "rb") as f:
        # glibc returns memory to the system after every commit fast-import
        # makes (tens of thousands of brk calls): padding makes it 20x faster.
        env = dict(os.environ, MALLOC_TOP_PAD_="268435456", MALLOC_TRIM_THRESHOLD_="268435456")
        if subprocess.run(["git", "-C", args.repo, "fast-import", "--quiet"], stdin=f,
                          env=env).returncode:
            sys.exit("history_gen: git fast-import failed")
    os.unlink(stream_path)
    subprocess.run(["git", "-C", args.repo, "checkout", "-q", "-f", "main"], check=True)
    subprocess.run(["git", "-C", args.repo, "branch", "-q", "-D", "side"],
                   stderr=subprocess.DEVNULL)
    if args.truth:
        truth = truth_of(lives, end_t, broken)
        truth["today"] = iso(today)
        truth["deals"] = len({c[1] for c in commits})
        truth["commits"] = s.mark
        with open(args.truth, "w") as f:
            json.dump(truth, f, indent=2)
            f.write("\n")


def author_of(rng, deal):
    return MANAGER if rng.random() < 0.1 else deal.owner


def one_commit(s, rng, deals, c, ref, parent):
    """The commit(s) of one simulated change; returns (tip, broken versions, paths)."""
    t, di, kind, payload = c
    deal = deals[di]
    author = author_of(rng, deal)
    by_hand = kind == "move" and rng.random() < 0.1
    entered = deal.state["stage_entered"]
    message = apply(rng, deal, kind, payload, t)
    if by_hand:
        deal.state["stage_entered"] = entered      # an editor does not update it
        deal.log.pop()
        tip = s.commit(ref, author, t, "edit by hand", [(deal.path(), deal.text(4))], [parent])
        return tip, 0
    if kind == "touch" and rng.random() < 0.02:
        text = deal.text()
        tip = s.commit(ref, author, t, "typo", [(deal.path(), text[:len(text) // 2])], [parent])
        tip = s.commit(ref, author, t + 60, "fix the file", [(deal.path(), deal.text())], [tip])
        return tip, 1
    return s.commit(ref, author, t, message, [(deal.path(), deal.text())], [parent]), 0


def emit_chunk(s, rng, deals, chunk, main, branch):
    """Commits in order on main; with branch, one seller's commits go on a side
    branch merged back at the end (when no deal is touched on both sides)."""
    side_author = deals[chunk[0][1]].owner
    side = [c for c in chunk if deals[c[1]].owner == side_author]
    rest = [c for c in chunk if deals[c[1]].owner != side_author]
    if not branch or not side or not rest or {c[1] for c in side} & {c[1] for c in rest}:
        side, rest = [], chunk
    broken = 0
    base = main
    for c in rest:
        main, n = one_commit(s, rng, deals, c, "refs/heads/main", main)
        broken += n
    if side:
        tip = base
        for c in side:
            tip, n = one_commit(s, rng, deals, c, "refs/heads/side", tip)
            broken += n
        files = [(deals[di].path(), deals[di].text()) for di in sorted({c[1] for c in side})]
        t = max(c[0] for c in chunk) + 30
        main = s.commit("refs/heads/main", side_author, t, "Merge (sync)", files, [main, tip])
    return main, broken


def main():
    p = argparse.ArgumentParser()
    p.add_argument("repo")
    p.add_argument("deals", type=int)
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("--years", type=float, default=3)
    p.add_argument("--touches", type=float, default=12, help="mean days between touches")
    p.add_argument("--truth")
    args = p.parse_args()
    write(args, *build(args))


main()
