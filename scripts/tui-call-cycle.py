#!/usr/bin/env python3
"""Which tui/*.c calls functions defined in which other tui/*.c, read from the
built objects (nm), and the call cycles among them (the framework, app.c,
must call no screen). Usage: scripts/tui-call-cycle.py build"""
import subprocess, sys, glob, os
objdir = sys.argv[1]
defs, uses = {}, {}
for o in sorted(glob.glob(os.path.join(objdir, 'tui', '*.o'))):
    name = os.path.basename(o)[:-2]
    out = subprocess.run(['nm', o], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TDBR':
            defs[parts[2]] = name
        elif len(parts) == 2 and parts[0] == 'U':
            uses.setdefault(name, set()).add(parts[1])
    uses.setdefault(name, set())
edges = {f: sorted({defs[s] for s in syms if s in defs and defs[s] != f}) for f, syms in uses.items()}
for f in sorted(edges):
    print(f"{f:15} -> {' '.join(edges[f])}")
# Tarjan
index, low, stack, on, sccs, i = {}, {}, [], set(), [], [0]
def strong(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        sccs.append(sorted(c))
for v in sorted(edges):
    if v not in index: strong(v)
for c in sccs:
    if len(c) > 1:
        print(f"cycle of {len(c)} files: {' '.join(c)}")
print("largest cycle:", max(len(c) for c in sccs if True) if any(len(c)>1 for c in sccs) else 0)
