#!/usr/bin/env python3
"""An independent model of dealboard's move-on rules (SPEC §1) and of
`flags --json` / `report --json` (SPEC §3, README "Flags and the forecast"),
computed straight from a pipeline repository's files.

usage: forecast_model.py REPO flags ACTUAL.json
       forecast_model.py REPO report ACTUAL.json [SINCE]

Prints "same" when ACTUAL.json is what the model expects, else every
difference, one per line (and exits 1). DEALBOARD_TODAY gives today.
"""
import datetime
import glob
import json
import os
import sys

DEFAULT_RULES = {
    "stalled": (2, None), "quiet": (2, 14), "back-burner": (2, 2), "past-close": (2, None),
    "no-next-step": (1, None), "overdue-step": (1, 3), "no-why-change": (1, None),
}
THRESHOLD_KEY = {"quiet": "days", "back-burner": "pushes", "overdue-step": "days"}


def day(text):
    return datetime.date.fromisoformat(text) if text else None


def s(n):
    return "" if n == 1 else "s"


class Pipeline:
    def __init__(self, repo):
        with open(os.path.join(repo, "pipeline.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        self.currency = cfg.get("currency", "EUR")
        self.stages = cfg["stages"]
        self.rules = {}
        for name, (weight, threshold) in DEFAULT_RULES.items():
            given = cfg.get("rules", {}).get(name, {})
            self.rules[name] = {
                "enabled": given.get("enabled", True),
                "weight": given.get("weight", weight),
                "threshold": given.get(THRESHOLD_KEY.get(name, ""), threshold),
            }
        levels = cfg.get("levels", {})
        self.watch, self.move_on = levels.get("watch", 2), levels.get("move-on", 4)
        self.deals = []
        for path in sorted(glob.glob(os.path.join(repo, "deals", "*", "*.json"))):
            with open(path, encoding="utf-8") as f:
                self.deals.append(json.load(f))

    def stage_index(self, stage_id):
        for i, st in enumerate(self.stages):
            if st["id"] == stage_id:
                return i
        return None


def days_in_stage(deal, today):
    since = day(deal.get("stage_entered")) or day(deal.get("created"))
    return 0 if since is None or today < since else (today - since).days


def evaluate(p, deal, today):
    """(score, level, reasons) as SPEC §1 defines them."""
    if deal["status"] != "open":
        return 0, "none", []
    until = day((deal.get("snooze") or {}).get("until"))
    if until is not None and today < until:
        return 0, "none", []
    reasons = []

    def fire(rule, text):
        if p.rules[rule]["enabled"]:
            reasons.append((rule, text))

    index = p.stage_index(deal["stage"])
    in_stage = days_in_stage(deal, today)
    if index is not None and in_stage > p.stages[index]["max_days"]:
        st = p.stages[index]
        fire("stalled", f"{in_stage} day{s(in_stage)} in {st['name']}, limit {st['max_days']}")
    limit = p.rules["quiet"]["threshold"]
    touch, created = day(deal.get("last_touch")), day(deal.get("created"))
    if touch is not None and (today - touch).days > limit:
        n = (today - touch).days
        fire("quiet", f"no touch for {n} day{s(n)}, limit {limit}")
    elif touch is None and created is not None and (today - created).days > limit:
        n = (today - created).days
        fire("quiet", f"never touched, created {n} day{s(n)} ago, limit {limit}")
    pushes = deal.get("close_date_pushes", 0)
    if pushes > 0 and pushes >= p.rules["back-burner"]["threshold"]:
        fire("back-burner", f"close date pushed {pushes} time{s(pushes)}")
    close = day(deal.get("close_date"))
    if close is not None and close < today:
        n = (today - close).days
        fire("past-close", f"close date {close.isoformat()} passed {n} day{s(n)} ago")
    step = deal.get("next_step") or {}
    if not step.get("text"):
        fire("no-next-step", "no next step")
    else:
        due = day(step.get("due"))
        if due is not None and (today - due).days > p.rules["overdue-step"]["threshold"]:
            n = (today - due).days
            fire("overdue-step", f"next step overdue by {n} day{s(n)}")
    define = p.stage_index("define")
    if index is not None and define is not None and index >= define:
        no_sq = not (deal.get("status_quo") or "").strip()
        no_in = not (deal.get("insight") or "").strip()
        what = ("status quo or insight" if no_sq and no_in else
                "status quo" if no_sq else "insight" if no_in else None)
        if what:
            fire("no-why-change", f"no {what} recorded")
    score = sum(p.rules[rule]["weight"] for rule, _ in reasons)
    level = "move-on" if score >= p.move_on else "watch" if score >= p.watch else "none"
    return score, level, reasons


def expected_flags(p, today):
    flagged = []
    for deal in p.deals:
        score, level, reasons = evaluate(p, deal, today)
        if level == "none":
            continue
        view = dict(deal)
        view["days_in_stage"] = days_in_stage(deal, today)
        view["score"], view["level"] = score, level
        view["reasons"] = [{"rule": r, "text": t} for r, t in reasons]
        flagged.append(view)
    unknown = len(p.stages)

    def order(v):
        index = p.stage_index(v["stage"])
        return (-v["score"], unknown if index is None else index, v["title"], v["id"])

    flagged.sort(key=order)
    return {"today": today.isoformat(), "deals": flagged}


def closed_on(deal):
    """The latest "status" log entry's date, else stage_entered, else created."""
    dates = [e["at"][:10] for e in deal.get("log", []) if e.get("kind") == "status"]
    return day(max(dates)) if dates else day(deal.get("stage_entered")) or day(deal.get("created"))


def weighted(value, probability):
    return (value * probability + 50) // 100      # per deal, half up


def empty_totals():
    return {"open": {"count": 0, "value": 0, "weighted": 0}, "flagged": {"count": 0, "value": 0},
            "closed": {k: {"count": 0, "value": 0} for k in ("won", "lost", "moved-on")},
            "unstaged": {"count": 0, "value": 0}}


def add(bucket, value):
    bucket["count"] += 1
    bucket["value"] += value


def expected_report(p, today, since):
    main = empty_totals()
    others = {}
    rows = [{"id": st["id"], "name": st["name"], "count": 0, "value": 0, "weighted": 0,
             "probability": st["probability"], "days": 0} for st in p.stages]
    for deal in p.deals:
        currency = deal.get("currency") or p.currency
        mine = currency.lower() == p.currency.lower()
        if mine:
            t = main
        else:
            key = currency.lower()
            if key not in others:
                others[key] = dict(empty_totals(), currency=currency.upper())
            t = others[key]
        value = deal["value"]
        if deal["status"] != "open":
            c = closed_on(deal)
            if since is None or (c is not None and since <= c <= today):
                add(t["closed"][deal["status"]], value)
            continue
        add(t["open"], value)
        if evaluate(p, deal, today)[1] != "none":
            add(t["flagged"], value)
        index = p.stage_index(deal["stage"])
        if index is None:
            add(t["unstaged"], value)
            continue
        w = weighted(value, p.stages[index]["probability"])
        t["open"]["weighted"] += w
        if mine:
            row = rows[index]
            add(row, value)
            row["weighted"] += w
            row["days"] += days_in_stage(deal, today)
    for row in rows:
        days = row.pop("days")
        row["avg_days"] = (2 * days + row["count"]) // (2 * row["count"]) if row["count"] else None
    report = {"today": today.isoformat(), "currency": p.currency,
              "since": since.isoformat() if since else None, "stages": rows,
              "open": main["open"], "flagged": main["flagged"], "closed": main["closed"],
              "unstaged": main["unstaged"], "other_currencies": []}
    for key in sorted(others):
        t = others[key]
        report["other_currencies"].append({"currency": t["currency"], "open": t["open"],
                                           "flagged": t["flagged"], "closed": t["closed"]})
    return report


def differences(expected, actual, where="$"):
    if type(expected) is not type(actual):
        return [f"{where}: expected {expected!r}, got {actual!r}"]
    if isinstance(expected, dict):
        out = []
        if list(expected) != list(actual):
            out.append(f"{where}: keys {list(expected)} != {list(actual)}")
        for k in expected:
            if k in actual:
                out += differences(expected[k], actual[k], f"{where}.{k}")
        return out
    if isinstance(expected, list):
        out = [] if len(expected) == len(actual) else [
            f"{where}: {len(expected)} items expected, got {len(actual)}"]
        for i, (e, a) in enumerate(zip(expected, actual)):
            out += differences(e, a, f"{where}[{i}]")
        return out
    return [] if expected == actual else [f"{where}: expected {expected!r}, got {actual!r}"]


def main():
    repo, what, actual_path = sys.argv[1:4]
    since = day(sys.argv[4]) if len(sys.argv) > 4 else None
    today = day(os.environ["DEALBOARD_TODAY"])
    p = Pipeline(repo)
    with open(actual_path, encoding="utf-8") as f:
        actual = json.load(f)
    expected = expected_flags(p, today) if what == "flags" else expected_report(p, today, since)
    diff = differences(expected, actual)
    print("\n".join(diff) if diff else "same")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
