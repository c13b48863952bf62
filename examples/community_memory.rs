//! Peak heap memory of Leiden and of the hierarchies above the loaded graph,
//! measured by a counting allocator (live bytes: code pages, thread stacks and
//! allocator caches excluded), as a multiple of the CSR's own size; also the median
//! time of `--reps` runs of Leiden (for profiling without the loading).
//!
//! Run: `cargo run --release --example community_memory -- FILE.parquet [--weight-col W] [--reps N] [--only leiden|BottomUp|Paris]`

use std::time::Instant;

use spargraph::algorithms::community::{communities, CommunityConfig, CommunityInput};
use spargraph::algorithms::hierarchy::{hierarchy, HierarchyConfig, HierarchyMethod};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

#[global_allocator]
static ALLOC: counting_alloc::Counting = counting_alloc::Counting;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .expect("usage: community_memory FILE.parquet [--weight-col W] [--reps N]");
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let mut options = spargraph::load::LoadOptions {
        id_mode: spargraph::engine::idmap::IdMode::Identity,
        ..Default::default()
    };
    options.columns.weight = flag("--weight-col");
    let reps: usize = flag("--reps").map_or(1, |r| r.parse().unwrap());
    let g = spargraph::load::load_graph(std::path::Path::new(path), &options).unwrap();
    let csr = g.graph.memory_bytes() as f64;
    let mib = |x: f64| x / 1048576.0;
    let only = flag("--only");
    let measure = |name: &str, f: &mut dyn FnMut()| {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            return;
        }
        let before = counting_alloc::reset_peak();
        let mut times = Vec::new();
        for _ in 0..reps {
            let t = Instant::now();
            f();
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let peak = (counting_alloc::peak() - before) as f64;
        println!(
            "{path} {name}: CSR {:.1} MiB | peak heap above the graph {:.1} MiB = {:.2}x CSR | median {:.4} s",
            mib(csr),
            mib(peak),
            peak / csr,
            times[times.len() / 2]
        );
    };
    measure("leiden", &mut || {
        communities(
            &g.graph,
            &CommunityConfig::default(),
            CommunityInput::default(),
        )
        .unwrap();
    });
    for method in [HierarchyMethod::BottomUp, HierarchyMethod::Paris] {
        let cfg = HierarchyConfig {
            method,
            ..HierarchyConfig::default()
        };
        measure(&format!("hierarchy {method:?}"), &mut || {
            hierarchy(&g.graph, &cfg).unwrap();
        });
    }
}
