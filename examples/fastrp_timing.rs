//! Times FastRP at dim 128 (the library defaults) with and without the final row
//! normalisation (`normalize_output`), alternating, warm, in one process, and prints
//! the minimum and median wall time of each: for A/B comparisons on a noisy machine.
//!
//! `cargo run --release --example fastrp_timing -- GRAPH.parquet [--reps N]`
use spargraph::algorithms::fastrp::{fastrp, FastRpConfig};
use spargraph::load::{load_graph, LoadOptions};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .expect("usage: fastrp_timing GRAPH.parquet [--reps N]");
    let reps: usize = args
        .iter()
        .position(|a| a == "--reps")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(9);
    let g = load_graph(std::path::Path::new(path), &LoadOptions::default())
        .expect("load")
        .graph;
    let variants = [false, true];
    let mut times = vec![Vec::new(); variants.len()];
    for rep in 0..=reps {
        for (i, &normalize_output) in variants.iter().enumerate() {
            let config = FastRpConfig {
                normalize_output,
                ..FastRpConfig::default()
            };
            let t = Instant::now();
            black_box(fastrp(&g, &config).expect("fastrp"));
            if rep > 0 {
                times[i].push(t.elapsed().as_secs_f64());
            }
        }
    }
    for (v, t) in variants.iter().zip(&mut times) {
        t.sort_by(f64::total_cmp);
        println!(
            "normalize_output {v}: min {:.4} s, median {:.4} s",
            t[0],
            t[t.len() / 2]
        );
    }
}
