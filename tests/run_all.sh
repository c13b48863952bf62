#!/usr/bin/env bash
# The whole test suite: Rust unit, property, integration and doc tests, the API
# documentation build (no rustdoc warning), then the
# interoperability test that reads every file spargraph writes with pyarrow and
# DuckDB (installed into target/interop-venv on first use).
#
#   bash tests/run_all.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo test --workspace --release --locked

# The API documentation builds without a rustdoc warning (every intra-doc link
# resolves).
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

venv=target/interop-venv
if ! "$venv/bin/python" -c "import pyarrow, duckdb" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pyarrow>=15" "duckdb>=1.0" "scipy>=1.10"
fi
cargo build --release --locked --bin spargraph
bash tests/interop/run.sh target/release/spargraph "$venv/bin/python"
