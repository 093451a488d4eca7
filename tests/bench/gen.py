#!/usr/bin/env python3
"""Generates a synthetic pipeline repository of N deals for `make bench`:
realistic field sizes, several log entries per deal, written in dealboard's
canonical format, committed with a short history (setup only: the product
never runs the git CLI)."""
import json, os, random, subprocess, sys

STAGES = ["status-quo", "recognize", "define", "explore", "evaluate", "decide"]
WORDS = ("budget forecast finance board approval pilot rollout data platform "
         "migration security review champion procurement legal timeline demo "
         "reference onboarding integration risk quarterly pipeline renewal").split()

def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()

def date(day):
    import datetime
    return (datetime.date(2026, 1, 1) + datetime.timedelta(days=day)).isoformat()

def deal(rng, i):
    title = f"{sentence(rng, 2)} {i}"
    slug = "-".join(title.lower().split())[:32].strip("-")
    did = f"{slug}-{rng.getrandbits(24):06x}"
    created = rng.randint(0, 300)
    entered = created + rng.randint(0, 20)
    log = []
    for k in range(rng.randint(3, 6)):
        day = entered + k
        log.append({"id": f"{rng.getrandbits(32):08x}", "at": date(day) + "T10:00:00Z",
                    "by": "Bench Seller", "kind": rng.choice(["note", "touch"]),
                    "text": sentence(rng, rng.randint(6, 18))})
    return did, {
        "id": did, "title": title, "account": sentence(rng, 2) + " GmbH",
        "owner": rng.choice(["Dana Whitfield", "Marco Rossi", "Aisha Khan", "Lukas Berger"]),
        "stage": rng.choice(STAGES), "status": "open", "value": rng.randint(5, 400) * 1000,
        "created": date(created), "stage_entered": date(entered),
        "last_touch": date(entered + 2), "close_date": date(entered + 60),
        "close_date_pushes": rng.randint(0, 3),
        "next_step": {"text": sentence(rng, 5), "due": date(entered + 10)},
        "status_quo": sentence(rng, 14), "insight": sentence(rng, 14),
        "persona": sentence(rng, 5), "champion": sentence(rng, 3),
        "tags": [rng.choice(["inbound", "partner", "expansion"])],
        "snooze": None, "moved_on": None, "log": log}

def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, stdout=subprocess.DEVNULL)

def main():
    repo, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(n)
    os.makedirs(os.path.join(repo, "deals"), exist_ok=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Bench Seller")
    git(repo, "config", "user.email", "bench@example.com")
    git(repo, "config", "gc.auto", "0")       # no packing behind the benchmark's back
    with open(os.path.join(repo, "pipeline.json"), "w") as f:
        json.dump({"name": f"Bench {n}", "currency": "EUR"}, f, indent=2)
        f.write("\n")
    ids = []
    for i in range(n):
        did, obj = deal(rng, i)
        ids.append(did)
        d = os.path.join(repo, "deals", did[-2:])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, did + ".json"), "w") as f:
            f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"Import {n} deals")
    with open(os.path.join(repo, ".bench-ids"), "w") as f:
        f.write("\n".join(ids) + "\n")
    # Packed in the foreground, as a repository that has lived a while is
    # (an automatic gc in the background broke the copy of 100,000 loose
    # objects the sync benchmark makes).
    git(repo, "gc", "-q")
    git(repo, "update-index", "--refresh")

main()
