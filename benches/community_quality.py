#!/usr/bin/env python3
"""Community-detection quality: spargraph against peer libraries, on graphs with a
planted or known partition (LFR benchmark instances and the small labelled graphs
shipped in datasets/).

    PY=/work/anchors-work/.venv/bin/python   # python-igraph, leidenalg, networkit,
                                             # scikit-learn, pyarrow, numpy
    $PY benches/community_quality.py prepare
    $PY benches/community_quality.py peers  [--graphs SUBSTR ...] [--methods M ...]
    $PY benches/community_quality.py ours   [--graphs SUBSTR ...] [--label NAME] [SPARGRAPH FLAGS]
    $PY benches/community_quality.py seeds  [--seeds K] [--graphs SUBSTR ...] [SPARGRAPH FLAGS]
    $PY benches/community_quality.py report [--markdown]

prepare  Converts the LFR instances in ../shared/datasets/lfr-cdlib/ (networkx edge
         list `u<TAB>v<TAB>{}` + cdlib JSON communities) to
         $WORK/lfr/<name>.parquet (src:int64, dst:int64; undirected, each edge once
         with src < dst, no duplicates, no self-loops) and <name>.labels.parquet
         (node:int64, label:int64; a node in several communities gets the first).
         The small graphs of datasets/ are cleaned the same way into
         $WORK/community-small/ (email-eu-core is a directed multigraph with
         self-loops in the shipped file; the others are already simple), with
         their labels copied. Prints what it found: overlaps, self-loops,
         duplicates, unlabelled nodes, labelled nodes without edges, id ranges.
peers    For every graph: igraph community_leiden (modularity, n_iterations=2),
         igraph community_multilevel, leidenalg ModularityVertexPartition (seed 42;
         given up after --leidenalg-timeout seconds on graphs of >= 50,000 nodes),
         NetworKit PLM (refine, gamma 1, turbo, 2 threads, seed 42), plus the
         ground-truth partition itself as a reference row ("truth").
         --reps N times each peer N times and keeps the fastest (the machine may be
         busy; the first run's partition is the one scored).
ours     Runs `spargraph communities --input G.parquet --output /tmp/cq/<name>.parquet
         --quiet [FLAGS]` on every graph (any argument this script does not know, or
         everything after `--`, is passed through, e.g. `--method louvain
         --resolution 1.0`), reads node_id/community and scores it the same way.
         Skipped with a message if the binary or its `communities` subcommand is
         missing. The row's method name is "spargraph" plus the flags (or --label).
seeds    The seed-to-seed comparison: on every graph, igraph community_leiden
         (as in peers) with random.seed(s) and `spargraph communities --seed s`
         for s in 0..--seeds-1; prints the mean and standard deviation of NMI,
         ARI and modularity of each, the difference of the NMI means and its
         standard error (sqrt(sd1^2/K + sd2^2/K)). One seed of each is a coin
         toss wherever NMI varies from seed to seed by more than the two methods
         differ; this is the comparison that is not. Results go to
         benches/results/community/quality_seeds.json (--seeds-results).
report   Prints the table from the results file.

Every subcommand that measures merges its rows (keyed by graph and method) into
benches/results/community/quality.json and prints the table of what it ran.

Metrics, all on the same simple undirected graph (ids mapped to 0..n-1 in sorted id
order, identically for every method): wall time of the algorithm call alone for
the peers (graph already built in memory), of the whole process for spargraph
(load + run + write); modularity Q = igraph Graph.modularity(membership) at
resolution 1; k = number of communities; NMI = sklearn
normalized_mutual_info_score(truth, pred, average_method="arithmetic"); ARI =
sklearn adjusted_rand_score(truth, pred). NMI/ARI are over the nodes of the graph
(every one has a label: prepare checks it).

Graph names: LFR_N{1000,10000,100000}_ad5_mc50_mu{0.1..} (by default only
mu <= 0.5; --all-mu adds 0.6..0.9 where present), karate, football, polbooks,
email-eu-core. --graphs keeps graphs whose name contains any of the given strings.
$WORK is /work/anchors-work (override with --work or the ANCHORS_WORK variable).
"""
import argparse
import datetime
import gzip
import json
import os
import platform
import random
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent          # /work/main
SHARED = ROOT.parent / "shared" / "datasets"
LFR_SRC = SHARED / "lfr-cdlib"
SMALL_SRC = ROOT / "datasets"
SMALL_NAMES = ["karate", "football", "polbooks", "email-eu-core"]
RESULTS = ROOT / "benches" / "results" / "community" / "quality.json"
DEFAULT_WORK = Path(os.environ.get("ANCHORS_WORK", "/work/anchors-work"))
DEFAULT_SPARGRAPH = ROOT / "target" / "release" / "spargraph"
PEER_METHODS = ["truth", "igraph_leiden", "igraph_multilevel", "leidenalg", "networkit_plm"]
LFR_RE = re.compile(r"^LFR_N(\d+)_ad5_mc50_mu([0-9.]+)$")


# ----------------------------------------------------------------------------- prepare

def _simple_edges(src, dst):
    """Undirected simple edge list: (u, v) with u < v, sorted, unique. Returns the
    arrays and the counts of self-loops and of removed repeated/reversed rows."""
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    loops = int(np.count_nonzero(src == dst))
    keep = src != dst
    u = np.minimum(src[keep], dst[keep])
    v = np.maximum(src[keep], dst[keep])
    pairs = np.unique(np.stack([u, v], axis=1), axis=0) if len(u) else np.zeros((0, 2), np.int64)
    dups = int(len(u) - len(pairs))
    return pairs[:, 0].copy(), pairs[:, 1].copy(), loops, dups


def _write_graph(path, src, dst, meta):
    t = pa.table({"src": pa.array(src, pa.int64()), "dst": pa.array(dst, pa.int64())})
    t = t.replace_schema_metadata({"community_quality": json.dumps(meta)})
    pq.write_table(t, path)


def _write_labels(path, nodes, labels):
    t = pa.table({"node": pa.array(nodes, pa.int64()), "label": pa.array(labels, pa.int64())})
    pq.write_table(t, path)


def _check(name, src, dst, lab_nodes, notes):
    graph_nodes = np.unique(np.concatenate([src, dst]))
    lab = set(lab_nodes.tolist())
    unlabelled = [int(x) for x in graph_nodes if int(x) not in lab]
    no_edges = sorted(lab - set(graph_nodes.tolist()))
    if unlabelled:
        notes.append(f"{len(unlabelled)} graph nodes WITHOUT label (e.g. {unlabelled[:5]})")
    if no_edges:
        notes.append(f"{len(no_edges)} labelled nodes have no edge once self-loops are dropped "
                     f"(not in the edge list, so not scored): {no_edges[:10]}")
    return graph_nodes, unlabelled, no_edges


def prepare(args):
    out_lfr = Path(args.work) / "lfr"
    out_small = Path(args.work) / "community-small"
    out_lfr.mkdir(parents=True, exist_ok=True)
    out_small.mkdir(parents=True, exist_ok=True)
    summary = {}
    bad = 0
    for csv in sorted(LFR_SRC.glob("LFR_*.csv.gz")):
        name = csv.name[: -len(".csv.gz")]
        js = LFR_SRC / f"{name}.json.gz"
        with gzip.open(csv, "rt") as f:
            rows = [line.split("\t")[:2] for line in f if line.strip()]
        arr = np.array(rows, dtype=np.int64)
        src, dst, loops, dups = _simple_edges(arr[:, 0], arr[:, 1])
        with gzip.open(js, "rt") as f:
            gt = json.load(f)
        comms = gt["communities"]
        first = {}
        multi = 0
        seen = {}
        for ci, members in enumerate(comms):
            for x in members:
                seen[x] = seen.get(x, 0) + 1
                first.setdefault(int(x), ci)
        multi = sum(1 for c in seen.values() if c > 1)
        notes = []
        if gt.get("overlap") or multi:
            notes.append(f"overlap flag={gt.get('overlap')}, {multi} nodes in several "
                         f"communities (first one used)")
        lab_nodes = np.array(sorted(first), dtype=np.int64)
        lab_vals = np.array([first[x] for x in lab_nodes.tolist()], dtype=np.int64)
        graph_nodes, unl, noe = _check(name, src, dst, lab_nodes, notes)
        bad += bool(unl)
        info = {
            "source": str(csv), "truth_source": str(js), "rows": int(len(arr)),
            "self_loops_dropped": loops, "duplicates_dropped": dups,
            "edges": int(len(src)), "nodes_in_edges": int(len(graph_nodes)),
            "id_min": int(graph_nodes.min()), "id_max": int(graph_nodes.max()),
            "truth_nodes": int(len(lab_nodes)), "communities": len(comms),
            "overlap_nodes": multi, "overlap_flag": gt.get("overlap"),
            "coverage": gt.get("coverage"), "unlabelled_nodes": len(unl),
            "labelled_nodes_without_edges": noe, "notes": notes,
        }
        _write_graph(out_lfr / f"{name}.parquet", src, dst, info)
        _write_labels(out_lfr / f"{name}.labels.parquet", lab_nodes, lab_vals)
        summary[name] = info
        print(f"{name:32s} rows {len(arr):7d} loops {loops:3d} dups {dups:3d} -> edges "
              f"{len(src):7d} nodes {len(graph_nodes):6d} ids {graph_nodes.min()}..{graph_nodes.max()} "
              f"truth {len(lab_nodes)} nodes/{len(comms)} comms; " + ("; ".join(notes) or "ok"))
    for name in SMALL_NAMES:
        t = pq.read_table(SMALL_SRC / f"{name}.parquet")
        lt = pq.read_table(SMALL_SRC / f"{name}.labels.parquet")
        s_in = t["src"].to_numpy()
        d_in = t["dst"].to_numpy()
        src, dst, loops, dups = _simple_edges(s_in, d_in)
        lab_nodes = lt["node"].to_numpy().astype(np.int64)
        lab_vals = lt["label"].to_numpy().astype(np.int64)
        notes = []
        if len(np.unique(lab_nodes)) != len(lab_nodes):
            notes.append("labels file repeats nodes (first used)")
            _, idx = np.unique(lab_nodes, return_index=True)
            lab_nodes, lab_vals = lab_nodes[idx], lab_vals[idx]
        graph_nodes, unl, noe = _check(name, src, dst, lab_nodes, notes)
        bad += bool(unl)
        info = {
            "source": str(SMALL_SRC / f"{name}.parquet"), "rows": int(t.num_rows),
            "self_loops_dropped": loops, "duplicates_dropped": dups,
            "edges": int(len(src)), "nodes_in_edges": int(len(graph_nodes)),
            "id_min": int(graph_nodes.min()), "id_max": int(graph_nodes.max()),
            "truth_nodes": int(len(lab_nodes)), "communities": int(len(np.unique(lab_vals))),
            "unlabelled_nodes": len(unl), "labelled_nodes_without_edges": noe, "notes": notes,
        }
        _write_graph(out_small / f"{name}.parquet", src, dst, info)
        _write_labels(out_small / f"{name}.labels.parquet", lab_nodes, lab_vals)
        summary[name] = info
        print(f"{name:32s} rows {t.num_rows:7d} loops {loops:3d} dups {dups:5d} -> edges "
              f"{len(src):7d} nodes {len(graph_nodes):6d} ids {graph_nodes.min()}..{graph_nodes.max()} "
              f"truth {len(lab_nodes)} nodes/{info['communities']} comms; " + ("; ".join(notes) or "ok"))
    with open(Path(args.work) / "community-prepare.json", "w") as f:
        json.dump(summary, f, indent=1)
    print(f"wrote {out_lfr}/ and {out_small}/ (summary: {Path(args.work) / 'community-prepare.json'})")
    if bad:
        sys.exit("some graph nodes have no label (see above)")


# ----------------------------------------------------------------------------- graphs

def graph_list(args):
    """[(name, edges.parquet, labels.parquet)] in a fixed order: LFR by N then mu,
    then the small graphs."""
    work = Path(args.work)
    out = []
    lfr = []
    for p in (work / "lfr").glob("LFR_*.parquet"):
        if p.name.endswith(".labels.parquet"):
            continue
        m = LFR_RE.match(p.stem)
        if not m:
            continue
        n, mu = int(m.group(1)), float(m.group(2))
        if mu > args.max_mu + 1e-9 and not args.all_mu:
            continue
        lfr.append((n, mu, p.stem, p, p.with_name(p.stem + ".labels.parquet")))
    for n, mu, name, p, lp in sorted(lfr):
        out.append((name, p, lp))
    for name in SMALL_NAMES:
        p = work / "community-small" / f"{name}.parquet"
        out.append((name, p, p.with_name(f"{name}.labels.parquet")))
    if args.graphs:
        out = [g for g in out if any(s in g[0] for s in args.graphs)]
    missing = [str(g[1]) for g in out if not g[1].exists()]
    if missing or not out:
        sys.exit(f"graphs missing, run `prepare` first: {missing[:3] or 'none selected'}")
    return out


class Graph:
    """A prepared graph: ids mapped to 0..n-1 in sorted order, the truth aligned."""

    def __init__(self, name, path, labels_path):
        import igraph as ig
        t = pq.read_table(path)
        src = t["src"].to_numpy().astype(np.int64)
        dst = t["dst"].to_numpy().astype(np.int64)
        self.name, self.path = name, Path(path)
        self.ids = np.unique(np.concatenate([src, dst]))          # sorted original ids
        self.n = len(self.ids)
        self.u = np.searchsorted(self.ids, src)
        self.v = np.searchsorted(self.ids, dst)
        self.m = len(src)
        self.ig = ig.Graph(n=self.n, edges=np.stack([self.u, self.v], axis=1).tolist(), directed=False)
        assert self.ig.is_simple(), f"{name}: not a simple graph (run prepare)"
        lt = pq.read_table(labels_path)
        lab = dict(zip(lt["node"].to_pylist(), lt["label"].to_pylist()))
        missing = [int(i) for i in self.ids if int(i) not in lab]
        if missing:
            raise SystemExit(f"{name}: {len(missing)} nodes without label, e.g. {missing[:5]}")
        self.truth = np.array([lab[int(i)] for i in self.ids], dtype=np.int64)

    def networkit(self):
        import networkit as nk
        G = nk.Graph(self.n, weighted=False, directed=False)
        G.addEdges((self.u, self.v))
        return G

    def score(self, membership):
        from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
        memb = np.asarray(membership, dtype=np.int64)
        assert len(memb) == self.n
        _, dense = np.unique(memb, return_inverse=True)   # igraph wants 0..k-1
        return {
            "modularity": float(self.ig.modularity(dense.tolist())),
            "k": int(dense.max() + 1) if self.n else 0,
            "nmi": float(normalized_mutual_info_score(self.truth, memb, average_method="arithmetic")),
            "ari": float(adjusted_rand_score(self.truth, memb)),
        }


# ----------------------------------------------------------------------------- peers

def _seed_igraph():
    import igraph as ig
    random.seed(42)
    ig.set_random_number_generator(random)


def run_igraph_leiden(g):
    _seed_igraph()
    t0 = time.perf_counter()
    c = g.ig.community_leiden(objective_function="modularity", n_iterations=2)
    return time.perf_counter() - t0, c.membership


def run_igraph_multilevel(g):
    _seed_igraph()
    t0 = time.perf_counter()
    c = g.ig.community_multilevel()
    return time.perf_counter() - t0, c.membership


def run_leidenalg(g):
    import leidenalg
    _seed_igraph()
    t0 = time.perf_counter()
    p = leidenalg.find_partition(g.ig, leidenalg.ModularityVertexPartition, seed=42)
    return time.perf_counter() - t0, p.membership


def run_networkit_plm(g):
    import networkit as nk
    nk.setNumberOfThreads(2)
    nk.setSeed(42, False)
    G = g.networkit()
    t0 = time.perf_counter()
    plm = nk.community.PLM(G, refine=True, gamma=1.0, turbo=True)
    plm.run()
    part = plm.getPartition()
    dt = time.perf_counter() - t0
    return dt, part.getVector()


PEER_CMD = {
    "igraph_leiden": "random.seed(42); igraph.set_random_number_generator(random); "
                     "G.community_leiden(objective_function='modularity', n_iterations=2)",
    "igraph_multilevel": "random.seed(42); igraph.set_random_number_generator(random); "
                         "G.community_multilevel()",
    "leidenalg": "leidenalg.find_partition(G, leidenalg.ModularityVertexPartition, seed=42)",
    "networkit_plm": "networkit.setNumberOfThreads(2); networkit.setSeed(42, False); "
                     "networkit.community.PLM(G, refine=True, gamma=1.0, turbo=True).run()",
    "truth": "ground-truth partition (reference)",
}
PEER_FN = {"igraph_leiden": run_igraph_leiden, "igraph_multilevel": run_igraph_multilevel,
           "leidenalg": run_leidenalg, "networkit_plm": run_networkit_plm}


def _with_timeout(fn, g, timeout):
    """Run fn(g) in a forked child; None if it takes longer than timeout seconds."""
    import multiprocessing as mp
    ctx = mp.get_context("fork")
    q = ctx.Queue()

    def child():
        dt, memb = fn(g)
        q.put((dt, list(memb)))

    p = ctx.Process(target=child)
    p.start()
    try:
        res = q.get(timeout=timeout)
    except Exception:
        res = None
    if res is None:
        p.terminate()
    p.join()
    return res


def peers(args):
    graphs = graph_list(args)
    methods = args.methods or PEER_METHODS
    rows = []
    for name, path, lpath in graphs:
        g = Graph(name, path, lpath)
        print(f"# {name}: n={g.n} m={g.m}", file=sys.stderr, flush=True)
        for meth in methods:
            row = {"graph": name, "method": meth, "n": g.n, "m": g.m,
                   "input": str(path), "command": PEER_CMD[meth]}
            if meth == "truth":
                row.update(time_s=None, **g.score(g.truth))
                # measured mixing: share of edges between different true communities
                row["mixing"] = float(np.mean(g.truth[g.u] != g.truth[g.v])) if g.m else 0.0
            else:
                if meth == "leidenalg" and g.n >= 50000:
                    res = _with_timeout(PEER_FN[meth], g, args.leidenalg_timeout)
                    if res is None:
                        row.update(skipped=f"took over {args.leidenalg_timeout:g} s")
                        print(f"  {meth}: skipped (over {args.leidenalg_timeout:g} s)", file=sys.stderr)
                        rows.append(row)
                        continue
                else:
                    res = PEER_FN[meth](g)
                dt, memb = res
                times = [dt]
                for _ in range(args.reps - 1):              # timing only; same seeds
                    times.append(PEER_FN[meth](g)[0])
                row.update(time_s=min(times), times_s=times, **g.score(memb))
            rows.append(row)
            print("  " + _fmt_row(row), file=sys.stderr, flush=True)
        save(rows[-len(methods):], args)           # keep what is done if interrupted
    print_table(rows)


# ----------------------------------------------------------------------------- ours

def _has_communities(binary):
    try:
        r = subprocess.run([str(binary), "communities", "--help"], capture_output=True, text=True, timeout=60)
    except OSError as e:
        return False, str(e)
    return r.returncode == 0, (r.stderr or r.stdout).strip()


def ours(args, extra):
    binary = Path(args.spargraph)
    if not binary.exists():
        print(f"ours: skipped, {binary} does not exist (build it with cargo build --release)")
        return
    ok, msg = _has_communities(binary)
    if not ok:
        print(f"ours: skipped, `{binary} communities` is not available yet: {msg.splitlines()[0] if msg else ''}")
        return
    graphs = graph_list(args)
    outdir = Path(args.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    label = args.label or ("spargraph" + ("" if not extra else " " + " ".join(extra)))
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
    rows = []
    for name, path, lpath in graphs:
        g = Graph(name, path, lpath)
        out = outdir / f"{name}.parquet"
        if out.exists():
            out.unlink()
        cmd = [str(binary), "communities", "--input", str(path), "--output", str(out), "--quiet"] + extra
        row = {"graph": name, "method": label, "n": g.n, "m": g.m, "input": str(path),
               "command": shlex.join(cmd), "spargraph_version": version}
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if r.returncode != 0:
            row.update(error=f"exit {r.returncode}: {r.stderr.strip()[-500:]}")
            print(f"  {name}: FAILED {row['error']}", file=sys.stderr)
            rows.append(row)
            save([row], args)
            continue
        if r.stdout.strip():
            try:
                row["spargraph_summary"] = json.loads(r.stdout)
            except ValueError:
                pass
        t = pq.read_table(out)
        if "node_id" not in t.column_names or "community" not in t.column_names:
            sys.exit(f"{out}: expected columns node_id, community; got {t.column_names}")
        nid = t["node_id"].to_numpy().astype(np.int64)
        com = t["community"].to_numpy().astype(np.int64)
        if len(np.unique(nid)) != len(nid):
            sys.exit(f"{out}: node_id repeats")
        pos = np.searchsorted(g.ids, nid)
        pos_ok = (pos < g.n) & (g.ids[np.minimum(pos, g.n - 1)] == nid)
        if not pos_ok.all() or len(nid) != g.n:
            extra_ids = nid[~pos_ok][:5].tolist()
            missing = np.setdiff1d(g.ids, nid)[:5].tolist()
            sys.exit(f"{out}: node set differs from the graph's ({len(nid)} rows vs {g.n} nodes; "
                     f"unknown ids {extra_ids}, missing ids {missing})")
        memb = np.empty(g.n, dtype=np.int64)
        memb[pos] = com
        row.update(time_s=dt, **g.score(memb))
        rows.append(row)
        print("  " + _fmt_row(row), file=sys.stderr, flush=True)
        save([row], args)
    print_table(rows)


# ----------------------------------------------------------------------------- seeds

def _ours_membership(binary, g, out, seed, extra):
    if out.exists():
        out.unlink()
    cmd = [str(binary), "communities", "--input", str(g.path), "--output", str(out), "--quiet",
           "--seed", str(seed)] + extra
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"{shlex.join(cmd)}: exit {r.returncode}: {r.stderr.strip()[-500:]}")
    t = pq.read_table(out)
    nid = t["node_id"].to_numpy().astype(np.int64)
    com = t["community"].to_numpy().astype(np.int64)
    pos = np.searchsorted(g.ids, nid)
    if len(nid) != g.n or not (g.ids[np.minimum(pos, g.n - 1)] == nid).all():
        sys.exit(f"{out}: node set differs from the graph's")
    memb = np.empty(g.n, dtype=np.int64)
    memb[pos] = com
    return dt, memb, shlex.join(cmd)


def _igraph_leiden_seeded(g, seed):
    import igraph as ig
    random.seed(seed)
    ig.set_random_number_generator(random)
    t0 = time.perf_counter()
    c = g.ig.community_leiden(objective_function="modularity", n_iterations=2)
    return time.perf_counter() - t0, c.membership


def _summary(scores):
    out = {}
    for key in ("nmi", "ari", "modularity", "k"):
        v = np.array([s[key] for s in scores], dtype=float)
        out[key + "_mean"] = float(v.mean())
        out[key + "_sd"] = float(v.std(ddof=1)) if len(v) > 1 else 0.0
    out["per_seed"] = scores
    return out


def seeds(args, extra):
    binary = Path(args.spargraph)
    if not binary.exists():
        sys.exit(f"seeds: {binary} does not exist (build it with cargo build --release)")
    graphs = graph_list(args)
    outdir = Path(args.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    label = args.label or ("spargraph" + ("" if not extra else " " + " ".join(extra)))
    k = args.seeds
    rows = []
    print(f"{'graph':30s} {'igraph_leiden NMI':>19s} {label + ' NMI':>19s} {'diff':>8s} {'se':>7s}"
          f" {'igraph Q':>8s} {'ours Q':>8s}")
    for name, path, lpath in graphs:
        g = Graph(name, path, lpath)
        theirs, mine, cmd = [], [], None
        for s in range(k):
            dt, memb = _igraph_leiden_seeded(g, s)
            theirs.append(dict(seed=s, time_s=dt, **g.score(memb)))
            dt, memb, cmd = _ours_membership(binary, g, outdir / f"{name}.seed.parquet", s, extra)
            mine.append(dict(seed=s, time_s=dt, **g.score(memb)))
        a, b = _summary(theirs), _summary(mine)
        diff = b["nmi_mean"] - a["nmi_mean"]
        se = float(np.sqrt(a["nmi_sd"] ** 2 / k + b["nmi_sd"] ** 2 / k))
        row = {"graph": name, "n": g.n, "m": g.m, "seeds": k, "ours_label": label,
               "ours_command_last_seed": cmd,
               "igraph_command": "random.seed(s); igraph.set_random_number_generator(random); "
                                 "G.community_leiden(objective_function='modularity', n_iterations=2)",
               "igraph_leiden": a, "ours": b, "nmi_diff": diff, "nmi_diff_se": se}
        rows.append(row)
        print(f"{name:30s} {a['nmi_mean']:9.4f} +- {a['nmi_sd']:6.4f} {b['nmi_mean']:9.4f} +- {b['nmi_sd']:6.4f}"
              f" {diff:+8.4f} {se:7.4f} {a['modularity_mean']:8.4f} {b['modularity_mean']:8.4f}", flush=True)
    path = Path(args.seeds_results)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"description": "igraph Leiden vs spargraph over seeds 0..K-1; see benches/community_quality.py seeds",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "script_command": shlex.join([Path(sys.executable).as_posix(), *sys.argv]),
            "cores": os.cpu_count(), "versions": VERSIONS,
            "spargraph_version": subprocess.run([str(binary), "--version"], capture_output=True,
                                                text=True).stdout.strip(),
            "results": rows}
    tmp = path.with_suffix(".json.tmp")
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
    tmp.replace(path)


# ----------------------------------------------------------------------------- results

def versions():
    import importlib
    v = {"python": platform.python_version(), "platform": platform.platform()}
    for mod in ("igraph", "leidenalg", "networkit", "sklearn", "numpy", "pyarrow"):
        try:
            v[mod] = importlib.import_module(mod).__version__
        except Exception as e:  # pragma: no cover
            v[mod] = f"unavailable: {e}"
    return v


def load_results(path):
    if Path(path).exists():
        with open(path) as f:
            return json.load(f)
    return {"description": "community-detection quality vs ground truth; see "
                           "benches/community_quality.py", "results": []}


def save(rows, args):
    path = Path(args.results)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = load_results(path)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    cmd = shlex.join([Path(sys.executable).as_posix(), *sys.argv])
    keyed = {(r["graph"], r["method"]): r for r in data["results"]}
    for r in rows:
        r = dict(r, date=now, script_command=cmd, cores=os.cpu_count())
        r.setdefault("versions", VERSIONS)
        keyed[(r["graph"], r["method"])] = r
    order = {name: i for i, name in enumerate(_graph_order_names(data, rows))}
    data["results"] = sorted(keyed.values(), key=lambda r: (order.get(r["graph"], 1e9), r["graph"],
                                                           _method_rank(r["method"]), r["method"]))
    data["updated"] = now
    data["versions"] = VERSIONS
    data["last_command"] = cmd
    tmp = path.with_suffix(".json.tmp")
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
    tmp.replace(path)


def _graph_key(name):
    m = LFR_RE.match(name)
    if m:
        return (0, int(m.group(1)), float(m.group(2)), name)
    return (1, SMALL_NAMES.index(name) if name in SMALL_NAMES else 99, 0.0, name)


def _graph_order_names(data, rows):
    names = {r["graph"] for r in data["results"]} | {r["graph"] for r in rows}
    return sorted(names, key=_graph_key)


def _method_rank(m):
    return PEER_METHODS.index(m) if m in PEER_METHODS else len(PEER_METHODS)


def _f(x, fmt):
    return "-" if x is None else format(x, fmt)


def _fmt_row(r):
    if r.get("skipped") or r.get("error"):
        return f"{r['graph']:30s} {r['method']:24s} {r.get('skipped') or r.get('error')}"
    return (f"{r['graph']:30s} {r['method']:24s} {_f(r.get('time_s'), '9.4f')} "
            f"{r['modularity']:7.4f} {r['k']:6d} {r['nmi']:6.3f} {r['ari']:6.3f}")


def print_table(rows, markdown=False):
    rows = sorted(rows, key=lambda r: (_graph_key(r["graph"]), _method_rank(r["method"]), r["method"]))
    if markdown:
        print("| graph | method | time_s | Q | k | NMI | ARI |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for r in rows:
            if r.get("skipped") or r.get("error"):
                print(f"| {r['graph']} | {r['method']} | {r.get('skipped') or r.get('error')} | | | | |")
            else:
                print(f"| {r['graph']} | {r['method']} | {_f(r.get('time_s'), '.3f')} | "
                      f"{r['modularity']:.4f} | {r['k']} | {r['nmi']:.3f} | {r['ari']:.3f} |")
        return
    print(f"{'graph':30s} {'method':24s} {'time_s':>9s} {'Q':>7s} {'k':>6s} {'NMI':>6s} {'ARI':>6s}")
    prev = None
    for r in rows:
        if prev is not None and r["graph"] != prev:
            print()
        prev = r["graph"]
        print(_fmt_row(r))


def report(args):
    data = load_results(args.results)
    rows = data["results"]
    if args.graphs:
        rows = [r for r in rows if any(s in r["graph"] for s in args.graphs)]
    if not rows:
        sys.exit(f"no results in {args.results}")
    print_table(rows, markdown=args.markdown)
    print(f"\n({len(rows)} rows from {args.results}, updated {data.get('updated')})")


# ----------------------------------------------------------------------------- main

VERSIONS = {}


def main():
    argv = sys.argv[1:]
    passthrough = []
    if "--" in argv:
        i = argv.index("--")
        argv, passthrough = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 allow_abbrev=False)
    ap.add_argument("step", choices=["prepare", "peers", "ours", "seeds", "report"])
    ap.add_argument("--work", default=str(DEFAULT_WORK), help="folder for the prepared graphs")
    ap.add_argument("--results", default=str(RESULTS))
    ap.add_argument("--graphs", nargs="+", help="keep graphs whose name contains one of these")
    ap.add_argument("--max-mu", type=float, default=0.5)
    ap.add_argument("--all-mu", action="store_true", help="LFR graphs of every mu")
    ap.add_argument("--methods", nargs="+", choices=PEER_METHODS, help="peers: which (default all)")
    ap.add_argument("--reps", type=int, default=1,
                    help="peers: runs per method, time_s is the fastest (scores from the first)")
    ap.add_argument("--leidenalg-timeout", type=float, default=60.0)
    ap.add_argument("--spargraph", default=str(DEFAULT_SPARGRAPH))
    ap.add_argument("--outdir", default="/tmp/cq", help="ours: where spargraph writes")
    ap.add_argument("--label", help="ours: method name of the rows (default: spargraph + flags)")
    ap.add_argument("--seeds", type=int, default=10, help="seeds: how many seeds (0..K-1)")
    ap.add_argument("--seeds-results", default=str(RESULTS.with_name("quality_seeds.json")))
    ap.add_argument("--markdown", action="store_true", help="report: markdown table")
    args, unknown = ap.parse_known_args(argv)
    extra = unknown + passthrough
    if extra and args.step not in ("ours", "seeds"):
        ap.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.step in ("peers", "ours", "seeds"):
        VERSIONS.update(versions())
    if args.step == "prepare":
        prepare(args)
    elif args.step == "peers":
        peers(args)
    elif args.step == "ours":
        ours(args, extra)
    elif args.step == "seeds":
        seeds(args, extra)
    else:
        report(args)


if __name__ == "__main__":
    main()
