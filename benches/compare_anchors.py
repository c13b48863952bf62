#!/usr/bin/env python3
"""Runs spargraph and the anchor harness (../shared/anchors) on the same Parquet
graphs, one after the other in one run on this machine, and prints the ratios.

    python3 benches/compare_anchors.py GRAPH.parquet [GRAPH.parquet ...]
        [--anchors ../shared/anchors] [--python $ANCHORS_WORK/.venv/bin/python]
        [--spargraph target/release/spargraph] [--threads 2] [--reps 3]

Pairs compared (anchor task -> spargraph measurement of `spargraph bench`):
  load/parquet+scipy_csr   -> load     (read + id mapping + symmetric CSR build)
  gnn/scipy_csr_d64        -> spmm_d64 (D^-1/2 (A+I) D^-1/2 X, X n x 64 float32)
  gnn/torch_sparse_mm_d64  -> spmm_d64
  gnn/torch_sparse_mm_d256 -> spmm_d256
With --pagerank: pagerank/* -> pagerank, ppr1/* -> ppr1, ppr64/* -> ppr64.
With --fastrp: fastrp/scipy_d128 -> fastrp_d128 (same configuration; compute only)
and -> fastrp_d128_defaults (spargraph's defaults: one more pass).
With --communities: community/networkit_PLM and community/igraph_leiden -> leiden
(modularity, default settings; the note gives both modularities);
hierarchy/sknetwork_Paris -> hierarchy_bottom_up and hierarchy_paris.
Ratio = anchor median / spargraph median (above 1: spargraph is faster). Both sides
take one warm-up and the median of --reps runs; spargraph runs on --threads threads
(the anchors' torch and networkit tasks use 2). Node ids are taken as given
(`--node-ids identity`), so both sides build the same n x n matrix. The anchor venv
comes from `bash ../shared/anchors/setup.sh` (ANCHORS_WORK selects its folder).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PAIRS = [
    ("load/parquet+scipy_csr", "load"),
    ("gnn/scipy_csr_d64", "spmm_d64"),
    ("gnn/torch_sparse_mm_d64", "spmm_d64"),
    ("gnn/torch_sparse_mm_d256", "spmm_d256"),
]
# With --pagerank: global PageRank to an L1 change of 1e-9, and exact PPR.
PAGERANK_PAIRS = [
    ("pagerank/scipy_power", "pagerank"),
    ("pagerank/igraph_prpack", "pagerank"),
    ("pagerank/networkit", "pagerank"),
    ("ppr1/scipy_power", "ppr1"),
    ("ppr1/igraph_prpack", "ppr1"),
    ("ppr64/scipy_block_power", "ppr64"),
]
# With --fastrp: FastRP at dim 128 in the anchors' configuration (weights 0,0,1,6,
# beta -0.9, s = sqrt(n), per-power L2 normalisation, final standardisation), and
# spargraph's defaults, which add a final row normalisation and a second
# standardisation (their beta of -0.1 changes no work).
FASTRP_PAIRS = [
    ("fastrp/scipy_d128", "fastrp_d128"),
    ("fastrp/scipy_d128", "fastrp_d128_defaults"),
]
# With --communities: Leiden (modularity, default settings) against the modularity
# clusterers; the note gives both modularities.
COMMUNITY_PAIRS = [
    ("community/networkit_PLM", "leiden"),
    ("community/igraph_leiden", "leiden"),
    ("hierarchy/sknetwork_Paris", "hierarchy_bottom_up"),
    ("hierarchy/sknetwork_Paris", "hierarchy_paris"),
]


def main():
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graphs", nargs="+")
    ap.add_argument("--anchors", default=str(root.parent / "shared" / "anchors"))
    ap.add_argument("--python", default=None)
    ap.add_argument("--spargraph", default=str(root / "target" / "release" / "spargraph"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--pagerank", action="store_true", help="also compare PageRank and exact PPR (1 and 64 sources)")
    ap.add_argument("--only-pagerank", action="store_true", help="compare only PageRank and exact PPR")
    ap.add_argument("--fastrp", action="store_true", help="also compare FastRP (dim 128)")
    ap.add_argument("--only-fastrp", action="store_true", help="compare only FastRP")
    ap.add_argument("--communities", action="store_true", help="also compare Leiden with NetworKit PLM and igraph Leiden")
    ap.add_argument("--only-communities", action="store_true", help="compare only community detection")
    args = ap.parse_args()
    only = args.only_pagerank or args.only_fastrp or args.only_communities
    with_communities = args.communities or args.only_communities
    pairs = (([] if only else PAIRS) + (PAGERANK_PAIRS if (args.pagerank or args.only_pagerank) else [])
             + (FASTRP_PAIRS if (args.fastrp or args.only_fastrp) else [])
             + (COMMUNITY_PAIRS if with_communities else []))
    anchors = Path(args.anchors)
    work = Path(os.environ.get("ANCHORS_WORK") or (anchors if os.access(anchors, os.W_OK) else Path.home() / ".cache" / "spargraph-anchors"))
    py = args.python or str(work / ".venv" / "bin" / "python")
    tasks = ",".join(sorted({a for a, _ in pairs}))
    rows = []
    for g in args.graphs:
        g = str(Path(g).resolve())
        stem = Path(g).stem
        # A `weight` column is used by the anchors (tasks on weighted graphs): load it too.
        has_weight = subprocess.run([py, "-c", "import sys, pyarrow.parquet as pq; print('weight' in pq.read_schema(sys.argv[1]).names)", g],
                                    capture_output=True, text=True).stdout.strip() == "True"
        sp = subprocess.run([args.spargraph, "bench", "--input", g, "--node-ids", "identity", "--reps", str(args.reps)]
                            + (["--weight-col", "weight"] if has_weight else []) + [
                             "--dims", "64,256", "--threads", str(args.threads), "--json", "--quiet"]
                            + (["--pagerank"] if (args.pagerank or args.only_pagerank) else [])
                            + (["--fastrp"] if (args.fastrp or args.only_fastrp) else [])
                            + (["--communities"] if with_communities else []),
                            capture_output=True, text=True)
        if sp.returncode != 0:
            sys.exit(f"spargraph failed on {g}: {sp.stderr.strip()}")
        results = json.loads(sp.stdout)["results"]
        ours = {r["task"]: r["median_s"] for r in results}
        our_q = {r["task"]: r["modularity"] for r in results if "modularity" in r}
        name = f"compare-{stem}"
        env = dict(os.environ, ANCHORS_WORK=str(work))
        an = subprocess.run([py, str(anchors / "run.py"), g, "--name", name, "--steps", tasks, "--reps", str(args.reps)],
                            capture_output=True, text=True, env=env)
        if an.returncode != 0:
            sys.exit(f"anchors failed on {g}: {an.stderr[-2000:]}")
        res = json.loads((work / "results" / f"{name}.json").read_text())
        theirs = {t["task"]: t for t in res["tasks"]}
        for a, s in pairs:
            t = theirs.get(a)
            if t is None or t.get("status") != "ok":
                rows.append((stem, a, None, ours.get(s), None, t.get("status") if t else "missing"))
                continue
            note = f"busy {t.get('foreign_cpu_share', 0):.2f}"
            if s in our_q:
                note += f"; Q {t.get('quality', {}).get('modularity', float('nan')):.4f} vs ours {our_q[s]:.4f}"
            rows.append((stem, f"{a} / {s}", t["median_s"], ours[s], t["median_s"] / ours[s], note))
    print(f"| graph | anchor task / ours | anchor s | spargraph s | ratio | note |")
    print("|---|---|---:|---:|---:|---|")
    for stem, a, at, st, r, note in rows:
        f = lambda x: "n/a" if x is None else f"{x:.4g}"
        print(f"| {stem} | {a} | {f(at)} | {f(st)} | {f(r)}x | {note} |")


if __name__ == "__main__":
    main()
