//! PowerWalk accuracy against exact PPR, and its speed against exact single-source
//! power iteration: the accuracy-versus-time curve over walks R and steps T.
//!
//! `cargo run --release --example ppr_accuracy -- GRAPH.parquet [--directed] [--sources 100] [--walks 10,100,1000] [--steps 0,1,2,3] [--thresholds 1e-7] [--seed 2024]`
//!
//! Ground truth: power iteration to an L1 change of 1e-12 (f64), dangling mass back to
//! the source. Metrics per (R, T), averaged over the sources: L1 error, precision@100
//! (share of the exact top 100 found in the answer's top 100), query seconds per
//! source; index build seconds and size per R.

use spargraph::algorithms::pagerank::powerwalk::{
    build_index, query_batch, PowerWalkIndexConfig, PowerWalkQueryConfig,
};
use spargraph::algorithms::pagerank::{exact, Dangling, PageRankConfig, Seeds, Solver};
use spargraph::engine::rng::Xoshiro256PlusPlus;
use spargraph::load::{load_graph, LoadOptions};
use std::collections::HashSet;
use std::time::Instant;

fn arg(name: &str) -> Option<String> {
    let a: Vec<String> = std::env::args().collect();
    a.iter()
        .position(|x| x == name)
        .and_then(|i| a.get(i + 1).cloned())
}

fn list<T: std::str::FromStr>(s: &str) -> Vec<T> {
    s.split(',').filter_map(|x| x.parse().ok()).collect()
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: ppr_accuracy GRAPH.parquet [--directed] ...");
    let directed = std::env::args().any(|a| a == "--directed");
    let n_sources: usize = arg("--sources").and_then(|s| s.parse().ok()).unwrap_or(100);
    let walks: Vec<u32> = list(&arg("--walks").unwrap_or("10,100,1000".into()));
    let steps: Vec<u32> = list(&arg("--steps").unwrap_or("0,1,2,3".into()));
    let thresholds: Vec<f64> = list(&arg("--thresholds").unwrap_or("1e-7".into()));
    let g = load_graph(
        std::path::Path::new(&path),
        &LoadOptions {
            directed,
            ..Default::default()
        },
    )
    .unwrap()
    .graph;
    let n = g.n_nodes();
    // Sources: uniformly random non-isolated nodes, seeded by `--seed`.
    let source_seed: u64 = arg("--seed").and_then(|s| s.parse().ok()).unwrap_or(2024);
    let mut rng = Xoshiro256PlusPlus::new(source_seed);
    let mut sources: Vec<u32> = Vec::new();
    while sources.len() < n_sources {
        let v = rng.gen_range(n as u64) as u32;
        if g.out_degree(v as usize) > 0 && !sources.contains(&v) {
            sources.push(v);
        }
    }
    let seeds: Vec<Seeds> = sources.iter().map(|&v| Seeds::single(v)).collect();
    let cfg = PageRankConfig {
        tolerance: 1e-12,
        ..PageRankConfig::ppr_default()
    };
    let t = Instant::now();
    let truth = exact::ppr_top_k(&g, &seeds, &cfg, 0, 64, |_| {}).unwrap();
    let truth_s = t.elapsed().as_secs_f64();
    // Exact single-source power iteration at the default tolerance (1e-9), per source.
    // (The baseline is power iteration; conjugate gradients, the default on
    // undirected graphs, is timed too.)
    let k_single = 10.min(n_sources);
    let per_source = |solver: Solver| {
        let c = PageRankConfig {
            solver,
            ..PageRankConfig::ppr_default()
        };
        let t = Instant::now();
        for s in &seeds[..k_single] {
            let _ = exact::personalized(&g, s, &c).unwrap();
        }
        t.elapsed().as_secs_f64() / k_single as f64
    };
    let single_s = per_source(Solver::Power);
    let single_cg_s = per_source(Solver::Auto);
    // Exact PPR of all the sources in 64-source blocks at the default tolerance
    // and solver (top 100 kept), per source: the batch throughput PowerWalk's
    // batches compete with.
    let t = Instant::now();
    let _ = exact::ppr_top_k(&g, &seeds, &PageRankConfig::ppr_default(), 100, 64, |_| {});
    let block_s = t.elapsed().as_secs_f64() / seeds.len() as f64;
    let dense = |e: &[(u32, f64)]| {
        let mut v = vec![0f64; n];
        for &(u, s) in e {
            v[u as usize] = s;
        }
        v
    };
    let truth_dense: Vec<Vec<f64>> = truth.iter().map(|a| dense(&a.entries)).collect();
    let truth_top: Vec<HashSet<u32>> = truth
        .iter()
        .map(|a| a.entries.iter().take(100).map(|e| e.0).collect())
        .collect();
    println!("graph {path}: n {n}, {} sources; ground truth (64-source blocks, 1e-12) {truth_s:.2} s; exact single-source power iteration (1e-9) {single_s:.4} s/source (default solver: {single_cg_s:.4} s/source; in 64-source blocks: {block_s:.4} s/source)", seeds.len());
    // Forward push at its default threshold (certified L1 bound ~1e-4) and a coarse one.
    for r_max in [None, Some(1e-6), Some(1e-5)] {
        let pc = spargraph::algorithms::pagerank::push::PushConfig {
            r_max,
            ..Default::default()
        };
        let t = Instant::now();
        let ans = spargraph::algorithms::pagerank::push::ppr_push(&g, &seeds, &pc, 0).unwrap();
        let per = t.elapsed().as_secs_f64() / seeds.len() as f64;
        let l1: Vec<f64> = ans
            .iter()
            .enumerate()
            .map(|(k, a)| {
                dense(&a.entries)
                    .iter()
                    .zip(&truth_dense[k])
                    .map(|(x, y)| (x - y).abs())
                    .sum::<f64>()
            })
            .collect();
        let prec: f64 = ans
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let top: HashSet<u32> = a.entries.iter().take(100).map(|e| e.0).collect();
                top.intersection(&truth_top[k]).count() as f64 / truth_top[k].len().max(1) as f64
            })
            .sum::<f64>()
            / ans.len() as f64;
        println!(
            "push r_max {:?}: mean L1 {:.2e} (max residual bound {:.2e}), precision@100 {:.3}, {:.5} s/source, {:.0}x faster than exact single-source",
            r_max,
            l1.iter().sum::<f64>() / l1.len() as f64,
            ans.iter().map(|a| a.residual_l1).fold(0.0, f64::max),
            prec,
            per,
            single_s / per
        );
    }
    println!("| R | T | threshold | mean L1 | max L1 | precision@100 | query s/source | speed-up vs exact single | index build s | index MiB |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &r in &walks {
        let icfg = PowerWalkIndexConfig {
            walks: r,
            ..PowerWalkIndexConfig::default()
        };
        let index = build_index(&g, &icfg).unwrap();
        let mib = index.fingerprints.memory_bytes() as f64 / 1048576.0;
        for (&tt, &th) in steps
            .iter()
            .flat_map(|t| thresholds.iter().map(move |h| (t, h)))
        {
            let qc = PowerWalkQueryConfig {
                iterations: tt,
                threshold: th,
                dangling: Dangling::Source,
            };
            let t = Instant::now();
            let ans = query_batch(&g, &index, &seeds, &qc, 0).unwrap();
            let per = t.elapsed().as_secs_f64() / seeds.len() as f64;
            let mut l1s = Vec::new();
            let mut precs = Vec::new();
            for (k, a) in ans.iter().enumerate() {
                let v = dense(a);
                l1s.push(
                    v.iter()
                        .zip(&truth_dense[k])
                        .map(|(x, y)| (x - y).abs())
                        .sum::<f64>(),
                );
                let top: HashSet<u32> = a.iter().take(100).map(|e| e.0).collect();
                let denom = truth_top[k].len().max(1);
                precs.push(top.intersection(&truth_top[k]).count() as f64 / denom as f64);
            }
            let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
            println!(
                "| {r} | {tt} | {th:e} | {:.4} | {:.4} | {:.3} | {:.5} | {:.0}x | {:.2} | {:.1} |",
                mean(&l1s),
                l1s.iter().cloned().fold(0.0, f64::max),
                mean(&precs),
                per,
                single_s / per,
                index.build_seconds,
                mib
            );
        }
    }
}
