//! The sparse path, the dense block and the two fingerprint sums give the same bits.

use super::query::{query_batch_with, Strategy};
use super::{build_index, PowerWalkIndexConfig, PowerWalkQueryConfig};
use crate::pagerank::{Dangling, Seeds};
use spargraph_engine::builder::{build_graph, BuildOptions};
use spargraph_engine::rng::Xoshiro256PlusPlus;
use spargraph_engine::Graph;

/// A random graph on `n` nodes with 1-6 arcs per node, every ninth node dangling
/// (directed) and some self-loops.
fn graph(n: usize, directed: bool, weighted: bool, seed: u64) -> Graph {
    let mut rng = Xoshiro256PlusPlus::new(seed);
    let (mut src, mut dst, mut w) = (Vec::new(), Vec::new(), Vec::new());
    for u in 0..n as u32 {
        if directed && u % 9 == 4 {
            continue;
        }
        for _ in 0..1 + rng.gen_range(6) {
            src.push(u);
            dst.push(rng.gen_range(n as u64) as u32);
            w.push(0.1 + 2.0 * rng.next_f32());
        }
    }
    let options = if directed {
        BuildOptions::directed()
    } else {
        BuildOptions::undirected()
    };
    build_graph(n, &src, &dst, weighted.then_some(w.as_slice()), &options).unwrap()
}

const SPARSE: Strategy = Strategy {
    dense_push_above: usize::MAX,
    dense_sum_above: usize::MAX,
    pull: Some(false),
    block: 7,
};

#[test]
fn every_strategy_gives_the_same_bits() {
    let strategies = [
        // Dense from the first step, scattered fingerprint sums, blocks of 3.
        Strategy {
            dense_push_above: 0,
            dense_sum_above: 0,
            pull: Some(false),
            block: 3,
        },
        // Dense once a push passes 60 arcs (sources join at different steps),
        // transposed index.
        Strategy {
            dense_push_above: 60,
            dense_sum_above: 0,
            pull: Some(true),
            block: 64,
        },
        // Dense only for the fingerprint sums of the widest flows.
        Strategy {
            dense_push_above: usize::MAX,
            dense_sum_above: 2000,
            pull: None,
            block: 5,
        },
    ];
    let mut dense_used = 0;
    for (directed, weighted, seed) in [(true, false, 1), (true, true, 2), (false, true, 3)] {
        let g = graph(400, directed, weighted, seed);
        let index = build_index(
            &g,
            &PowerWalkIndexConfig {
                walks: 20,
                ..PowerWalkIndexConfig::default()
            },
        )
        .unwrap();
        let mut seeds: Vec<Seeds> = (0..23u32).map(|k| Seeds::single(k * 17)).collect();
        seeds.push(Seeds::weighted(&[(5, 1.0), (300, 2.0), (77, 0.5)]).unwrap());
        for dangling in [Dangling::Source, Dangling::Uniform] {
            for (iterations, threshold) in [(0, 1e-7), (1, 0.0), (4, 1e-4), (7, 1e-7)] {
                let config = PowerWalkQueryConfig {
                    iterations,
                    threshold,
                    dangling,
                };
                let want = query_batch_with(&g, &index, &seeds, &config, 0, Some(SPARSE)).unwrap();
                assert!(want.iter().all(|a| !a.is_empty()));
                for s in strategies {
                    let got = query_batch_with(&g, &index, &seeds, &config, 0, Some(s)).unwrap();
                    assert!(
                        got == want,
                        "{directed} {weighted} {dangling:?} T {iterations} {s:?}"
                    );
                    dense_used += 1;
                }
                // Top-k cuts the same way.
                let cut = query_batch_with(&g, &index, &seeds, &config, 5, Some(strategies[1]));
                for (c, w) in cut.unwrap().iter().zip(&want) {
                    assert_eq!(c[..], w[..5.min(w.len())]);
                }
            }
        }
    }
    assert_eq!(dense_used, 3 * 2 * 4 * 3);
}
