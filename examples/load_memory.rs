//! Peak heap memory of loading a Parquet edge list into CSR, measured by a counting
//! allocator (live bytes, not RSS: code pages and allocator caches excluded), set
//! against the bound "2x the CSR's own size plus the decoded columns".
//!
//! Run: `cargo run --release --example load_memory -- FILE.parquet [--directed]`

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

#[global_allocator]
static ALLOC: counting_alloc::Counting = counting_alloc::Counting;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: load_memory FILE.parquet [--directed]");
    let directed = std::env::args().any(|a| a == "--directed");
    let options = spargraph::load::LoadOptions {
        directed,
        id_mode: spargraph::engine::idmap::IdMode::Identity,
        ..Default::default()
    };
    let before = counting_alloc::reset_peak();
    let rows = spargraph::load::read_edge_rows(std::path::Path::new(&path), &options).unwrap();
    let peak_read = counting_alloc::peak() - before;
    let g = spargraph::load::build_from_rows(rows, &options, &path).unwrap();
    let peak = counting_alloc::peak() - before;
    eprintln!("peak after read {:.1} MiB", peak_read as f64 / 1048576.0);
    let csr = g.graph.memory_bytes();
    let decoded = g.input_edges * 16
        + if g.graph.is_weighted() {
            g.input_edges * 4
        } else {
            0
        };
    let file = std::fs::metadata(&path).unwrap().len() as usize;
    let mb = |x: usize| x as f64 / 1048576.0;
    println!(
        "{path}: rows {} | CSR {:.1} MiB | decoded columns {:.1} MiB | file {:.1} MiB | peak heap {:.1} MiB | bound 2*CSR+decoded {:.1} MiB | ratio {:.2}",
        g.input_edges,
        mb(csr),
        mb(decoded),
        mb(file),
        mb(peak),
        mb(2 * csr + decoded),
        peak as f64 / (2 * csr + decoded) as f64
    );
}
