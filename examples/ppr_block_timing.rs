//! Times exact PPR blocks: `cargo run --release --example ppr_block_timing -- GRAPH.parquet [block]`.
use spargraph::algorithms::pagerank::{exact, PageRankConfig, Seeds};
use spargraph::load::{load_graph, LoadOptions};
use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: ppr_block_timing GRAPH.parquet [block]");
    let block: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let g = load_graph(
        std::path::Path::new(&path),
        &LoadOptions {
            id_mode: spargraph::engine::idmap::IdMode::Identity,
            ..Default::default()
        },
    )
    .unwrap()
    .graph;
    let n = g.n_nodes();
    let cand: Vec<u32> = (0..n as u32)
        .filter(|&v| g.out_degree(v as usize) > 0)
        .collect();
    let seeds: Vec<Seeds> = (0..64)
        .map(|k| Seeds::single(cand[k * cand.len() / 64]))
        .collect();
    let cfg = PageRankConfig::ppr_default();
    for _ in 0..2 {
        let t = Instant::now();
        let r = exact::ppr_top_k(&g, &seeds, &cfg, 100, block, |_| {}).unwrap();
        println!(
            "64 sources, block {block}: {:.3} s, iterations {}",
            t.elapsed().as_secs_f64(),
            r[0].iterations
        );
    }
    let t = Instant::now();
    let r = exact::pagerank(&g, &PageRankConfig::default()).unwrap();
    println!(
        "pagerank: {:.4} s, {} iterations",
        t.elapsed().as_secs_f64(),
        r.iterations
    );
}
