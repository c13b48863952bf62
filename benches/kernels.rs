//! Criterion benchmarks of the engine's building blocks on an R-MAT scale-16 graph
//! (Graph500 parameters, ~0.9M undirected edges, generated in-process):
//! CSR build, SpMV (f64, row-normalised) and SpMM (f32, symmetric-normalised with
//! self-loops, d = 64, the GCN propagation), plus Parquet loading of the same graph.
//!
//! Run: `cargo bench --bench kernels` (set `SPARGRAPH_BENCH_SCALE` to change the scale).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use spargraph::engine::builder::{build_csr, DuplicatePolicy, SelfLoopPolicy};
use spargraph::engine::kernels::{spmm_into, spmv_into, Normalization, Operator};
use spargraph::engine::IdColumn;
use spargraph::io::parquet_edges::{write_edges, EdgeColumns};
use spargraph::io::EdgeTable;
use spargraph::load::{load_graph, LoadOptions};
use std::hint::black_box;

mod support;
use support::{rmat_edges, scale};

fn graph() -> (usize, Vec<u32>, Vec<u32>) {
    let g = rmat_edges();
    (g.n_nodes as usize, g.src, g.dst)
}

fn bench_build(c: &mut Criterion) {
    let (n, src, dst) = graph();
    let mut group = c.benchmark_group("build");
    group.sample_size(20);
    group.throughput(Throughput::Elements(src.len() as u64));
    group.bench_function(
        BenchmarkId::new("symmetric_csr", format!("rmat{}", scale())),
        |b| {
            b.iter(|| {
                build_csr(
                    n,
                    black_box(&src),
                    black_box(&dst),
                    None,
                    true,
                    DuplicatePolicy::First,
                    SelfLoopPolicy::Keep,
                )
                .unwrap()
            })
        },
    );
    group.finish();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rmat.parquet");
    let edges = EdgeTable {
        src: IdColumn::Int(src.iter().map(|&x| x as i64).collect()),
        dst: IdColumn::Int(dst.iter().map(|&x| x as i64).collect()),
        weight: None,
    };
    write_edges(&path, &edges, &EdgeColumns::default()).unwrap();
    let mut group = c.benchmark_group("load");
    group.sample_size(20);
    group.throughput(Throughput::Elements(src.len() as u64));
    group.bench_function(
        BenchmarkId::new("parquet_to_symmetric_csr", format!("rmat{}", scale())),
        |b| b.iter(|| load_graph(black_box(&path), &LoadOptions::default()).unwrap()),
    );
    group.finish();
}

fn bench_kernels(c: &mut Criterion) {
    let (n, src, dst) = graph();
    let a = build_csr(
        n,
        &src,
        &dst,
        None,
        true,
        DuplicatePolicy::First,
        SelfLoopPolicy::Keep,
    )
    .unwrap();
    let mut group = c.benchmark_group("spmv");
    group.throughput(Throughput::Elements(a.nnz() as u64));
    let op64: Operator<f64> = Operator::new(&a, Normalization::Row, false);
    let x: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
    let mut y = vec![0f64; n];
    group.bench_function(
        BenchmarkId::new("row_f64", format!("rmat{}", scale())),
        |b| b.iter(|| spmv_into(&a, &op64, black_box(&x), &mut y)),
    );
    group.finish();

    let mut group = c.benchmark_group("spmm");
    for d in [16usize, 64, 128] {
        group.throughput(Throughput::Elements((a.nnz() * d) as u64));
        let op: Operator<f32> = Operator::new(&a, Normalization::Symmetric, true);
        let x: Vec<f32> = (0..n * d).map(|k| (k % 13) as f32 * 0.1).collect();
        let mut y = vec![0f32; n * d];
        group.bench_function(
            BenchmarkId::new(format!("sym_selfloops_d{d}"), format!("rmat{}", scale())),
            |b| b.iter(|| spmm_into(&a, &op, black_box(&x), d, &mut y)),
        );
    }
    group.finish();
}

criterion_group!(benches, bench_build, bench_kernels);
criterion_main!(benches);
