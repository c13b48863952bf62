//! Evaluation of node embeddings without leaving the tool: the node-classification
//! protocol of DeepWalk and the link-prediction protocol of node2vec, both as used by
//! the FastRP paper (Chen et al., "Fast and Accurate Network Embeddings via Very
//! Sparse Random Projection", CIKM 2019).
//!
//! - [`logistic`]: L2-regularised logistic regression with an unpenalised intercept
//!   (scikit-learn's `LogisticRegression(C=C)` objective), one-vs-rest over labels,
//!   solved by a truncated Newton method with all labels in lock step.
//! - [`metrics`]: micro- and macro-F1 of multi-label predictions (scikit-learn's
//!   conventions) and ROC AUC (Mann-Whitney, ties counting one half).
//! - [`node_classification`]: repeated random splits of the labelled nodes at several
//!   train ratios, top-`k` label prediction, micro/macro-F1 mean and spread.
//! - [`link_prediction`]: a connectivity-preserving edge split with sampled negative
//!   pairs, cosine scoring and AUC.
//!
//! Embeddings are passed as a row-major `f32` matrix (`n x dim`, row `v` = node `v`).
//! Every random choice is seeded, and every parallel computation is split so that
//! results are identical for any number of threads.

pub mod link_prediction;
pub mod logistic;
pub mod metrics;
pub mod node_classification;

pub use link_prediction::{
    cosine_scores, link_prediction_auc, split_edges, LinkSplit, LinkSplitConfig,
};
pub use logistic::{fit_binary, fit_one_vs_rest, LogisticConfig, OneVsRestModel};
pub use metrics::{f1_scores, roc_auc, F1Scores, LabelCounts};
pub use node_classification::{
    evaluate_node_classification, evaluate_split, top_k_labels, NodeClassificationConfig,
    NodeClassificationReport, RatioScores, SplitScores,
};
