//! FastRP's options, their defaults and their validation.

use crate::error::AlgorithmError;

/// The sparsity `s` of the very sparse random projection: each entry is
/// `+sqrt(s/d)` or `-sqrt(s/d)` with probability `1/(2s)` each, else 0
/// (Li, Hastie & Church 2006; `s = 3` is Achlioptas' projection).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sparsity {
    /// A fixed `s >= 1` (Neo4j GDS uses 3).
    Value(f64),
    /// `s = sqrt(n)` for `n` nodes, as the reference code (GTmac/FastRP, through
    /// scikit-learn's `SparseRandomProjection(density="auto")`) does.
    SqrtN,
}

impl Sparsity {
    /// The value of `s` for a graph of `n` nodes (at least 1).
    pub fn resolve(self, n: usize) -> f64 {
        match self {
            Sparsity::Value(s) => s,
            Sparsity::SqrtN => (n as f64).sqrt().max(1.0),
        }
    }
}

impl std::str::FromStr for Sparsity {
    type Err = String;
    /// `sqrt-n` or a number at least 1.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("sqrt-n") || s.eq_ignore_ascii_case("sqrtn") {
            return Ok(Sparsity::SqrtN);
        }
        s.parse::<f64>()
            .map(Sparsity::Value)
            .map_err(|_| format!("expected a number >= 1 or `sqrt-n`, got `{s}`"))
    }
}

/// Which arcs of a directed graph a node aggregates over (undirected graphs ignore it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Out-neighbours: `M = D_out^-1 A`.
    #[default]
    Natural,
    /// In-neighbours: `M = D_in^-1 A^T`.
    Reverse,
    /// Both: `M = D^-1 (A + A^T)` (a self-loop counted once), as if the arcs had
    /// been loaded as undirected edges with duplicates summed.
    Undirected,
}

/// Options of FastRP (Chen, Sultan, Tian, Chen & Skiena, "Fast and Accurate Network
/// Embeddings via Very Sparse Random Projection", CIKM 2019).
///
/// With `M = D^-1 A` (weighted degrees), `R` the `n x dim` very sparse random
/// projection and `N_0 = D^beta R`, the powers are `N_i = M N_(i-1)` and the
/// embedding is `E = w_0 N_0 + sum_(i=1..q) w_i N_i`, each `N_i` L2-normalised by row
/// first when `normalize_iterations`; then `E` is standardised by column when
/// `standardize`, and when `normalize_output` L2-normalised by row (and then
/// standardised again, when `standardize`).
///
/// The defaults were chosen by measurement on BlogCatalog (node classification
/// with the paper's protocol, dim 512, C 0.1, 10 splits;
/// `benches/results/2026-11-28-fastrp-blogcatalog.md`): the reference code's
/// structure (`s = sqrt(n)`, per-power normalisation, final standardisation) with
/// four powers weighted `[0, 0, 1, 6]`, then the final row normalisation
/// (`normalize_output`) and `beta = -0.1`, gave micro-F1 0.373 / 0.416 / 0.431 and
/// macro-F1 0.237 / 0.292 / 0.306 at 10 / 50 / 90 % training, above every figure
/// the paper reports (micro 0.371 / 0.425 at 10 / 90 %, macro 0.234 / 0.275 /
/// 0.297). The same defaults beat `beta = -0.9` without the row normalisation
/// (the previous defaults) on Cora (micro-F1 at 10 %: 0.615 against 0.555) and
/// PubMed (0.627 against 0.565), and tie on email-Eu-core. For link prediction
/// use [`FastRpConfig::for_link_prediction`].
#[derive(Clone, Debug, PartialEq)]
pub struct FastRpConfig {
    /// Embedding dimension (default 128).
    pub dim: usize,
    /// `w_1 .. w_q`: one weight per power of `M`; their count is the number of
    /// iterations (default `[0, 0, 1, 6]`).
    pub iteration_weights: Vec<f32>,
    /// `w_0`, the weight of the 0-hop term `N_0 = D^beta R` (default 0; Neo4j's
    /// `nodeSelfInfluence`).
    pub self_influence: f32,
    /// `beta`, the exponent of the degree scaling of the projection (default -0.1;
    /// the paper's normalisation strength, which it tuned in [-1, 0] per graph).
    /// Nodes of degree 0 get scale 1.
    pub normalization_strength: f32,
    /// Sparsity `s` of the projection (default `sqrt(n)`, the reference code's: on
    /// BlogCatalog `s = 3`, `1` and `sqrt(n)` gave the same F1 within the seed noise,
    /// and `sqrt(n)` keeps `N_0` sparse enough for the gathered first hop, which
    /// saves about a quarter of the work).
    pub sparsity: Sparsity,
    /// L2-normalise the rows of each `N_i` before weighting (default true).
    pub normalize_iterations: bool,
    /// L2-normalise each row of the (standardised) embedding at the end, then
    /// standardise again when `standardize` (default true): every node gets the
    /// same weight in the final column scaling. On BlogCatalog it lifts macro-F1 at
    /// every training ratio (see the type's documentation). It is fused with the
    /// first standardisation, so it costs one more pass over the matrix.
    pub normalize_output: bool,
    /// Standardise each column to zero mean and unit (population) variance at the
    /// end, as the reference code's `sklearn.preprocessing.scale` (default true).
    pub standardize: bool,
    /// Share of the dimension that comes from node features (default 0): the last
    /// `round(dim * ratio)` coordinates of `N_0` are `x_v P` with `P` a very sparse
    /// random `features x k` projection (`s = 3`), as Neo4j GDS's `propertyRatio`.
    pub property_ratio: f64,
    /// Arcs to follow on directed graphs (default natural).
    pub orientation: Orientation,
    /// Seed of the projection. Node `v`'s row of `R` is drawn from a generator
    /// seeded by `(seed, key_v)` (its external id when the caller gives keys, else
    /// its index), so output is bit-identical for any thread count.
    pub seed: u64,
}

impl Default for FastRpConfig {
    fn default() -> Self {
        FastRpConfig {
            dim: 128,
            iteration_weights: vec![0.0, 0.0, 1.0, 6.0],
            self_influence: 0.0,
            normalization_strength: -0.1,
            sparsity: Sparsity::SqrtN,
            normalize_iterations: true,
            normalize_output: true,
            standardize: true,
            property_ratio: 0.0,
            orientation: Orientation::Natural,
            seed: 42,
        }
    }
}

impl FastRpConfig {
    /// The preset for link prediction by cosine similarity: four equally weighted
    /// powers `1,1,1,1`, `beta = 0`, no per-power normalisation and no
    /// standardisation (which rescales columns and costs 0.03-0.09 AUC). On
    /// BlogCatalog (dim 512, 30 % of the edges held out) it scored AUC 0.939 against
    /// 0.749 for the defaults (`benches/results/2026-11-28-fastrp-blogcatalog.md`).
    pub fn for_link_prediction() -> Self {
        FastRpConfig {
            iteration_weights: vec![1.0, 1.0, 1.0, 1.0],
            normalization_strength: 0.0,
            normalize_iterations: false,
            normalize_output: false,
            standardize: false,
            ..FastRpConfig::default()
        }
    }
}

fn invalid(name: &'static str, value: String, expected: &'static str) -> AlgorithmError {
    AlgorithmError::InvalidOption {
        name,
        value,
        expected,
    }
}

impl FastRpConfig {
    /// Checks every option, naming the first one out of range.
    pub fn validate(&self) -> Result<(), AlgorithmError> {
        if self.dim == 0 || self.dim > 1 << 16 {
            return Err(invalid(
                "dim",
                self.dim.to_string(),
                "must be between 1 and 65536",
            ));
        }
        if self.iteration_weights.is_empty() && self.self_influence == 0.0 {
            return Err(invalid(
                "iteration-weights",
                "[]".into(),
                "must not be empty unless --self-influence is non-zero",
            ));
        }
        if let Some(w) = self.iteration_weights.iter().find(|w| !w.is_finite()) {
            return Err(invalid(
                "iteration-weights",
                w.to_string(),
                "must be finite numbers",
            ));
        }
        if !self.self_influence.is_finite() {
            return Err(invalid(
                "self-influence",
                self.self_influence.to_string(),
                "must be a finite number",
            ));
        }
        if !self.normalization_strength.is_finite() {
            return Err(invalid(
                "normalization-strength",
                self.normalization_strength.to_string(),
                "must be a finite number",
            ));
        }
        if let Sparsity::Value(s) = self.sparsity {
            if !(s.is_finite() && s >= 1.0) {
                return Err(invalid(
                    "sparsity",
                    s.to_string(),
                    "must be a number >= 1 or `sqrt-n`",
                ));
            }
        }
        if !(self.property_ratio.is_finite() && (0.0..=1.0).contains(&self.property_ratio)) {
            return Err(invalid(
                "property-ratio",
                self.property_ratio.to_string(),
                "must be in [0, 1]",
            ));
        }
        Ok(())
    }

    /// Number of coordinates that come from node features: `round(dim * ratio)`.
    pub fn property_dim(&self) -> usize {
        ((self.dim as f64) * self.property_ratio).round() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        FastRpConfig::default().validate().unwrap();
        let bad = |c: FastRpConfig, name: &str| {
            let e = c.validate().unwrap_err().to_string();
            assert!(e.contains(name), "{e} should name {name}");
        };
        bad(
            FastRpConfig {
                dim: 0,
                ..Default::default()
            },
            "dim",
        );
        bad(
            FastRpConfig {
                iteration_weights: vec![],
                ..Default::default()
            },
            "iteration-weights",
        );
        bad(
            FastRpConfig {
                property_ratio: 1.5,
                ..Default::default()
            },
            "property-ratio",
        );
        bad(
            FastRpConfig {
                sparsity: Sparsity::Value(0.5),
                ..Default::default()
            },
            "sparsity",
        );
        bad(
            FastRpConfig {
                iteration_weights: vec![1.0, f32::NAN],
                ..Default::default()
            },
            "iteration-weights",
        );
        // Empty weights are fine with a self-influence term.
        FastRpConfig {
            iteration_weights: vec![],
            self_influence: 1.0,
            ..Default::default()
        }
        .validate()
        .unwrap();
    }

    #[test]
    fn sparsity_parses() {
        assert_eq!("sqrt-n".parse::<Sparsity>().unwrap(), Sparsity::SqrtN);
        assert_eq!("3".parse::<Sparsity>().unwrap(), Sparsity::Value(3.0));
        assert!("x".parse::<Sparsity>().is_err());
        assert_eq!(Sparsity::SqrtN.resolve(100), 10.0);
    }
}
