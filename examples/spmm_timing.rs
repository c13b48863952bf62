//! Times the engine's SpMM (`Y = D^-1 A X`, f32) on a graph at one width, warm, into
//! a preallocated output, and prints the minimum and median of the runs: for A/B
//! comparisons of kernel changes between two builds on a noisy machine. With
//! `--mixed` it times `Y = A X` with `X` in `f32` and `Y` in `f64`
//! ([`spmm_range_f32_to_f64`], the product of the PPR solver), over 2048-row parts
//! in parallel as the solver runs it.
//!
//! `cargo run --release --example spmm_timing -- GRAPH.parquet [--dim D] [--reps N] [--mixed]`
use rayon::prelude::*;
use spargraph::engine::kernels::{spmm_into, spmm_range_f32_to_f64, Normalization, Operator};
use spargraph::engine::memory::zeroed_f32;
use std::hint::black_box;
use std::time::Instant;

#[path = "support/args.rs"]
mod args;
use args::{flag, graph_and_args};

fn main() {
    let (g, args) = graph_and_args("spmm_timing GRAPH.parquet [--dim D] [--reps N] [--mixed]");
    let (d, reps) = (flag(&args, "--dim", 128), flag(&args, "--reps", 30));
    let mixed = args.iter().any(|a| a == "--mixed");
    let n = g.n_nodes();
    // Huge pages, as the binary's allocator (mimalloc) gives such large buffers.
    let mut x = zeroed_f32(n * d);
    for (i, v) in x.iter_mut().enumerate() {
        *v = ((i * 7919) % 1013) as f32 / 1013.0;
    }
    let mut y = zeroed_f32(n * d);
    let mut y64 = vec![0f64; if mixed { n * d } else { 0 }];
    let rows_per_part = 2048;
    let op = Operator::new(g.out(), Normalization::Row, false);
    let mut times = Vec::with_capacity(reps);
    for rep in 0..=reps {
        let t = Instant::now();
        if mixed {
            y64.par_chunks_mut(rows_per_part * d)
                .enumerate()
                .for_each(|(p, ys)| {
                    let start = p * rows_per_part;
                    let rows = start..start + ys.len() / d;
                    spmm_range_f32_to_f64(g.out(), rows, &x, d, ys);
                });
            black_box(&y64);
        } else {
            spmm_into(g.out(), &op, &x, d, &mut y);
            black_box(&y);
        }
        if rep > 0 {
            times.push(t.elapsed().as_secs_f64());
        }
    }
    times.sort_by(f64::total_cmp);
    let arcs = g.out().targets().len() as f64;
    println!(
        "{} d={d}: min {:.4} s, median {:.4} s ({:.2} ns per entry)",
        if mixed { "spmm f32->f64" } else { "spmm" },
        times[0],
        times[times.len() / 2],
        times[0] * 1e9 / arcs
    );
}
