//! Times the second hop of FastRP both ways: `Y = D^-1 A N_1` with `N_1 = D^-1 A N_0`
//! (`N_0` a very sparse projection of sparsity `sqrt(n)`) stored dense and as
//! masked rows, alternating, warm, and prints min and median of each.
//!
//! `cargo run --release --example masked_spmm_timing -- GRAPH.parquet [--dim D] [--reps N]`
use rayon::prelude::*;
use spargraph::engine::kernels::{
    spmm_into, spmm_masked_range, MaskedRows, Normalization, Operator,
};
use spargraph::engine::memory::zeroed_f32;
use spargraph::engine::partition::{balanced_ranges, default_parts, split_rows_mut};
use std::hint::black_box;
use std::time::Instant;

#[path = "support/args.rs"]
mod args;
use args::{flag, graph_and_args};

fn main() {
    let (g, args) = graph_and_args("masked_spmm_timing GRAPH.parquet [--dim D] [--reps N]");
    let (d, reps) = (flag(&args, "--dim", 128), flag(&args, "--reps", 30));
    let a = g.out();
    let n = g.n_nodes();
    let s = (n as f64).sqrt();
    let mut n0 = zeroed_f32(n * d);
    for (v, row) in n0.chunks_exact_mut(d).enumerate() {
        spargraph::algorithms::fastrp::projection::sparse_random_row(42, v as u64, s, row);
    }
    let op = Operator::new(a, Normalization::Row, false);
    let mut n1 = zeroed_f32(n * d);
    spmm_into(a, &op, &n0, d, &mut n1);
    let masked = MaskedRows::from_dense(&n1, d);
    println!(
        "N_1: {:.1} % non-zero, masked {:.1} MB, dense {:.1} MB",
        100.0 * masked.nnz() as f64 / (n * d) as f64,
        masked.memory_bytes() as f64 / 1e6,
        (n * d * 4) as f64 / 1e6
    );
    let ranges = balanced_ranges(a.offsets(), default_parts(n), 2);
    let mut y = zeroed_f32(n * d);
    let mut times = [Vec::new(), Vec::new()];
    for rep in 0..=reps {
        let t = Instant::now();
        spmm_into(a, &op, &n1, d, &mut y);
        black_box(&y);
        let dense = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let parts = split_rows_mut(&mut y, &ranges, d);
        ranges
            .par_iter()
            .zip(parts)
            .for_each(|(r, ys)| spmm_masked_range(a, &op, r.clone(), &masked, ys));
        black_box(&y);
        let m = t.elapsed().as_secs_f64();
        if rep > 0 {
            times[0].push(dense);
            times[1].push(m);
        }
    }
    for (name, t) in ["dense", "masked"].iter().zip(&mut times) {
        t.sort_by(f64::total_cmp);
        println!("{name}: min {:.4} s, median {:.4} s", t[0], t[t.len() / 2]);
    }
}
