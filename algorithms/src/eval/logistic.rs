//! L2-regularised binary logistic regression with an intercept (unpenalised as in
//! scikit-learn's `lbfgs`, or penalised as in `liblinear`), fitted one-vs-rest over
//! many labels.
//!
//! For training rows `x_i` (features of dimension `d`) with targets
//! `y_i in {-1, +1}`, the fit minimises
//!
//! `F(w, b) = 0.5 ||w||^2 + C sum_i log(1 + exp(-y_i (w . x_i + b)))`,
//!
//! the objective of scikit-learn's `LogisticRegression(solver="lbfgs", C=C)` (which
//! minimises `F / (C n)`, the same minimiser): the intercept `b` is not penalised.
//! With [`LogisticConfig::penalize_intercept`] the objective gains `0.5 b^2`, which is
//! `solver="liblinear"`'s (a constant feature 1 that is regularised like the others).
//! The probability of the positive class is `sigma(w . x + b)` with
//! `sigma(t) = 1 / (1 + exp(-t))`.
//!
//! # Solver
//!
//! A truncated Newton method (Nash, "A survey of truncated-Newton methods", J.
//! Comput. Appl. Math. 124, 2000; the method of scikit-learn's `newton-cg` solver):
//! each iteration solves `H p = -g` approximately by conjugate gradients, where
//! `H = [I 0; 0 0] + C X~^T D X~` (with `X~ = [X 1]` and
//! `D = diag(sigma(z_i) (1 - sigma(z_i)))`) is the Hessian and `g` the gradient,
//! stopping when `||r|| <= eta ||g||` with the forcing term
//! `eta = min(0.5, sqrt(||g|| / ||g_0||))` (superlinear convergence, Eisenstat &
//! Walker 1996). The CG is preconditioned by the Hessian's diagonal (Jacobi:
//! `1 + C sum_i sigma(z_i) sigma(-z_i) x_ik^2`, and `C sum_i sigma(z_i) sigma(-z_i)`
//! for the intercept), as in liblinear's TRON since version 2.20 (Hsia, Chiang & Lin,
//! ACML 2018), which makes the number of CG steps insensitive to the scale of the
//! feature columns. The iteration then takes the first step `2^-j p` that satisfies
//! the Armijo rule
//! `F(theta + t p) <= F(theta) + 1e-4 t g . p`. The change of the objective is
//! evaluated term by term as `log1p(sigma(a) expm1(delta))`, so the line search stays
//! meaningful when the decrease is far below `eps * F`. The solver stops when
//! `max_k |g_k| / (C n) <= tolerance`: the infinity norm of the gradient of
//! `F / (C n)`, the quantity scikit-learn's `tol` bounds for `lbfgs`.
//!
//! # Speed and determinism
//!
//! All the labels of a one-vs-rest fit run in lock step, so that each step streams
//! the feature matrix once for all labels: the products `X V` (margins, one column per
//! label) and `X^T S` (gradients, Hessian-vector products, Hessian diagonals) are
//! register-blocked over 4 rows (or 4 features) times a panel of 8 labels, the inner
//! loop a broadcast feature value times 8 contiguous label weights (`f32` data widened
//! to `f64`, `f64` accumulation; compiled for AVX2 when the CPU has it, with the same
//! operations in the same order either way), and split over rayon tasks by rows
//! (`X V`) and by feature blocks (`X^T S`). Every output entry is one sequential sum
//! (over features, or over training rows in order) that depends neither on the task
//! split nor on which other labels share the step, so each label's model is
//! bit-for-bit the model a single-label fit gives, for any thread count.

use crate::error::{check_at_least_one, check_positive, AlgorithmError};
use rayon::prelude::*;

/// Options of [`fit_one_vs_rest`] and [`fit_binary`].
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticConfig {
    /// Inverse regularisation strength `C > 0` (scikit-learn's `C`). Default 1.0.
    pub c: f64,
    /// Stop when `max_k |dF/dtheta_k| / (C n) <= tolerance` (`n` training rows; the
    /// gradient norm of scikit-learn's scaled objective, the quantity its `tol`
    /// bounds). Default 1e-10, which puts predicted probabilities within ~1e-8 of the
    /// exact minimiser on typical data (Newton converges quadratically, so a tight
    /// tolerance costs about one more iteration than a loose one).
    pub tolerance: f64,
    /// Cap on Newton iterations per label. Default 100 (typical fits need 5-15).
    pub max_iterations: usize,
    /// Penalise the intercept like a weight: minimise `0.5 (||w||^2 + b^2) + C sum
    /// loss`, the objective of scikit-learn's `solver="liblinear"` (liblinear appends
    /// a constant feature 1, `intercept_scaling=1`), which the DeepWalk / FastRP
    /// scoring protocol used. Default false (the `lbfgs` objective).
    pub penalize_intercept: bool,
}

impl Default for LogisticConfig {
    fn default() -> Self {
        LogisticConfig {
            c: 1.0,
            tolerance: 1e-10,
            max_iterations: 100,
            penalize_intercept: false,
        }
    }
}

impl LogisticConfig {
    /// Checks the ranges: `c > 0`, `tolerance > 0` (both finite), `max_iterations >= 1`.
    pub fn validate(&self) -> Result<(), AlgorithmError> {
        check_positive("c", self.c)?;
        check_positive("tolerance", self.tolerance)?;
        check_at_least_one("max-iterations", self.max_iterations)?;
        Ok(())
    }
}

/// A fitted one-vs-rest model: one binary logistic regression per label.
///
/// Label `l` scores a row `x` as `sigma(coef[l] . x + intercept[l])`. A label whose
/// training targets are all negative (or all positive) has no finite minimiser; its
/// model is `coef = 0`, `intercept = -inf` (`+inf`), i.e. probability 0 (1) for every
/// row, with `iterations = 0` and `converged = true`.
#[derive(Clone, Debug, PartialEq)]
pub struct OneVsRestModel {
    /// Feature dimension `d`.
    pub dim: usize,
    /// Number of labels `L`.
    pub n_labels: usize,
    /// Coefficients, label-major: `coef[l * dim + k]` is weight `k` of label `l`.
    pub coef: Vec<f64>,
    /// Intercept of each label.
    pub intercept: Vec<f64>,
    /// Newton iterations used by each label.
    pub iterations: Vec<usize>,
    /// Whether each label reached the tolerance (false: iteration cap hit, or the
    /// line search could not decrease the objective any more at `f64` precision).
    pub converged: Vec<bool>,
    /// Final `max_k |dF/dtheta_k| / (C n)` of each label (0 for constant labels).
    pub gradient_norm: Vec<f64>,
}

impl OneVsRestModel {
    /// The coefficients of label `l` (`dim` entries).
    pub fn coef(&self, l: usize) -> &[f64] {
        &self.coef[l * self.dim..(l + 1) * self.dim]
    }

    /// Decision values `coef[l] . x_r + intercept[l]` for the rows `rows` of the
    /// row-major matrix `x` (width `dim`), as a `rows.len() x n_labels` row-major
    /// matrix.
    pub fn decision_function(
        &self,
        x: &[f32],
        dim: usize,
        rows: &[u32],
    ) -> Result<Vec<f64>, AlgorithmError> {
        if dim != self.dim {
            return Err(AlgorithmError::Mismatch(format!(
                "features have dimension {dim}, the model {}",
                self.dim
            )));
        }
        let design = Design::new(x, dim, rows)?;
        let mut out = vec![0.0; rows.len() * self.n_labels];
        design.forward(&self.coef, &self.intercept, &mut out);
        Ok(out)
    }

    /// Positive-class probabilities `sigma(coef[l] . x_r + intercept[l])` for the rows
    /// `rows` of `x` (row-major, width `dim`): a `rows.len() x n_labels` row-major
    /// matrix, the column `l` of scikit-learn's `predict_proba(X)[:, 1]` of label `l`.
    pub fn predict_proba(
        &self,
        x: &[f32],
        dim: usize,
        rows: &[u32],
    ) -> Result<Vec<f64>, AlgorithmError> {
        let mut out = self.decision_function(x, dim, rows)?;
        out.par_iter_mut().for_each(|v| *v = sigmoid(*v));
        Ok(out)
    }
}

/// Fits one binary logistic regression per label (one-vs-rest), all labels in
/// parallel.
///
/// `x` is the row-major `n x dim` feature matrix (`f32`), `train_rows` the rows used
/// for training (in any order, not empty; a row listed twice counts twice, as a
/// duplicated sample does in scikit-learn), `targets[r]` the labels of row `r`
/// (`targets.len() == n`, every label `< n_labels`, duplicates ignored). For label `l`
/// the binary target of row `r` is `+1` if `l` is in `targets[r]`, else `-1`. The
/// objective and solver are described in the [module documentation](self).
pub fn fit_one_vs_rest(
    x: &[f32],
    dim: usize,
    train_rows: &[u32],
    targets: &[Vec<u32>],
    n_labels: usize,
    cfg: &LogisticConfig,
) -> Result<OneVsRestModel, AlgorithmError> {
    cfg.validate()?;
    let design = Design::new(x, dim, train_rows)?;
    if train_rows.is_empty() {
        return Err(AlgorithmError::Mismatch("no training rows".into()));
    }
    let n = x.len() / dim;
    if targets.len() != n {
        return Err(AlgorithmError::Mismatch(format!(
            "{} target lists for {n} feature rows",
            targets.len()
        )));
    }
    let mut ys = vec![vec![-1.0f64; train_rows.len()]; n_labels];
    for (i, &r) in train_rows.iter().enumerate() {
        for &l in &targets[r as usize] {
            let Some(y) = ys.get_mut(l as usize) else {
                return Err(AlgorithmError::Mismatch(format!(
                    "label {l} of row {r} is not below the label count {n_labels}"
                )));
            };
            y[i] = 1.0;
        }
    }
    Ok(fit_labels(&design, ys, cfg))
}

/// Fits one binary logistic regression: `positive[i]` is the target of row
/// `train_rows[i]` (`true` = `+1`). Returns a one-label [`OneVsRestModel`]; the result
/// is bit-for-bit the model of the same label in a [`fit_one_vs_rest`] fit.
pub fn fit_binary(
    x: &[f32],
    dim: usize,
    train_rows: &[u32],
    positive: &[bool],
    cfg: &LogisticConfig,
) -> Result<OneVsRestModel, AlgorithmError> {
    cfg.validate()?;
    let design = Design::new(x, dim, train_rows)?;
    if train_rows.is_empty() {
        return Err(AlgorithmError::Mismatch("no training rows".into()));
    }
    if positive.len() != train_rows.len() {
        return Err(AlgorithmError::Mismatch(format!(
            "{} targets for {} training rows",
            positive.len(),
            train_rows.len()
        )));
    }
    let y = positive
        .iter()
        .map(|&p| if p { 1.0 } else { -1.0 })
        .collect();
    Ok(fit_labels(&design, vec![y], cfg))
}

// ---------------------------------------------------------------------------
// Scalar functions
// ---------------------------------------------------------------------------

/// `sigma(t) = 1 / (1 + exp(-t))`, without overflow (exact 0 and 1 at -inf, +inf).
#[inline]
pub(crate) fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// `softplus(a) = log(1 + exp(a))`, without overflow.
#[inline]
fn softplus(a: f64) -> f64 {
    if a > 0.0 {
        a + (-a).exp().ln_1p()
    } else {
        a.exp().ln_1p()
    }
}

/// `softplus(a + delta) - softplus(a)`, accurate when `delta` is small:
/// `log((1 + e^(a + delta)) / (1 + e^a)) = log1p(sigma(a) expm1(delta))`.
#[inline]
fn softplus_diff(a: f64, delta: f64) -> f64 {
    if delta.abs() <= 1.0 {
        (sigmoid(a) * delta.exp_m1()).ln_1p()
    } else {
        softplus(a + delta) - softplus(a)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

// ---------------------------------------------------------------------------
// The design matrix and its blocked products
// ---------------------------------------------------------------------------

/// Labels per panel of the forward product (two AVX2 registers of `f64`).
const PANEL: usize = 8;
/// Rows per register block.
const RB: usize = 4;
/// Rows per rayon task of the forward product.
const ROW_TASK: usize = 64;
/// Features per register block of the backward product.
const KB: usize = 4;
/// Rows per cache block of the backward product.
const ROW_CACHE: usize = 128;

/// The rows `rows` of the row-major `f32` matrix `x` (width `dim`), not copied.
pub(crate) struct Design<'a> {
    x: &'a [f32],
    dim: usize,
    rows: &'a [u32],
}

impl<'a> Design<'a> {
    pub(crate) fn new(x: &'a [f32], dim: usize, rows: &'a [u32]) -> Result<Self, AlgorithmError> {
        check_at_least_one("dimension", dim)?;
        if !x.len().is_multiple_of(dim) {
            return Err(AlgorithmError::Mismatch(format!(
                "feature matrix of {} values is not a whole number of rows of {dim}",
                x.len()
            )));
        }
        let n = x.len() / dim;
        if let Some(&r) = rows.iter().find(|&&r| r as usize >= n) {
            return Err(AlgorithmError::UnknownNode(r));
        }
        Ok(Design { x, dim, rows })
    }

    fn row(&self, i: usize) -> &'a [f32] {
        let r = self.rows[i] as usize;
        &self.x[r * self.dim..(r + 1) * self.dim]
    }

    /// `out[i * m + j] = v[j] . x_{rows[i]} + bias[j]` for the `m = bias.len()`
    /// vectors `v` (`m x dim`, row-major). Each dot product is one sequential sum over
    /// the features, `((x_0 v_0 + x_1 v_1) + x_2 v_2) + ...`, then the bias.
    pub(crate) fn forward(&self, v: &[f64], bias: &[f64], out: &mut [f64]) {
        let m = bias.len();
        let d = self.dim;
        assert_eq!(v.len(), m * d);
        assert_eq!(out.len(), self.rows.len() * m);
        if m == 0 || self.rows.is_empty() {
            return;
        }
        // Panels of PANEL vectors, transposed: panel p holds v[p * PANEL + l][k] at
        // k * PANEL + l (zero padded), so that a row's entry x_k multiplies a
        // contiguous run of PANEL weights.
        let panels = m.div_ceil(PANEL);
        let mut packed = vec![0.0f64; panels * d * PANEL];
        for j in 0..m {
            let (p, l) = (j / PANEL, j % PANEL);
            let dst = &mut packed[p * d * PANEL..(p + 1) * d * PANEL];
            for (k, &vk) in v[j * d..(j + 1) * d].iter().enumerate() {
                dst[k * PANEL + l] = vk;
            }
        }
        out.par_chunks_mut(ROW_TASK * m)
            .enumerate()
            .for_each(|(t, chunk)| {
                let start = t * ROW_TASK;
                forward_block(self, start, &packed, bias, chunk);
            });
    }

    /// `g[j * dim + k] = sum_i s[i * m + j] x_{rows[i], k}` and
    /// `gb[j] = sum_i s[i * m + j]` for `m = gb.len()` weight columns `s`
    /// (`rows.len() x m`, row-major). Each entry is one sequential sum over the rows in
    /// order, so it does not depend on the task split. With `square`, `x` is replaced
    /// by `x^2` (for the diagonal of `X^T diag(s) X`).
    pub(crate) fn backward(&self, s: &[f64], g: &mut [f64], gb: &mut [f64], square: bool) {
        let m = gb.len();
        let d = self.dim;
        let n = self.rows.len();
        assert_eq!(s.len(), n * m);
        assert_eq!(g.len(), m * d);
        if m == 0 {
            return;
        }
        // Panels of PANEL weight columns: panel p holds s[i][p * PANEL + l] at
        // i * PANEL + l (zero padded).
        let panels = m.div_ceil(PANEL);
        let mut packed = vec![0.0f64; panels * n * PANEL];
        for (i, srow) in s.chunks_exact(m).enumerate() {
            for (j, &v) in srow.iter().enumerate() {
                packed[((j / PANEL) * n + i) * PANEL + j % PANEL] = v;
            }
        }
        // Feature blocks (multiples of KB columns, at most 64), about four tasks per
        // thread when the dimension allows; the split does not change any result.
        let threads = rayon::current_num_threads().max(1);
        let width = (d.div_ceil(4 * threads).div_ceil(KB) * KB).clamp(KB, 64);
        let blocks: Vec<(usize, usize)> = (0..d)
            .step_by(width)
            .map(|k0| (k0, (k0 + width).min(d)))
            .collect();
        let parts: Vec<Vec<f64>> = blocks
            .par_iter()
            .map(|&(k0, k1)| {
                if square {
                    backward_block::<true>(self, &packed, panels, k0, k1)
                } else {
                    backward_block::<false>(self, &packed, panels, k0, k1)
                }
            })
            .collect();
        // Part layout: [panel][feature - k0][lane].
        for (&(k0, k1), part) in blocks.iter().zip(&parts) {
            let w = k1 - k0;
            for j in 0..m {
                let (p, l) = (j / PANEL, j % PANEL);
                for k in k0..k1 {
                    g[j * d + k] = part[(p * w + k - k0) * PANEL + l];
                }
            }
        }
        gb.fill(0.0);
        for srow in s.chunks_exact(m) {
            for (b, &v) in gb.iter_mut().zip(srow) {
                *b += v;
            }
        }
    }
}

fn forward_block(design: &Design, start: usize, packed: &[f64], bias: &[f64], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports the enabled feature.
            unsafe { forward_block_avx2(design, start, packed, bias, out) };
            return;
        }
    }
    forward_block_body(design, start, packed, bias, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn forward_block_avx2(
    design: &Design,
    start: usize,
    packed: &[f64],
    bias: &[f64],
    out: &mut [f64],
) {
    forward_block_body(design, start, packed, bias, out)
}

/// Rows `start..start + out.len() / m` of the forward product: for each panel, groups
/// of `RB` rows accumulate `acc[r][l] += x_{r,k} panel[k][l]` over `k` in order.
#[inline(always)]
fn forward_block_body(
    design: &Design,
    start: usize,
    packed: &[f64],
    bias: &[f64],
    out: &mut [f64],
) {
    let m = bias.len();
    let d = design.dim;
    let n = out.len() / m;
    for (p, panel) in packed.chunks_exact(d * PANEL).enumerate() {
        let j0 = p * PANEL;
        let width = PANEL.min(m - j0);
        let mut i = 0;
        while i < n {
            let mut emit = |r: usize, acc: &[f64; PANEL]| {
                let o = &mut out[(i + r) * m + j0..(i + r) * m + j0 + width];
                for l in 0..width {
                    o[l] = acc[l] + bias[j0 + l];
                }
            };
            if i + RB <= n {
                let xs: [&[f32]; RB] = std::array::from_fn(|r| design.row(start + i + r));
                let acc = panel_rows(xs, panel);
                for (r, a) in acc.iter().enumerate() {
                    emit(r, a);
                }
                i += RB;
            } else {
                let [acc] = panel_rows([design.row(start + i)], panel);
                emit(0, &acc);
                i += 1;
            }
        }
    }
}

/// `acc[r][l] = sum_k x_r[k] panel[k * PANEL + l]`, each a sequential sum over `k`
/// (the same operations for every `R`).
#[inline(always)]
fn panel_rows<const R: usize>(xs: [&[f32]; R], panel: &[f64]) -> [[f64; PANEL]; R] {
    let mut acc = [[0.0f64; PANEL]; R];
    for (k, w) in panel.chunks_exact(PANEL).enumerate() {
        for r in 0..R {
            let xk = f64::from(xs[r][k]);
            for l in 0..PANEL {
                acc[r][l] += xk * w[l];
            }
        }
    }
    acc
}

fn backward_block<const SQUARE: bool>(
    design: &Design,
    packed: &[f64],
    panels: usize,
    k0: usize,
    k1: usize,
) -> Vec<f64> {
    let mut acc = vec![0.0f64; panels * (k1 - k0) * PANEL];
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports the enabled feature.
            unsafe { backward_block_avx2::<SQUARE>(design, packed, k0, k1, &mut acc) };
            return acc;
        }
    }
    backward_block_body::<SQUARE>(design, packed, k0, k1, &mut acc);
    acc
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn backward_block_avx2<const SQUARE: bool>(
    design: &Design,
    packed: &[f64],
    k0: usize,
    k1: usize,
    acc: &mut [f64],
) {
    backward_block_body::<SQUARE>(design, packed, k0, k1, acc)
}

/// Columns `k0..k1` of `X^T S` into `acc` (layout `[panel][k - k0][lane]`): rows are
/// taken in cache blocks of `ROW_CACHE`; within a block, for each panel and each group
/// of `KB` features, `acc[k][l] += x_{i,k} s_i[l]` over the rows in order, with the
/// `KB x PANEL` accumulators in registers.
#[inline(always)]
fn backward_block_body<const SQUARE: bool>(
    design: &Design,
    packed: &[f64],
    k0: usize,
    k1: usize,
    acc: &mut [f64],
) {
    let n = design.rows.len();
    let w = k1 - k0;
    for r0 in (0..n).step_by(ROW_CACHE) {
        let r1 = (r0 + ROW_CACHE).min(n);
        for (panel, a) in packed
            .chunks_exact(n * PANEL)
            .zip(acc.chunks_exact_mut(w * PANEL))
        {
            let sp = &panel[r0 * PANEL..r1 * PANEL];
            let mut k = k0;
            while k < k1 {
                let a = &mut a[(k - k0) * PANEL..];
                match k1 - k {
                    1 => accumulate_columns::<1, SQUARE>(design, r0, k, sp, a),
                    2 => accumulate_columns::<2, SQUARE>(design, r0, k, sp, a),
                    3 => accumulate_columns::<3, SQUARE>(design, r0, k, sp, a),
                    _ => accumulate_columns::<KB, SQUARE>(design, r0, k, sp, a),
                }
                k += KB.min(k1 - k);
            }
        }
    }
}

/// `acc[c][l] += sum_i x_{r0 + i, k + c} sp[i][l]` for `c < K`, sequentially over `i`
/// (`x^2` instead of `x` with `SQUARE`).
#[inline(always)]
fn accumulate_columns<const K: usize, const SQUARE: bool>(
    design: &Design,
    r0: usize,
    k: usize,
    sp: &[f64],
    acc: &mut [f64],
) {
    let mut a = [[0.0f64; PANEL]; K];
    for (c, ac) in a.iter_mut().enumerate() {
        ac.copy_from_slice(&acc[c * PANEL..(c + 1) * PANEL]);
    }
    for (i, s) in sp.chunks_exact(PANEL).enumerate() {
        let x = &design.row(r0 + i)[k..k + K];
        for c in 0..K {
            let xv = f64::from(x[c]);
            let xv = if SQUARE { xv * xv } else { xv };
            for l in 0..PANEL {
                a[c][l] += xv * s[l];
            }
        }
    }
    for (c, ac) in a.iter().enumerate() {
        acc[c * PANEL..(c + 1) * PANEL].copy_from_slice(ac);
    }
}

// ---------------------------------------------------------------------------
// Lock-step truncated Newton
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// `w = 0`, margins 0: only the gradient is needed.
    Start,
    /// Conjugate gradients: the next forward product is `X dir`.
    Cg,
    /// CG finished: the next forward product is `X p`, for the line search.
    LineSearch,
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    Gradient,
    Hessian,
}

/// The state of one label's Newton solve. Vectors over parameters have `dim + 1`
/// entries (intercept last); vectors over training rows have `n` entries.
struct LabelState {
    y: Vec<f64>,
    theta: Vec<f64>,
    /// Margins `w . x_i + b`.
    z: Vec<f64>,
    /// Hessian weights `C sigma(z_i) sigma(-z_i)`.
    h: Vec<f64>,
    /// Row weights of the next backward product.
    s: Vec<f64>,
    /// The last forward product.
    q: Vec<f64>,
    g: Vec<f64>,
    g0_norm: f64,
    /// Newton step being built by CG, CG residual and direction.
    p: Vec<f64>,
    r: Vec<f64>,
    dir: Vec<f64>,
    /// Inverse of the Jacobi preconditioner `diag(H)`.
    m_inv: Vec<f64>,
    /// `r . M^-1 r`.
    rz: f64,
    cg_tol: f64,
    cg_iter: usize,
    stage: Stage,
    pending: Pending,
    iterations: usize,
    converged: bool,
    grad_scaled: f64,
    /// Column of this label in the current batched products.
    col: usize,
    dcol: usize,
}

struct Shared {
    c: f64,
    dim: usize,
    n: usize,
    tolerance: f64,
    max_iterations: usize,
    max_cg: usize,
    /// Regularisation weight of the intercept: 1 when penalised, else 0.
    bias_reg: f64,
}

impl LabelState {
    fn new(y: Vec<f64>, dim: usize) -> Self {
        let n = y.len();
        LabelState {
            y,
            theta: vec![0.0; dim + 1],
            z: vec![0.0; n],
            h: vec![0.0; n],
            s: vec![0.0; n],
            q: vec![0.0; n],
            g: vec![0.0; dim + 1],
            g0_norm: 0.0,
            p: vec![0.0; dim + 1],
            r: vec![0.0; dim + 1],
            dir: vec![0.0; dim + 1],
            m_inv: vec![1.0; dim + 1],
            rz: 0.0,
            cg_tol: 0.0,
            cg_iter: 0,
            stage: Stage::Start,
            pending: Pending::Gradient,
            iterations: 0,
            converged: false,
            grad_scaled: f64::INFINITY,
            col: 0,
            dcol: 0,
        }
    }

    /// The vector whose product with `X~` the next step needs, if any.
    fn forward_vector(&self) -> Option<&[f64]> {
        match self.stage {
            Stage::Cg => Some(&self.dir),
            Stage::LineSearch => Some(&self.p),
            Stage::Start | Stage::Done => None,
        }
    }

    /// Residual weights `s_i = C (sigma(y_i z_i) - 1) y_i` (the gradient of the loss
    /// term with respect to `z_i`) and Hessian weights `h_i = C sigma(z_i) sigma(-z_i)`.
    fn gradient_weights(&mut self, c: f64) {
        for i in 0..self.y.len() {
            let (y, z) = (self.y[i], self.z[i]);
            self.s[i] = -c * y * sigmoid(-y * z);
            self.h[i] = c * sigmoid(z) * sigmoid(-z);
        }
        self.pending = Pending::Gradient;
    }

    /// Consumes the forward product `q = X~ v` and sets the weights `s` of the next
    /// backward product.
    fn after_forward(&mut self, sh: &Shared) {
        match self.stage {
            Stage::Start => self.gradient_weights(sh.c),
            Stage::Cg => {
                for i in 0..self.q.len() {
                    self.s[i] = self.h[i] * self.q[i];
                }
                self.pending = Pending::Hessian;
            }
            Stage::LineSearch => {
                if self.line_search(sh) {
                    self.gradient_weights(sh.c);
                } else {
                    self.stage = Stage::Done;
                }
            }
            Stage::Done => {}
        }
    }

    /// Backtracking Armijo search along `p` (with `q = X~ p`); updates `theta` and `z`.
    /// Returns false if no step of at least 2^-40 decreases the objective.
    fn line_search(&mut self, sh: &Shared) -> bool {
        let d = sh.dim;
        let gp = dot(&self.g, &self.p);
        let wp = dot(&self.theta[..d], &self.p[..d]) + sh.bias_reg * self.theta[d] * self.p[d];
        let pp = dot(&self.p[..d], &self.p[..d]) + sh.bias_reg * self.p[d] * self.p[d];
        let mut t = 1.0f64;
        for _ in 0..=40 {
            let mut loss = 0.0;
            for i in 0..self.y.len() {
                let y = self.y[i];
                loss += softplus_diff(-y * self.z[i], -y * t * self.q[i]);
            }
            let delta = t * wp + 0.5 * t * t * pp + sh.c * loss;
            if delta <= 1e-4 * t * gp {
                for (th, &pk) in self.theta.iter_mut().zip(&self.p) {
                    *th += t * pk;
                }
                for (z, &q) in self.z.iter_mut().zip(&self.q) {
                    *z += t * q;
                }
                self.iterations += 1;
                return true;
            }
            t *= 0.5;
        }
        false
    }

    /// Consumes the backward product (`gx = X^T s`, `gb = sum s`).
    /// With a gradient, `diag` holds `sum_i h_i x_ik^2` (the diagonal of the loss
    /// Hessian) and `sum_i h_i` (its intercept entry).
    fn after_backward(&mut self, sh: &Shared, gx: &[f64], gb: f64, diag: Option<(&[f64], f64)>) {
        let d = sh.dim;
        match self.pending {
            Pending::Gradient => {
                for ((g, &t), &x) in self.g[..d].iter_mut().zip(&self.theta[..d]).zip(gx) {
                    *g = t + x;
                }
                self.g[d] = gb + sh.bias_reg * self.theta[d];
                let inf = self.g.iter().fold(0.0f64, |a, &v| a.max(v.abs()));
                self.grad_scaled = inf / (sh.c * sh.n as f64);
                let norm = dot(&self.g, &self.g).sqrt();
                if self.stage == Stage::Start {
                    self.g0_norm = norm;
                }
                if self.grad_scaled <= sh.tolerance {
                    self.converged = true;
                    self.stage = Stage::Done;
                    return;
                }
                if self.iterations >= sh.max_iterations {
                    self.stage = Stage::Done;
                    return;
                }
                // Jacobi preconditioner M = diag(H): 1 + sum_i h_i x_ik^2 for the
                // weights, sum_i h_i for the intercept (not regularised).
                if let Some((dx, db)) = diag {
                    for (mi, &dk) in self.m_inv[..d].iter_mut().zip(dx) {
                        *mi = 1.0 / (1.0 + dk);
                    }
                    let hb = sh.bias_reg + db;
                    self.m_inv[d] = if hb > 0.0 { 1.0 / hb } else { 1.0 };
                }
                // Start preconditioned CG on H p = -g from p = 0.
                let eta = (norm / self.g0_norm).sqrt().min(0.5);
                self.cg_tol = eta * norm;
                self.cg_iter = 0;
                self.p.fill(0.0);
                self.rz = 0.0;
                for k in 0..=d {
                    self.r[k] = -self.g[k];
                    self.dir[k] = self.m_inv[k] * self.r[k];
                    self.rz += self.r[k] * self.dir[k];
                }
                self.stage = Stage::Cg;
            }
            Pending::Hessian => {
                // H dir = [dir_w + gx; gb], used on the fly.
                let mut dhd = 0.0;
                for (&dk, &xk) in self.dir[..d].iter().zip(gx) {
                    dhd += dk * (dk + xk);
                }
                let hd_bias = sh.bias_reg * self.dir[d] + gb;
                dhd += self.dir[d] * hd_bias;
                let alpha = self.rz / dhd;
                if !(alpha.is_finite() && alpha > 0.0) {
                    // Numerical breakdown: use the step built so far (or -g).
                    if self.cg_iter == 0 {
                        for k in 0..=d {
                            self.p[k] = -self.g[k];
                        }
                    }
                    self.stage = Stage::LineSearch;
                    return;
                }
                for k in 0..=d {
                    self.p[k] += alpha * self.dir[k];
                }
                for ((r, &dk), &xk) in self.r[..d].iter_mut().zip(&self.dir[..d]).zip(gx) {
                    *r -= alpha * (dk + xk);
                }
                self.r[d] -= alpha * hd_bias;
                self.cg_iter += 1;
                let rr = dot(&self.r, &self.r);
                if rr.sqrt() <= self.cg_tol || self.cg_iter >= sh.max_cg {
                    self.stage = Stage::LineSearch;
                    return;
                }
                let mut rz_new = 0.0;
                for k in 0..=d {
                    rz_new += self.r[k] * self.m_inv[k] * self.r[k];
                }
                let beta = rz_new / self.rz;
                self.rz = rz_new;
                for k in 0..=d {
                    self.dir[k] = self.m_inv[k] * self.r[k] + beta * self.dir[k];
                }
            }
        }
    }
}

/// Fits the binary problems `ys[l]` (targets `+-1` of the design rows) in lock step.
fn fit_labels(design: &Design, ys: Vec<Vec<f64>>, cfg: &LogisticConfig) -> OneVsRestModel {
    let d = design.dim;
    let n = design.rows.len();
    let n_labels = ys.len();
    let mut model = OneVsRestModel {
        dim: d,
        n_labels,
        coef: vec![0.0; n_labels * d],
        intercept: vec![0.0; n_labels],
        iterations: vec![0; n_labels],
        converged: vec![true; n_labels],
        gradient_norm: vec![0.0; n_labels],
    };
    let sh = Shared {
        c: cfg.c,
        dim: d,
        n,
        tolerance: cfg.tolerance,
        max_iterations: cfg.max_iterations,
        max_cg: 2 * (d + 1),
        bias_reg: if cfg.penalize_intercept { 1.0 } else { 0.0 },
    };
    // Constant labels (and an empty training set) have no finite minimiser.
    let mut states: Vec<(usize, LabelState)> = Vec::new();
    for (l, y) in ys.into_iter().enumerate() {
        let pos = y.iter().filter(|&&v| v > 0.0).count();
        if pos == 0 || pos == n {
            model.intercept[l] = if pos == 0 {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
        } else {
            states.push((l, LabelState::new(y, d)));
        }
    }

    let mut v = Vec::new();
    let mut bias = Vec::new();
    let mut prod = Vec::new();
    let mut sbuf = Vec::new();
    let mut gx = Vec::new();
    let mut gb = Vec::new();
    let mut dx = Vec::new();
    let mut db = Vec::new();
    loop {
        // Forward products for the labels in CG or line search.
        v.clear();
        bias.clear();
        for (_, st) in states.iter_mut() {
            let col = bias.len();
            if let Some(vec) = st.forward_vector() {
                v.extend_from_slice(&vec[..d]);
                bias.push(vec[d]);
                st.col = col;
            }
        }
        let m = bias.len();
        if m > 0 {
            prod.clear();
            prod.resize(n * m, 0.0);
            design.forward(&v, &bias, &mut prod);
        }
        states.par_iter_mut().for_each(|(_, st)| {
            if st.stage == Stage::Cg || st.stage == Stage::LineSearch {
                for (i, q) in st.q.iter_mut().enumerate() {
                    *q = prod[i * m + st.col];
                }
            }
            st.after_forward(&sh);
        });

        // Backward products for every label still running.
        let mut cols = 0;
        for (_, st) in states.iter_mut() {
            if st.stage != Stage::Done {
                st.col = cols;
                cols += 1;
            }
        }
        if cols == 0 {
            break;
        }
        sbuf.clear();
        sbuf.resize(n * cols, 0.0);
        for (_, st) in states.iter() {
            if st.stage != Stage::Done {
                for (i, &s) in st.s.iter().enumerate() {
                    sbuf[i * cols + st.col] = s;
                }
            }
        }
        gx.clear();
        gx.resize(cols * d, 0.0);
        gb.clear();
        gb.resize(cols, 0.0);
        design.backward(&sbuf, &mut gx, &mut gb, false);
        // Hessian diagonals for the labels that just computed a gradient.
        let mut dcols = 0;
        for (_, st) in states.iter_mut() {
            if st.stage != Stage::Done && st.pending == Pending::Gradient {
                st.dcol = dcols;
                dcols += 1;
            }
        }
        if dcols > 0 {
            sbuf.clear();
            sbuf.resize(n * dcols, 0.0);
            for (_, st) in states.iter() {
                if st.stage != Stage::Done && st.pending == Pending::Gradient {
                    for (i, &h) in st.h.iter().enumerate() {
                        sbuf[i * dcols + st.dcol] = h;
                    }
                }
            }
            dx.clear();
            dx.resize(dcols * d, 0.0);
            db.clear();
            db.resize(dcols, 0.0);
            design.backward(&sbuf, &mut dx, &mut db, true);
        }
        states.par_iter_mut().for_each(|(_, st)| {
            if st.stage != Stage::Done {
                let (j, jd) = (st.col, st.dcol);
                let diag =
                    (st.pending == Pending::Gradient).then(|| (&dx[jd * d..(jd + 1) * d], db[jd]));
                st.after_backward(&sh, &gx[j * d..(j + 1) * d], gb[j], diag);
            }
        });
    }

    for (l, st) in states {
        model.coef[l * d..(l + 1) * d].copy_from_slice(&st.theta[..d]);
        model.intercept[l] = st.theta[d];
        model.iterations[l] = st.iterations;
        model.converged[l] = st.converged;
        model.gradient_norm[l] = st.grad_scaled;
    }
    model
}

/// The objective `F(w, b)` and its gradient (`dim + 1` entries, intercept last),
/// computed directly (the reference for tests).
#[cfg(test)]
pub(crate) fn objective_and_gradient(
    x: &[f32],
    dim: usize,
    rows: &[u32],
    y: &[f64],
    c: f64,
    w: &[f64],
    b: f64,
) -> (f64, Vec<f64>) {
    let mut f = 0.5 * dot(w, w);
    let mut g: Vec<f64> = w.to_vec();
    g.push(0.0);
    for (i, &r) in rows.iter().enumerate() {
        let xr = &x[r as usize * dim..(r as usize + 1) * dim];
        let z: f64 = xr
            .iter()
            .zip(w)
            .map(|(&a, &b)| f64::from(a) * b)
            .sum::<f64>()
            + b;
        f += c * softplus(-y[i] * z);
        let s = -c * y[i] * sigmoid(-y[i] * z);
        for k in 0..dim {
            g[k] += s * f64::from(xr[k]);
        }
        g[dim] += s;
    }
    (f, g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use spargraph_engine::rng::Xoshiro256PlusPlus;

    fn gauss(g: &mut Xoshiro256PlusPlus) -> f64 {
        // Box-Muller.
        let u = 1.0 - g.next_f64();
        let v = g.next_f64();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// `n x dim` features, labels from a noisy linear rule per label.
    fn data(
        n: usize,
        dim: usize,
        labels: usize,
        noise: f64,
        seed: u64,
    ) -> (Vec<f32>, Vec<Vec<u32>>) {
        let mut g = Xoshiro256PlusPlus::new(seed);
        let x: Vec<f32> = (0..n * dim).map(|_| gauss(&mut g) as f32).collect();
        let dirs: Vec<f64> = (0..labels * dim).map(|_| gauss(&mut g)).collect();
        let t: Vec<Vec<u32>> = (0..n)
            .map(|i| {
                (0..labels as u32)
                    .filter(|&l| {
                        let l = l as usize;
                        let z: f64 = (0..dim)
                            .map(|k| f64::from(x[i * dim + k]) * dirs[l * dim + k])
                            .sum();
                        z + noise * gauss(&mut g) > 0.5
                    })
                    .collect()
            })
            .collect();
        (x, t)
    }

    fn ys(t: &[Vec<u32>], rows: &[u32], l: u32) -> Vec<f64> {
        rows.iter()
            .map(|&r| {
                if t[r as usize].contains(&l) {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect()
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (dim, n) = (7, 40);
        let (x, t) = data(n, dim, 1, 1.0, 1);
        let rows: Vec<u32> = (0..n as u32).rev().step_by(2).collect();
        let y = ys(&t, &rows, 0);
        let mut g = Xoshiro256PlusPlus::new(5);
        let w: Vec<f64> = (0..dim).map(|_| gauss(&mut g)).collect();
        let b = 0.3;
        for c in [0.1, 1.0, 10.0] {
            let (_, grad) = objective_and_gradient(&x, dim, &rows, &y, c, &w, b);
            for k in 0..=dim {
                let h = 1e-6;
                let (mut wp, mut wm, mut bp, mut bm) = (w.clone(), w.clone(), b, b);
                if k < dim {
                    wp[k] += h;
                    wm[k] -= h;
                } else {
                    bp += h;
                    bm -= h;
                }
                let fp = objective_and_gradient(&x, dim, &rows, &y, c, &wp, bp).0;
                let fm = objective_and_gradient(&x, dim, &rows, &y, c, &wm, bm).0;
                let fd = (fp - fm) / (2.0 * h);
                assert!(
                    (fd - grad[k]).abs() <= 1e-6 * (1.0 + grad[k].abs()),
                    "c {c} k {k}: finite difference {fd}, gradient {}",
                    grad[k]
                );
            }
            // The blocked product gives the same gradient as the direct sum.
            let design = Design::new(&x, dim, &rows).unwrap();
            let mut z = vec![0.0; rows.len()];
            design.forward(&w, &[b], &mut z);
            let s: Vec<f64> = (0..rows.len())
                .map(|i| -c * y[i] * sigmoid(-y[i] * z[i]))
                .collect();
            let (mut gx, mut gb) = (vec![0.0; dim], vec![0.0]);
            design.backward(&s, &mut gx, &mut gb, false);
            for k in 0..dim {
                assert!((w[k] + gx[k] - grad[k]).abs() < 1e-12 * (1.0 + grad[k].abs()));
            }
            assert!((gb[0] - grad[dim]).abs() < 1e-12 * (1.0 + grad[dim].abs()));
        }
    }

    #[test]
    fn blocked_products_match_naive_for_awkward_shapes() {
        for (n, dim, m) in [(1, 1, 1), (5, 3, 2), (9, 13, 5), (70, 70, 3), (131, 9, 7)] {
            let mut g = Xoshiro256PlusPlus::new((n * dim * m) as u64);
            let x: Vec<f32> = (0..n * dim).map(|_| gauss(&mut g) as f32).collect();
            let rows: Vec<u32> = (0..n as u32).rev().collect();
            let v: Vec<f64> = (0..m * dim).map(|_| gauss(&mut g)).collect();
            let bias: Vec<f64> = (0..m).map(|_| gauss(&mut g)).collect();
            let design = Design::new(&x, dim, &rows).unwrap();
            let mut out = vec![0.0; n * m];
            design.forward(&v, &bias, &mut out);
            let s: Vec<f64> = (0..n * m).map(|_| gauss(&mut g)).collect();
            let (mut gx, mut gb) = (vec![0.0; m * dim], vec![0.0; m]);
            design.backward(&s, &mut gx, &mut gb, false);
            for (i, &r) in rows.iter().enumerate() {
                for j in 0..m {
                    let want: f64 = (0..dim)
                        .map(|k| f64::from(x[r as usize * dim + k]) * v[j * dim + k])
                        .sum::<f64>()
                        + bias[j];
                    assert!((out[i * m + j] - want).abs() < 1e-12 * (1.0 + want.abs()));
                }
            }
            for j in 0..m {
                for k in 0..dim {
                    let want: f64 = rows
                        .iter()
                        .enumerate()
                        .map(|(i, &r)| s[i * m + j] * f64::from(x[r as usize * dim + k]))
                        .sum();
                    assert!((gx[j * dim + k] - want).abs() < 1e-12 * (1.0 + want.abs()));
                }
                let want: f64 = (0..n).map(|i| s[i * m + j]).sum();
                assert!((gb[j] - want).abs() < 1e-12 * (1.0 + want.abs()));
            }
        }
    }

    /// The fitted parameters zero the exact gradient, and labels agree with the
    /// single-label fit bit for bit, whatever the thread count.
    #[test]
    fn non_separable_fit_is_stationary_and_deterministic() {
        let (n, dim, labels) = (300, 12, 4);
        let (x, t) = data(n, dim, labels, 2.0, 2);
        let rows: Vec<u32> = (0..n as u32).filter(|r| r % 3 != 0).collect();
        let cfg = LogisticConfig::default();
        let fit = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fit_one_vs_rest(&x, dim, &rows, &t, labels, &cfg).unwrap())
        };
        let model = fit(1);
        assert_eq!(model, fit(2));
        assert_eq!(model, fit(3));
        for l in 0..labels {
            assert!(model.converged[l], "label {l} did not converge");
            assert!(model.gradient_norm[l] <= cfg.tolerance);
            let y = ys(&t, &rows, l as u32);
            let (_, grad) = objective_and_gradient(
                &x,
                dim,
                &rows,
                &y,
                cfg.c,
                model.coef(l),
                model.intercept[l],
            );
            let inf = grad.iter().fold(0.0f64, |a, &v| a.max(v.abs()));
            assert!(
                inf / (cfg.c * rows.len() as f64) < 1e-9,
                "label {l}: gradient {inf}"
            );
            let pos: Vec<bool> = y.iter().map(|&v| v > 0.0).collect();
            let one = fit_binary(&x, dim, &rows, &pos, &cfg).unwrap();
            assert_eq!(one.coef, model.coef(l));
            assert_eq!(one.intercept[0], model.intercept[l]);
        }
        // Probabilities come out in rows x labels order.
        let test: Vec<u32> = (0..n as u32).filter(|r| r % 3 == 0).collect();
        let p = model.predict_proba(&x, dim, &test).unwrap();
        let (r, l) = (5, 2);
        let row = test[r] as usize;
        let z: f64 = (0..dim)
            .map(|k| f64::from(x[row * dim + k]) * model.coef(l)[k])
            .sum::<f64>()
            + model.intercept[l];
        assert!((p[r * labels + l] - sigmoid(z)).abs() < 1e-14);
    }

    #[test]
    fn separable_problem_has_finite_regularised_solution() {
        // 1-D, perfectly separable: x < 0 negative, x > 0 positive.
        let x: Vec<f32> = vec![-2.0, -1.0, -0.5, 0.5, 1.0, 2.0];
        let rows: Vec<u32> = (0..6).collect();
        let pos = [false, false, false, true, true, true];
        for c in [0.01, 1.0, 100.0] {
            let cfg = LogisticConfig {
                c,
                ..LogisticConfig::default()
            };
            let m = fit_binary(&x, 1, &rows, &pos, &cfg).unwrap();
            assert!(m.converged[0]);
            let w = m.coef[0];
            assert!(w.is_finite() && w > 0.0);
            // Symmetric data: the intercept is 0.
            assert!(m.intercept[0].abs() < 1e-9, "intercept {}", m.intercept[0]);
            // Stationarity in 1-D: w = C sum_i y_i x_i sigma(-y_i w x_i).
            let rhs: f64 = x
                .iter()
                .zip(pos)
                .map(|(&xi, p)| {
                    let y = if p { 1.0 } else { -1.0 };
                    c * y * f64::from(xi) * sigmoid(-y * w * f64::from(xi))
                })
                .sum();
            assert!((w - rhs).abs() < 1e-9 * (1.0 + w), "w {w} rhs {rhs}");
        }
        // Larger C, larger weight.
        let w = |c| {
            let cfg = LogisticConfig {
                c,
                ..LogisticConfig::default()
            };
            fit_binary(&x, 1, &rows, &pos, &cfg).unwrap().coef[0]
        };
        assert!(w(1.0) < w(10.0) && w(10.0) < w(100.0));
    }

    #[test]
    fn constant_labels_and_errors() {
        let x: Vec<f32> = (1..=8).map(|v| v as f32).collect();
        let t = vec![vec![0], vec![0], vec![], vec![0]];
        let cfg = LogisticConfig::default();
        let m = fit_one_vs_rest(&x, 2, &[0, 1], &t, 2, &cfg).unwrap();
        assert_eq!(m.intercept, vec![f64::INFINITY, f64::NEG_INFINITY]);
        assert_eq!(m.coef, vec![0.0; 4]);
        let p = m.predict_proba(&x, 2, &[0, 1]).unwrap();
        assert_eq!(p, vec![1.0, 0.0, 1.0, 0.0]);
        assert!(matches!(
            fit_one_vs_rest(&x, 2, &[0, 4], &t, 2, &cfg),
            Err(AlgorithmError::UnknownNode(4))
        ));
        assert!(fit_one_vs_rest(&x, 3, &[0], &t, 2, &cfg).is_err());
        assert!(fit_one_vs_rest(&x, 2, &[], &t, 2, &cfg).is_err());
        assert!(fit_one_vs_rest(&x, 2, &[0], &t[..1], 2, &cfg).is_err());
        assert!(fit_one_vs_rest(&x, 2, &[0], &t, 0, &cfg).is_err());
        let bad = LogisticConfig {
            c: 0.0,
            ..LogisticConfig::default()
        };
        assert!(fit_one_vs_rest(&x, 2, &[0], &t, 2, &bad).is_err());
        assert!(m.predict_proba(&x, 1, &[0]).is_err());
    }
}
