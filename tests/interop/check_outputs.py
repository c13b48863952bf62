#!/usr/bin/env python3
"""Read every kind of file spargraph writes with pyarrow and DuckDB and check it.

Usage: check_outputs.py <tmpdir>   (the folder filled by tests/interop/run.sh)

Tested with pyarrow 26.0.1, duckdb 2.0.1 and (optional) scipy 1.17.1 on Python 3.

Expected values are computed independently of spargraph: from the shipped input
files with DuckDB SQL, or in plain Python. Each check prints `ok <name>` or
`FAIL <name>: <detail>`; an exception inside a group of checks is itself a FAIL.
The last line is `N passed, M failed`; the exit status is 1 when M > 0.
"""

import glob
import gzip
import json
import math
import os
import re
import struct
import sys
import traceback

import duckdb
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

# Parameters of the generated graphs; keep in step with run.sh.
SEED = 7
RMAT = dict(scale=8, edge_factor=4)
SBM = dict(blocks=4, block_size=50, degree_in=10, degree_out=3)
HSBM = dict(depth=2, leaf_block_size=30, degrees="8,3,1")
BIP = dict(users=200, items=80, draws=2000, groups=4)

# Known sizes of the shipped datasets (edges as unordered pairs for the undirected
# ones, arcs for email-Eu-core).
DATASETS = {
    "karate": dict(edges=78, nodes=34),
    "football": dict(edges=613, nodes=115),
    "polbooks": dict(edges=441, nodes=105),
}
EMAIL_NODES = 1005

# PageRank / PPR runs; keep in step with run.sh.
DAMPING = 0.85
PPR_SOURCES = [1, 34]
PPR_TOP_K = 10
DEMO_PPR_TOP_K = 20
# The sources file: (source, bias, query) rows.
QUERIES = [(1, 1.0, 10), (2, 2.0, 10), (33, 1.0, 20), (34, 0.5, 20)]
# spargraph stops at an L1 change of 1e-9 (error <= 1e-9 * d / (1 - d) ~ 6e-9).
REF_TOL = 1e-7
# Cuts of the football hierarchies; keep in step with run.sh.
HIER_CUTS = [2, 12]
FOOTBALL_NODES = 115

PASSED = 0
FAILED = 0


def report(ok, name, detail=""):
    global PASSED, FAILED
    if ok:
        PASSED += 1
        print(f"ok {name}")
    else:
        FAILED += 1
        print(f"FAIL {name}: {detail}")


def check(name, got, expected):
    """Passes iff got == expected."""
    report(got == expected, name, f"expected {short(expected)}, got {short(got)}")


def check_true(name, cond, detail=""):
    report(bool(cond), name, detail or "condition is false")


def short(x, limit=300):
    s = repr(x)
    return s if len(s) <= limit else s[:limit] + "..."


def group(name):
    """Decorator: run a group of checks now; an exception counts as one failure."""

    def run(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - any error is a failed check
            tb = traceback.format_exc().strip().splitlines()
            where = next((l.strip() for l in reversed(tb) if "check_outputs.py" in l), "")
            report(False, f"{name} (raised)", f"{type(e).__name__}: {e} [{where}]")
        return fn

    return run


def lit(path):
    """A SQL string literal for a path."""
    return "'" + str(path).replace("'", "''") + "'"


def rp(path):
    """DuckDB table function reading one Parquet file or a list of them."""
    if isinstance(path, (list, tuple)):
        return "read_parquet([" + ", ".join(lit(p) for p in path) + "])"
    return f"read_parquet({lit(path)})"


def q(sql):
    return duckdb.sql(sql).fetchall()


def q1(sql):
    rows = q(sql)
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows


def duck_schema(relation_sql):
    return [(r[0], r[1]) for r in q(f"DESCRIBE {relation_sql}")]


def arrow_schema(schema):
    return [(f.name, str(f.type)) for f in schema]


def check_parquet_schema(label, path, expected):
    """expected: [(name, arrow type, duckdb type)]. Checks pq.read_schema,
    pq.read_table and DuckDB's DESCRIBE of read_parquet."""
    want_arrow = [(n, a) for n, a, _ in expected]
    want_duck = [(n, d) for n, _, d in expected]
    check(f"{label}: pyarrow read_schema columns/types", arrow_schema(pq.read_schema(path)), want_arrow)
    check(f"{label}: pyarrow read_table columns/types", arrow_schema(pq.read_table(path).schema), want_arrow)
    check(f"{label}: duckdb columns/types", duck_schema(f"SELECT * FROM {rp(path)}"), want_duck)


def count_both(label, path, expected):
    check(f"{label}: pyarrow row count", pq.read_table(path).num_rows, expected)
    check(f"{label}: duckdb row count", q1(f"SELECT count(*) FROM {rp(path)}"), expected)


def pairs(table, src="src", dst="dst", unordered=True):
    s = table.column(src).to_pylist()
    d = table.column(dst).to_pylist()
    if unordered:
        return {(min(a, b), max(a, b)) for a, b in zip(s, d)}
    return set(zip(s, d))


def duck_pairs(relation, unordered=True):
    if unordered:
        return set(q(f"SELECT DISTINCT least(src, dst), greatest(src, dst) FROM {relation}"))
    return set(q(f"SELECT DISTINCT src, dst FROM {relation}"))


def duck_set_diff(a_rel, b_rel, unordered=True):
    """Number of pairs in a not in b plus in b not in a, computed entirely in DuckDB."""
    if unordered:
        sel = "SELECT least(src, dst) AS u, greatest(src, dst) AS v FROM "
    else:
        sel = "SELECT src AS u, dst AS v FROM "
    return q1(
        f"SELECT (SELECT count(*) FROM ({sel}{a_rel} EXCEPT {sel}{b_rel})) + "
        f"(SELECT count(*) FROM ({sel}{b_rel} EXCEPT {sel}{a_rel}))"
    )


def load_json(path):
    with open(path) as f:
        return json.load(f)


def numbered(paths):
    """Sort chunk files such as chunk0, chunk1, ..., chunk10 numerically."""
    def key(p):
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p)]
    return sorted(paths, key=key)


def read_i64_file(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) != 8:
        raise ValueError(f"{path}: {len(data)} bytes, expected one little-endian int64")
    return struct.unpack("<q", data)[0]


def ref_rank(nodes, arcs, seeds=None, dangling="uniform", damping=DAMPING, tol=1e-13, max_iter=10000):
    """Reference (personalized) PageRank by power iteration in plain Python.

    nodes: node ids; arcs: {(u, v): weight} of directed arcs (an undirected graph
    lists both directions, a self-loop once); seeds: {node: weight} (None: uniform).
    dangling: "uniform" spreads the mass of nodes without out-arcs over all nodes,
    "seeds" sends it back to the seed vector. Returns {node: score}."""
    nodes = list(nodes)
    n = len(nodes)
    if seeds is None:
        p = {v: 1.0 / n for v in nodes}
    else:
        tot = sum(seeds.values())
        p = {v: seeds.get(v, 0.0) / tot for v in nodes}
    out = {v: [] for v in nodes}
    for (a, b), w in arcs.items():
        out[a].append((b, w))
    wsum = {v: sum(w for _, w in out[v]) for v in nodes}
    dang = [v for v in nodes if wsum[v] == 0]
    target = {v: 1.0 / n for v in nodes} if dangling == "uniform" else p
    x = dict(p)
    for _ in range(max_iter):
        new = {v: (1 - damping) * p[v] for v in nodes}
        m = damping * sum(x[v] for v in dang)
        if m:
            for v in nodes:
                new[v] += m * target[v]
        for u in nodes:
            if wsum[u] == 0 or x[u] == 0:
                continue
            f = damping * x[u] / wsum[u]
            for v, w in out[u]:
                new[v] += f * w
        diff = sum(abs(new[v] - x[v]) for v in nodes)
        x = new
        if diff <= tol:
            break
    return x


def undirected_arcs(pair_weights):
    """{(u, v): w} over unordered pairs -> both directions (a self-loop once)."""
    arcs = {}
    for (a, b), w in pair_weights.items():
        arcs[(a, b)] = w
        arcs[(b, a)] = w
    return arcs


def max_abs_diff(got, ref):
    """got: {node: score}; nodes missing from ref count as an infinite difference."""
    return max((abs(s - ref.get(v, math.inf)) for v, s in got.items()), default=0.0)


def check_ppr_order(label, path):
    """Rows sorted by source, then by descending score: checked in DuckDB with a
    window over the file's row order, and in plain Python over pyarrow's rows."""
    bad = q1(f"""
        SELECT count(*) FROM (
            SELECT source, score,
                   lag(source) OVER (ORDER BY file_row_number) AS prev_source,
                   lag(score) OVER (ORDER BY file_row_number) AS prev_score
            FROM read_parquet({lit(path)}, file_row_number = true))
        WHERE source < prev_source OR (source = prev_source AND score > prev_score)""")
    check(f"{label}: rows out of (source, descending score) order (duckdb window)", bad, 0)
    t = pq.read_table(path)
    keys = list(zip(t.column("source").to_pylist(), [-x for x in t.column("score").to_pylist()]))
    check_true(f"{label}: sorted by source then descending score (pyarrow)",
               all(a <= b for a, b in zip(keys, keys[1:])), short(keys))


def same_partition(a, b):
    """Whether two equally long labelings split their items the same way."""
    ab, ba = {}, {}
    return len(a) == len(b) and all(ab.setdefault(x, y) == y and ba.setdefault(y, x) == x
                                    for x, y in zip(a, b))


def ppr_rows_by_source(path):
    """{source: [(node_id, score), ...] in file order} via pyarrow."""
    t = pq.read_table(path)
    out = {}
    for s, v, x in zip(t.column("source").to_pylist(), t.column("node_id").to_pylist(),
                       t.column("score").to_pylist()):
        out.setdefault(s, []).append((v, x))
    return out


# ---------------------------------------------------------------------------


def main(tmp):
    print(f"pyarrow {pa.__version__}, duckdb {duckdb.__version__}")
    IN = os.path.join(tmp, "in")
    OUT = os.path.join(tmp, "out")
    GEN = os.path.join(tmp, "gen")
    JS = os.path.join(tmp, "json")

    # --- 1. Parquet edge lists converted from the undirected shipped datasets.
    for name, size in DATASETS.items():
        orig = os.path.join(IN, f"{name}.parquet")
        conv = os.path.join(OUT, f"{name}.parquet")

        @group(f"{name}.parquet")
        def _():
            # The inputs themselves, so that a wrong dataset cannot hide a bug.
            check(f"{name} input: distinct unordered pairs (duckdb)",
                  q1(f"SELECT count(DISTINCT (least(src, dst), greatest(src, dst))) FROM {rp(orig)}"),
                  size["edges"])
            check_parquet_schema(f"{name}.parquet", conv,
                                 [("src", "int64", "BIGINT"), ("dst", "int64", "BIGINT")])
            count_both(f"{name}.parquet", conv, size["edges"])
            check(f"{name}.parquet: each undirected edge listed once (duckdb count distinct)",
                  q1(f"SELECT count(DISTINCT (least(src, dst), greatest(src, dst))) FROM {rp(conv)}"),
                  size["edges"])
            check(f"{name}.parquet: node count (duckdb distinct ids)",
                  q1(f"SELECT count(DISTINCT id) FROM (SELECT src AS id FROM {rp(conv)} "
                     f"UNION ALL SELECT dst FROM {rp(conv)})"),
                  size["nodes"])
            check(f"{name}.parquet: edge set equals the input's (duckdb EXCEPT both ways)",
                  duck_set_diff(rp(conv), rp(orig)), 0)
            check(f"{name}.parquet: edge set equals the input's (pyarrow vs duckdb)",
                  pairs(pq.read_table(conv)), duck_pairs(rp(orig)))
            check(f"{name}.labels.parquet (shipped): one row per node",
                  q1(f"SELECT count(*) = {size['nodes']} AND count(DISTINCT node) = {size['nodes']} "
                     f"FROM {rp(os.path.join(IN, name + '.labels.parquet'))}"), True)
            js = load_json(os.path.join(JS, f"{name}.parquet.json"))
            check(f"{name} convert --json nodes/edges", (js.get("nodes"), js.get("edges")),
                  (size["nodes"], size["edges"]))

    # --- email-Eu-core converted as a directed graph.
    email = os.path.join(IN, "email-eu-core.parquet")
    email_arcs = None

    @group("email.parquet")
    def _():
        nonlocal email_arcs
        email_arcs = q1(f"SELECT count(DISTINCT (src, dst)) FROM {rp(email)}")
        conv = os.path.join(OUT, "email.parquet")
        check_parquet_schema("email.parquet", conv,
                             [("src", "int64", "BIGINT"), ("dst", "int64", "BIGINT")])
        count_both("email.parquet", conv, email_arcs)
        check("email.parquet: arc set equals the input's (duckdb EXCEPT both ways)",
              duck_set_diff(rp(conv), rp(email), unordered=False), 0)
        check("email.parquet: arc set equals the input's (pyarrow vs duckdb)",
              pairs(pq.read_table(conv), unordered=False), duck_pairs(rp(email), unordered=False))
        js = load_json(os.path.join(JS, "email.parquet.json"))
        check("email convert --json nodes/edges", (js.get("nodes"), js.get("edges")),
              (EMAIL_NODES, email_arcs))

    # --- 2. Text outputs of karate.
    karate = os.path.join(IN, "karate.parquet")
    karate_set = duck_pairs(rp(karate))
    text_cases = [
        # file, delimiter, has header
        ("karate.tsv", "\t", False),
        ("karate.csv", ",", True),
        ("karate.txt.gz", "\t", False),
    ]
    for fname, delim, header in text_cases:
        path = os.path.join(OUT, fname)

        @group(fname)
        def _():
            if header:
                t = pcsv.read_csv(path)
                rel = f"read_csv({lit(path)})"
            else:
                t = pcsv.read_csv(path, read_options=pcsv.ReadOptions(column_names=["src", "dst"]),
                                  parse_options=pcsv.ParseOptions(delimiter=delim))
                d = "\\t" if delim == "\t" else delim
                rel = f"read_csv({lit(path)}, delim='{d}', header=false, names=['src', 'dst'])"
            check(f"{fname}: pyarrow.csv columns/types", arrow_schema(t.schema),
                  [("src", "int64"), ("dst", "int64")])
            check(f"{fname}: pyarrow.csv row count", t.num_rows, 78)
            check(f"{fname}: pyarrow.csv edge set equals karate's", pairs(t), karate_set)
            check(f"{fname}: duckdb read_csv columns/types", duck_schema(f"SELECT * FROM {rel}"),
                  [("src", "BIGINT"), ("dst", "BIGINT")])
            check(f"{fname}: duckdb read_csv row count", q1(f"SELECT count(*) FROM {rel}"), 78)
            check(f"{fname}: duckdb edge set equals karate's (EXCEPT both ways)",
                  duck_set_diff(rel, rp(karate)), 0)

    # --- Matrix Market.
    ids_karate = [r[0] for r in q(f"SELECT DISTINCT id FROM (SELECT src AS id FROM {rp(karate)} "
                                  f"UNION ALL SELECT dst FROM {rp(karate)}) ORDER BY id")]
    # compact id mapping: the i-th smallest id is node i, 1-based in Matrix Market.
    karate_index = {v: i + 1 for i, v in enumerate(ids_karate)}
    karate_set_1 = {(min(karate_index[a], karate_index[b]), max(karate_index[a], karate_index[b]))
                    for a, b in karate_set}

    def check_mtx(label, lines, header, n, nnz, expected_entries, symmetric):
        check(f"{label}: header line", lines[0].rstrip("\n"), header)
        body = [l for l in lines[1:] if not l.startswith("%") and l.strip()]
        check(f"{label}: size line", body[0].split(), [str(n), str(n), str(nnz)])
        entries = [tuple(int(x) for x in l.split()[:2]) for l in body[1:]]
        check(f"{label}: entry count", len(entries), nnz)
        check_true(f"{label}: entries 1-based within 1..{n}",
                   all(1 <= i <= n and 1 <= j <= n for i, j in entries),
                   f"out of range: {short([e for e in entries if not (1 <= e[0] <= n and 1 <= e[1] <= n)])}")
        if symmetric:
            check_true(f"{label}: symmetric entries in the lower triangle (row >= col)",
                       all(i >= j for i, j in entries),
                       f"upper: {short([e for e in entries if e[0] < e[1]])}")
            got = {(min(i, j), max(i, j)) for i, j in entries}
        else:
            got = set(entries)
        check(f"{label}: entries equal the input's edges", got, expected_entries)

    @group("karate.mtx")
    def _():
        with open(os.path.join(OUT, "karate.mtx")) as f:
            lines = f.readlines()
        check_mtx("karate.mtx", lines, "%%MatrixMarket matrix coordinate pattern symmetric",
                  34, 78, karate_set_1, True)
        with gzip.open(os.path.join(OUT, "karate.mtx.gz"), "rt") as f:
            check("karate.mtx.gz: same content as karate.mtx", f.readlines(), lines)

    @group("karate.mtx scipy")
    def _():
        try:
            import scipy.io
        except ImportError:
            print("skip karate.mtx scipy.io.mmread (scipy not importable)")
            return
        m = scipy.io.mmread(os.path.join(OUT, "karate.mtx")).tocoo()
        check("karate.mtx: scipy shape", m.shape, (34, 34))
        check("karate.mtx: scipy nnz (both triangles)", m.nnz, 156)
        got = {(int(i) + 1, int(j) + 1) for i, j in zip(m.row, m.col)}
        check("karate.mtx: scipy matrix is symmetric", got, {(j, i) for i, j in got})
        check("karate.mtx: scipy entries equal karate's edges",
              {(min(i, j), max(i, j)) for i, j in got}, karate_set_1)

    @group("email.mtx")
    def _():
        ids = [r[0] for r in q(f"SELECT DISTINCT id FROM (SELECT src AS id FROM {rp(email)} "
                               f"UNION ALL SELECT dst FROM {rp(email)}) ORDER BY id")]
        index = {v: i + 1 for i, v in enumerate(ids)}
        arcs = {(index[a], index[b]) for a, b in duck_pairs(rp(email), unordered=False)}
        with open(os.path.join(OUT, "email.mtx")) as f:
            lines = f.readlines()
        check_mtx("email.mtx", lines, "%%MatrixMarket matrix coordinate pattern general",
                  EMAIL_NODES, len(arcs), arcs, False)

    # --- String ids.
    s_csv = os.path.join(IN, "strings.csv")
    s_rel_in = f"read_csv({lit(s_csv)})"
    # Expected undirected weighted edges (duplicates summed), computed in DuckDB.
    s_expected = {(a, b): w for a, b, w in q(
        f"SELECT least(src, dst), greatest(src, dst), sum(weight) FROM {s_rel_in} GROUP BY ALL")}
    s_nodes = q1(f"SELECT count(DISTINCT id) FROM (SELECT src AS id FROM {s_rel_in} "
                 f"UNION ALL SELECT dst FROM {s_rel_in})")

    def weighted_map(table):
        out = {}
        for a, b, w in zip(table.column("src").to_pylist(), table.column("dst").to_pylist(),
                           table.column("weight").to_pylist()):
            k = (min(a, b), max(a, b))
            out[k] = out.get(k, 0) + w
        return out

    def close_maps(a, b):
        return a.keys() == b.keys() and all(math.isclose(a[k], b[k], rel_tol=1e-6) for k in a)

    @group("strings.parquet")
    def _():
        check("strings.csv input: 5 undirected edges, 5 nodes (duckdb)", (len(s_expected), s_nodes), (5, 5))
        p = os.path.join(OUT, "strings.parquet")
        check_parquet_schema("strings.parquet", p, [("src", "string", "VARCHAR"),
                                                    ("dst", "string", "VARCHAR"),
                                                    ("weight", "float", "FLOAT")])
        count_both("strings.parquet", p, len(s_expected))
        check("strings.parquet: each undirected edge listed once (duckdb count distinct)",
              q1(f"SELECT count(DISTINCT (least(src, dst), greatest(src, dst))) FROM {rp(p)}"),
              len(s_expected))
        got = weighted_map(pq.read_table(p))
        check_true("strings.parquet: edges and summed weights (pyarrow)", close_maps(got, s_expected),
                   f"expected {s_expected}, got {got}")
        dgot = {(a, b): w for a, b, w in q(
            f"SELECT least(src, dst), greatest(src, dst), sum(weight) FROM {rp(p)} GROUP BY ALL")}
        check_true("strings.parquet: edges and summed weights (duckdb)", close_maps(dgot, s_expected),
                   f"expected {s_expected}, got {dgot}")
        js = load_json(os.path.join(JS, "strings.parquet.json"))
        check("strings convert --json nodes/edges", (js.get("nodes"), js.get("edges")),
              (s_nodes, len(s_expected)))

    @group("strings_back.csv")
    def _():
        p = os.path.join(OUT, "strings_back.csv")
        t = pcsv.read_csv(p)
        check("strings_back.csv: pyarrow.csv columns/types", arrow_schema(t.schema),
              [("src", "string"), ("dst", "string"), ("weight", "double")])
        check("strings_back.csv: pyarrow.csv row count", t.num_rows, len(s_expected))
        got = weighted_map(t)
        check_true("strings_back.csv: edges and weights (pyarrow.csv)", close_maps(got, s_expected),
                   f"expected {s_expected}, got {got}")
        rel = f"read_csv({lit(p)})"
        check("strings_back.csv: duckdb read_csv columns/types", duck_schema(f"SELECT * FROM {rel}"),
              [("src", "VARCHAR"), ("dst", "VARCHAR"), ("weight", "DOUBLE")])
        dgot = {(a, b): w for a, b, w in q(
            f"SELECT least(src, dst), greatest(src, dst), sum(weight) FROM {rel} GROUP BY ALL")}
        check_true("strings_back.csv: edges and weights (duckdb)", close_maps(dgot, s_expected),
                   f"expected {s_expected}, got {dgot}")
        rt = pq.read_table(os.path.join(OUT, "strings_rt.parquet"))
        orig = pq.read_table(os.path.join(OUT, "strings.parquet"))
        check("strings_rt.parquet (csv -> parquet again): same schema as strings.parquet",
              arrow_schema(rt.schema), arrow_schema(orig.schema))
        check("strings_rt.parquet: same rows as strings.parquet",
              sorted(rt.to_pylist(), key=lambda r: (r["src"], r["dst"])),
              sorted(orig.to_pylist(), key=lambda r: (r["src"], r["dst"])))

    @group("strings.tsv")
    def _():
        p = os.path.join(OUT, "strings.tsv")
        t = pcsv.read_csv(p, read_options=pcsv.ReadOptions(column_names=["src", "dst"]),
                          parse_options=pcsv.ParseOptions(delimiter="\t"))
        check("strings.tsv: pyarrow.csv columns/types", arrow_schema(t.schema),
              [("src", "string"), ("dst", "string")])
        check("strings.tsv: pyarrow.csv edge set", pairs(t), set(s_expected))
        rel = f"read_csv({lit(p)}, delim='\\t', header=false, names=['src', 'dst'])"
        check("strings.tsv: duckdb read_csv columns/types", duck_schema(f"SELECT * FROM {rel}"),
              [("src", "VARCHAR"), ("dst", "VARCHAR")])
        check("strings.tsv: duckdb edge set", duck_pairs(rel), set(s_expected))

    # --- GraphAr folders.
    def check_graphar(label, folder, orig_rel, directed, id_arrow, id_duck, n_nodes,
                      weights=None):
        """orig_rel: DuckDB relation with src, dst of the input; weights: expected
        {(u, v): w} over unordered pairs, or None when unweighted."""
        ymls = glob.glob(os.path.join(folder, "*.graph.yml"))
        check(f"{label}: one *.graph.yml", len(ymls), 1)
        with open(os.path.join(folder, "node_edge_node.edge.yml")) as f:
            edge_yml = f.read()
        check(f"{label}: edge yml directed flag",
              re.findall(r"^directed:\s*(\S+)", edge_yml, re.M), ["true" if directed else "false"])
        with open(os.path.join(folder, "node.vertex.yml")) as f:
            vyml = f.read()
        gar_type = {"int64": "int64", "string": "string"}[id_arrow]
        check(f"{label}: vertex yml id data_type", re.findall(r"data_type:\s*(\S+)", vyml), [gar_type])

        vchunks = numbered(glob.glob(os.path.join(folder, "vertex/node/id/chunk*")))
        check_true(f"{label}: vertex chunks exist", vchunks, "no vertex/node/id/chunk*")
        vt = pa.concat_tables([pq.read_table(p) for p in vchunks])
        check(f"{label}: vertex chunks pyarrow columns/types",
              [arrow_schema(pq.read_schema(p)) for p in vchunks],
              [[("_graphArVertexIndex", "int64"), ("id", id_arrow)]] * len(vchunks))
        check(f"{label}: vertex chunks duckdb columns/types", duck_schema(f"SELECT * FROM {rp(vchunks)}"),
              [("_graphArVertexIndex", "BIGINT"), ("id", id_duck)])
        check(f"{label}: vertex count (pyarrow rows)", vt.num_rows, n_nodes)
        check(f"{label}: vertex count (duckdb rows)", q1(f"SELECT count(*) FROM {rp(vchunks)}"), n_nodes)
        check(f"{label}: vertex/node/vertex_count file", read_i64_file(
            os.path.join(folder, "vertex/node/vertex_count")), n_nodes)
        check(f"{label}: _graphArVertexIndex is 0..n-1",
              vt.column("_graphArVertexIndex").to_pylist(), list(range(n_nodes)))
        ids = vt.column("id").to_pylist()
        orig_ids = {r[0] for r in q(f"SELECT src FROM {orig_rel} UNION SELECT dst FROM {orig_rel}")}
        check(f"{label}: vertex ids are the input's ids, once each", (len(ids), set(ids)),
              (len(orig_ids), orig_ids))

        base = os.path.join(folder, "edge/node_edge_node/ordered_by_source")
        achunks = numbered(glob.glob(os.path.join(base, "adj_list/part*/chunk*")))
        check_true(f"{label}: adj_list chunks exist", achunks, "no adj_list/part*/chunk*")
        at = pa.concat_tables([pq.read_table(p) for p in achunks])
        check(f"{label}: adj_list pyarrow columns/types",
              [arrow_schema(pq.read_schema(p)) for p in achunks],
              [[("_graphArSrcIndex", "int64"), ("_graphArDstIndex", "int64")]] * len(achunks))
        check(f"{label}: adj_list duckdb columns/types", duck_schema(f"SELECT * FROM {rp(achunks)}"),
              [("_graphArSrcIndex", "BIGINT"), ("_graphArDstIndex", "BIGINT")])
        if directed:
            expected_adj = q1(f"SELECT count(DISTINCT (src, dst)) FROM {orig_rel}")
        else:
            # spargraph stores an undirected graph's symmetric CSR: every edge in both
            # directions, self-loops once.
            expected_adj = q1(
                f"SELECT 2 * count(DISTINCT (least(src, dst), greatest(src, dst))) "
                f"- count(DISTINCT src) FILTER (WHERE src = dst) FROM {orig_rel}")
        check(f"{label}: adj_list edge count (pyarrow rows)", at.num_rows, expected_adj)
        check(f"{label}: adj_list edge count (duckdb rows)", q1(f"SELECT count(*) FROM {rp(achunks)}"),
              expected_adj)
        counts = [read_i64_file(p) for p in numbered(glob.glob(os.path.join(base, "edge_count*")))]
        check(f"{label}: edge_count files sum", sum(counts), expected_adj)
        check(f"{label}: ordered_by_source/vertex_count file",
              read_i64_file(os.path.join(base, "vertex_count")), n_nodes)
        s = at.column("_graphArSrcIndex").to_pylist()
        d = at.column("_graphArDstIndex").to_pylist()
        check_true(f"{label}: adj_list sorted by source", all(a <= b for a, b in zip(s, s[1:])))
        check_true(f"{label}: adj_list indices within 0..n-1",
                   all(0 <= x < n_nodes for x in s + d))
        ochunks = numbered(glob.glob(os.path.join(base, "offset/chunk*")))
        offsets = pa.concat_tables([pq.read_table(p) for p in ochunks])
        check(f"{label}: offset columns/types", arrow_schema(offsets.schema), [("_graphArOffset", "int64")])
        off = offsets.column("_graphArOffset").to_pylist()
        per_src = [0] * n_nodes
        for a in s:
            if 0 <= a < n_nodes:
                per_src[a] += 1
        want_off = [0]
        for c in per_src:
            want_off.append(want_off[-1] + c)
        check(f"{label}: offsets agree with the adj_list sources", off, want_off)
        mapped = {(ids[a], ids[b]) for a, b in zip(s, d)}
        if directed:
            check(f"{label}: adj_list arcs (through vertex ids) equal the input's",
                  mapped, duck_pairs(orig_rel, unordered=False))
        else:
            check(f"{label}: adj_list is symmetric", mapped, {(b, a) for a, b in mapped})
            check(f"{label}: adj_list edges (through vertex ids) equal the input's",
                  {(min(a, b), max(a, b)) for a, b in mapped}, duck_pairs(orig_rel))
        if weights is not None:
            wchunks = numbered(glob.glob(os.path.join(base, "weight/part*/chunk*")))
            wt = pa.concat_tables([pq.read_table(p) for p in wchunks])
            check(f"{label}: weight chunks columns/types", arrow_schema(wt.schema), [("weight", "float")])
            check(f"{label}: weight chunks duckdb types", duck_schema(f"SELECT * FROM {rp(wchunks)}"),
                  [("weight", "FLOAT")])
            check(f"{label}: weight rows equal adj_list rows", wt.num_rows, at.num_rows)
            w = wt.column("weight").to_pylist()
            bad = [(ids[a], ids[b], x) for a, b, x in zip(s, d, w)
                   if not math.isclose(x, weights.get((min(ids[a], ids[b]), max(ids[a], ids[b])), math.nan),
                                       rel_tol=1e-6)]
            check(f"{label}: weights match the input's summed weights", bad, [])

    for name, size in DATASETS.items():
        @group(f"{name}_graphar")
        def _():
            check_graphar(f"{name}_graphar", os.path.join(OUT, f"{name}_graphar"),
                          rp(os.path.join(IN, f"{name}.parquet")), False, "int64", "BIGINT",
                          size["nodes"])

    @group("email_graphar")
    def _():
        check_graphar("email_graphar", os.path.join(OUT, "email_graphar"), rp(email), True,
                      "int64", "BIGINT", EMAIL_NODES)

    @group("strings_graphar")
    def _():
        check_graphar("strings_graphar", os.path.join(OUT, "strings_graphar"), s_rel_in, False,
                      "string", "VARCHAR", s_nodes, weights=s_expected)

    # --- 3. Generated graphs.
    gens = {
        "rmat": dict(n_nodes=2 ** RMAT["scale"], labels=None,
                     params={"scale": RMAT["scale"], "edge_factor": RMAT["edge_factor"], "seed": SEED}),
        "sbm": dict(n_nodes=SBM["blocks"] * SBM["block_size"],
                    labels=[("node", "int64", "BIGINT"), ("label", "int64", "BIGINT")],
                    params={"n_blocks": SBM["blocks"], "block_size": SBM["block_size"], "seed": SEED}),
        "hsbm": dict(n_nodes=2 ** HSBM["depth"] * HSBM["leaf_block_size"],
                     labels=[("node", "int64", "BIGINT"), ("label", "int64", "BIGINT")]
                     + [(f"level_{k}", "int64", "BIGINT") for k in range(1, HSBM["depth"] + 1)],
                     params={"depth": HSBM["depth"], "leaf_block_size": HSBM["leaf_block_size"],
                             "degrees": HSBM["degrees"], "seed": SEED}),
        "bipartite": dict(n_nodes=BIP["users"] + BIP["items"],
                          labels=[("node", "int64", "BIGINT"), ("label", "int64", "BIGINT"),
                                  ("side", "int64", "BIGINT"), ("group", "int64", "BIGINT")],
                          params={"n_users": BIP["users"], "n_items": BIP["items"],
                                  "n_draws": BIP["draws"], "n_groups": BIP["groups"], "seed": SEED}),
    }
    for model, spec in gens.items():
        path = os.path.join(GEN, f"{model}.parquet")
        n = spec["n_nodes"]

        @group(f"{model}.parquet")
        def _():
            cols = [("src", "int64", "BIGINT"), ("dst", "int64", "BIGINT")]
            if model == "bipartite":
                cols.append(("weight", "float", "FLOAT"))
            check_parquet_schema(f"{model}.parquet", path, cols)
            rows = q1(f"SELECT count(*) FROM {rp(path)}")
            check(f"{model}.parquet: pyarrow rows equal duckdb rows", pq.read_table(path).num_rows, rows)
            check_true(f"{model}.parquet: has edges", rows > 0, "no rows")
            check(f"{model}.parquet: rows with src >= dst (duckdb)",
                  q1(f"SELECT count(*) FROM {rp(path)} WHERE src >= dst"), 0)
            check(f"{model}.parquet: no duplicate edges (duckdb count distinct)",
                  q1(f"SELECT count(DISTINCT (src, dst)) FROM {rp(path)}"), rows)
            check_true(f"{model}.parquet: node ids within 0..{n - 1}",
                       q1(f"SELECT min(src) >= 0 AND max(dst) < {n} FROM {rp(path)}"),
                       str(q(f"SELECT min(src), max(dst) FROM {rp(path)}")))
            raw = (pq.read_schema(path).metadata or {}).get(b"spargraph")
            check_true(f"{model}.parquet: schema metadata key 'spargraph' present", raw is not None)
            meta = json.loads(raw)
            check(f"{model}.parquet: metadata generator", meta.get("generator"), model)
            check(f"{model}.parquet: metadata n_nodes", meta.get("n_nodes"), n)
            check(f"{model}.parquet: metadata n_edges equals the row count", meta.get("n_edges"), rows)
            mp = meta.get("params", {})
            check(f"{model}.parquet: metadata params",
                  {k: str(mp.get(k)) for k in spec["params"]}, {k: str(v) for k, v in spec["params"].items()})
            js = load_json(os.path.join(JS, f"{model}.json"))
            check(f"{model}: generate --json nodes/edges", (js.get("nodes"), js.get("edges")), (n, rows))
            if model == "rmat":
                check_true("rmat.parquet: edges at most the draws",
                           rows <= n * RMAT["edge_factor"], f"{rows} > {n * RMAT['edge_factor']}")
            if model == "bipartite":
                check("bipartite.parquet: sum of weights equals the draws (duckdb)",
                      q1(f"SELECT sum(weight) FROM {rp(path)}"), float(BIP["draws"]))
                check("bipartite.parquet: weights are positive integers (duckdb)",
                      q1(f"SELECT count(*) FROM {rp(path)} WHERE weight < 1 OR weight <> round(weight)"), 0)

        if spec["labels"] is None:
            continue
        lpath = os.path.join(GEN, f"{model}.labels.parquet")

        @group(f"{model}.labels.parquet")
        def _():
            check_parquet_schema(f"{model}.labels.parquet", lpath, spec["labels"])
            count_both(f"{model}.labels.parquet", lpath, n)
            check(f"{model}.labels.parquet: one row per node 0..n-1 (duckdb)",
                  q(f"SELECT count(DISTINCT node), min(node), max(node) FROM {rp(lpath)}"), [(n, 0, n - 1)])
            meta = json.loads((pq.read_schema(lpath).metadata or {}).get(b"spargraph"))
            rows = q1(f"SELECT count(*) FROM {rp(path)}")
            check(f"{model}.labels.parquet: metadata n_nodes/n_edges", (meta.get("n_nodes"), meta.get("n_edges")),
                  (n, rows))
            if model == "sbm":
                check("sbm.labels.parquet: block sizes (duckdb)",
                      q(f"SELECT label, count(*) FROM {rp(lpath)} GROUP BY 1 ORDER BY 1"),
                      [(b, SBM["block_size"]) for b in range(SBM["blocks"])])
            if model == "hsbm":
                depth = HSBM["depth"]
                check("hsbm.labels.parquet: leaf block sizes (duckdb)",
                      q(f"SELECT label, count(*) FROM {rp(lpath)} GROUP BY 1 ORDER BY 1"),
                      [(b, HSBM["leaf_block_size"]) for b in range(2 ** depth)])
                check(f"hsbm.labels.parquet: level_k has 2^k groups",
                      [q1(f"SELECT count(DISTINCT level_{k}) FROM {rp(lpath)}") for k in range(1, depth + 1)],
                      [2 ** k for k in range(1, depth + 1)])
                check(f"hsbm.labels.parquet: level_{depth} equals label",
                      q1(f"SELECT count(*) FROM {rp(lpath)} WHERE level_{depth} <> label"), 0)
            if model == "bipartite":
                check("bipartite.labels.parquet: side sizes (duckdb)",
                      q(f"SELECT side, count(*) FROM {rp(lpath)} GROUP BY 1 ORDER BY 1"),
                      [(0, BIP["users"]), (1, BIP["items"])])
                check("bipartite.labels.parquet: groups per side",
                      q(f'SELECT side, count(DISTINCT "group") FROM {rp(lpath)} GROUP BY 1 ORDER BY 1'),
                      [(0, BIP["groups"]), (1, BIP["groups"])])
                check("bipartite: every edge joins a user (src) to an item (dst) (duckdb)",
                      q1(f"SELECT count(*) FROM {rp(path)} e JOIN {rp(lpath)} a ON a.node = e.src "
                         f"JOIN {rp(lpath)} b ON b.node = e.dst WHERE a.side = 0 AND b.side = 1"),
                      rows)

    @group("gen_text/sbm.csv")
    def _():
        p = os.path.join(tmp, "gen_text", "sbm.csv")
        t = pcsv.read_csv(p)
        check("gen_text/sbm.csv: pyarrow.csv columns/types", arrow_schema(t.schema),
              [("src", "int64"), ("dst", "int64")])
        check("gen_text/sbm.csv: same edges as sbm.parquet (pyarrow)",
              pairs(t, unordered=False), pairs(pq.read_table(os.path.join(GEN, "sbm.parquet")), unordered=False))
        check("gen_text/sbm.csv: same edges as sbm.parquet (duckdb EXCEPT both ways)",
              duck_set_diff(f"read_csv({lit(p)})", rp(os.path.join(GEN, "sbm.parquet")), unordered=False), 0)
        lp = os.path.join(tmp, "gen_text", "sbm.labels.parquet")
        check("gen_text/sbm.labels.parquet: same labels as gen/sbm.labels.parquet",
              pq.read_table(lp).to_pylist(), pq.read_table(os.path.join(GEN, "sbm.labels.parquet")).to_pylist())

    @group("bipartite_conv.parquet")
    def _():
        p = os.path.join(OUT, "bipartite_conv.parquet")
        src = os.path.join(GEN, "bipartite.parquet")
        check_parquet_schema("bipartite_conv.parquet (convert --weight-col)", p,
                             [("src", "int64", "BIGINT"), ("dst", "int64", "BIGINT"),
                              ("weight", "float", "FLOAT")])
        rows = q1(f"SELECT count(*) FROM {rp(src)}")
        count_both("bipartite_conv.parquet", p, rows)
        check("bipartite_conv.parquet: edges and weights equal the generated ones (duckdb)",
              q1(f"SELECT count(*) FROM {rp(p)} c JOIN {rp(src)} g ON least(c.src, c.dst) = g.src "
                 f"AND greatest(c.src, c.dst) = g.dst AND c.weight = g.weight"), rows)

    # --- 4. Demo.
    def wcc_labels(edges, nodes):
        parent = {v: v for v in nodes}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in edges:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
        return {v: find(v) for v in nodes}

    def check_demo(label, folder, orig, n_nodes, ppr_rows=None):
        """ppr_rows: expected rows of ppr.parquet (None: as many as the reference
        gives non-zero scores, at most DEMO_PPR_TOP_K)."""
        p = os.path.join(folder, "nodes.parquet")
        check_parquet_schema(f"{label}/nodes.parquet", p, [
            ("node_id", "int64", "BIGINT"), ("out_degree", "uint32", "UINTEGER"),
            ("in_degree", "uint32", "UINTEGER"), ("weighted_out_degree", "double", "DOUBLE"),
            ("component", "uint32", "UINTEGER"), ("pagerank", "double", "DOUBLE"),
            ("community", "uint32", "UINTEGER"), ("leaf", "uint32", "UINTEGER"),
            ("hierarchy_cut", "uint32", "UINTEGER")])
        count_both(f"{label}/nodes.parquet", p, n_nodes)
        arcs = q1(f"SELECT count(DISTINCT (src, dst)) FROM {rp(orig)}")
        check(f"{label}/nodes.parquet: node_id set equals the input's ids (duckdb EXCEPT)",
              q1(f"SELECT (SELECT count(*) FROM (SELECT node_id FROM {rp(p)} EXCEPT "
                 f"(SELECT src FROM {rp(orig)} UNION SELECT dst FROM {rp(orig)}))) + "
                 f"(SELECT count(*) FROM ((SELECT src FROM {rp(orig)} UNION SELECT dst FROM {rp(orig)}) "
                 f"EXCEPT SELECT node_id FROM {rp(p)}))"), 0)
        check(f"{label}/nodes.parquet: sum(out_degree) equals distinct arcs (duckdb)",
              q1(f"SELECT sum(out_degree) FROM {rp(p)}"), arcs)
        check(f"{label}/nodes.parquet: sum(in_degree) equals distinct arcs (duckdb)",
              q1(f"SELECT sum(in_degree) FROM {rp(p)}"), arcs)
        t = pq.read_table(p)
        check(f"{label}/nodes.parquet: sum(out_degree) (pyarrow)", sum(t.column("out_degree").to_pylist()), arcs)
        check(f"{label}/nodes.parquet: per-node out/in degree equal the input's (duckdb)", q1(f"""
            WITH a AS (SELECT DISTINCT src, dst FROM {rp(orig)}),
                 o AS (SELECT src AS n, count(*) AS c FROM a GROUP BY 1),
                 i AS (SELECT dst AS n, count(*) AS c FROM a GROUP BY 1)
            SELECT count(*) FROM {rp(p)} d LEFT JOIN o ON o.n = d.node_id LEFT JOIN i ON i.n = d.node_id
            WHERE d.out_degree <> coalesce(o.c, 0) OR d.in_degree <> coalesce(i.c, 0)"""), 0)
        check(f"{label}/nodes.parquet: weighted_out_degree equals out_degree (unweighted input)",
              q1(f"SELECT count(*) FROM {rp(p)} WHERE weighted_out_degree <> out_degree"), 0)
        ot = pq.read_table(orig)
        edges = list(zip(ot.column("src").to_pylist(), ot.column("dst").to_pylist()))
        nodes = t.column("node_id").to_pylist()
        comp = dict(zip(nodes, t.column("component").to_pylist()))
        ref = wcc_labels(edges, nodes)
        n_comp = len(set(ref.values()))
        check(f"{label}/nodes.parquet: number of components equals a union-find count",
              len(set(comp.values())), n_comp)
        same = {}
        consistent = all(same.setdefault(comp[v], ref[v]) == ref[v] for v in nodes)
        check_true(f"{label}/nodes.parquet: components are the weakly connected components",
                   consistent, "a component label spans two union-find components")
        check_true(f"{label}/nodes.parquet: component ids within 0..count-1",
                   set(comp.values()) == set(range(n_comp)), short(sorted(set(comp.values()))))
        info = load_json(os.path.join(folder, "info.json"))
        loops = q1(f"SELECT count(DISTINCT src) FILTER (WHERE src = dst) FROM {rp(orig)}")
        check(f"{label}/info.json: nodes, edges, self_loops, components, directed",
              {k: info.get(k) for k in ("nodes", "edges", "self_loops", "components", "directed")},
              {"nodes": n_nodes, "edges": arcs, "self_loops": loops, "components": n_comp, "directed": True})
        with open(os.path.join(folder, "summary.md")) as f:
            md = f.read()
        check_true(f"{label}/summary.md: nodes and edges rows",
                   f"| nodes | {n_nodes} |" in md and f"| edges | {arcs} " in md, short(md))
        check(f"{label}/nodes.parquet: metadata 'spargraph' command",
              json.loads(pq.read_schema(p).metadata[b"spargraph"]).get("command"), "demo")
        check_true(f"{label}/summary.md: mentions PageRank and Personalized PageRank",
                   "PageRank" in md.replace("Personalized PageRank", "") and "Personalized PageRank" in md,
                   short(md))

        # PageRank column: a distribution, equal to a reference power iteration on the
        # distinct arcs (directed, dangling mass spread uniformly).
        check_true(f"{label}/nodes.parquet: pagerank sums to 1 within 1e-9 (duckdb)",
                   abs(q1(f"SELECT sum(pagerank) FROM {rp(p)}") - 1) <= 1e-9,
                   str(q1(f"SELECT sum(pagerank) FROM {rp(p)}")))
        pr = dict(zip(nodes, t.column("pagerank").to_pylist()))
        check_true(f"{label}/nodes.parquet: pagerank sums to 1 within 1e-9 (pyarrow)",
                   abs(math.fsum(pr.values()) - 1) <= 1e-9, str(math.fsum(pr.values())))
        check(f"{label}/nodes.parquet: pagerank > 0 everywhere (duckdb)",
              q1(f"SELECT count(*) FROM {rp(p)} WHERE NOT pagerank > 0"), 0)
        arcs = {(a, b): 1.0 for a, b in set(edges)}
        ref = ref_rank(nodes, arcs)
        diff = max_abs_diff(pr, ref)
        check_true(f"{label}/nodes.parquet: pagerank equals a reference power iteration "
                   f"(max |diff| <= {REF_TOL})", diff <= REF_TOL, f"max |diff| {diff}")

        # ppr.parquet: one source, its top scores by descending score.
        pp = os.path.join(folder, "ppr.parquet")
        check_parquet_schema(f"{label}/ppr.parquet", pp, [
            ("source", "int64", "BIGINT"), ("node_id", "int64", "BIGINT"), ("score", "double", "DOUBLE")])
        srcs = [r[0] for r in q(f"SELECT DISTINCT source FROM {rp(pp)}")]
        check(f"{label}/ppr.parquet: one source (duckdb)", len(srcs), 1)
        src = srcs[0]
        check_true(f"{label}/ppr.parquet: source is a node of the graph", src in pr, str(src))
        pref = ref_rank(nodes, arcs, seeds={src: 1.0}, dangling="seeds")
        if ppr_rows is None:
            ppr_rows = min(DEMO_PPR_TOP_K, sum(1 for v in pref.values() if v > 1e-12))
        count_both(f"{label}/ppr.parquet", pp, ppr_rows)
        check_ppr_order(f"{label}/ppr.parquet", pp)
        check(f"{label}/ppr.parquet: scores in (0, 1] (duckdb)",
              q1(f"SELECT count(*) FROM {rp(pp)} WHERE NOT (score > 0 AND score <= 1)"), 0)
        pt = pq.read_table(pp)
        got = dict(zip(pt.column("node_id").to_pylist(), pt.column("score").to_pylist()))
        diff = max_abs_diff(got, pref)
        check_true(f"{label}/ppr.parquet: scores equal a reference PPR from node {src} "
                   f"(max |diff| <= {REF_TOL})", diff <= REF_TOL, f"max |diff| {diff}")
        want = sorted(pref.values(), reverse=True)[:ppr_rows]
        check_true(f"{label}/ppr.parquet: the rows are the reference's top {ppr_rows} scores",
                   len(want) == len(got) and all(abs(a - b) <= REF_TOL for a, b in
                                                 zip(sorted(got.values(), reverse=True), want)),
                   f"got {short(sorted(got.values(), reverse=True))}, reference {short(want)}")
        check(f"{label}/ppr.parquet: metadata 'spargraph' command/algorithm/top_k",
              {k: json.loads(pq.read_schema(pp).metadata[b"spargraph"]).get(k)
               for k in ("command", "algorithm", "top_k")},
              {"command": "demo", "algorithm": "ppr", "top_k": DEMO_PPR_TOP_K})

    @group("demo")
    def _():
        check_demo("demo", os.path.join(tmp, "demo"), email, EMAIL_NODES, ppr_rows=DEMO_PPR_TOP_K)
        if email_arcs is not None:
            check("demo: email nodes.parquet sum(out_degree) vs email.parquet arcs",
                  q1(f"SELECT sum(out_degree) FROM {rp(os.path.join(tmp, 'demo', 'nodes.parquet'))}"),
                  email_arcs)

    @group("fastrp")
    def _():
        for label, path, n, dim in [("fastrp_karate.parquet", os.path.join(OUT, "fastrp_karate.parquet"), 34, 16),
                                    ("demo/embeddings.parquet", os.path.join(tmp, "demo", "embeddings.parquet"), EMAIL_NODES, 128)]:
            t = pq.read_table(path)
            typ = t.schema.field("embedding").type
            check(f"{label}: pyarrow embedding is fixed_size_list<float32>[{dim}]",
                  (pa.types.is_fixed_size_list(typ), str(typ.value_type), getattr(typ, "list_size", None)),
                  (True, "float", dim))
            check(f"{label}: node_id is int64", str(t.schema.field("node_id").type), "int64")
            count_both(label, path, n)
            check(f"{label}: duckdb sees {dim} coordinates per row",
                  q(f"SELECT DISTINCT len(embedding) FROM {rp(path)}"), [(dim,)])
            check(f"{label}: duckdb finds no NaN or infinite coordinate",
                  q1(f"SELECT count(*) FROM (SELECT unnest(embedding) AS x FROM {rp(path)}) WHERE NOT isfinite(x)"), 0)
            rows = t.column("embedding").to_pylist()
            means = [sum(r[j] for r in rows) / n for j in range(dim)]
            check_true(f"{label}: standardised columns have mean 0 (|mean| < 1e-4)",
                       max(abs(m) for m in means) < 1e-4, f"max |mean| {max(abs(m) for m in means)}")
        ids = pq.read_table(os.path.join(OUT, "fastrp_karate.parquet")).column("node_id").to_pylist()
        check("fastrp_karate.parquet: node ids are karate's", sorted(ids), list(range(1, 35)))

    @group("demo_karate")
    def _():
        check_demo("demo_karate", os.path.join(tmp, "demo_karate"), karate, 34)

    # --- 5. PageRank and Personalized PageRank.
    karate_pairs = {pr_: 1.0 for pr_ in karate_set}
    karate_arcs = undirected_arcs(karate_pairs)
    karate_nodes = sorted({v for e in karate_set for v in e})

    def check_pagerank(label, path, json_path, nodes, arcs, id_arrow, id_duck):
        check_parquet_schema(label, path, [("node_id", id_arrow, id_duck), ("score", "double", "DOUBLE")])
        count_both(label, path, len(nodes))
        check(f"{label}: node_id set equals the input's ids, once each (duckdb)",
              (q1(f"SELECT count(DISTINCT node_id) FROM {rp(path)}"),
               sorted(r[0] for r in q(f"SELECT node_id FROM {rp(path)}"))),
              (len(nodes), sorted(nodes)))
        check(f"{label}: scores > 0 (duckdb)", q1(f"SELECT count(*) FROM {rp(path)} WHERE NOT score > 0"), 0)
        total = q1(f"SELECT sum(score) FROM {rp(path)}")
        check_true(f"{label}: scores sum to 1 within 1e-9 (duckdb)", abs(total - 1) <= 1e-9, str(total))
        t = pq.read_table(path)
        got = dict(zip(t.column("node_id").to_pylist(), t.column("score").to_pylist()))
        check_true(f"{label}: scores sum to 1 within 1e-9 (pyarrow)",
                   abs(math.fsum(got.values()) - 1) <= 1e-9, str(math.fsum(got.values())))
        raw = (pq.read_schema(path).metadata or {}).get(b"spargraph")
        check_true(f"{label}: schema metadata key 'spargraph' present", raw is not None)
        meta = json.loads(raw)
        check(f"{label}: metadata command/converged/damping",
              (meta.get("command"), meta.get("converged"), meta.get("damping")), ("pagerank", True, DAMPING))
        ref = ref_rank(nodes, arcs)
        diff = max_abs_diff(got, ref)
        check_true(f"{label}: scores equal a reference power iteration (max |diff| <= {REF_TOL})",
                   diff <= REF_TOL, f"max |diff| {diff}")
        if json_path:
            js = load_json(json_path)
            check(f"{label}: --json command/converged/nodes",
                  (js.get("command"), js.get("converged"), js.get("nodes")), ("pagerank", True, len(nodes)))
        return got

    @group("pagerank karate")
    def _():
        p = os.path.join(OUT, "pr_karate.parquet")
        got = check_pagerank("pr_karate.parquet", p, os.path.join(JS, "pr_karate.json"),
                             karate_nodes, karate_arcs, "int64", "BIGINT")
        top2 = [v for v, _ in sorted(got.items(), key=lambda kv: -kv[1])[:2]]
        check("pr_karate.parquet: top two nodes are the faction leaders {1, 34} (pyarrow)", set(top2), {1, 34})
        check("pr_karate.parquet: top two nodes (duckdb ORDER BY score DESC LIMIT 2)",
              {r[0] for r in q(f"SELECT node_id FROM {rp(p)} ORDER BY score DESC LIMIT 2")}, {1, 34})

    @group("pagerank email (directed)")
    def _():
        p = os.path.join(OUT, "pr_email.parquet")
        arcs = {e: 1.0 for e in duck_pairs(rp(email), unordered=False)}
        nodes = sorted({v for e in arcs for v in e})
        check("email: node count of the input", len(nodes), EMAIL_NODES)
        got = check_pagerank("pr_email.parquet", p, os.path.join(JS, "pr_email.json"), nodes, arcs,
                             "int64", "BIGINT")
        dn = os.path.join(tmp, "demo", "nodes.parquet")
        demo_pr = dict(q(f"SELECT node_id, pagerank FROM {rp(dn)}"))
        diff = max_abs_diff(got, demo_pr)
        check_true(f"pr_email.parquet: equals demo/nodes.parquet pagerank (max |diff| <= {REF_TOL})",
                   diff <= REF_TOL, f"max |diff| {diff}")

    def check_ppr_schema(label, path, id_arrow="int64", id_duck="BIGINT"):
        check_parquet_schema(label, path, [("source", id_arrow, id_duck), ("node_id", id_arrow, id_duck),
                                           ("score", "double", "DOUBLE")])

    ppr_ref = {s: ref_rank(karate_nodes, karate_arcs, seeds={s: 1.0}, dangling="seeds") for s in PPR_SOURCES}

    for method in ("exact", "push", "powerwalk"):
        path = os.path.join(OUT, f"ppr_{method}.parquet")

        @group(f"ppr {method}")
        def _():
            label = f"ppr_{method}.parquet"
            check_ppr_schema(label, path)
            count_both(label, path, PPR_TOP_K * len(PPR_SOURCES))
            check(f"{label}: rows per source (duckdb)",
                  q(f"SELECT source, count(*) FROM {rp(path)} GROUP BY 1 ORDER BY 1"),
                  [(s, PPR_TOP_K) for s in PPR_SOURCES])
            check_ppr_order(label, path)
            check(f"{label}: scores in (0, 1] (duckdb)",
                  q1(f"SELECT count(*) FROM {rp(path)} WHERE NOT (score > 0 AND score <= 1)"), 0)
            check(f"{label}: each source's own node is in its top 3 (duckdb, file order)",
                  q1(f"SELECT count(*) FROM (SELECT source, node_id, row_number() OVER "
                     f"(PARTITION BY source ORDER BY file_row_number) AS r "
                     f"FROM read_parquet({lit(path)}, file_row_number = true)) "
                     f"WHERE r <= 3 AND node_id = source"), len(PPR_SOURCES))
            rows = ppr_rows_by_source(path)
            check(f"{label}: node ids distinct within a source",
                  {s: len({v for v, _ in r}) for s, r in rows.items()}, {s: PPR_TOP_K for s in PPR_SOURCES})
            # exact and push against the reference within their accuracy; PowerWalk is a
            # Monte Carlo estimate (1000 walks per node), so only loosely.
            tol = {"exact": REF_TOL, "push": 1e-4, "powerwalk": 0.02}[method]
            diffs = {s: max_abs_diff(dict(r), ppr_ref[s]) for s, r in rows.items()}
            check_true(f"{label}: scores equal a reference PPR within {tol}",
                       rows.keys() == set(PPR_SOURCES) and all(d <= tol for d in diffs.values()),
                       f"max |diff| per source {diffs}")
            if method == "exact":
                want = {s: sorted(ppr_ref[s].values(), reverse=True)[:PPR_TOP_K] for s in PPR_SOURCES}
                got = {s: [x for _, x in r] for s, r in rows.items()}
                check_true(f"{label}: the rows are the reference's top {PPR_TOP_K} scores",
                           got.keys() == want.keys() and all(
                               all(abs(a - b) <= REF_TOL for a, b in zip(got[s], want[s])) for s in want),
                           f"got {short(got)}, reference {short(want)}")
            meta = json.loads(pq.read_schema(path).metadata[b"spargraph"])
            check(f"{label}: metadata command/method/top_k",
                  (meta.get("command"), meta.get("method"), meta.get("top_k")), ("ppr", method, PPR_TOP_K))
            js = load_json(os.path.join(JS, f"ppr_{method}.json"))
            check(f"{label}: --json command/method/sources/rows",
                  (js.get("command"), js.get("method"), js.get("sources"), js.get("rows")),
                  ("ppr", method, len(PPR_SOURCES), PPR_TOP_K * len(PPR_SOURCES)))

    @group("ppr exact vs push")
    def _():
        e = rp(os.path.join(OUT, "ppr_exact.parquet"))
        pu = rp(os.path.join(OUT, "ppr_push.parquet"))
        matched, worst = q(f"SELECT count(*), max(abs(e.score - p.score)) FROM {e} e JOIN {pu} p "
                           f"ON e.source = p.source AND e.node_id = p.node_id")[0]
        check("ppr exact vs push: every row has a (source, node_id) match (duckdb join)",
              matched, PPR_TOP_K * len(PPR_SOURCES))
        check_true("ppr exact vs push: each row's score within 1e-4 (duckdb join)",
                   worst is not None and worst <= 1e-4, f"max |diff| {worst}")
        ex = ppr_rows_by_source(os.path.join(OUT, "ppr_exact.parquet"))
        ps = ppr_rows_by_source(os.path.join(OUT, "ppr_push.parquet"))
        pos = [abs(a[1] - b[1]) for s in PPR_SOURCES for a, b in zip(ex.get(s, []), ps.get(s, []))]
        check_true("ppr exact vs push: row-by-row scores (file order) within 1e-4 (pyarrow)",
                   len(pos) == PPR_TOP_K * len(PPR_SOURCES) and max(pos) <= 1e-4, short(pos))
        top5 = lambda rows: {s: {v for v, _ in r[:5]} for s, r in rows.items()}  # noqa: E731
        check("ppr exact vs push: top-5 node sets per source", top5(ps), top5(ex))

    @group("ppr-index")
    def _():
        p = os.path.join(OUT, "karate.pwi")
        check_true("karate.pwi: index file exists and is non-empty",
                   os.path.isfile(p) and os.path.getsize(p) > 0, p)
        js = load_json(os.path.join(JS, "ppr_index.json"))
        check("ppr-index --json command/nodes/index_bytes",
              (js.get("command"), js.get("nodes"), js.get("index_bytes")),
              ("ppr-index", len(karate_nodes), os.path.getsize(p) if os.path.isfile(p) else None))

    @group("ppr --top-k 0")
    def _():
        p = os.path.join(OUT, "ppr_all.parquet")
        label = "ppr_all.parquet (--top-k 0)"
        check_ppr_schema(label, p)
        check(f"{label}: 34 rows per source (duckdb)",
              q(f"SELECT source, count(*), count(DISTINCT node_id) FROM {rp(p)} GROUP BY 1 ORDER BY 1"),
              [(s, len(karate_nodes), len(karate_nodes)) for s in PPR_SOURCES])
        sums = q(f"SELECT source, sum(score) FROM {rp(p)} GROUP BY 1 ORDER BY 1")
        check_true(f"{label}: each source's scores sum to 1 within 1e-6 (duckdb)",
                   [s for s, _ in sums] == PPR_SOURCES and all(abs(x - 1) <= 1e-6 for _, x in sums), str(sums))
        check_ppr_order(label, p)
        rows = ppr_rows_by_source(p)
        diffs = {s: max_abs_diff(dict(r), ppr_ref[s]) for s, r in rows.items()}
        check_true(f"{label}: scores equal a reference PPR within {REF_TOL}",
                   rows.keys() == set(PPR_SOURCES) and all(d <= REF_TOL for d in diffs.values()), str(diffs))
        ex = ppr_rows_by_source(os.path.join(OUT, "ppr_exact.parquet"))
        check(f"{label}: first {PPR_TOP_K} node sets per source equal ppr_exact.parquet's",
              {s: {v for v, _ in r[:PPR_TOP_K]} for s, r in rows.items()},
              {s: {v for v, _ in r} for s, r in ex.items()})

    @group("strings pagerank/ppr")
    def _():
        s_arcs = undirected_arcs(s_expected)
        s_ids = sorted({v for e in s_expected for v in e})
        check_pagerank("strings_pr.parquet", os.path.join(OUT, "strings_pr.parquet"), None, s_ids, s_arcs,
                       "string", "VARCHAR")
        p = os.path.join(OUT, "strings_ppr.parquet")
        label = "strings_ppr.parquet (--sources alice)"
        check_ppr_schema(label, p, "string", "VARCHAR")
        ref = ref_rank(s_ids, s_arcs, seeds={"alice": 1.0}, dangling="seeds")
        reach = sorted(v for v, x in ref.items() if x > 1e-12)
        check(f"{label}: source column is 'alice' on every row (duckdb)",
              q(f"SELECT DISTINCT source FROM {rp(p)}"), [("alice",)])
        check(f"{label}: node_id values are the CSV names reachable from alice (duckdb)",
              sorted(r[0] for r in q(f"SELECT node_id FROM {rp(p)}")), reach)
        t = pq.read_table(p)
        check(f"{label}: node_id values (pyarrow)", sorted(t.column("node_id").to_pylist()), reach)
        check_ppr_order(label, p)
        got = dict(zip(t.column("node_id").to_pylist(), t.column("score").to_pylist()))
        diff = max_abs_diff(got, ref)
        check_true(f"{label}: scores equal a reference weighted PPR (max |diff| <= {REF_TOL})",
                   diff <= REF_TOL, f"max |diff| {diff}")

    @group("ppr --sources-file")
    def _():
        qp = os.path.join(IN, "queries.parquet")
        check("queries.parquet (written by pyarrow): rows",
              [tuple(r.values()) for r in pq.read_table(qp).to_pylist()], QUERIES)
        p = os.path.join(OUT, "ppr_queries.parquet")
        label = "ppr_queries.parquet"
        check_ppr_schema(label, p)
        qids = sorted({qq for _, _, qq in QUERIES})
        check(f"{label}: source values are the query values, 2 queries (duckdb)",
              sorted(r[0] for r in q(f"SELECT DISTINCT source FROM {rp(p)}")), qids)
        check(f"{label}: rows per query (--top-k 0) (duckdb)",
              q(f"SELECT source, count(*) FROM {rp(p)} GROUP BY 1 ORDER BY 1"),
              [(qq, len(karate_nodes)) for qq in qids])
        check_ppr_order(label, p)
        rows = ppr_rows_by_source(p)
        diffs = {}
        for qq in qids:
            seeds = {s: b for s, b, q_ in QUERIES if q_ == qq}
            ref = ref_rank(karate_nodes, karate_arcs, seeds=seeds, dangling="seeds")
            diffs[qq] = max_abs_diff(dict(rows.get(qq, [])), ref) if qq in rows else math.inf
        check_true(f"{label}: each query equals a reference PPR from its bias-weighted seeds "
                   f"(max |diff| <= {REF_TOL})", all(d <= REF_TOL for d in diffs.values()), str(diffs))
        js = load_json(os.path.join(JS, "ppr_queries.json"))
        check(f"{label}: --json sources", js.get("sources"), len(qids))

    # --- 7. Communities and hierarchies of football.
    football = os.path.join(IN, "football.parquet")

    @group("communities football")
    def _():
        p = os.path.join(OUT, "communities_football.parquet")
        label = "communities_football.parquet"
        js = load_json(os.path.join(JS, "communities_football.json"))
        levels = js.get("levels") or []
        check_true(f"{label}: --json lists levels", len(levels) > 0, short(js))
        check_parquet_schema(label, p, [("node_id", "int64", "BIGINT"), ("community", "uint32", "UINTEGER")]
                             + [(f"level_{i}", "uint32", "UINTEGER") for i in range(len(levels))])
        count_both(label, p, FOOTBALL_NODES)
        check(f"{label}: node_id set equals football's ids, once each (duckdb)",
              q1(f"SELECT count(*) = count(DISTINCT node_id) AND count(*) = (SELECT count(*) FROM "
                 f"(SELECT src FROM {rp(football)} UNION SELECT dst FROM {rp(football)})) "
                 f"FROM {rp(p)} WHERE node_id IN (SELECT src FROM {rp(football)} UNION SELECT dst "
                 f"FROM {rp(football)})"), True)
        last = f"level_{len(levels) - 1}"
        check(f"{label}: {last} equals community (duckdb)",
              q1(f"SELECT count(*) FROM {rp(p)} WHERE {last} <> community"), 0)
        check(f"{label}: community ids are 0..k-1 with k the --json count (duckdb)",
              q(f"SELECT count(DISTINCT community), min(community), max(community) FROM {rp(p)}"),
              [(js.get("communities"), 0, js.get("communities", 0) - 1)])
        check(f"{label}: each level's community count equals --json's (duckdb)",
              [q1(f"SELECT count(DISTINCT level_{i}) FROM {rp(p)}") for i in range(len(levels))],
              [lv.get("communities") for lv in levels])
        # Modularity of the written partition, computed in DuckDB from the input edges.
        modularity = q1(f"""
            WITH e AS (SELECT DISTINCT least(src, dst) AS a, greatest(src, dst) AS b FROM {rp(football)}),
                 c AS (SELECT node_id, community FROM {rp(p)}),
                 m AS (SELECT count(*)::DOUBLE AS m FROM e),
                 ends AS (SELECT ca.community AS x, cb.community AS y FROM e
                          JOIN c ca ON ca.node_id = e.a JOIN c cb ON cb.node_id = e.b),
                 inside AS (SELECT x AS k, count(*) AS l FROM ends WHERE x = y GROUP BY 1),
                 deg AS (SELECT k, count(*) AS d FROM (SELECT x AS k FROM ends UNION ALL
                         SELECT y FROM ends) GROUP BY 1)
            SELECT sum(coalesce(l, 0) / m - (d / (2 * m)) ^ 2) FROM deg LEFT JOIN inside USING (k), m""")
        quality = js.get("quality")
        check_true(f"{label}: --json quality equals the modularity of the file's partition (duckdb, 1e-9)",
                   quality is not None and abs(modularity - quality) <= 1e-9, f"{modularity} vs {quality}")
        check_true(f"{label}: modularity > 0.55", modularity > 0.55, str(modularity))
        check_true(f"{label}: --json nmi against the conferences > 0.8", (js.get("nmi") or 0) > 0.8, short(js))
        meta = json.loads(pq.read_schema(p).metadata[b"spargraph"])
        check(f"{label}: metadata command/objective/quality",
              (meta.get("command"), meta.get("objective"), meta.get("quality")),
              ("communities", "modularity", quality))

    for method, name in (("bottom-up", "hierarchy_football"), ("paris", "paris_football")):
        out_p = os.path.join(OUT, f"{name}.parquet")
        z_p = os.path.join(OUT, ("dendrogram_football" if method == "bottom-up"
                                 else "paris_dendrogram_football") + ".parquet")
        js_p = os.path.join(JS, f"{name}.json")

        @group(f"hierarchy {method} football")
        def _():
            label = f"{name}.parquet"
            zlabel = os.path.basename(z_p)
            js = load_json(js_p)
            leaves = js.get("leaves")
            check(f"{label}: --json inversions", js.get("inversions"), False)
            if method == "paris":
                check(f"{label}: --json leaves are the nodes", leaves, FOOTBALL_NODES)
            check_parquet_schema(label, out_p, [("node_id", "int64", "BIGINT"), ("leaf", "uint32", "UINTEGER")]
                                 + [(f"cut_{k}", "uint32", "UINTEGER") for k in HIER_CUTS])
            count_both(label, out_p, FOOTBALL_NODES)
            check(f"{label}: leaf ids are 0..leaves-1 (duckdb)",
                  q(f"SELECT count(DISTINCT leaf), min(leaf), max(leaf) FROM {rp(out_p)}"),
                  [(leaves, 0, (leaves or 0) - 1)])
            check(f"{label}: cut_K has K clusters (duckdb)",
                  [q1(f"SELECT count(DISTINCT cut_{k}) FROM {rp(out_p)}") for k in HIER_CUTS], HIER_CUTS)
            check(f"{label}: every leaf lies in one cluster of each cut (duckdb)",
                  q1(f"SELECT count(*) FROM (SELECT leaf FROM {rp(out_p)} GROUP BY leaf HAVING "
                     + " OR ".join(f"count(DISTINCT cut_{k}) > 1" for k in HIER_CUTS) + ")"), 0)
            check_parquet_schema(zlabel, z_p, [("left", "int64", "BIGINT"), ("right", "int64", "BIGINT"),
                                               ("height", "double", "DOUBLE"), ("size", "int64", "BIGINT")])
            count_both(zlabel, z_p, (leaves or 0) - 1)
            check(f"{zlabel}: heights never decrease in file order (duckdb window)",
                  q1(f"SELECT count(*) FROM (SELECT height, lag(height) OVER (ORDER BY file_row_number) AS prev "
                     f"FROM read_parquet({lit(z_p)}, file_row_number = true)) WHERE height < prev"), 0)

        @group(f"hierarchy {method} football scipy")
        def _():
            try:
                import numpy as np
                from scipy.cluster import hierarchy as sch
            except ImportError:
                print(f"skip hierarchy {method} scipy checks (scipy not importable)")
                return
            zlabel = os.path.basename(z_p)
            t = pq.read_table(z_p)
            # Without pandas: stack the four columns into scipy's float64 linkage matrix.
            Z = np.column_stack([t.column(c).to_numpy().astype(np.float64)
                                 for c in ("left", "right", "height", "size")])
            n = Z.shape[0] + 1
            valid = bool(sch.is_valid_linkage(Z))
            why = ""
            if not valid:
                try:
                    sch.is_valid_linkage(Z, throw=True)
                except ValueError as e:
                    why = f"{e}; "
            check_true(f"{zlabel}: scipy is_valid_linkage", valid,
                       f"{why}{n} leaves, last row's size {Z[-1, 3]:g}, sizes {short(Z[:, 3].astype(int).tolist())}")
            # The same tree with scipy's counts (leaves under each merge), so that the
            # tree itself is still checked when the size column is not scipy's.
            counts = [1] * n
            for a, b in Z[:, :2].astype(int):
                counts.append(counts[a] + counts[b])
            Zs = Z.copy()
            Zs[:, 3] = counts[n:]
            tag = "" if valid else " (sizes recounted as leaves)"
            if not valid:
                check_true(f"{zlabel}: scipy is_valid_linkage{tag}", sch.is_valid_linkage(Zs))
            check_true(f"{zlabel}: scipy is_monotonic{tag}", sch.is_monotonic(Zs if not valid else Z))
            nodes = pq.read_table(out_p)
            leaf = nodes.column("leaf").to_pylist()
            for k in HIER_CUTS:
                f = sch.fcluster(Z if valid else Zs, k, "maxclust")
                per_node = [int(f[l]) for l in leaf]
                check_true(f"{zlabel}: scipy fcluster(Z, {k}, 'maxclust'){tag} is the cut_{k} partition",
                           same_partition(per_node, nodes.column(f"cut_{k}").to_pylist()),
                           f"fcluster gives {len(set(per_node))} clusters")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: check_outputs.py <tmpdir>", file=sys.stderr)
        sys.exit(2)
    try:
        main(sys.argv[1])
    except Exception as e:  # noqa: BLE001
        report(False, "check_outputs.py (raised outside a group)", f"{type(e).__name__}: {e}")
    print(f"{PASSED} passed, {FAILED} failed")
    sys.exit(1 if FAILED else 0)
