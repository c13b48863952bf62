//! Times the engine's SpMM (`Y = D^-1 A X`, f32) on a graph at one width, warm, into
//! a preallocated output, and prints the minimum and median of the runs: for A/B
//! comparisons of kernel changes between two builds on a noisy machine.
//!
//! `cargo run --release --example spmm_timing -- GRAPH.parquet [--dim D] [--reps N]`
use spargraph::engine::kernels::{spmm_into, Normalization, Operator};
use spargraph::engine::memory::zeroed_f32;
use std::hint::black_box;
use std::time::Instant;

#[path = "support/args.rs"]
mod args;
use args::{flag, graph_and_args};

fn main() {
    let (g, args) = graph_and_args("spmm_timing GRAPH.parquet [--dim D] [--reps N]");
    let (d, reps) = (flag(&args, "--dim", 128), flag(&args, "--reps", 30));
    let n = g.n_nodes();
    // Huge pages, as the binary's allocator (mimalloc) gives such large buffers.
    let mut x = zeroed_f32(n * d);
    for (i, v) in x.iter_mut().enumerate() {
        *v = ((i * 7919) % 1013) as f32 / 1013.0;
    }
    let mut y = zeroed_f32(n * d);
    let op = Operator::new(g.out(), Normalization::Row, false);
    let mut times = Vec::with_capacity(reps);
    for rep in 0..=reps {
        let t = Instant::now();
        spmm_into(g.out(), &op, &x, d, &mut y);
        black_box(&y);
        if rep > 0 {
            times.push(t.elapsed().as_secs_f64());
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "spmm d={d}: min {:.4} s, median {:.4} s",
        times[0],
        times[times.len() / 2]
    );
}
