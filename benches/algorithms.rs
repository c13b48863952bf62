//! Criterion benchmarks of the algorithm families at their default settings, on
//! graphs generated in-process (nothing to download):
//!
//! - `pagerank`: global PageRank to an L1 change of 1e-9, and exact personalized
//!   PageRank for 1 and 64 sources (top 100 each, one block), on R-MAT scale 16
//!   (Graph500 parameters and edge factor 16, seed 16016).
//! - `fastrp`: FastRP at dimension 128 on the same R-MAT graph.
//! - `community`: Leiden (modularity, three runs), the bottom-up hierarchy and
//!   Paris on a hierarchical SBM (8 blocks of 2,000 nodes, expected neighbours
//!   20/6/4/2 at tree distance 0-3, seed 1608).
//!
//! The two models and their parameters are those of the anchors' `rmat16` and
//! `hsbm16k`; the edges differ (another generator), so the times are close to,
//! not equal to, those on the anchors' files.
//! Run: `cargo bench --bench algorithms` (one group: `cargo bench --bench algorithms
//! -- community`). `SPARGRAPH_BENCH_SCALE` changes the R-MAT scale. For ratios
//! against the Python libraries, run `benches/compare_anchors.py` instead: it times
//! both sides on the same files in one run.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use spargraph::algorithms::community::{communities, CommunityConfig, CommunityInput};
use spargraph::algorithms::fastrp::{fastrp, FastRpConfig};
use spargraph::algorithms::hierarchy::{hierarchy, HierarchyConfig, HierarchyMethod};
use spargraph::algorithms::pagerank::{exact, PageRankConfig, Seeds};
use spargraph::engine::builder::{build_graph, BuildOptions};
use spargraph::engine::generate::{GeneratedGraph, HsbmConfig};
use spargraph::engine::Graph;
use std::hint::black_box;

mod support;
use support::{rmat_edges, scale};

/// The undirected graph of a generated edge list.
fn undirected(g: GeneratedGraph) -> Graph {
    build_graph(
        g.n_nodes as usize,
        &g.src,
        &g.dst,
        g.weights.as_deref(),
        &BuildOptions::undirected(),
    )
    .expect("generated edges are valid")
}

fn rmat() -> Graph {
    undirected(rmat_edges())
}

fn hsbm() -> Graph {
    undirected(
        HsbmConfig {
            seed: 1608,
            ..HsbmConfig::default()
        }
        .generate()
        .expect("HSBM parameters are valid"),
    )
}

/// `count` sources with at least one edge, spread evenly over the ids.
fn sources(g: &Graph, count: usize) -> Vec<Seeds> {
    let candidates: Vec<u32> = (0..g.n_nodes() as u32)
        .filter(|&v| g.out_degree(v as usize) > 0)
        .collect();
    (0..count)
        .map(|k| Seeds::single(candidates[k * candidates.len() / count]))
        .collect()
}

fn bench_pagerank(c: &mut Criterion) {
    let g = rmat();
    let name = format!("rmat{}", scale());
    let mut group = c.benchmark_group("pagerank");
    group.sample_size(20);
    group.throughput(Throughput::Elements(g.out().nnz() as u64));
    let config = PageRankConfig::default();
    group.bench_function(BenchmarkId::new("global_1e-9", &name), |b| {
        b.iter(|| exact::pagerank(black_box(&g), &config).expect("valid"))
    });
    let ppr = PageRankConfig::ppr_default();
    for count in [1usize, 64] {
        let seeds = sources(&g, count);
        group.bench_function(BenchmarkId::new(format!("ppr{count}_top100"), &name), |b| {
            b.iter(|| {
                exact::ppr_top_k(black_box(&g), &seeds, &ppr, 100, 64, |_| {}).expect("valid")
            })
        });
    }
    group.finish();
}

fn bench_fastrp(c: &mut Criterion) {
    let g = rmat();
    let mut group = c.benchmark_group("fastrp");
    group.sample_size(10);
    let config = FastRpConfig {
        dim: 128,
        ..FastRpConfig::default()
    };
    group.bench_function(BenchmarkId::new("d128", format!("rmat{}", scale())), |b| {
        b.iter(|| fastrp(black_box(&g), &config))
    });
    group.finish();
}

fn bench_community(c: &mut Criterion) {
    let g = hsbm();
    let mut group = c.benchmark_group("community");
    group.sample_size(20);
    group.throughput(Throughput::Elements(g.out().nnz() as u64));
    let config = CommunityConfig::default();
    group.bench_function(BenchmarkId::new("leiden", "hsbm16k"), |b| {
        b.iter(|| communities(black_box(&g), &config, CommunityInput::default()).expect("valid"))
    });
    for (label, method) in [
        ("hierarchy_bottom_up", HierarchyMethod::BottomUp),
        ("hierarchy_paris", HierarchyMethod::Paris),
    ] {
        let config = HierarchyConfig {
            method,
            ..HierarchyConfig::default()
        };
        group.bench_function(BenchmarkId::new(label, "hsbm16k"), |b| {
            b.iter(|| hierarchy(black_box(&g), &config).expect("valid"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_pagerank, bench_fastrp, bench_community);
criterion_main!(benches);
