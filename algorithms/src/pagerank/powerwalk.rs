//! PowerWalk: personalized PageRank from an offline index of random-walk
//! fingerprints plus an online vertex-centric decomposition (Liu, Li, Lui & Cheng,
//! "PowerWalk: Scalable Personalized PageRank via Random Walks with Vertex-Centric
//! Decomposition", CIKM 2016; reference code lqhl/PowerWalk, `apps/ms-ppr`).
//!
//! # The decomposition
//!
//! With damping `d`, transition `P(u, v) = w(u, v) / o(u)` (`o` the out-weight; edge
//! counts when unweighted) and `Q` = `P` with the rows of dangling nodes (`o(u) = 0`)
//! set to zero, the *drop* PPR of a distribution `p` is
//!
//! `pi_drop(p) = (1 - d) sum_{t >= 0} d^t p Q^t`,
//!
//! the visit distribution of a walk that stops with probability `1 - d` per step and
//! is lost when it reaches a dangling node (it sums to at most 1). `pi_drop` is linear
//! in `p`, and the crate's three dangling policies ([`Dangling`], see
//! [`crate::pagerank`]) are exact transforms of it:
//!
//! * [`Dangling::Source`] and [`Dangling::Personalization`] (mass of dangling nodes
//!   restarts from the seed distribution): `pi = pi_drop(p) / |pi_drop(p)|_1`;
//! * [`Dangling::Uniform`]: `pi = pi_drop(p) + (1 - |pi_drop(p)|_1) g`, with `g` the
//!   global PageRank with uniform dangling (from [`super::exact::pagerank`]).
//!
//! # Offline index ([`build_index`])
//!
//! From every node `v`, `R` walks: each starts at `v` and counts a visit there; at
//! every step it stops with probability `1 - d`; otherwise, if the current node is
//! dangling, the walk is lost, else it moves to an out-neighbour drawn with
//! probability `w / o` and counts a visit there. Walks are cut after `max_length`
//! steps. The fingerprint `FP_v(u) = visits_v(u) (1 - d) / R` is an unbiased estimate
//! of `pi_drop(e_v)(u)` (not normalised: linearity needs the raw estimate; the cut
//! biases it by at most `d^max_length` in L1). The fingerprints form an `n x n` CSR
//! with `f32` values.
//!
//! # Online query ([`query`](fn@query), [`query_batch`])
//!
//! With the *scaled flow* `g_t = d^t p Q^t` (the mass of walks still alive after `t`
//! steps), `g_0 = p` and, for `t < T`:
//!
//! `acc += (1 - d) g_t`, `g_{t+1} = d g_t Q` (each `g_t(u)` pushed along the
//! out-edges with factor `d w / o`; the flow of dangling nodes vanishes), then the
//! entries of `g_{t+1}` below `threshold` are dropped (each dropped entry `x` removes
//! at most `x` of L1 mass from the answer);
//!
//! and finally `pi_drop(p) ~= acc + sum_v g_T(v) FP_v`. Exact terms are thus summed
//! for the first `T` steps and the fingerprints only estimate the tail, whose mass
//! is at most `d^T`: the estimate's error shrinks with `T` even at fixed `R` (the
//! paper's "more walks at query time" effect). `T = 0` gives `sum_v p(v) FP_v`.
//! The dangling transform above is then applied.
//!
//! The paper answers a batch of queries in one "shared pass": every vertex keeps a
//! map source -> flow, and one synchronous vertex-centric sweep per step moves all
//! sources' flows at once. Here each source starts on a *sparse path* (rayon over
//! the sources, each computed sequentially with a dense per-thread accumulator and
//! a touched list, `O(n)` memory per thread). Once a source's flow has spread so
//! far that a step or the fingerprint sum would read a large share of the graph or
//! of the index, it is handed to a *dense block*: up to 64 such sources of a batch
//! continue as the columns of an `n x b` matrix, each step one sparse-matrix times
//! block product, and the fingerprint sums one product with the transposed index,
//! so the sources share one read of the graph and of the index, as in the paper's
//! shared pass. Both paths perform the same `f64` operations in the same order, so
//! an answer has the same bits whichever path, block or thread count computed it.
//! At the default `T = 7` on soc-Slashdot and R-MAT 16 every source ends in the
//! dense block; queries there take a third to a quarter of the sparse path's time.

mod build;
mod dense;
mod fingerprint;
mod query;
#[cfg(test)]
mod tests;

pub use build::build_index;
pub use fingerprint::graph_fingerprint;
pub use query::{query, query_batch};

use super::Dangling;
use crate::error::{check_at_least_one, check_open, AlgorithmError};
use spargraph_engine::{Csr, Graph};

/// Options of [`build_index`].
#[derive(Clone, Debug, PartialEq)]
pub struct PowerWalkIndexConfig {
    /// `R`, walks per node (`>= 1`). Default 100. The standard deviation of
    /// `FP_v(u)` is of order `sqrt(pi_drop(e_v)(u) / R)`.
    pub walks: u32,
    /// Damping factor `d` in (0, 1); a walk continues with probability `d` per step.
    /// Default 0.85.
    pub damping: f64,
    /// Maximal number of steps of a walk (`>= 1`); the cut loses at most
    /// `d^max_length` of L1 mass. Default 100.
    pub max_length: u32,
    /// Fingerprint entries `FP_v(u) < prune` are not stored (`>= 0`, finite). Default
    /// 0: keep all. Each pruned entry biases the estimate by at most `prune`.
    pub prune: f64,
    /// Random seed; node `v` uses stream `v` of this seed, so the index does not
    /// depend on the number of threads. Default 42.
    pub seed: u64,
}

impl Default for PowerWalkIndexConfig {
    fn default() -> Self {
        PowerWalkIndexConfig {
            walks: 100,
            damping: 0.85,
            max_length: 100,
            prune: 0.0,
            seed: 42,
        }
    }
}

impl PowerWalkIndexConfig {
    /// Checks the ranges: `walks >= 1`, `0 < damping < 1`, `max_length >= 1`,
    /// `prune >= 0` and finite. Errors name the option as the command line spells it
    /// (`walks`, `damping`, `max-length`, `prune`).
    pub fn validate(&self) -> Result<(), AlgorithmError> {
        check_at_least_one("walks", self.walks as usize)?;
        check_open(
            "damping",
            self.damping,
            0.0,
            1.0,
            "must be strictly between 0 and 1",
        )?;
        check_at_least_one("max-length", self.max_length as usize)?;
        if !(self.prune.is_finite() && self.prune >= 0.0) {
            return Err(AlgorithmError::InvalidOption {
                name: "prune",
                value: self.prune.to_string(),
                expected: "must be finite and >= 0",
            });
        }
        Ok(())
    }
}

/// Options of [`query`](fn@query) and [`query_batch`].
#[derive(Clone, Debug, PartialEq)]
pub struct PowerWalkQueryConfig {
    /// `T`, exact decomposition steps before the fingerprints take over (`0` = use
    /// the fingerprints of the seeds directly). The fingerprint term carries at most
    /// `d^T` of the mass. Default 7, where the mean L1 error with the default index
    /// (`R = 100`) over 100 random sources is 0.031-0.033 on soc-Slashdot and 0.025
    /// on R-MAT scale 16 (`examples/ppr_accuracy`; `T = 2`: 0.36 and 0.14), in a
    /// batch at about 4x the speed of exact single-source power iteration. The
    /// reference code's README uses 6, its default is 10.
    pub iterations: u32,
    /// Entries of the scaled flow `g_{t+1} = d g_t Q` below this are dropped (`>= 0`,
    /// finite; 0 keeps every entry). Default 1e-7.
    pub threshold: f64,
    /// Dangling policy: the transform applied to the drop PPR (see the module
    /// documentation). Default [`Dangling::Source`].
    pub dangling: Dangling,
}

impl Default for PowerWalkQueryConfig {
    fn default() -> Self {
        PowerWalkQueryConfig {
            iterations: 7,
            threshold: 1e-7,
            dangling: Dangling::Source,
        }
    }
}

impl PowerWalkQueryConfig {
    /// Checks `threshold >= 0` and finite (error names `threshold`).
    pub fn validate(&self) -> Result<(), AlgorithmError> {
        if !(self.threshold.is_finite() && self.threshold >= 0.0) {
            return Err(AlgorithmError::InvalidOption {
                name: "threshold",
                value: self.threshold.to_string(),
                expected: "must be finite and >= 0",
            });
        }
        Ok(())
    }
}

/// A PowerWalk index: the fingerprints `FP_v(u) = visits_v(u) (1 - d) / R` of every
/// node of one graph, as an `n x n` CSR (row `v` = `FP_v`, `f32` values), plus
/// the options it was built with and the graph's [`graph_fingerprint`].
#[derive(Clone, Debug, PartialEq)]
pub struct PowerWalkIndex {
    /// The options of [`build_index`].
    pub config: PowerWalkIndexConfig,
    /// [`graph_fingerprint`] of the graph the index was built for; queries on any
    /// other graph are refused ([`PowerWalkIndex::check_graph`]).
    pub graph_fingerprint: u64,
    /// Row `v` holds `FP_v(u)` at column `u`, an unbiased estimate of
    /// `pi_drop(e_v)(u) = (1 - d) sum_t d^t (e_v Q^t)(u)` (entries `< prune` dropped).
    pub fingerprints: Csr,
    /// Wall-clock seconds of the build.
    pub build_seconds: f64,
}

/// Value of the `format` metadata key of an index.
const FORMAT: &str = "spargraph-powerwalk-index";
/// Version of the metadata layout.
const META_VERSION: &str = "1";

impl PowerWalkIndex {
    /// Number of nodes of the indexed graph.
    pub fn n_nodes(&self) -> usize {
        self.fingerprints.n_rows()
    }

    /// The index's description as string pairs (for a file header, e.g.
    /// `spargraph_io::sparse_file::write_sparse`): `format`, `version`, `walks`,
    /// `damping`, `max_length`, `prune`, `seed`, `graph_fingerprint` (16 hex digits)
    /// (the build time is not stored, so the file is the same for any
    /// run and thread count). Floats use Rust's shortest round-trip notation, so
    /// [`PowerWalkIndex::from_parts`] restores the exact values.
    pub fn metadata(&self) -> Vec<(String, String)> {
        let c = &self.config;
        [
            ("format", FORMAT.to_string()),
            ("version", META_VERSION.to_string()),
            ("walks", c.walks.to_string()),
            ("damping", c.damping.to_string()),
            ("max_length", c.max_length.to_string()),
            ("prune", c.prune.to_string()),
            ("seed", c.seed.to_string()),
            (
                "graph_fingerprint",
                format!("{:016x}", self.graph_fingerprint),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Reassembles an index from its fingerprint matrix and [`PowerWalkIndex::metadata`]
    /// (keys in any order; unknown keys ignored; `build_seconds` optional). Fails
    /// with [`AlgorithmError::Mismatch`] if the format key is wrong, a key is missing
    /// or unparsable, or the matrix is not square with values, and with
    /// [`AlgorithmError::InvalidOption`] if an option is out of range.
    pub fn from_parts(
        fingerprints: Csr,
        metadata: &[(String, String)],
    ) -> Result<Self, AlgorithmError> {
        let get = |key: &str| -> Result<&str, AlgorithmError> {
            metadata
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .ok_or_else(|| {
                    AlgorithmError::Mismatch(format!("PowerWalk index metadata lacks `{key}`"))
                })
        };
        fn parse<T: std::str::FromStr>(key: &str, v: &str) -> Result<T, AlgorithmError> {
            v.parse().map_err(|_| {
                AlgorithmError::Mismatch(format!(
                    "PowerWalk index metadata: cannot parse {key} = {v:?}"
                ))
            })
        }
        let format = get("format")?;
        if format != FORMAT {
            return Err(AlgorithmError::Mismatch(format!(
                "not a PowerWalk index (format {format:?}, expected {FORMAT:?})"
            )));
        }
        let version = get("version")?;
        if version != META_VERSION {
            return Err(AlgorithmError::Mismatch(format!(
                "unsupported PowerWalk index version {version:?} (expected {META_VERSION})"
            )));
        }
        let config = PowerWalkIndexConfig {
            walks: parse("walks", get("walks")?)?,
            damping: parse("damping", get("damping")?)?,
            max_length: parse("max_length", get("max_length")?)?,
            prune: parse("prune", get("prune")?)?,
            seed: parse("seed", get("seed")?)?,
        };
        config.validate()?;
        let fp_hex = get("graph_fingerprint")?;
        let graph_fingerprint = u64::from_str_radix(fp_hex, 16).map_err(|_| {
            AlgorithmError::Mismatch(format!(
                "PowerWalk index metadata: cannot parse graph_fingerprint = {fp_hex:?}"
            ))
        })?;
        let build_seconds = match get("build_seconds") {
            Ok(v) => parse("build_seconds", v)?,
            Err(_) => 0.0,
        };
        if fingerprints.n_rows() != fingerprints.n_cols() {
            return Err(AlgorithmError::Mismatch(format!(
                "PowerWalk fingerprint matrix is {} x {}, expected square",
                fingerprints.n_rows(),
                fingerprints.n_cols()
            )));
        }
        if !fingerprints.is_weighted() {
            return Err(AlgorithmError::Mismatch(
                "PowerWalk fingerprint matrix has no values".into(),
            ));
        }
        Ok(PowerWalkIndex {
            config,
            graph_fingerprint,
            fingerprints,
            build_seconds,
        })
    }

    /// Checks that `g` is the graph the index was built for: same node count and
    /// same [`graph_fingerprint`]. Otherwise [`AlgorithmError::Mismatch`]
    /// (`index was built for another graph (fingerprint ... vs ...)`).
    pub fn check_graph(&self, g: &Graph) -> Result<(), AlgorithmError> {
        self.check_fingerprint(g.n_nodes(), graph_fingerprint(g))
    }

    /// [`PowerWalkIndex::check_graph`] with the graph's fingerprint already computed.
    fn check_fingerprint(&self, n: usize, fp: u64) -> Result<(), AlgorithmError> {
        if n != self.n_nodes() {
            return Err(AlgorithmError::Mismatch(format!(
                "index was built for another graph ({} nodes vs {n}; fingerprint {:016x} vs {fp:016x})",
                self.n_nodes(),
                self.graph_fingerprint
            )));
        }
        if fp != self.graph_fingerprint {
            return Err(AlgorithmError::Mismatch(format!(
                "index was built for another graph (fingerprint {:016x} vs {fp:016x})",
                self.graph_fingerprint
            )));
        }
        Ok(())
    }
}
