//! Multi-label node classification from embeddings, with the scoring protocol of
//! DeepWalk (Perozzi et al., KDD 2014, `scoring.py`) used by the FastRP paper (Chen et
//! al., CIKM 2019).
//!
//! The labelled nodes are the nodes with at least one label. For each repeat `k` a
//! seeded random permutation of the labelled nodes is drawn (the same permutation for
//! every train ratio, as DeepWalk shuffles once and reuses the shuffles for each
//! ratio). For a train ratio `r` the first `floor(r * count)` nodes of the permutation
//! train a one-vs-rest L2 logistic regression ([`super::logistic`], scikit-learn's
//! `LogisticRegression` with inverse regularisation `C`), and the others are the test
//! nodes. Each test node is predicted its `k` most probable labels, `k` being its true
//! label count (DeepWalk's `TopKRanker`; ties broken by the lower label index), and the
//! micro- and macro-F1 of these predictions over the test nodes are reported
//! ([`super::metrics`]). Over the repeats of a ratio the mean and the population
//! standard deviation are reported.

use super::logistic::{fit_one_vs_rest, LogisticConfig};
use super::metrics::LabelCounts;
use crate::error::{check_at_least_one, check_open, check_positive, AlgorithmError};
use spargraph_engine::rng::Xoshiro256PlusPlus;

/// Options of [`evaluate_node_classification`].
#[derive(Clone, Debug, PartialEq)]
pub struct NodeClassificationConfig {
    /// Fractions of the labelled nodes used for training, each in (0, 1). Default
    /// `[0.1, 0.5, 0.9]`.
    pub train_ratios: Vec<f64>,
    /// Random splits per ratio (at least 1). Default 10.
    pub repeats: usize,
    /// Inverse regularisation strength `C > 0` of the logistic regression. Default 0.1 (the FastRP paper's protocol).
    pub c: f64,
    /// Penalise the intercept as liblinear does (see
    /// [`LogisticConfig::penalize_intercept`]). Default true: the solver of the
    /// DeepWalk scoring script the FastRP paper used (scikit-learn's `liblinear`).
    pub penalize_intercept: bool,
    /// Seed of the permutations: repeat `k` uses stream `k` of
    /// [`Xoshiro256PlusPlus::from_seed_and_stream`]. Default 42.
    pub seed: u64,
}

impl Default for NodeClassificationConfig {
    fn default() -> Self {
        NodeClassificationConfig {
            train_ratios: vec![0.1, 0.5, 0.9],
            repeats: 10,
            c: 0.1,
            penalize_intercept: true,
            seed: 42,
        }
    }
}

impl NodeClassificationConfig {
    /// Checks the ranges: every ratio in (0, 1), at least one ratio, `repeats >= 1`,
    /// `c > 0`. (Whether a ratio leaves a training and a test node depends on the data:
    /// [`evaluate_node_classification`] checks it.)
    pub fn validate(&self) -> Result<(), AlgorithmError> {
        if self.train_ratios.is_empty() {
            return Err(AlgorithmError::InvalidOption {
                name: "train-ratios",
                value: "[]".into(),
                expected: "must list at least one ratio",
            });
        }
        for &r in &self.train_ratios {
            check_open(
                "train-ratio",
                r,
                0.0,
                1.0,
                "must be strictly between 0 and 1",
            )?;
        }
        check_at_least_one("repeats", self.repeats)?;
        check_positive("c", self.c)
    }
}

/// Micro- and macro-F1 of one train/test split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SplitScores {
    /// Micro-averaged F1 over the test nodes.
    pub micro_f1: f64,
    /// Macro-averaged F1 (unweighted mean over all labels) over the test nodes.
    pub macro_f1: f64,
}

/// The scores of one train ratio over all repeats.
#[derive(Clone, Debug, PartialEq)]
pub struct RatioScores {
    /// The train ratio `r`.
    pub train_ratio: f64,
    /// Training nodes per split, `floor(r * labelled)`.
    pub train_count: usize,
    /// Test nodes per split, `labelled - train_count`.
    pub test_count: usize,
    /// Mean micro-F1 over the repeats.
    pub micro_f1_mean: f64,
    /// Population standard deviation `sqrt(mean((x - mean)^2))` of the micro-F1.
    pub micro_f1_std: f64,
    /// Mean macro-F1 over the repeats.
    pub macro_f1_mean: f64,
    /// Population standard deviation of the macro-F1.
    pub macro_f1_std: f64,
    /// Micro-F1 of each repeat, in repeat order.
    pub micro_f1: Vec<f64>,
    /// Macro-F1 of each repeat, in repeat order.
    pub macro_f1: Vec<f64>,
}

/// The result of [`evaluate_node_classification`].
#[derive(Clone, Debug, PartialEq)]
pub struct NodeClassificationReport {
    /// Nodes with at least one label (the nodes that are split).
    pub labelled_nodes: usize,
    /// Number of labels `L`.
    pub n_labels: usize,
    /// One entry per train ratio, in the configured order.
    pub ratios: Vec<RatioScores>,
}

/// Runs the DeepWalk node-classification protocol (see the [module
/// documentation](self)) on embeddings `x` (row-major `n x dim`, `f32`) with labels
/// `labels[v]` for node `v` (`labels.len() == n`, indices `< n_labels`, empty for an
/// unlabelled node).
///
/// Errors: invalid options ([`NodeClassificationConfig::validate`]), a ratio that
/// leaves no training or no test node (`InvalidOption` on `train-ratio`), shapes that
/// do not fit or labels out of range (`Mismatch`).
pub fn evaluate_node_classification(
    x: &[f32],
    dim: usize,
    labels: &[Vec<u32>],
    n_labels: usize,
    cfg: &NodeClassificationConfig,
) -> Result<NodeClassificationReport, AlgorithmError> {
    cfg.validate()?;
    check_inputs(x, dim, labels, n_labels)?;
    let labelled: Vec<u32> = (0..labels.len() as u32)
        .filter(|&v| !labels[v as usize].is_empty())
        .collect();
    let count = labelled.len();
    let splits: Vec<usize> = cfg
        .train_ratios
        .iter()
        .map(|&r| {
            let train = (r * count as f64).floor() as usize;
            if train == 0 || train >= count {
                Err(AlgorithmError::InvalidOption {
                    name: "train-ratio",
                    value: format!("{r} ({train} of {count} labelled nodes for training)"),
                    expected: "must leave at least one training and one test node",
                })
            } else {
                Ok(train)
            }
        })
        .collect::<Result<_, _>>()?;
    let perms: Vec<Vec<u32>> = (0..cfg.repeats)
        .map(|k| {
            let mut p = labelled.clone();
            shuffle(&mut p, cfg.seed, k as u64);
            p
        })
        .collect();
    let mut ratios = Vec::with_capacity(splits.len());
    for (&r, &train) in cfg.train_ratios.iter().zip(&splits) {
        let mut micro = Vec::with_capacity(cfg.repeats);
        let mut macro_ = Vec::with_capacity(cfg.repeats);
        for p in &perms {
            let (tr, te) = p.split_at(train);
            let s = split_scores(
                x,
                dim,
                labels,
                n_labels,
                tr,
                te,
                cfg.c,
                cfg.penalize_intercept,
            )?;
            micro.push(s.micro_f1);
            macro_.push(s.macro_f1);
        }
        let (micro_f1_mean, micro_f1_std) = mean_std(&micro);
        let (macro_f1_mean, macro_f1_std) = mean_std(&macro_);
        ratios.push(RatioScores {
            train_ratio: r,
            train_count: train,
            test_count: count - train,
            micro_f1_mean,
            micro_f1_std,
            macro_f1_mean,
            macro_f1_std,
            micro_f1: micro,
            macro_f1: macro_,
        });
    }
    Ok(NodeClassificationReport {
        labelled_nodes: count,
        n_labels,
        ratios,
    })
}

/// Scores one given split: fits the one-vs-rest logistic regression (inverse
/// regularisation `c`, the intercept penalised if `penalize_intercept`, default
/// solver settings of [`LogisticConfig`] otherwise) on the nodes
/// `train`, predicts each node of `test` its top-`k` labels (`k` = its true label
/// count, ties to the lower label index) and returns the micro- and macro-F1 over
/// `test`. Inputs as in [`evaluate_node_classification`]; `train` and `test` must be
/// non-empty (they are not required to be disjoint or labelled).
#[allow(clippy::too_many_arguments)]
pub fn evaluate_split(
    x: &[f32],
    dim: usize,
    labels: &[Vec<u32>],
    n_labels: usize,
    train: &[u32],
    test: &[u32],
    c: f64,
    penalize_intercept: bool,
) -> Result<SplitScores, AlgorithmError> {
    check_positive("c", c)?;
    check_inputs(x, dim, labels, n_labels)?;
    if train.is_empty() || test.is_empty() {
        return Err(AlgorithmError::Mismatch(
            "a split needs at least one training and one test node".into(),
        ));
    }
    split_scores(x, dim, labels, n_labels, train, test, c, penalize_intercept)
}

/// The top-`k[r]` labels of each row `r` of the `rows x n_labels` row-major
/// probability matrix `proba`, by decreasing probability, ties broken by the lower
/// label index (`k[r]` is capped at `n_labels`).
pub fn top_k_labels(proba: &[f64], n_labels: usize, k: &[usize]) -> Vec<Vec<u32>> {
    assert_eq!(
        proba.len(),
        k.len() * n_labels,
        "top_k_labels: shape mismatch"
    );
    let mut order: Vec<u32> = Vec::with_capacity(n_labels);
    k.iter()
        .enumerate()
        .map(|(r, &kr)| {
            let row = &proba[r * n_labels..(r + 1) * n_labels];
            order.clear();
            order.extend(0..n_labels as u32);
            order.sort_by(|&a, &b| row[b as usize].total_cmp(&row[a as usize]).then(a.cmp(&b)));
            order[..kr.min(n_labels)].to_vec()
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn split_scores(
    x: &[f32],
    dim: usize,
    labels: &[Vec<u32>],
    n_labels: usize,
    train: &[u32],
    test: &[u32],
    c: f64,
    penalize_intercept: bool,
) -> Result<SplitScores, AlgorithmError> {
    let cfg = LogisticConfig {
        c,
        penalize_intercept,
        ..LogisticConfig::default()
    };
    let model = fit_one_vs_rest(x, dim, train, labels, n_labels, &cfg)?;
    let proba = model.predict_proba(x, dim, test)?;
    let truth: Vec<Vec<u32>> = test
        .iter()
        .map(|&v| {
            let mut t = labels[v as usize].clone();
            t.sort_unstable();
            t.dedup();
            t
        })
        .collect();
    let k: Vec<usize> = truth.iter().map(Vec::len).collect();
    let predicted = top_k_labels(&proba, n_labels, &k);
    let counts = LabelCounts::from_sets(&truth, &predicted, n_labels)?;
    Ok(SplitScores {
        micro_f1: counts.micro_f1(),
        macro_f1: counts.macro_f1(),
    })
}

fn check_inputs(
    x: &[f32],
    dim: usize,
    labels: &[Vec<u32>],
    n_labels: usize,
) -> Result<(), AlgorithmError> {
    if dim == 0 || !x.len().is_multiple_of(dim) || x.len() / dim != labels.len() {
        return Err(AlgorithmError::Mismatch(format!(
            "{} embedding values of dimension {dim} for {} labelled-or-not nodes",
            x.len(),
            labels.len()
        )));
    }
    for (v, ls) in labels.iter().enumerate() {
        if let Some(&l) = ls.iter().find(|&&l| l as usize >= n_labels) {
            return Err(AlgorithmError::Mismatch(format!(
                "label {l} of node {v} is not below the label count {n_labels}"
            )));
        }
    }
    Ok(())
}

/// Fisher-Yates shuffle (Durstenfeld's version: for `i` from the end, swap `i` with a
/// uniform `j <= i`) driven by stream `stream` of the seed.
pub(crate) fn shuffle<T>(v: &mut [T], seed: u64, stream: u64) {
    let mut g = Xoshiro256PlusPlus::from_seed_and_stream(seed, stream);
    for i in (1..v.len()).rev() {
        let j = g.gen_range(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

/// Mean and population standard deviation.
fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two well separated clusters per label in 2-D, some nodes unlabelled.
    fn toy(n: usize) -> (Vec<f32>, Vec<Vec<u32>>) {
        let mut g = Xoshiro256PlusPlus::new(3);
        let mut x = Vec::new();
        let mut labels = Vec::new();
        for v in 0..n {
            let l = (v % 3) as u32;
            let (cx, cy) = [(4.0, 0.0), (0.0, 4.0), (-4.0, -4.0)][l as usize];
            x.push(cx + g.next_f32() - 0.5);
            x.push(cy + g.next_f32() - 0.5);
            labels.push(if v % 7 == 6 { vec![] } else { vec![l] });
        }
        (x, labels)
    }

    #[test]
    fn separable_clusters_score_perfectly() {
        let (x, labels) = toy(120);
        let cfg = NodeClassificationConfig {
            train_ratios: vec![0.2, 0.6],
            repeats: 3,
            ..NodeClassificationConfig::default()
        };
        let rep = evaluate_node_classification(&x, 2, &labels, 3, &cfg).unwrap();
        let labelled = labels.iter().filter(|l| !l.is_empty()).count();
        assert_eq!(rep.labelled_nodes, labelled);
        assert_eq!(rep.ratios.len(), 2);
        for r in &rep.ratios {
            assert_eq!(r.train_count + r.test_count, labelled);
            assert_eq!(r.micro_f1, vec![1.0; 3]);
            assert_eq!(r.macro_f1, vec![1.0; 3]);
            assert_eq!((r.micro_f1_mean, r.micro_f1_std), (1.0, 0.0));
        }
        assert_eq!(rep.ratios[0].train_count, (0.2 * labelled as f64) as usize);
        // Deterministic for a seed, different for another.
        let again = evaluate_node_classification(&x, 2, &labels, 3, &cfg).unwrap();
        assert_eq!(rep, again);
    }

    #[test]
    fn noisy_scores_vary_by_seed_and_match_evaluate_split() {
        let mut g = Xoshiro256PlusPlus::new(9);
        let n = 200;
        let x: Vec<f32> = (0..n * 4).map(|_| g.next_f32()).collect();
        let labels: Vec<Vec<u32>> = (0..n)
            .map(|v| {
                let mut l = vec![(x[v * 4] * 3.0) as u32 % 3];
                if x[v * 4 + 1] > 0.7 {
                    l.push(3);
                }
                l
            })
            .collect();
        let cfg = NodeClassificationConfig {
            train_ratios: vec![0.5],
            repeats: 4,
            ..NodeClassificationConfig::default()
        };
        let a = evaluate_node_classification(&x, 4, &labels, 4, &cfg).unwrap();
        let r = &a.ratios[0];
        let (m, s) = mean_std(&r.micro_f1);
        assert_eq!((m, s), (r.micro_f1_mean, r.micro_f1_std));
        assert!(r.micro_f1.iter().all(|&f| f > 0.3 && f < 1.0));
        // Repeat k is the split given by stream k of the seed.
        let mut p: Vec<u32> = (0..n as u32).collect();
        shuffle(&mut p, 42, 2);
        let (tr, te) = p.split_at(100);
        let s = evaluate_split(&x, 4, &labels, 4, tr, te, cfg.c, cfg.penalize_intercept).unwrap();
        assert_eq!(s.micro_f1, r.micro_f1[2]);
        assert_eq!(s.macro_f1, r.macro_f1[2]);
        let b = evaluate_node_classification(
            &x,
            4,
            &labels,
            4,
            &NodeClassificationConfig {
                seed: 7,
                ..cfg.clone()
            },
        )
        .unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn top_k_breaks_ties_by_label() {
        let p = [0.2, 0.5, 0.5, 0.1, 0.9, 0.9, 0.9, 0.0];
        assert_eq!(
            top_k_labels(&p, 4, &[2, 3]),
            vec![vec![1, 2], vec![0, 1, 2]]
        );
        assert_eq!(top_k_labels(&p, 4, &[0, 9]), vec![vec![], vec![0, 1, 2, 3]]);
    }

    #[test]
    fn invalid_options_are_rejected() {
        let (x, labels) = toy(30);
        let bad = |cfg: NodeClassificationConfig| {
            matches!(
                evaluate_node_classification(&x, 2, &labels, 3, &cfg),
                Err(AlgorithmError::InvalidOption { .. })
            )
        };
        let d = NodeClassificationConfig::default;
        assert!(bad(NodeClassificationConfig {
            train_ratios: vec![0.0],
            ..d()
        }));
        assert!(bad(NodeClassificationConfig {
            train_ratios: vec![0.5, 1.0],
            ..d()
        }));
        assert!(bad(NodeClassificationConfig {
            train_ratios: vec![f64::NAN],
            ..d()
        }));
        assert!(bad(NodeClassificationConfig {
            train_ratios: vec![],
            ..d()
        }));
        assert!(bad(NodeClassificationConfig { repeats: 0, ..d() }));
        assert!(bad(NodeClassificationConfig { c: 0.0, ..d() }));
        assert!(bad(NodeClassificationConfig { c: -1.0, ..d() }));
        // 26 labelled nodes: 0.03 leaves no training node (a ratio below 1 always
        // leaves a test node, as floor(r * count) < count).
        assert!(bad(NodeClassificationConfig {
            train_ratios: vec![0.03],
            ..d()
        }));
        assert!(matches!(
            evaluate_node_classification(&x, 2, &labels, 2, &d()),
            Err(AlgorithmError::Mismatch(_))
        ));
        assert!(evaluate_node_classification(&x, 3, &labels, 3, &d()).is_err());
        assert!(evaluate_split(&x, 2, &labels, 3, &[], &[1], 1.0, true).is_err());
    }
}
