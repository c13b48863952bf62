//! Power-law user–item bipartite graph with planted taste groups.

use super::{
    draw_count, finish_counted, invalid, node_count, pack, parallel_draws, GenerateError,
    GeneratedGraph,
};
use crate::rng::Xoshiro256PlusPlus;

/// Stream indices of the per-node weights (draw chunks use 0, 1, ...).
const USER_WEIGHT_STREAM: u64 = u64::MAX;
const ITEM_WEIGHT_STREAM: u64 = u64::MAX - 1;

/// Smallest accepted Pareto exponent: below it weights overflow `f64`.
const MIN_ALPHA: f64 = 0.1;

/// Power-law user–item interaction graph (a Chung–Lu-style expected-degree
/// model, Chung & Lu, PNAS 99, 2002, with Pareto weights and planted taste
/// groups in the spirit of the bipartite SBM of Larremore et al., PRE 90,
/// 2014).
///
/// Users are nodes `0..n_users`, items `n_users..n_users + n_items`. Each
/// node gets an activity/popularity weight `W = (1 - U)^(-1/alpha)`, i.e.
/// Pareto with `P(W > w) = w^-alpha`, `w >= 1` (`user_alpha` for users,
/// `item_alpha` for items). Taste groups are assigned round-robin: user `u`
/// is in group `u % n_groups`, item `n_users + i` in group `i % n_groups`.
/// Each of the `n_draws` draws picks a user with probability proportional
/// to its weight, then with probability `in_group_share` an item of the
/// user's group, otherwise any item, proportionally to item weight
/// (cumulative sums + binary search). Repeated pairs are merged and the
/// weight is the number of draws (as `f32`).
///
/// Defaults: `n_users 50_000, n_items 20_000, n_draws 1_150_000,
/// user_alpha 1.6, item_alpha 1.1, n_groups 20, in_group_share 0.6,
/// seed 42`. Labels: `("side", 0 user / 1 item)`, `("group", taste group)`.
#[derive(Debug, Clone, PartialEq)]
pub struct BipartiteConfig {
    /// Number of users (`>= 1`).
    pub n_users: u32,
    /// Number of items (`>= 1`).
    pub n_items: u32,
    /// Number of (user, item) draws before merging duplicates.
    pub n_draws: u64,
    /// Pareto exponent of user activity (`>= 0.1`; smaller = heavier tail).
    pub user_alpha: f64,
    /// Pareto exponent of item popularity (`>= 0.1`).
    pub item_alpha: f64,
    /// Number of taste groups (`1..=n_items`).
    pub n_groups: u32,
    /// Probability that a draw stays in the user's taste group, `[0, 1]`.
    pub in_group_share: f64,
    /// Random seed.
    pub seed: u64,
}

impl Default for BipartiteConfig {
    fn default() -> Self {
        Self {
            n_users: 50_000,
            n_items: 20_000,
            n_draws: 1_150_000,
            user_alpha: 1.6,
            item_alpha: 1.1,
            n_groups: 20,
            in_group_share: 0.6,
            seed: 42,
        }
    }
}

/// Cumulative weights for sampling an index proportionally to its weight.
struct Cdf {
    cum: Vec<f64>,
}

impl Cdf {
    fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cum = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Self { cum }
    }

    /// Index `i` with probability `w_i / sum(w)`; `cum` must be non-empty.
    #[inline]
    fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> usize {
        let total = self.cum[self.cum.len() - 1];
        let x = rng.next_f64() * total;
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len() - 1)
    }
}

/// `n` Pareto(`alpha`) weights with scale 1 from stream `stream` of `seed`.
fn pareto_weights(n: u32, alpha: f64, seed: u64, stream: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::from_seed_and_stream(seed, stream);
    (0..n)
        .map(|_| (-(-rng.next_f64()).ln_1p() / alpha).exp())
        .collect()
}

impl BipartiteConfig {
    fn validate(&self) -> Result<(u32, usize), GenerateError> {
        if self.n_users == 0 {
            return Err(invalid("n_users", self.n_users, "must be >= 1"));
        }
        if self.n_items == 0 {
            return Err(invalid("n_items", self.n_items, "must be >= 1"));
        }
        let n = node_count(
            "n_users + n_items",
            u128::from(self.n_users) + u128::from(self.n_items),
        )?;
        if !(1..=self.n_items).contains(&self.n_groups) {
            return Err(invalid(
                "n_groups",
                self.n_groups,
                format!("must be in 1..=n_items ({})", self.n_items),
            ));
        }
        for (name, a) in [
            ("user_alpha", self.user_alpha),
            ("item_alpha", self.item_alpha),
        ] {
            if !(a.is_finite() && a >= MIN_ALPHA) {
                return Err(invalid(
                    name,
                    a,
                    format!("must be finite and >= {MIN_ALPHA}"),
                ));
            }
        }
        if !(0.0..=1.0).contains(&self.in_group_share) {
            return Err(invalid(
                "in_group_share",
                self.in_group_share,
                "must be in [0, 1]",
            ));
        }
        Ok((n, draw_count("n_draws", u128::from(self.n_draws))?))
    }

    /// Generates the graph; see [`BipartiteConfig`] for the model.
    pub fn generate(&self) -> Result<GeneratedGraph, GenerateError> {
        let (n, n_draws) = self.validate()?;
        let (nu, ni, ng) = (self.n_users, self.n_items, self.n_groups);
        let user_w = pareto_weights(nu, self.user_alpha, self.seed, USER_WEIGHT_STREAM);
        let item_w = pareto_weights(ni, self.item_alpha, self.seed, ITEM_WEIGHT_STREAM);
        let users = Cdf::new(user_w.iter().copied());
        let items = Cdf::new(item_w.iter().copied());
        // Group g holds items g, g + ng, g + 2 ng, ... (non-empty: ng <= ni).
        let groups: Vec<Cdf> = (0..ng as usize)
            .map(|g| Cdf::new(item_w[g..].iter().step_by(ng as usize).copied()))
            .collect();
        let share = self.in_group_share;

        let draws = parallel_draws(self.seed, n_draws, |rng| {
            let user = users.sample(rng) as u32;
            let item = if rng.next_f64() < share {
                let g = user % ng;
                g + groups[g as usize].sample(rng) as u32 * ng
            } else {
                items.sample(rng) as u32
            };
            pack(user, nu + item)
        });
        let (src, dst, weights) = finish_counted(draws);

        let side = (0..n).map(|i| u32::from(i >= nu)).collect();
        let group = (0..nu)
            .map(|u| u % ng)
            .chain((0..ni).map(|i| i % ng))
            .collect();
        let params = [
            ("generator", "bipartite".to_string()),
            ("n_users", nu.to_string()),
            ("n_items", ni.to_string()),
            ("n_draws", self.n_draws.to_string()),
            ("user_alpha", self.user_alpha.to_string()),
            ("item_alpha", self.item_alpha.to_string()),
            ("n_groups", ng.to_string()),
            ("in_group_share", share.to_string()),
            ("seed", self.seed.to_string()),
        ];
        Ok(GeneratedGraph {
            n_nodes: n,
            src,
            dst,
            weights: Some(weights),
            labels: vec![("side".to_string(), side), ("group".to_string(), group)],
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

    fn small(seed: u64) -> BipartiteConfig {
        BipartiteConfig {
            n_users: 5_000,
            n_items: 2_000,
            n_draws: 115_000,
            seed,
            ..Default::default()
        }
    }

    #[test]
    fn deterministic_across_thread_counts() {
        let c = small(3);
        let one = with_threads(1, || c.generate()).unwrap();
        let two = with_threads(2, || c.generate()).unwrap();
        assert_eq!(one, two);
        assert_ne!(one.dst, small(4).generate().unwrap().dst);
    }

    #[test]
    fn convention_weights_and_sides() {
        let g = small(1).generate().unwrap();
        assert_convention(&g);
        let w = g.weights.as_ref().unwrap();
        // Weights count draws: they sum to n_draws, and popular pairs repeat.
        assert_eq!(w.iter().map(|&x| f64::from(x)).sum::<f64>(), 115_000.0);
        assert!(g.n_edges() < 115_000 && w.iter().any(|&x| x >= 3.0));
        let side = g.label("side").unwrap();
        assert!(g.src.iter().all(|&u| side[u as usize] == 0));
        assert!(g.dst.iter().all(|&i| side[i as usize] == 1));
        assert_eq!(side.iter().filter(|&&s| s == 1).count(), 2_000);
        let group = g.label("group").unwrap();
        let distinct: std::collections::BTreeSet<_> = group.iter().collect();
        assert_eq!((group.len(), distinct.len()), (7_000, 20));
    }

    #[test]
    fn in_group_share_is_planted() {
        let g = small(2).generate().unwrap();
        let group = g.label("group").unwrap();
        let w = g.weights.as_ref().unwrap();
        let (mut same, mut total) = (0.0, 0.0);
        for ((&u, &i), &x) in g.src.iter().zip(&g.dst).zip(w) {
            total += f64::from(x);
            if group[u as usize] == group[i as usize] {
                same += f64::from(x);
            }
        }
        // 0.6 in-group plus the chance that a global pick lands in-group
        // (~1/20, depends on the weight of the group's items).
        let frac = same / total;
        assert!((0.6..0.72).contains(&frac), "in-group fraction {frac}");
    }

    #[test]
    fn degrees_are_heavy_tailed() {
        let g = small(5).generate().unwrap();
        let mut deg = vec![0u64; g.n_nodes as usize];
        for (&u, &i) in g.src.iter().zip(&g.dst) {
            deg[u as usize] += 1;
            deg[i as usize] += 1;
        }
        let items = &deg[5_000..];
        let mean = items.iter().sum::<u64>() as f64 / items.len() as f64;
        let max = *items.iter().max().unwrap() as f64;
        assert!(max > 10.0 * mean, "item max {max} mean {mean}");
    }

    #[test]
    fn validation_errors_name_the_parameter() {
        let err = |c: BipartiteConfig| c.generate().unwrap_err().to_string();
        assert!(err(BipartiteConfig {
            n_users: 0,
            ..small(0)
        })
        .contains("`n_users` = 0"));
        assert!(err(BipartiteConfig {
            n_items: 0,
            ..small(0)
        })
        .contains("`n_items` = 0"));
        assert!(err(BipartiteConfig {
            n_groups: 0,
            ..small(0)
        })
        .contains("`n_groups` = 0"));
        assert!(err(BipartiteConfig {
            n_groups: 2_001,
            ..small(0)
        })
        .contains("`n_groups` = 2001"));
        assert!(err(BipartiteConfig {
            user_alpha: 0.0,
            ..small(0)
        })
        .contains("`user_alpha` = 0"));
        assert!(err(BipartiteConfig {
            item_alpha: f64::NAN,
            ..small(0)
        })
        .contains("`item_alpha` = NaN"));
        assert!(err(BipartiteConfig {
            in_group_share: 1.5,
            ..small(0)
        })
        .contains("`in_group_share` = 1.5"));
        let big = BipartiteConfig {
            n_users: u32::MAX,
            ..small(0)
        };
        assert!(matches!(
            big.generate(),
            Err(GenerateError::TooLarge { .. })
        ));
    }

    #[test]
    fn empty_and_single_group_edge_cases() {
        let g = BipartiteConfig {
            n_draws: 0,
            ..small(0)
        }
        .generate()
        .unwrap();
        assert_eq!((g.n_edges(), g.n_nodes), (0, 7_000));
        let g = BipartiteConfig {
            n_groups: 1,
            in_group_share: 1.0,
            ..small(0)
        }
        .generate()
        .unwrap();
        assert_convention(&g);
        assert!(g.label("group").unwrap().iter().all(|&x| x == 0));
    }
}
