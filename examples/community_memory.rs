//! Peak heap memory of Leiden and of the hierarchies above the loaded graph,
//! measured by a counting allocator (live bytes: code pages, thread stacks and
//! allocator caches excluded), as a multiple of the CSR's own size; also the median
//! time of `--reps` runs of Leiden (for profiling without the loading).
//!
//! Run: `cargo run --release --example community_memory -- FILE.parquet [--weight-col W] [--reps N] [--only leiden|BottomUp|Paris]`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use spargraph::algorithms::community::{communities, CommunityConfig, CommunityInput};
use spargraph::algorithms::hierarchy::{hierarchy, HierarchyConfig, HierarchyMethod};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

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
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let mut times = Vec::new();
        for _ in 0..reps {
            let t = Instant::now();
            f();
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let peak = (PEAK.load(Ordering::Relaxed) - before) as f64;
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
