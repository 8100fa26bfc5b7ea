#!/usr/bin/env python3
"""The include graph between lib/ folders (issue 20: no circles between
modules), run by meson as unit-include-graph.

usage: check_includes.py LIB_DIR

Reads every lib/FOLDER/*.[ch] for `#include "../OTHER/...`: an edge FOLDER ->
OTHER. Fails, listing what is wrong, when

  - an infrastructure folder (INFRA: anyone may include them) includes a
    module folder;
  - the graph, less the KNOWN edges, has a cycle (each cycle is printed with
    the files that make its edges);
  - a KNOWN edge no longer closes a cycle (it is gone, or the way back is):
    take it off the list, so that the list only shrinks.

Only "../X/" includes count: a folder's own headers are included without a
path, and lib/modules.c (the module table, in no folder) includes every
module by design.
"""
import collections
import pathlib
import re
import sys

# May be included by any folder; include only each other.
INFRA = {"util", "core", "net", "ct", "cli", "conf", "addr"}

# Edges that close a cycle today and are left for later (issue 20), each the
# edge that goes against the layering (a module uses the data path's
# contract, dp/dp.h):
KNOWN = {
    # classify (dp/classify_dp.c) and the dispatcher (dp/dispatch_dp.c,
    # worker_dp.c) ask lb's and vpc's worker headers and call their stages,
    # while lb's and vpc's stages are written against dp/dp.h
    ("dp", "lb"): "classify, dispatch and the worker loop call lb's stages and lookups",
    ("dp", "vpc"): "classify, dispatch, ip4-route and ip4-local call vpc's stages and lookups",
    # ip4-local hands packets to the host port (host/host_dp.h), whose
    # worker side is written against dp/dp.h
    ("dp", "host"): "ip4-local punts to the host port (host/host_dp.h)",
    # the NAT gateway's stage, like lb's: classify and ip4-route send pool
    # addresses to it, the dispatcher calls it
    ("dp", "snat"): "classify, dispatch and ip4-route call snat's stage and lookups",
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"\.\./([A-Za-z0-9_]+)/([^"]+)"', re.M)


def read_graph(lib):
    """{folder: {other: [file that includes other, ...]}}"""
    edges = collections.defaultdict(lambda: collections.defaultdict(list))
    for f in sorted(lib.glob("*/*.[ch]")):
        a = f.parent.name
        for m in INCLUDE.finditer(f.read_text(errors="replace")):
            b = m.group(1)
            if b != a:
                edges[a][b].append(f"{f.relative_to(lib.parent)} -> ../{b}/{m.group(2)}")
    return edges


def reaches(edges, src, dst, skip=frozenset()):
    """A path src -> ... -> dst (list of folders), or None; edges in skip unused."""
    prev = {src: None}
    todo = collections.deque([src])
    while todo:
        a = todo.popleft()
        for b in sorted(edges.get(a, ())):
            if (a, b) in skip or b in prev:
                continue
            prev[b] = a
            if b == dst:
                path = [b]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return path[::-1]
            todo.append(b)
    return None


def find_cycles(edges, skip):
    """Cycles of the graph less skip: one per edge a -> b that some path
    b -> ... -> a closes, reported once per set of folders."""
    seen, cycles = set(), []
    for a in sorted(edges):
        for b in sorted(edges[a]):
            if (a, b) in skip:
                continue
            back = reaches(edges, b, a, skip)
            if back is None:
                continue
            cyc = [a] + back  # a -> b -> ... -> a
            key = frozenset(cyc)
            if key not in seen:
                seen.add(key)
                cycles.append(cyc)
    return cycles


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    lib = pathlib.Path(sys.argv[1])
    edges = read_graph(lib)
    if not edges:
        print(f"no includes found under {lib}", file=sys.stderr)
        return 2
    bad = 0

    for a in sorted(INFRA & edges.keys()):
        for b in sorted(edges[a]):
            if b not in INFRA:
                bad += 1
                print(f"FAIL: infrastructure folder {a} includes module folder {b}:")
                for why in edges[a][b]:
                    print(f"    {why}")

    for cyc in find_cycles(edges, set(KNOWN)):
        bad += 1
        print("FAIL: cycle " + " -> ".join(cyc))
        for a, b in zip(cyc, cyc[1:]):
            for why in edges[a][b]:
                print(f"    {why}")

    for (a, b), why in sorted(KNOWN.items()):
        back = reaches(edges, b, a) if b in edges.get(a, {}) else None
        if back is None:
            bad += 1
            print(f"FAIL: KNOWN edge {a} -> {b} closes no cycle any more: "
                  "take it off the list")
        else:
            print(f"known: {a} -> " + " -> ".join(back) + f"  ({why})")

    n = sum(len(v) for v in edges.values())
    print(f"{len(edges)} folders, {n} edges between them, {len(KNOWN)} known back edges: "
          + ("FAIL" if bad else "no other cycle"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
