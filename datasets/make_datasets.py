#!/usr/bin/env python3
"""Converts the small real graphs of ../shared/datasets into the Parquet files shipped
in datasets/ (edges: src:int64, dst:int64 as in the source file, ids unchanged;
labels: node:int64, label:int64). Run from the project root with a Python that has
pyarrow:  python datasets/make_datasets.py ../shared/datasets
"""
import gzip
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets")
OUT = Path(__file__).resolve().parent


def read_lines(p):
    op = gzip.open if str(p).endswith(".gz") else open
    with op(p, "rt") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", "%")):
                yield line.split()


def write_edges(name, pairs, meta):
    src = pa.array([int(a) for a, _ in pairs], pa.int64())
    dst = pa.array([int(b) for _, b in pairs], pa.int64())
    t = pa.table({"src": src, "dst": dst}).replace_schema_metadata({"spargraph": meta})
    pq.write_table(t, OUT / f"{name}.parquet", compression="zstd")


def write_labels(name, nodes, labels):
    t = pa.table({"node": pa.array(nodes, pa.int64()), "label": pa.array(labels, pa.int64())})
    pq.write_table(t, OUT / f"{name}.labels.parquet", compression="zstd")


def positional_labels(p):
    vals = [int(x[0]) for x in read_lines(p)]
    return list(range(1, len(vals) + 1)), vals


# Zachary karate club: first line is "n m", ids 1-based.
lines = list(read_lines(SRC / "karate/karate.txt"))
write_edges("karate", [tuple(x[:2]) for x in lines[1:]], '{"source":"Zachary 1977 via premolab/GraphEmbeddings","directed":false,"ids":"1-based"}')
write_labels("karate", *positional_labels(SRC / "karate/karate_labels.txt"))

for name, fname in [("football", "football"), ("polbooks", "polbooks")]:
    lines = list(read_lines(SRC / f"{name}/{fname}.txt"))
    write_edges(name, [tuple(x[:2]) for x in lines], f'{{"source":"{name} via premolab/GraphEmbeddings","directed":false,"ids":"1-based"}}')
    write_labels(name, *positional_labels(SRC / f"{name}/{fname}_labels.txt"))

lines = list(read_lines(SRC / "email-eu-core/email-Eu-core.txt.gz"))
write_edges("email-eu-core", [tuple(x[:2]) for x in lines], '{"source":"SNAP email-Eu-core via premolab/GraphEmbeddings","directed":true,"ids":"0-based"}')
lab = [tuple(map(int, x[:2])) for x in read_lines(SRC / "email-eu-core/email-Eu-core_labels.txt")]
write_labels("email-eu-core", [a for a, _ in lab], [b for _, b in lab])

for p in sorted(OUT.glob("*.parquet")):
    print(p.name, pq.read_metadata(p).num_rows, "rows")
