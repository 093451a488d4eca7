#!/usr/bin/env python3
"""Convergence of team sync, checked against the test's own record of edits.

Three clones of one bare remote make random edits through the dealboard CLI (new
deals, stage moves, field sets, notes) with syncs interleaved in random order, from
a fixed seed. After a final round of syncs the three trees must be identical, and
every edit must be present in the final state, or recorded in a conflict entry, or
overwritten by a later edit whose author had already seen it (tracked with "known"
sets: what each clone and the remote have seen).

usage: converge.py DEALBOARD WORKDIR URL EDITS_PER_CLONE SEED
Prints "ok - ..." / "not ok - ..." lines; exits 0 when every check passed."""
import glob
import json
import os
import random
import subprocess
import sys
import time

db, work, url, per_clone, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
STAGES = ["status-quo", "recognize", "define", "explore", "evaluate", "decide"]
NAMES = ["Alice Ames", "Bob Brown", "Cleo Chu"]
failures = []
sync_times = []


def run(clone, *args):
    p = subprocess.run([db, "-C", clone, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def deal_path(clone, did):
    return os.path.join(clone, "deals", did[-2:], did + ".json")


def deals_in(clone):
    return sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(clone, "deals", "*", "*.json")))


clones = []
for i, name in enumerate(NAMES):
    d = os.path.join(work, "c%d" % i)
    subprocess.run([db, "clone", url, d], check=True, capture_output=True)
    subprocess.run(["git", "-C", d, "config", "user.name", name], check=True)
    subprocess.run(["git", "-C", d, "config", "user.email", "c%d@example.com" % i], check=True)
    clones.append(d)

edits = []            # dicts: kind, deal, field, value, clone, known_before
known = [set() for _ in clones]
remote_known = set()
counter = [0]


def unique():
    counter[0] += 1
    return counter[0]


def record(ci, **e):
    e["id"] = len(edits)
    e["clone"] = ci
    e["known_before"] = frozenset(known[ci])
    edits.append(e)
    known[ci].add(e["id"])


def do_sync(ci):
    global remote_known
    t = time.monotonic()
    rc, out, err = run(clones[ci], "sync")
    sync_times.append(time.monotonic() - t)
    if rc != 0:
        failures.append("sync in clone %d exited %d: %s" % (ci, rc, err.strip()))
        return
    known[ci] |= remote_known
    remote_known = set(known[ci])


def edit(ci):
    c = clones[ci]
    ids = deals_in(c)
    roll = rng.random()
    if roll < 0.12 or not ids:
        title = "Deal %d" % unique()
        rc, out, err = run(c, "add", title, "--value", str(unique()), "--stage", rng.choice(STAGES))
        if rc == 0:
            record(ci, kind="new", deal=out.strip(), title=title)
        else:
            failures.append("add failed: " + err)
        return
    did = rng.choice(ids)
    cur = json.load(open(deal_path(c, did)))
    if roll < 0.35:
        stage = rng.choice([s for s in STAGES if s != cur["stage"]])
        rc, _, err = run(c, "move", did, stage)
        kind, field, value = "set", "stage", stage
    elif roll < 0.55:
        value = unique() * 10
        rc, _, err = run(c, "set", did, "value", str(value))
        kind, field = "set", "value"
    elif roll < 0.70:
        value = "Champion %d" % unique()
        rc, _, err = run(c, "set", did, "champion", value)
        kind, field = "set", "champion"
    else:
        value = "note %d from %s" % (unique(), NAMES[ci])
        rc, _, err = run(c, "note", did, value)
        kind, field = "note", None
    if rc == 0:
        record(ci, kind=kind, deal=did, field=field, value=value)
    else:
        failures.append("edit failed in clone %d: %s" % (ci, err.strip()))


# seed deals, shared by everyone before the edits start
for _ in range(4):
    edit(0)
do_sync(0)
for ci in (1, 2):
    do_sync(ci)

todo = [ci for ci in range(len(clones)) for _ in range(per_clone)]
rng.shuffle(todo)
for ci in todo:
    edit(ci)
    if rng.random() < 0.12:
        do_sync(rng.randrange(len(clones)))

for _ in range(2):                       # final rounds: everyone sees everything
    for ci in range(len(clones)):
        do_sync(ci)


def tree(c):
    return subprocess.run(["git", "-C", c, "rev-parse", "HEAD^{tree}"], capture_output=True,
                          text=True).stdout.strip()


def check(desc, cond, detail=""):
    print(("ok - converge: " if cond else "not ok - converge: ") + desc)
    if not cond and detail:
        for line in str(detail).splitlines()[:30]:
            print("#   " + line)
    return cond


check("every edit and sync succeeded", not failures, "\n".join(failures))
trees = [tree(c) for c in clones]
check("the three trees are identical", len(set(trees)) == 1, trees)
statuses = [subprocess.run(["git", "-C", c, "status", "--porcelain"], capture_output=True,
                           text=True).stdout for c in clones]
check("the three work trees are clean", all(s == "" for s in statuses), statuses)
rc, out, err = run(clones[0], "doctor")
check("every merged deal is valid (doctor)", rc == 0, out + err)

final = {did: json.load(open(deal_path(clones[0], did))) for did in deals_in(clones[0])}
conflict_texts = {did: [e["text"] for e in d.get("log", []) if e.get("kind") == "conflict"]
                  for did, d in final.items()}
by_slot = {}
for e in edits:
    if e["kind"] == "set":
        by_slot.setdefault((e["deal"], e["field"]), []).append(e)

missing = []
n_conflict_kept = 0
for e in edits:
    d = final.get(e["deal"])
    if d is None:
        missing.append("deal %s lost (edit %d)" % (e["deal"], e["id"]))
        continue
    if e["kind"] == "new":
        if d["title"] != e["title"] and not any(e["title"] in t for t in conflict_texts[e["deal"]]):
            missing.append("new deal %s lost its title" % e["deal"])
    elif e["kind"] == "note":
        if not any(x.get("text") == e["value"] for x in d.get("log", [])):
            missing.append("note lost: %r on %s" % (e["value"], e["deal"]))
    else:
        if d.get(e["field"]) == e["value"]:
            continue
        if any(e["id"] in later["known_before"] for later in by_slot[(e["deal"], e["field"])]
               if later["id"] != e["id"]):
            continue                     # overwritten by someone who had seen it
        needle = json.dumps(e["value"], ensure_ascii=False)
        if any(t.startswith(e["field"] + ":") and needle in t for t in conflict_texts[e["deal"]]):
            n_conflict_kept += 1
            continue
        missing.append("edit %d lost: %s.%s = %r (final %r)" % (e["id"], e["deal"], e["field"],
                                                               e["value"], d.get(e["field"])))

check("every edit is in the final state or in a conflict entry (%d edits, %d kept as conflicts)"
      % (len(edits), n_conflict_kept), not missing, "\n".join(missing))
conflicts_total = sum(len(v) for v in conflict_texts.values())
print("# %d edits, %d deals, %d syncs (mean %.3fs, max %.3fs), %d conflict entries" % (
    len(edits), len(final), len(sync_times), sum(sync_times) / len(sync_times), max(sync_times),
    conflicts_total))
sys.exit(0 if not failures and not missing and len(set(trees)) == 1 else 1)
