#!/usr/bin/env bash
# Interoperability test: produce every kind of file spargraph writes, then read them
# back with pyarrow and DuckDB (tests/interop/check_outputs.py).
#
# Usage: tests/interop/run.sh <path-to-spargraph-binary> <python>
#   <python> must be able to import pyarrow and duckdb (scipy is optional).
#   Set KEEP_TMP=1 to keep the temporary folder for inspection.
#
# The folder layout written here is what check_outputs.py expects; keep them in step.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 <path-to-spargraph-binary> <python>" >&2
    exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="$1"
py="$2"
if [[ "$bin" != /* ]]; then bin="$(pwd)/$bin"; fi
[[ -x "$bin" ]] || { echo "error: $bin is not an executable" >&2; exit 2; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/spargraph-interop.XXXXXX")"
if [[ "${KEEP_TMP:-0}" == 1 ]]; then
    echo "keeping $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
fi

failed_cmds=0
# run <json-file or -> <spargraph args...>: runs spargraph quietly; a failing command
# is reported and counted, and the remaining commands still run.
run() {
    local json="$1"
    shift
    local out=/dev/null
    [[ "$json" != - ]] && out="$json"
    if "$bin" "$@" >"$out"; then
        echo "ran spargraph $*"
    else
        echo "FAIL command: spargraph $* (exit $?)"
        failed_cmds=$((failed_cmds + 1))
    fi
}

mkdir -p "$tmp"/{in,out,gen,gen_text,json}
cp "$repo"/datasets/*.parquet "$tmp/in/"

# A string-id weighted edge list, with a reversed duplicate (bob,alice) and a self-loop.
cat >"$tmp/in/strings.csv" <<'CSV'
src,dst,weight
alice,bob,1.5
bob,carol,2
carol,alice,0.25
dave,alice,3
bob,alice,1
erin,erin,4
CSV

in="$tmp/in"
out="$tmp/out"
j="$tmp/json"

# 1. Parquet edge lists from the shipped (undirected, 1-based) datasets.
for g in karate football polbooks; do
    run "$j/$g.parquet.json" convert -q --json -i "$in/$g.parquet" -o "$out/$g.parquet"
    run "$j/$g.graphar.json" convert -q --json -i "$in/$g.parquet" -o "$out/${g}_graphar" --to graphar
done
# email-Eu-core is directed.
run "$j/email.parquet.json" convert -q --json --directed -i "$in/email-eu-core.parquet" -o "$out/email.parquet"
run - convert -q --directed -i "$in/email-eu-core.parquet" -o "$out/email_graphar" --to graphar
run - convert -q --directed -i "$in/email-eu-core.parquet" -o "$out/email.mtx"

# 2. Text and Matrix Market outputs of karate.
for ext in tsv csv txt.gz mtx mtx.gz; do
    run - convert -q -i "$in/karate.parquet" -o "$out/karate.$ext"
done

# String ids: CSV -> Parquet -> CSV -> Parquet, plus TSV and GraphAr.
run "$j/strings.parquet.json" convert -q --json -i "$in/strings.csv" --weight-col weight -o "$out/strings.parquet"
run - convert -q -i "$out/strings.parquet" --weight-col weight -o "$out/strings_back.csv"
run - convert -q -i "$out/strings_back.csv" --weight-col weight -o "$out/strings_rt.parquet"
run - convert -q -i "$out/strings.parquet" -o "$out/strings.tsv"
run - convert -q -i "$out/strings.parquet" --weight-col weight -o "$out/strings_graphar" --to graphar

# 3. Generated graphs (small; parameters mirrored in check_outputs.py).
gen="$tmp/gen"
run "$j/rmat.json" generate rmat -q --json --scale 8 --edge-factor 4 --seed 7 -o "$gen/rmat.parquet"
run "$j/sbm.json" generate sbm -q --json --blocks 4 --block-size 50 --degree-in 10 --degree-out 3 --seed 7 -o "$gen/sbm.parquet"
run "$j/hsbm.json" generate hsbm -q --json --depth 2 --leaf-block-size 30 --degrees 8,3,1 --seed 7 -o "$gen/hsbm.parquet"
run "$j/bipartite.json" generate bipartite -q --json --users 200 --items 80 --draws 2000 --groups 4 --seed 7 -o "$gen/bipartite.parquet"
# The same SBM as a text edge list, and the weighted bipartite graph through convert.
run - generate sbm -q --blocks 4 --block-size 50 --degree-in 10 --degree-out 3 --seed 7 -o "$tmp/gen_text/sbm.csv"
run - convert -q -i "$gen/bipartite.parquet" --weight-col weight -o "$out/bipartite_conv.parquet"

# 4. Demo: embedded email-Eu-core, and karate as a directed input.
run "$j/demo.json" demo -q --json -o "$tmp/demo"
run "$j/demo_karate.json" demo -q --json -i "$in/karate.parquet" -o "$tmp/demo_karate"

# 5. PageRank and Personalized PageRank (parameters mirrored in check_outputs.py).
k="$in/karate.parquet"
run "$j/pr_karate.json" pagerank -q --json -i "$k" -o "$out/pr_karate.parquet"
run "$j/pr_email.json" pagerank -q --json --directed -i "$in/email-eu-core.parquet" -o "$out/pr_email.parquet"
for m in exact push; do
    run "$j/ppr_$m.json" ppr -q --json -i "$k" --sources 1,34 --top-k 10 --method "$m" -o "$out/ppr_$m.parquet"
done
run "$j/ppr_index.json" ppr-index -q --json -i "$k" --walks 1000 -o "$out/karate.pwi"
run "$j/ppr_powerwalk.json" ppr -q --json -i "$k" --sources 1,34 --top-k 10 --method powerwalk \
    --index "$out/karate.pwi" -o "$out/ppr_powerwalk.parquet"

# 6. FastRP embeddings (dim mirrored in check_outputs.py).
run "$j/fastrp_karate.json" fastrp -q --json -i "$k" --dim 16 -o "$out/fastrp_karate.parquet"
run - ppr -q -i "$k" --sources 1,34 --top-k 0 --method exact -o "$out/ppr_all.parquet"
# String ids (weighted, duplicates summed).
run - pagerank -q -i "$in/strings.csv" --weight-col weight -o "$out/strings_pr.parquet"
run - ppr -q -i "$in/strings.csv" --weight-col weight --sources alice -o "$out/strings_ppr.parquet"
# A sources file written by pyarrow: two queries (10 and 20) of two weighted seeds each.
if "$py" - "$in/queries.parquet" <<'PY'
import sys
import pyarrow as pa
import pyarrow.parquet as pq
pq.write_table(pa.table({
    "source": pa.array([1, 2, 33, 34], pa.int64()),
    "bias": pa.array([1.0, 2.0, 1.0, 0.5], pa.float64()),
    "query": pa.array([10, 10, 20, 20], pa.int64()),
}), sys.argv[1])
PY
then
    echo "wrote in/queries.parquet with pyarrow"
else
    echo "FAIL writing in/queries.parquet with pyarrow"
    failed_cmds=$((failed_cmds + 1))
fi
run "$j/ppr_queries.json" ppr -q --json -i "$k" --sources-file "$in/queries.parquet" --top-k 0 \
    -o "$out/ppr_queries.parquet"

# 7. Communities and hierarchies of football (cuts mirrored in check_outputs.py).
f="$in/football.parquet"
run "$j/communities_football.json" communities -q --json -i "$f" --truth "$in/football.labels.parquet" \
    -o "$out/communities_football.parquet"
run "$j/hierarchy_football.json" hierarchy -q --json -i "$f" --cuts 2,12 \
    -o "$out/hierarchy_football.parquet" --dendrogram "$out/dendrogram_football.parquet"
run "$j/paris_football.json" hierarchy -q --json -i "$f" --method paris --cuts 2,12 \
    -o "$out/paris_football.parquet" --dendrogram "$out/paris_dendrogram_football.parquet"

echo "--- checks"
status=0
"$py" "$here/check_outputs.py" "$tmp" || status=$?
if [[ $failed_cmds -gt 0 ]]; then
    echo "$failed_cmds spargraph command(s) failed"
    status=1
fi
exit "$status"
