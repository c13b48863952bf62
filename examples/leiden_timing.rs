//! Times Leiden with its default settings, warm, several times, and prints the
//! minimum and median wall time with the modularity reached: for A/B comparisons
//! of the community engine on a noisy machine.
//!
//! `cargo run --release --example leiden_timing -- GRAPH.parquet [--weight-col weight] [--reps N] [--iterations N] [--tolerance X]`
use spargraph::algorithms::community::{communities, CommunityConfig, CommunityInput};
use spargraph::load::{load_graph, LoadOptions};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .expect("usage: leiden_timing GRAPH.parquet [--weight-col NAME] [--reps N]");
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let mut opts = LoadOptions::default();
    if let Some(w) = flag("--weight-col") {
        opts.columns.weight = Some(w);
        opts.id_mode = spargraph::engine::idmap::IdMode::Identity;
        opts.duplicates = spargraph::engine::builder::DuplicatePolicy::Sum;
    }
    let reps: usize = flag("--reps").and_then(|r| r.parse().ok()).unwrap_or(9);
    let g = load_graph(std::path::Path::new(path), &opts)
        .expect("load")
        .graph;
    let mut config = CommunityConfig::default();
    if let Some(it) = flag("--iterations") {
        config.iterations = it.parse().expect("--iterations N");
    }
    if let Some(t) = flag("--tolerance") {
        config.tolerance = t.parse().expect("--tolerance X");
    }
    let mut times = Vec::with_capacity(reps);
    let mut quality = 0.0;
    for _ in 0..=reps {
        let t = Instant::now();
        let c = communities(&g, &config, CommunityInput::default()).expect("leiden");
        times.push(t.elapsed().as_secs_f64());
        quality = c.quality;
    }
    times.remove(0); // warm-up
    times.sort_by(f64::total_cmp);
    println!(
        "{path}: leiden min {:.4} s, median {:.4} s, modularity {quality:.4}",
        times[0],
        times[times.len() / 2]
    );
}
