//! Times FastRP at dim 128 (the library defaults) with and without the final row
//! normalisation (`normalize_output`), alternating, warm, in one process, and prints
//! the minimum and median wall time of each: for A/B comparisons on a noisy machine.
//!
//! `cargo run --release --example fastrp_timing -- GRAPH.parquet [--reps N]`
use spargraph::algorithms::fastrp::{fastrp, FastRpConfig};
use std::hint::black_box;
use std::time::Instant;

#[path = "support/args.rs"]
mod args;
use args::{flag, graph_and_args};

fn main() {
    let (g, args) = graph_and_args("fastrp_timing GRAPH.parquet [--reps N]");
    let reps = flag(&args, "--reps", 9);
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
