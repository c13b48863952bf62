//! Planted-partition stochastic block model.

use super::{
    finish_unweighted, invalid, node_count, non_negative, probability, push_rectangle,
    push_triangle, sample_blocks, GenerateError, GeneratedGraph,
};

/// Planted-partition stochastic block model (Holland, Laskey & Leinhardt,
/// "Stochastic blockmodels: First steps", Social Networks 5, 1983; the
/// planted partition of Condon & Karp 2001).
///
/// `n = n_blocks * block_size` nodes; node `i` is in block
/// `i / block_size`. Each unordered pair is an edge independently with
/// probability `p_in = degree_in / (block_size - 1)` inside a block and
/// `p_out = degree_out / (n - block_size)` across blocks, so the expected
/// degree is `degree_in + degree_out`. Sampled exactly with geometric
/// skipping (Batagelj & Brandes, Phys. Rev. E 71, 036113, 2005) in
/// O(n + m) time, not O(n²).
///
/// Defaults: `n_blocks 50, block_size 2000, degree_in 14.0, degree_out 6.0,
/// seed 42`. Labels: `("label", block of node)`.
#[derive(Debug, Clone, PartialEq)]
pub struct SbmConfig {
    /// Number of blocks (`>= 1`; `degree_out` must be 0 when 1).
    pub n_blocks: u32,
    /// Nodes per block (`>= 2`).
    pub block_size: u32,
    /// Expected neighbours inside the own block (`<= block_size - 1`).
    pub degree_in: f64,
    /// Expected neighbours in other blocks (`<= n - block_size`).
    pub degree_out: f64,
    /// Random seed.
    pub seed: u64,
}

impl Default for SbmConfig {
    fn default() -> Self {
        Self {
            n_blocks: 50,
            block_size: 2000,
            degree_in: 14.0,
            degree_out: 6.0,
            seed: 42,
        }
    }
}

impl SbmConfig {
    /// Validates and returns `(n, p_in, p_out)`.
    fn validate(&self) -> Result<(u32, f64, f64), GenerateError> {
        if self.n_blocks == 0 {
            return Err(invalid("n_blocks", self.n_blocks, "must be >= 1"));
        }
        if self.block_size < 2 {
            return Err(invalid("block_size", self.block_size, "must be >= 2"));
        }
        let n = node_count(
            "n_blocks * block_size",
            u128::from(self.n_blocks) * u128::from(self.block_size),
        )?;
        let d_in = non_negative("degree_in", self.degree_in)?;
        let d_out = non_negative("degree_out", self.degree_out)?;
        let p_in = probability("degree_in", d_in, d_in / f64::from(self.block_size - 1))?;
        let others = n - self.block_size;
        let p_out = if others == 0 {
            if d_out > 0.0 {
                return Err(invalid("degree_out", d_out, "must be 0 when n_blocks = 1"));
            }
            0.0
        } else {
            probability("degree_out", d_out, d_out / f64::from(others))?
        };
        Ok((n, p_in, p_out))
    }

    /// Generates the graph; see [`SbmConfig`] for the model.
    pub fn generate(&self) -> Result<GeneratedGraph, GenerateError> {
        let (n, p_in, p_out) = self.validate()?;
        let bs = self.block_size;
        let mut tasks = Vec::new();
        for b in 0..self.n_blocks {
            let start = b * bs; // < n, no overflow
            push_triangle(&mut tasks, start, bs, p_in);
            // All later blocks form one contiguous column range.
            push_rectangle(&mut tasks, (start, start + bs), (start + bs, n), p_out);
        }
        let (src, dst) = finish_unweighted(sample_blocks(self.seed, &tasks));
        let label = (0..n).map(|i| i / bs).collect();
        let params = [
            ("generator", "sbm".to_string()),
            ("n_blocks", self.n_blocks.to_string()),
            ("block_size", bs.to_string()),
            ("degree_in", self.degree_in.to_string()),
            ("degree_out", self.degree_out.to_string()),
            ("p_in", p_in.to_string()),
            ("p_out", p_out.to_string()),
            ("seed", self.seed.to_string()),
        ];
        Ok(GeneratedGraph {
            n_nodes: n,
            src,
            dst,
            weights: None,
            labels: vec![("label".to_string(), label)],
            params: params
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{assert_convention, with_threads};
    use super::*;

    fn ten_by_500(seed: u64) -> SbmConfig {
        SbmConfig {
            n_blocks: 10,
            block_size: 500,
            seed,
            ..Default::default()
        }
    }

    #[test]
    fn deterministic_across_thread_counts() {
        let cfg = SbmConfig {
            n_blocks: 4,
            block_size: 3000, // several row chunks per block
            ..Default::default()
        };
        let one = with_threads(1, || cfg.generate()).unwrap();
        let two = with_threads(2, || cfg.generate()).unwrap();
        assert_eq!(one, two);
        assert_ne!(one.src, ten_by_500(1).generate().unwrap().src);
    }

    #[test]
    fn degrees_match_targets() {
        let g = ten_by_500(11).generate().unwrap();
        assert_convention(&g);
        let label = g.label("label").unwrap();
        let n = f64::from(g.n_nodes);
        let within = g
            .src
            .iter()
            .zip(&g.dst)
            .filter(|(&s, &d)| label[s as usize] == label[d as usize])
            .count() as f64;
        let between = g.n_edges() as f64 - within;
        let mean_deg = 2.0 * g.n_edges() as f64 / n;
        assert!(
            (mean_deg - 20.0).abs() < 0.02 * 20.0,
            "mean degree {mean_deg}"
        );
        let (din, dout) = (2.0 * within / n, 2.0 * between / n);
        assert!((din - 14.0).abs() < 0.03 * 14.0, "degree_in {din}");
        assert!((dout - 6.0).abs() < 0.05 * 6.0, "degree_out {dout}");
    }

    #[test]
    fn labels_are_blocks() {
        let g = ten_by_500(2).generate().unwrap();
        let label = g.label("label").unwrap();
        assert_eq!(label.len(), 5000);
        let distinct: std::collections::BTreeSet<_> = label.iter().collect();
        assert_eq!(distinct.len(), 10);
        assert_eq!((label[499], label[500], label[4999]), (0, 1, 9));
    }

    #[test]
    fn extreme_probabilities() {
        // p_in = 1, p_out = 0: disjoint cliques.
        let g = SbmConfig {
            n_blocks: 3,
            block_size: 20,
            degree_in: 19.0,
            degree_out: 0.0,
            seed: 1,
        }
        .generate()
        .unwrap();
        assert_convention(&g);
        assert_eq!(g.n_edges(), 3 * 190);
        // Single block: Erdős–Rényi.
        let g = SbmConfig {
            n_blocks: 1,
            block_size: 100,
            degree_in: 99.0,
            degree_out: 0.0,
            seed: 1,
        }
        .generate()
        .unwrap();
        assert_eq!(g.n_edges(), 4950);
    }

    #[test]
    fn validation_errors_name_the_parameter() {
        let err = |c: SbmConfig| c.generate().unwrap_err().to_string();
        assert!(err(SbmConfig {
            n_blocks: 0,
            ..ten_by_500(0)
        })
        .contains("`n_blocks` = 0"));
        assert!(err(SbmConfig {
            block_size: 1,
            ..ten_by_500(0)
        })
        .contains("`block_size` = 1"));
        assert!(err(SbmConfig {
            degree_in: -1.0,
            ..ten_by_500(0)
        })
        .contains("`degree_in` = -1"));
        assert!(err(SbmConfig {
            degree_in: 500.0,
            ..ten_by_500(0)
        })
        .contains("`degree_in` = 500"));
        assert!(err(SbmConfig {
            degree_out: f64::INFINITY,
            ..ten_by_500(0)
        })
        .contains("`degree_out` = inf"));
        assert!(err(SbmConfig {
            n_blocks: 1,
            ..ten_by_500(0)
        })
        .contains("`degree_out` = 6"));
        let big = SbmConfig {
            n_blocks: 1 << 20,
            block_size: 1 << 13,
            ..ten_by_500(0)
        };
        assert!(matches!(
            big.generate(),
            Err(GenerateError::TooLarge { .. })
        ));
    }
}
