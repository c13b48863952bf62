//! Binary-tree hierarchical stochastic block model.

use super::{
    finish_unweighted, invalid, node_count, non_negative, probability, push_rectangle,
    push_triangle, sample_blocks, GenerateError, GeneratedGraph,
};

/// Hierarchical stochastic block model on a complete binary tree (a
/// hierarchical SBM in the sense of Clauset, Moore & Newman, Nature 453,
/// 2008, and Peixoto, PRX 4, 2014; a nested form of Holland et al. 1983).
///
/// There are `B = 2^depth` leaf blocks of `leaf_block_size = L` nodes; node
/// `i` is in leaf `i / L`. Two nodes are at tree distance `t` when their
/// leaves' lowest common ancestor is `t` levels up (`t = 0`: same leaf). A
/// pair at distance `t` is an edge independently with probability
/// `p_t = degrees[t] / N_t`, where `N_0 = L - 1` and `N_t = L * 2^(t-1)`
/// is the number of nodes at distance `t` from a node, so `degrees[t]` is
/// the expected number of neighbours at distance `t`. Sampled exactly with
/// geometric skipping (Batagelj & Brandes 2005): one triangle per leaf and
/// one rectangle (left × right subtree) per internal tree node.
///
/// Defaults: `depth 3, leaf_block_size 2000, degrees [20, 6, 4, 2],
/// seed 42`. Labels: `("level_k", i / (L * 2^(depth-k)))` for
/// `k = 1..=depth`, i.e. `2^k` groups at level `k`; `level_depth` is the
/// leaf block.
#[derive(Debug, Clone, PartialEq)]
pub struct HsbmConfig {
    /// Tree depth (`>= 1`); `2^depth` leaf blocks.
    pub depth: u32,
    /// Nodes per leaf block (`>= 2`).
    pub leaf_block_size: u32,
    /// Expected neighbours at tree distance `0..=depth` (length `depth + 1`).
    pub degrees: Vec<f64>,
    /// Random seed.
    pub seed: u64,
}

impl Default for HsbmConfig {
    fn default() -> Self {
        Self {
            depth: 3,
            leaf_block_size: 2000,
            degrees: vec![20.0, 6.0, 4.0, 2.0],
            seed: 42,
        }
    }
}

impl HsbmConfig {
    /// Validates and returns `(n, [p_0, .., p_depth])`.
    fn validate(&self) -> Result<(u32, Vec<f64>), GenerateError> {
        if !(1..=31).contains(&self.depth) {
            return Err(invalid("depth", self.depth, "must be in 1..=31"));
        }
        if self.leaf_block_size < 2 {
            return Err(invalid(
                "leaf_block_size",
                self.leaf_block_size,
                "must be >= 2",
            ));
        }
        let n = node_count(
            "2^depth * leaf_block_size",
            u128::from(self.leaf_block_size) << self.depth,
        )?;
        if self.degrees.len() != self.depth as usize + 1 {
            return Err(invalid(
                "degrees.len()",
                self.degrees.len(),
                format!("must be depth + 1 = {}", self.depth + 1),
            ));
        }
        let l = f64::from(self.leaf_block_size);
        let probs = self
            .degrees
            .iter()
            .enumerate()
            .map(|(t, &d)| {
                let name = format!("degrees[{t}]");
                let d = non_negative(&name, d)?;
                let others = if t == 0 {
                    l - 1.0
                } else {
                    l * 2f64.powi(t as i32 - 1)
                };
                probability(&name, d, d / others)
            })
            .collect::<Result<Vec<f64>, _>>()?;
        Ok((n, probs))
    }

    /// Generates the graph; see [`HsbmConfig`] for the model.
    pub fn generate(&self) -> Result<GeneratedGraph, GenerateError> {
        let (n, probs) = self.validate()?;
        let l = self.leaf_block_size;
        let mut tasks = Vec::new();
        for leaf in 0..(1u32 << self.depth) {
            push_triangle(&mut tasks, leaf * l, l, probs[0]);
        }
        // An internal node at height t spans 2^t leaves; its left and right
        // subtrees are contiguous node ranges of L * 2^(t-1) nodes each.
        for t in 1..=self.depth {
            let half = l << (t - 1); // <= n / 2
            for k in 0..(1u32 << (self.depth - t)) {
                let start = k * 2 * half; // < n
                push_rectangle(
                    &mut tasks,
                    (start, start + half),
                    (start + half, start + 2 * half),
                    probs[t as usize],
                );
            }
        }
        let (src, dst) = finish_unweighted(sample_blocks(self.seed, &tasks));

        let labels = (1..=self.depth)
            .map(|k| {
                let group_size = l << (self.depth - k);
                (
                    format!("level_{k}"),
                    (0..n).map(|i| i / group_size).collect(),
                )
            })
            .collect();
        let join = |v: &[f64]| v.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
        let params = [
            ("generator", "hsbm".to_string()),
            ("depth", self.depth.to_string()),
            ("leaf_block_size", l.to_string()),
            ("degrees", join(&self.degrees)),
            ("probabilities", join(&probs)),
            ("seed", self.seed.to_string()),
        ];
        Ok(GeneratedGraph {
            n_nodes: n,
            src,
            dst,
            weights: None,
            labels,
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

    fn cfg(seed: u64) -> HsbmConfig {
        HsbmConfig {
            leaf_block_size: 1000,
            seed,
            ..Default::default()
        }
    }

    /// Tree distance between the leaves of `u` and `v`.
    fn distance(u: u32, v: u32, l: u32) -> usize {
        (32 - ((u / l) ^ (v / l)).leading_zeros()) as usize
    }

    #[test]
    fn deterministic_across_thread_counts() {
        let c = HsbmConfig {
            leaf_block_size: 1500,
            ..cfg(4)
        };
        let one = with_threads(1, || c.generate()).unwrap();
        let two = with_threads(2, || c.generate()).unwrap();
        assert_eq!(one, two);
        assert_ne!(one.src, HsbmConfig { seed: 5, ..c }.generate().unwrap().src);
    }

    #[test]
    fn per_distance_degrees_match_targets() {
        let g = cfg(8).generate().unwrap();
        assert_convention(&g);
        assert_eq!(g.n_nodes, 8000);
        let mut count = [0usize; 4];
        for (&s, &d) in g.src.iter().zip(&g.dst) {
            count[distance(s, d, 1000)] += 1;
        }
        let n = f64::from(g.n_nodes);
        for (t, &target) in [20.0, 6.0, 4.0, 2.0].iter().enumerate() {
            let deg = 2.0 * count[t] as f64 / n;
            // Smallest class (t = 3) has ~8000 edges, sd ~1.1 %.
            assert!(
                (deg - target).abs() < 0.05 * target,
                "distance {t}: {deg} vs {target}"
            );
        }
    }

    #[test]
    fn labels_form_nested_groups() {
        let g = cfg(1).generate().unwrap();
        let names: Vec<&str> = g.labels.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["level_1", "level_2", "level_3"]);
        for (k, (_, col)) in g.labels.iter().enumerate() {
            assert_eq!(col.len(), 8000);
            let distinct: std::collections::BTreeSet<_> = col.iter().collect();
            assert_eq!(distinct.len(), 2 << k);
        }
        let (l1, l3) = (g.label("level_1").unwrap(), g.label("level_3").unwrap());
        assert!((0..8000).all(|i| l1[i] == l3[i] >> 2));
        assert_eq!((l3[999], l3[1000]), (0, 1));
    }

    #[test]
    fn validation_errors_name_the_parameter() {
        let err = |c: HsbmConfig| c.generate().unwrap_err().to_string();
        assert!(err(HsbmConfig { depth: 0, ..cfg(0) }).contains("`depth` = 0"));
        assert!(err(HsbmConfig {
            leaf_block_size: 1,
            ..cfg(0)
        })
        .contains("`leaf_block_size` = 1"));
        assert!(err(HsbmConfig {
            degrees: vec![1.0; 3],
            ..cfg(0)
        })
        .contains("`degrees.len()` = 3"));
        let bad = HsbmConfig {
            degrees: vec![20.0, 6.0, -4.0, 2.0],
            ..cfg(0)
        };
        assert!(err(bad).contains("`degrees[2]` = -4"));
        let bad = HsbmConfig {
            degrees: vec![20.0, 6.0, 4.0, 5000.0],
            ..cfg(0)
        };
        assert!(err(bad).contains("`degrees[3]` = 5000"));
        let big = HsbmConfig {
            depth: 30,
            degrees: vec![0.0; 31],
            ..cfg(0)
        };
        assert!(matches!(
            big.generate(),
            Err(GenerateError::TooLarge { .. })
        ));
    }
}
