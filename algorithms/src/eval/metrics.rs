//! Classification metrics: micro- and macro-averaged F1 for multi-label predictions,
//! and ROC AUC from the scores of positive and negative examples.

use crate::error::AlgorithmError;

/// Per-label confusion counts of multi-label predictions over a set of samples.
///
/// For label `l`: `tp[l]` samples have `l` both true and predicted, `fp[l]` predicted
/// only, `fn_[l]` true only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelCounts {
    /// True positives per label.
    pub tp: Vec<u64>,
    /// False positives per label.
    pub fp: Vec<u64>,
    /// False negatives per label.
    pub fn_: Vec<u64>,
}

/// Micro- and macro-averaged F1 scores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct F1Scores {
    /// Micro F1: `2 TP / (2 TP + FP + FN)` with counts summed over labels.
    pub micro: f64,
    /// Macro F1: the unweighted mean over labels of `2 tp / (2 tp + fp + fn)`.
    pub macro_: f64,
}

impl LabelCounts {
    /// Counts over samples `s`, with true label sets `truth[s]` and predicted label
    /// sets `predicted[s]` (label indices `< n_labels`; duplicates within a set are
    /// counted once).
    pub fn from_sets<T: AsRef<[u32]>, P: AsRef<[u32]>>(
        truth: &[T],
        predicted: &[P],
        n_labels: usize,
    ) -> Result<Self, AlgorithmError> {
        if truth.len() != predicted.len() {
            return Err(AlgorithmError::Mismatch(format!(
                "{} true label sets, {} predicted",
                truth.len(),
                predicted.len()
            )));
        }
        let mut c = LabelCounts {
            tp: vec![0; n_labels],
            fp: vec![0; n_labels],
            fn_: vec![0; n_labels],
        };
        // Per sample membership flags: bit 0 true, bit 1 predicted.
        let mut flags = vec![0u8; n_labels];
        let mut touched: Vec<usize> = Vec::new();
        for (s, (t, p)) in truth.iter().zip(predicted).enumerate() {
            for (set, bit) in [(t.as_ref(), 1u8), (p.as_ref(), 2u8)] {
                for &l in set {
                    let l = l as usize;
                    if l >= n_labels {
                        return Err(AlgorithmError::Mismatch(format!(
                            "label {l} of sample {s} is not below the label count {n_labels}"
                        )));
                    }
                    if flags[l] == 0 {
                        touched.push(l);
                    }
                    flags[l] |= bit;
                }
            }
            for &l in &touched {
                match flags[l] {
                    1 => c.fn_[l] += 1,
                    2 => c.fp[l] += 1,
                    _ => c.tp[l] += 1,
                }
                flags[l] = 0;
            }
            touched.clear();
        }
        Ok(c)
    }

    /// Micro F1 `2 TP / (2 TP + FP + FN)` over the summed counts; 0 when the
    /// denominator is 0 (no true and no predicted label at all), as scikit-learn's
    /// `f1_score(average="micro")` with its default `zero_division`.
    pub fn micro_f1(&self) -> f64 {
        let tp: u64 = self.tp.iter().sum();
        let fp: u64 = self.fp.iter().sum();
        let fn_: u64 = self.fn_.iter().sum();
        f1(tp, fp, fn_)
    }

    /// Macro F1: the unweighted mean over all `n_labels` labels of
    /// `2 tp / (2 tp + fp + fn)`, a label with no true and no predicted positive
    /// counting as 0 (scikit-learn 1.9's `f1_score(average="macro")` with its default
    /// `zero_division="warn"`, which sets such labels to 0.0 and keeps them in the
    /// mean). 0 when there are no labels.
    pub fn macro_f1(&self) -> f64 {
        let l = self.tp.len();
        if l == 0 {
            return 0.0;
        }
        let sum: f64 = (0..l)
            .map(|i| f1(self.tp[i], self.fp[i], self.fn_[i]))
            .sum();
        sum / l as f64
    }

    /// Both averages.
    pub fn f1(&self) -> F1Scores {
        F1Scores {
            micro: self.micro_f1(),
            macro_: self.macro_f1(),
        }
    }
}

fn f1(tp: u64, fp: u64, fn_: u64) -> f64 {
    let den = 2 * tp + fp + fn_;
    if den == 0 {
        0.0
    } else {
        (2 * tp) as f64 / den as f64
    }
}

/// Micro- and macro-F1 of predicted label sets against true ones (see
/// [`LabelCounts::micro_f1`] and [`LabelCounts::macro_f1`]).
pub fn f1_scores<T: AsRef<[u32]>, P: AsRef<[u32]>>(
    truth: &[T],
    predicted: &[P],
    n_labels: usize,
) -> Result<F1Scores, AlgorithmError> {
    Ok(LabelCounts::from_sets(truth, predicted, n_labels)?.f1())
}

/// Area under the ROC curve of scores of positive and negative examples: the
/// Mann-Whitney statistic
///
/// `AUC = (#{(p, n) : s_p > s_n} + 0.5 #{(p, n) : s_p = s_n}) / (|P| |N|)`,
///
/// the probability that a random positive outranks a random negative, ties counting
/// one half (scikit-learn's `roc_auc_score`). Computed by sorting all scores once,
/// `O((|P| + |N|) log(|P| + |N|))`, with exact integer pair counts. `None` when
/// either set is empty or a score is NaN.
pub fn roc_auc(positive: &[f64], negative: &[f64]) -> Option<f64> {
    if positive.is_empty() || negative.is_empty() {
        return None;
    }
    if positive.iter().chain(negative).any(|s| s.is_nan()) {
        return None;
    }
    let mut all: Vec<(f64, bool)> = positive
        .iter()
        .map(|&s| (s, true))
        .chain(negative.iter().map(|&s| (s, false)))
        .collect();
    // -0.0 and 0.0 are equal scores: compare with `partial_cmp` (no NaN here).
    all.sort_unstable_by(|a, b| a.0.partial_cmp(&b.0).expect("no NaN"));
    // Twice the count of (positive, negative) pairs won by the positive, plus ties.
    let mut twice: u128 = 0;
    let mut neg_below: u128 = 0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        let (mut pos, mut neg) = (0u128, 0u128);
        while j < all.len() && all[j].0 == all[i].0 {
            if all[j].1 {
                pos += 1;
            } else {
                neg += 1;
            }
            j += 1;
        }
        twice += pos * (2 * neg_below + neg);
        neg_below += neg;
        i = j;
    }
    let pairs = positive.len() as u128 * negative.len() as u128;
    Some(twice as f64 / (2 * pairs) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use spargraph_engine::rng::Xoshiro256PlusPlus;

    #[test]
    fn f1_hand_computed() {
        // 3 labels, 4 samples.
        let truth: Vec<Vec<u32>> = vec![vec![0, 1], vec![1], vec![2], vec![0]];
        let pred: Vec<Vec<u32>> = vec![vec![0, 2], vec![1], vec![1], vec![0]];
        let c = LabelCounts::from_sets(&truth, &pred, 3).unwrap();
        assert_eq!(c.tp, vec![2, 1, 0]);
        assert_eq!(c.fp, vec![0, 1, 1]);
        assert_eq!(c.fn_, vec![0, 1, 1]);
        // micro: TP 3, FP 2, FN 2 -> 6 / 10.
        assert_eq!(c.micro_f1(), 0.6);
        // per label: 1, 2/4, 0 -> mean 0.5.
        assert_eq!(c.macro_f1(), 0.5);
        // A label never true nor predicted counts as 0 in the macro mean.
        let c4 = LabelCounts::from_sets(&truth, &pred, 4).unwrap();
        assert_eq!(c4.macro_f1(), 1.5 / 4.0);
        assert_eq!(c4.micro_f1(), 0.6);
        // The scikit-learn example from the zero-division check: [[1,0,0],[0,1,0]]
        // vs [[1,0,0],[1,0,0]] gives per-label (2/3, 0, 0), macro 2/9.
        let s = f1_scores(&[vec![0u32], vec![1]], &[vec![0u32], vec![0]], 3).unwrap();
        assert!((s.macro_ - 2.0 / 9.0).abs() < 1e-15);
        assert!((s.micro - 0.5).abs() < 1e-15);
        // Duplicates count once; nothing at all gives 0.
        let d = f1_scores(&[vec![1u32, 1]], &[vec![1u32]], 2).unwrap();
        assert_eq!((d.micro, d.macro_), (1.0, 0.5));
        let e = f1_scores(&[Vec::<u32>::new()], &[Vec::<u32>::new()], 2).unwrap();
        assert_eq!((e.micro, e.macro_), (0.0, 0.0));
        assert!(f1_scores(&[vec![3u32]], &[vec![0u32]], 3).is_err());
        assert!(f1_scores(&[vec![0u32]], &[] as &[Vec<u32>], 3).is_err());
    }

    fn brute_auc(p: &[f64], n: &[f64]) -> f64 {
        let mut s = 0.0;
        for &a in p {
            for &b in n {
                s += if a > b {
                    1.0
                } else if a == b {
                    0.5
                } else {
                    0.0
                };
            }
        }
        s / (p.len() * n.len()) as f64
    }

    #[test]
    fn auc_matches_pair_counting_on_random_data() {
        let mut g = Xoshiro256PlusPlus::new(11);
        for case in 0..300 {
            let np = 1 + g.gen_range(40) as usize;
            let nn = 1 + g.gen_range(40) as usize;
            // Few distinct values in some cases, to force many ties.
            let levels = if case % 2 == 0 { 5 } else { 1_000_000 };
            let mut draw = |shift: u64| (g.gen_range(levels) + shift) as f64 / 7.0;
            let p: Vec<f64> = (0..np).map(|_| draw(case % 3)).collect();
            let n: Vec<f64> = (0..nn).map(|_| draw(0)).collect();
            let got = roc_auc(&p, &n).unwrap();
            let want = brute_auc(&p, &n);
            assert!((got - want).abs() < 1e-12, "case {case}: {got} vs {want}");
        }
    }

    #[test]
    fn auc_edge_cases() {
        assert_eq!(roc_auc(&[1.0, 2.0], &[0.0]), Some(1.0));
        assert_eq!(roc_auc(&[0.0], &[1.0, 2.0]), Some(0.0));
        assert_eq!(roc_auc(&[1.0], &[1.0]), Some(0.5));
        assert_eq!(roc_auc(&[0.0], &[-0.0]), Some(0.5));
        assert_eq!(roc_auc(&[], &[1.0]), None);
        assert_eq!(roc_auc(&[1.0], &[]), None);
        assert_eq!(roc_auc(&[f64::NAN], &[1.0]), None);
        // Hand-computed: pairs (3>1, 3>2, 3=3) and (2>1, 2=2, 2<3) -> (2.5 + 1.5) / 6.
        assert_eq!(roc_auc(&[3.0, 2.0], &[1.0, 2.0, 3.0]), Some(4.0 / 6.0));
    }
}
