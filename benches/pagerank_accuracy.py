#!/usr/bin/env python3
"""L1 error of `spargraph pagerank` and `spargraph ppr --method exact` against the
anchors' ground truth (scipy power iteration to an L1 change of 1e-12, stored by
`../shared/anchors/run.py` as `<name>.pagerank.npy`, `<name>.ppr8.npy` and
`<name>.ppr8_sources.npy`).

    python3 benches/pagerank_accuracy.py GRAPH.parquet RAW_DIR/compare-NAME [--solver auto|power] [--tolerance T]

Run with the anchors' Python (numpy, pyarrow). Node ids are used as they are
(`--node-ids identity`), as the anchors do. Prints one JSON line per check.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "spargraph"


def dense(path, n, id_col="node_id"):
    t = pq.read_table(path)
    x = np.zeros(n)
    x[t.column(id_col).to_numpy()] = t.column("score").to_numpy()
    return x


def main():
    graph, prefix = sys.argv[1], sys.argv[2]
    solver = sys.argv[sys.argv.index("--solver") + 1] if "--solver" in sys.argv else "auto"
    tolerance = sys.argv[sys.argv.index("--tolerance") + 1] if "--tolerance" in sys.argv else "1e-9"
    pr = np.load(prefix + ".pagerank.npy")
    ppr = np.load(prefix + ".ppr8.npy")
    sources = np.load(prefix + ".ppr8_sources.npy")
    n = len(pr)
    common = ["--input", graph, "--node-ids", "identity", "-q", "--solver", solver,
              "--tolerance", tolerance]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pr.parquet"
        subprocess.run([BIN, "pagerank", *common, "--output", out], check=True)
        x = dense(out, n)
        print(json.dumps({"graph": graph, "solver": solver, "tolerance": tolerance, "task": "pagerank",
                          "l1_error": float(np.abs(x - pr).sum())}))
        out = Path(tmp) / "ppr.parquet"
        subprocess.run([BIN, "ppr", *common, "--sources", ",".join(str(s) for s in sources),
                        "--top-k", "0", "--output", out], check=True)
        t = pq.read_table(out)
        src = t.column("source").to_numpy()
        node = t.column("node_id").to_numpy()
        score = t.column("score").to_numpy()
        errs = []
        for k, s in enumerate(sources):
            x = np.zeros(n)
            m = src == s
            x[node[m]] = score[m]
            errs.append(float(np.abs(x - ppr[k]).sum()))
        print(json.dumps({"graph": graph, "solver": solver, "tolerance": tolerance, "task": "ppr8",
                          "max_l1_error": max(errs), "mean_l1_error": sum(errs) / len(errs)}))


if __name__ == "__main__":
    main()
