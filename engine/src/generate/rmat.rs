//! R-MAT / Graph500 Kronecker generator.

use super::{
    draw_count, finish_unweighted, invalid, pack, parallel_draws, GenerateError, GeneratedGraph,
};
use crate::rng::Xoshiro256PlusPlus;

/// Stream index of the vertex-label permutation (chunks use 0, 1, ...).
const PERMUTATION_STREAM: u64 = u64::MAX;

/// R-MAT recursive-matrix graph (Chakrabarti, Zhan & Faloutsos, "R-MAT: A
/// recursive model for graph mining", SDM 2004), as specified by the
/// Graph500 benchmark's Kronecker generator (graph500.org, v3 spec §3).
///
/// `edge_factor * 2^scale` edges are drawn; each picks one quadrant of the
/// `2^scale × 2^scale` adjacency matrix per level with probabilities
/// `a` (top-left), `b` (top-right), `c` (bottom-left), `d = 1 - a - b - c`,
/// exactly (without Graph500's optional per-level noise). Vertex labels are
/// then shuffled by a seeded random permutation (if `permute`), self-loops
/// dropped, edges oriented `src < dst`, deduplicated and sorted, so the
/// result usually has fewer than `edge_factor * 2^scale` edges.
///
/// Defaults: `scale 16, edge_factor 16, a 0.57, b 0.19, c 0.19, seed 42,
/// permute true` (Graph500 parameters). Labels: none.
#[derive(Debug, Clone, PartialEq)]
pub struct RmatConfig {
    /// log2 of the number of nodes, `1..=31`.
    pub scale: u32,
    /// Draws per node (`>= 1`); Graph500 uses 16.
    pub edge_factor: u32,
    /// Probability of the top-left quadrant.
    pub a: f64,
    /// Probability of the top-right quadrant.
    pub b: f64,
    /// Probability of the bottom-left quadrant.
    pub c: f64,
    /// Random seed.
    pub seed: u64,
    /// Shuffle vertex labels so degree does not correlate with id.
    pub permute: bool,
}

impl Default for RmatConfig {
    fn default() -> Self {
        Self {
            scale: 16,
            edge_factor: 16,
            a: 0.57,
            b: 0.19,
            c: 0.19,
            seed: 42,
            permute: true,
        }
    }
}

impl RmatConfig {
    fn validate(&self) -> Result<usize, GenerateError> {
        if !(1..=31).contains(&self.scale) {
            return Err(invalid("scale", self.scale, "must be in 1..=31"));
        }
        if self.edge_factor == 0 {
            return Err(invalid("edge_factor", self.edge_factor, "must be >= 1"));
        }
        for (name, x) in [("a", self.a), ("b", self.b), ("c", self.c)] {
            if !(x.is_finite() && x >= 0.0) {
                return Err(invalid(name, x, "must be finite and >= 0"));
            }
        }
        let abc = self.a + self.b + self.c;
        if abc >= 1.0 {
            return Err(invalid(
                "a + b + c",
                abc,
                "must be < 1 (d = 1 - a - b - c must be positive)",
            ));
        }
        draw_count(
            "edge_factor * 2^scale",
            u128::from(self.edge_factor) << self.scale,
        )
    }

    /// Generates the graph; see [`RmatConfig`] for the model.
    pub fn generate(&self) -> Result<GeneratedGraph, GenerateError> {
        let n_draws = self.validate()?;
        let scale = self.scale;
        let n_nodes = 1u32 << scale; // scale <= 31
                                     // P(x < t) = t / 2^64 for x uniform on u64: one word per level.
        let threshold = |p: f64| (p * 2f64.powi(64)) as u64;
        let ta = threshold(self.a);
        let tab = threshold(self.a + self.b);
        let tabc = threshold(self.a + self.b + self.c);
        let perm = self.permute.then(|| permutation(n_nodes, self.seed));

        let draws = parallel_draws(self.seed, n_draws, |rng| {
            let (mut u, mut v) = (0u32, 0u32);
            for _ in 0..scale {
                let r = rng.next_u64();
                // Quadrants a | b / c | d, computed without branches.
                let bu = u32::from(r >= tab);
                let bv = u32::from(r >= ta) ^ bu ^ u32::from(r >= tabc);
                u = (u << 1) | bu;
                v = (v << 1) | bv;
            }
            match &perm {
                Some(p) => pack(p[u as usize], p[v as usize]),
                None => pack(u, v),
            }
        });
        let (src, dst) = finish_unweighted(draws);

        let params = [
            ("generator", "rmat".to_string()),
            ("scale", scale.to_string()),
            ("edge_factor", self.edge_factor.to_string()),
            ("a", self.a.to_string()),
            ("b", self.b.to_string()),
            ("c", self.c.to_string()),
            ("d", (1.0 - self.a - self.b - self.c).to_string()),
            ("seed", self.seed.to_string()),
            ("permute", self.permute.to_string()),
            ("n_draws", n_draws.to_string()),
        ];
        Ok(GeneratedGraph {
            n_nodes,
            src,
            dst,
            weights: None,
            labels: Vec::new(),
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        })
    }
}

/// A seeded uniform permutation of `0..n` (Fisher–Yates / Durstenfeld).
fn permutation(n: u32, seed: u64) -> Vec<u32> {
    let mut rng = Xoshiro256PlusPlus::from_seed_and_stream(seed, PERMUTATION_STREAM);
    let mut p: Vec<u32> = (0..n).collect();
    for i in (1..p.len()).rev() {
        let j = rng.gen_range(i as u64 + 1) as usize;
        p.swap(i, j);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::super::{assert_convention, with_threads};
    use super::*;

    fn small(seed: u64) -> RmatConfig {
        RmatConfig {
            scale: 10,
            seed,
            ..Default::default()
        }
    }

    #[test]
    fn more_draws_than_can_be_kept_are_refused_not_a_capacity_overflow() {
        let e = RmatConfig {
            scale: 30,
            edge_factor: u32::MAX,
            ..Default::default()
        }
        .generate()
        .unwrap_err();
        assert!(matches!(e, GenerateError::TooLarge { .. }), "{e}");
    }

    #[test]
    fn deterministic_across_thread_counts() {
        // Scale 13 gives 2 draw chunks, so chunking is exercised.
        let cfg = RmatConfig {
            scale: 13,
            ..Default::default()
        };
        let one = with_threads(1, || cfg.generate()).unwrap();
        let two = with_threads(2, || cfg.generate()).unwrap();
        assert_eq!(one, two);
        assert_eq!(cfg.generate().unwrap(), one);
        assert_ne!(
            small(1).generate().unwrap().src,
            small(2).generate().unwrap().src
        );
    }

    #[test]
    fn convention_and_plausible_edge_count() {
        let g = small(7).generate().unwrap();
        assert_convention(&g);
        assert_eq!(g.n_nodes, 1024);
        assert!(g.weights.is_none());
        // 16384 draws; heavy skew makes ~40-60 % of them duplicates or loops.
        let m = g.n_edges();
        assert!((5_000..14_000).contains(&m), "edges {m}");
        assert_eq!(g.param("n_draws"), Some("16384"));
    }

    #[test]
    fn skewed_degrees_and_unpermuted_hub() {
        let g = RmatConfig {
            permute: false,
            ..small(3)
        }
        .generate()
        .unwrap();
        assert_convention(&g);
        let mut deg = vec![0u32; g.n_nodes as usize];
        for (&s, &d) in g.src.iter().zip(&g.dst) {
            deg[s as usize] += 1;
            deg[d as usize] += 1;
        }
        // Without permutation node 0 (all-"a" path) is the biggest hub.
        let max = *deg.iter().max().unwrap();
        assert_eq!(deg[0], max);
        let mean = 2.0 * g.n_edges() as f64 / 1024.0;
        assert!(f64::from(max) > 8.0 * mean, "max {max} mean {mean}");
    }

    #[test]
    fn uniform_quadrants_give_near_erdos_renyi() {
        // a = b = c = d = 0.25 is uniform over all ordered pairs.
        let g = RmatConfig {
            scale: 12,
            edge_factor: 4,
            a: 0.25,
            b: 0.25,
            c: 0.25,
            ..Default::default()
        }
        .generate()
        .unwrap();
        let n = 4096.0f64;
        let draws = 4.0 * n;
        // Expected distinct unordered non-loop pairs.
        let pairs = n * (n - 1.0) / 2.0;
        let p_pair = 2.0 / (n * n); // per draw, for a fixed unordered pair
        let expected = pairs * (1.0 - (1.0 - p_pair).powf(draws));
        let m = g.n_edges() as f64;
        assert!((m - expected).abs() < 0.02 * expected, "{m} vs {expected}");
    }

    #[test]
    fn validation_errors_name_the_parameter() {
        let err = |c: RmatConfig| c.generate().unwrap_err().to_string();
        assert!(err(RmatConfig {
            scale: 0,
            ..small(0)
        })
        .contains("`scale` = 0"));
        assert!(err(RmatConfig {
            scale: 32,
            ..small(0)
        })
        .contains("`scale` = 32"));
        assert!(err(RmatConfig {
            edge_factor: 0,
            ..small(0)
        })
        .contains("`edge_factor`"));
        assert!(err(RmatConfig {
            a: -0.1,
            ..small(0)
        })
        .contains("`a` = -0.1"));
        assert!(err(RmatConfig {
            c: f64::NAN,
            ..small(0)
        })
        .contains("`c` = NaN"));
        assert!(err(RmatConfig {
            a: 0.6,
            b: 0.2,
            c: 0.2,
            ..small(0)
        })
        .contains("`a + b + c`"));
    }

    #[test]
    fn permutation_is_a_bijection() {
        let mut p = permutation(1000, 9);
        assert_ne!(p, (0..1000).collect::<Vec<_>>());
        p.sort_unstable();
        assert_eq!(p, (0..1000).collect::<Vec<_>>());
    }
}
