//! `spargraph bench`: times loading and the shared kernels on the user's graph, with
//! the protocol of the anchor harness (one warm-up, then the median of `--reps`
//! runs), so that figures can be set side by side with other libraries.

use super::args::{CommonArgs, InputArgs};
use super::report::Reporter;
use clap::Args;
use serde_json::json;
use spargraph::engine::kernels::{spmm_into, spmv_into, Normalization, Operator};
use spargraph::load::load_graph;
use spargraph::Error;
use std::hint::black_box;
use std::time::Instant;

/// Arguments of `spargraph bench` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Measured runs per task (after one warm-up).
    #[arg(long, default_value_t = 3)]
    reps: usize,
    /// SpMM widths.
    #[arg(long, value_delimiter = ',', default_value = "64,256")]
    dims: Vec<usize>,
    /// Also time global PageRank (tolerance 1e-9) and exact PPR from 1 and 64 sources.
    #[arg(long)]
    pagerank: bool,
    /// Also time FastRP at dim 128: `fastrp_d128` in the anchors' configuration
    /// (weights 0,0,1,6, beta -0.9, s = sqrt(n), per-power normalisation,
    /// standardisation), `fastrp_d128_defaults` with the library defaults (beta
    /// -0.1, plus the final row normalisation and a second standardisation).
    #[arg(long)]
    fastrp: bool,
    /// Also time Leiden (modularity, resolution 1, default settings; reports the
    /// modularity it reaches) and the two hierarchies (bottom-up and Paris).
    #[arg(long)]
    communities: bool,
    #[command(flatten)]
    common: CommonArgs,
}

fn median_time(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    t[t.len() / 2]
}

pub fn run(a: BenchArgs) -> Result<(), Error> {
    a.common.init()?;
    if a.reps == 0 || a.reps > 10_000 {
        return Err(Error::option(
            "reps",
            format!("{} (must be in 1..=10000)", a.reps),
        ));
    }
    if let Some(d) = a.dims.iter().find(|&&d| d == 0 || d > 65_536) {
        return Err(Error::option("dims", format!("{d} (must be in 1..=65536)")));
    }
    let mut rep = Reporter::new("bench", a.common.quiet, a.common.json);
    let opts = a.input.load_options();
    let g = load_graph(&a.input.input, &opts)?;
    let mut err = None;
    let load_s = rep.phase("load", || {
        median_time(a.reps, || {
            if let Err(e) = load_graph(&a.input.input, &opts).map(|g| black_box(g.graph.n_nodes()))
            {
                err = Some(e);
            }
        })
    });
    if let Some(e) = err {
        return Err(e);
    }
    let csr = g.graph.out();
    let n = csr.n_rows();
    let mut results = vec![json!({"task": "load", "median_s": load_s, "nnz": csr.nnz()})];
    let op64: Operator<f64> = Operator::new(csr, Normalization::Row, false);
    let x64: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
    let mut y64 = vec![0f64; n];
    let spmv_s = rep.phase("spmv", || {
        median_time(a.reps, || spmv_into(csr, &op64, black_box(&x64), &mut y64))
    });
    results.push(json!({"task": "spmv_f64", "median_s": spmv_s}));
    let op: Operator<f32> = Operator::new(csr, Normalization::Symmetric, true);
    let nnz_hat = csr.nnz() + n;
    for &d in &a.dims {
        let x: Vec<f32> = (0..n * d)
            .map(|k| ((k * 2654435761usize) % 1000) as f32 / 500.0 - 1.0)
            .collect();
        let s = rep.phase(&format!("spmm_d{d}"), || {
            median_time(a.reps, || {
                let mut y = vec![0f32; n * d];
                spmm_into(csr, &op, black_box(&x), d, &mut y);
                black_box(&y);
            })
        });
        let flops = 2.0 * nnz_hat as f64 * d as f64;
        results
            .push(json!({"task": format!("spmm_d{d}"), "median_s": s, "gflops": flops / s / 1e9}));
    }
    if a.pagerank {
        use spargraph::algorithms::pagerank::{exact, PageRankConfig, Seeds};
        let cfg = PageRankConfig::default();
        let mut iters = 0;
        let s = rep.phase("pagerank", || {
            median_time(a.reps, || {
                iters = exact::pagerank(&g.graph, &cfg)
                    .map(|r| r.iterations)
                    .unwrap_or(0)
            })
        });
        results.push(json!({"task": "pagerank", "median_s": s, "iterations": iters}));
        // Sources: 64 non-isolated nodes spread evenly over the ids (deterministic).
        let candidates: Vec<u32> = (0..n as u32)
            .filter(|&v| g.graph.out_degree(v as usize) > 0)
            .collect();
        let pick: Vec<Seeds> = (0..64.min(candidates.len()))
            .map(|k| Seeds::single(candidates[k * candidates.len() / 64.min(candidates.len())]))
            .collect();
        let ppr_cfg = PageRankConfig::ppr_default();
        for (name, count) in [("ppr1", 1usize), ("ppr64", 64)] {
            let seeds = &pick[..count.min(pick.len())];
            let s = rep.phase(name, || {
                median_time(a.reps, || {
                    let _ = black_box(exact::ppr_top_k(&g.graph, seeds, &ppr_cfg, 100, 64, |_| {}));
                })
            });
            results.push(json!({"task": name, "median_s": s, "sources": seeds.len()}));
        }
    }
    if a.fastrp {
        use spargraph::algorithms::fastrp::{fastrp, FastRpConfig};
        // The anchors' configuration, then the library defaults (which differ in
        // beta, which costs nothing, and add a final row normalisation and a second
        // standardisation, one more pass).
        let anchors = FastRpConfig {
            dim: 128,
            normalization_strength: -0.9,
            normalize_output: false,
            ..FastRpConfig::default()
        };
        let defaults = FastRpConfig {
            dim: 128,
            ..FastRpConfig::default()
        };
        for (task, cfg) in [("fastrp_d128", anchors), ("fastrp_d128_defaults", defaults)] {
            let s = rep.phase(task, || {
                median_time(a.reps, || {
                    let _ = black_box(fastrp(&g.graph, &cfg));
                })
            });
            results.push(json!({"task": task, "median_s": s}));
        }
    }
    if a.communities {
        use spargraph::algorithms::community::{communities, CommunityConfig, CommunityInput};
        let cfg = CommunityConfig::default();
        let mut quality = 0.0;
        let s = rep.phase("leiden", || {
            median_time(a.reps, || {
                if let Ok(c) = communities(&g.graph, &cfg, CommunityInput::default()) {
                    quality = c.quality;
                }
            })
        });
        results.push(json!({"task": "leiden", "median_s": s, "modularity": quality}));
        use spargraph::algorithms::hierarchy::{hierarchy, HierarchyConfig, HierarchyMethod};
        for (task, method) in [
            ("hierarchy_bottom_up", HierarchyMethod::BottomUp),
            ("hierarchy_paris", HierarchyMethod::Paris),
        ] {
            let cfg = HierarchyConfig {
                method,
                ..HierarchyConfig::default()
            };
            let s = rep.phase(task, || {
                median_time(a.reps, || {
                    let _ = black_box(hierarchy(&g.graph, &cfg));
                })
            });
            results.push(json!({"task": task, "median_s": s}));
        }
    }
    rep.set("input", json!(a.input.input.display().to_string()));
    rep.set("nodes", json!(n));
    rep.set("nnz", json!(csr.nnz()));
    rep.set("reps", json!(a.reps));
    rep.set("results", json!(results));
    if rep.json() {
        rep.finish();
    } else {
        println!(
            "graph: {} ({} nodes, {} stored entries)",
            a.input.input.display(),
            n,
            csr.nnz()
        );
        for r in &results {
            println!(
                "{:<12} {:>10.5} s",
                r["task"].as_str().unwrap(),
                r["median_s"].as_f64().unwrap()
            );
        }
    }
    Ok(())
}
