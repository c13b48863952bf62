//! Bethe-Hessian spectral clustering (Saade, Krzakala & Zdeborova 2014; Dall'Amico,
//! Couillet & Tremblay 2021), the fine clustering of Dreveton et al.'s bottom-up
//! hierarchy.
//!
//! `H(r) = (r^2 - 1) I - r A + D` with `r = sqrt(rho)`, `rho` the spectral radius of
//! the non-backtracking matrix, estimated as `sum d^2 / sum d - 1` (exact for
//! configuration-model graphs; the authors' code computes it by an eigen-solve of a
//! 2n x 2n matrix). The number of communities is the number of negative
//! eigenvalues of `H(r)` (unless given); the eigenvectors of those eigenvalues,
//! rows normalised, are clustered by k-means.
//!
//! Eigenvectors come from Lanczos with full reorthogonalisation on
//! `sigma I - H` (`sigma` a Gershgorin bound, so its largest eigenvalues are `H`'s
//! smallest); dot products sum fixed blocks in order, so results do not depend on
//! the thread count. The basis is stored in single precision (arithmetic is in
//! double): it is the largest allocation, up to ~100 vectors of `n`, and Ritz
//! residuals of 1e-6 relative, the convergence test, are well above its rounding.

use rayon::prelude::*;
use spargraph_engine::rng::Xoshiro256PlusPlus;

use crate::community::compact;
use crate::error::AlgorithmError;

/// Rows summed together in the deterministic reductions.
const BLOCK: usize = 4096;

/// The undirected graph as rows (no self-loops), usually borrowed from the CSR.
pub(crate) struct SymmetricRows<'a> {
    pub offsets: &'a [u64],
    pub targets: &'a [u32],
    /// One weight per entry; `None`: every entry weighs 1.
    pub weights: Option<&'a [f32]>,
}

impl SymmetricRows<'_> {
    /// `sum_j w_ij f(j)` over row `i`, in row order.
    #[inline]
    fn row_sum(&self, i: usize, f: impl Fn(usize) -> f64) -> f64 {
        let row = self.offsets[i] as usize..self.offsets[i + 1] as usize;
        let t = &self.targets[row.clone()];
        match self.weights {
            None => t.iter().map(|&j| f(j as usize)).sum(),
            Some(w) => t
                .iter()
                .zip(&w[row])
                .map(|(&j, &w)| w as f64 * f(j as usize))
                .sum(),
        }
    }
}

/// When Lanczos may stop: converged Ritz values (descending), the next Ritz value,
/// the converged counts so far.
type StopRule<'a> = dyn Fn(&[f64], Option<f64>, &[usize]) -> bool + 'a;

/// `q_k . w` for every `k` in one pass over `w`, by fixed blocks summed in order.
fn many_dots(q: &[Vec<f32>], w: &[f64]) -> Vec<f64> {
    let parts: Vec<Vec<f64>> = w
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(b, wb)| {
            let start = b * BLOCK;
            q.iter()
                .map(|qk| {
                    qk[start..start + wb.len()]
                        .iter()
                        .zip(wb)
                        .map(|(&x, y)| x as f64 * y)
                        .sum()
                })
                .collect()
        })
        .collect();
    let mut out = vec![0f64; q.len()];
    for p in parts {
        for (o, x) in out.iter_mut().zip(p) {
            *o += x;
        }
    }
    out
}

/// `sum_i a_i b_i`, summed by fixed blocks in order (thread-count independent).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let parts: Vec<f64> = a
        .par_chunks(BLOCK)
        .zip(b.par_chunks(BLOCK))
        .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p * q).sum())
        .collect();
    parts.iter().sum()
}

/// Bethe-Hessian clusters of the graph: a label per node and the cluster count.
/// `k` fixes the count; otherwise it is the number of negative eigenvalues of
/// `H(r)`, at most `k_max` (and at least 1).
pub(crate) fn bethe_hessian_clusters(
    g: &SymmetricRows<'_>,
    k: Option<usize>,
    k_max: usize,
    seed: u64,
) -> Result<(Vec<u32>, usize), AlgorithmError> {
    let n = g.offsets.len() - 1;
    if n == 0 {
        return Ok((Vec::new(), 0));
    }
    let degree: Vec<f64> = (0..n).map(|v| g.row_sum(v, |_| 1.0)).collect();
    let (s1, s2): (f64, f64) = degree
        .iter()
        .fold((0.0, 0.0), |(a, b), &d| (a + d, b + d * d));
    if s1 == 0.0 {
        return Ok(((0..n as u32).collect(), n));
    }
    let rho = (s2 / s1 - 1.0).max(1.0 + 1e-9);
    let r = rho.sqrt();
    // sigma >= lambda_max(H) by Gershgorin.
    let sigma = degree
        .iter()
        .map(|&d| r * r - 1.0 + d + r * d)
        .fold(0.0, f64::max)
        + 1.0;
    // y = (sigma I - H) x = (sigma - r^2 + 1 - d_i) x_i + r (A x)_i.
    let apply = |x: &[f64], y: &mut [f64]| {
        y.par_iter_mut().enumerate().for_each(|(i, yi)| {
            let ax = g.row_sum(i, |j| x[j]);
            *yi = (sigma - r * r + 1.0 - degree[i]) * x[i] + r * ax;
        });
    };
    let want = k.unwrap_or(k_max).clamp(1, n);
    let steps = (4 * want + 80).min(n);
    // Enough once `want` pairs converged; with the count unknown, also once a
    // converged Ritz value shows a non-negative eigenvalue of H, or once the
    // converged negative ones stayed the same over 48 steps with the next Ritz
    // value non-negative for H (the bulk edge near 0 converges slowly; Ritz values
    // approach their eigenvalues from the inside).
    let stop = |converged: &[f64], next: Option<f64>, history: &[usize]| {
        if converged.len() >= want {
            return true;
        }
        if k.is_some() {
            return false;
        }
        let negative = converged.iter().filter(|&&t| sigma - t < 0.0).count();
        let settled = history.len() >= 3
            && history[history.len() - 3..]
                .iter()
                .all(|&c| c == history[history.len() - 1]);
        negative < converged.len()
            || (negative >= 1 && settled && next.is_none_or(|t| sigma - t >= 0.0))
    };
    let ritz = lanczos(n, steps, &apply, want, &stop, seed);
    let values = &ritz.values;
    // Eigenvalues of H are sigma - theta; count the negative ones among the
    // converged Ritz values.
    let count = match k {
        Some(k) => k.min(values.len()),
        None => values
            .iter()
            .take_while(|&&theta| sigma - theta < 0.0)
            .count()
            .clamp(1, k_max.min(values.len())),
    };
    if count <= 1 {
        return Ok((vec![0; n], 1));
    }
    // Rows of the `count` eigenvectors, normalised, clustered by k-means.
    let mut points = ritz.rows(count);
    drop(ritz);
    for row in points.chunks_mut(count) {
        let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|x| *x /= norm);
        }
    }
    let labels = kmeans(&points, count, count, seed, 10);
    Ok((labels, count))
}

/// Converged Ritz pairs of a Lanczos run: the values, descending, and what their
/// vectors are made of (the basis and the tridiagonal eigenvectors), so that only
/// the vectors used are ever formed.
struct RitzPairs {
    /// Converged Ritz values, descending.
    values: Vec<f64>,
    /// Column of `s` holding each value's coordinates in the basis.
    columns: Vec<usize>,
    /// The Lanczos basis (`m` vectors, single precision).
    q: Vec<Vec<f32>>,
    /// Eigenvectors of the `m x m` tridiagonal matrix, row-major.
    s: Vec<f64>,
}

impl RitzPairs {
    /// The first `count` Ritz vectors as the rows of an `n x count` row-major
    /// matrix: row `r` holds coordinate `r` of each.
    fn rows(&self, count: usize) -> Vec<f64> {
        let m = self.q.len();
        let n = self.q.first().map_or(0, Vec::len);
        let mut points = vec![0f64; n * count];
        points
            .par_chunks_mut(count)
            .enumerate()
            .for_each(|(r, row)| {
                for (x, &i) in row.iter_mut().zip(&self.columns) {
                    *x = (0..m)
                        .map(|k| self.q[k][r] as f64 * self.s[k * m + i])
                        .sum();
                }
            });
        points
    }
}

/// The `want` largest eigenpairs (descending) of the symmetric operator `apply`
/// by at most `steps` Lanczos steps with full reorthogonalisation, stopping early
/// once `stop` accepts the converged Ritz values (descending), the next Ritz value
/// and the history of converged counts (checked every 16 steps); only Ritz pairs
/// whose residual is below 1e-6 of the operator's scale are returned.
fn lanczos(
    n: usize,
    steps: usize,
    apply: &(dyn Fn(&[f64], &mut [f64]) + Sync),
    want: usize,
    stop: &StopRule<'_>,
    seed: u64,
) -> RitzPairs {
    let mut rng = Xoshiro256PlusPlus::new(seed ^ 0x01A9_C705);
    // The basis is kept in single precision (half the memory); each vector is
    // widened before use, so the recurrence runs on the stored vectors.
    let mut q: Vec<Vec<f32>> = Vec::with_capacity(steps + 1);
    let mut v: Vec<f64> = (0..n).map(|_| rng.next_f64() - 0.5).collect();
    let norm = dot(&v, &v).sqrt();
    q.push(v.iter().map(|x| (x / norm) as f32).collect());
    let (mut alpha, mut beta) = (Vec::new(), Vec::new());
    let mut history: Vec<usize> = Vec::new();
    let mut w = vec![0f64; n];
    for j in 0..steps {
        v.par_iter_mut()
            .zip(&q[j])
            .for_each(|(x, &y)| *x = y as f64);
        apply(&v, &mut w);
        let a = dot(&v, &w);
        alpha.push(a);
        // Full reorthogonalisation, twice (classical Gram-Schmidt is not enough
        // alone in floating point).
        for _ in 0..2 {
            let coef = many_dots(&q, &w);
            w.par_chunks_mut(BLOCK).enumerate().for_each(|(b, wb)| {
                let (start, len) = (b * BLOCK, wb.len());
                for (qk, c) in q.iter().zip(&coef) {
                    for (x, &y) in wb.iter_mut().zip(&qk[start..start + len]) {
                        *x -= c * y as f64;
                    }
                }
            });
        }
        let b = dot(&w, &w).sqrt();
        if j + 1 == steps || b < 1e-10 * a.abs().max(1.0) {
            break;
        }
        // Every 16 steps: stop once `stop` says the wanted pairs have converged.
        if (j + 1) % 16 == 0 {
            let (theta, s) = tridiagonal_eigen(&alpha, &beta);
            let m = alpha.len();
            let scale = theta.iter().fold(0f64, |x, t| x.max(t.abs())).max(1e-300);
            let mut order: Vec<usize> = (0..m).collect();
            order.sort_by(|&x, &y| theta[y].total_cmp(&theta[x]));
            let converged = order
                .iter()
                .take_while(|&&i| b * s[(m - 1) * m + i].abs() <= 1e-6 * scale)
                .map(|&i| theta[i])
                .collect::<Vec<_>>();
            let next = order.get(converged.len()).map(|&i| theta[i]);
            history.push(converged.len());
            if stop(&converged, next, &history) {
                break;
            }
        }
        beta.push(b);
        q.push(w.par_iter().map(|x| (x / b) as f32).collect());
    }
    let m = alpha.len();
    let (theta, s) = tridiagonal_eigen(&alpha, &beta[..m - 1]);
    let scale = theta.iter().fold(0f64, |a, t| a.max(t.abs())).max(1e-300);
    // The residual after the last step, whatever ended the run (an invariant
    // subspace leaves it near 0).
    let last_beta = dot(&w, &w).sqrt();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| theta[b].total_cmp(&theta[a]));
    let mut values = Vec::new();
    let mut columns = Vec::new();
    for &i in order.iter().take(want) {
        let residual = last_beta * s[(m - 1) * m + i].abs();
        if residual > 1e-6 * scale {
            break; // not converged: stop at the first unconverged one
        }
        values.push(theta[i]);
        columns.push(i);
    }
    drop((v, w));
    debug_assert_eq!(q.len(), m); // every step ended before pushing a next vector
    RitzPairs {
        values,
        columns,
        q,
        s,
    }
}

/// Eigenvalues and eigenvectors (column `i` of the row-major `m x m` result) of
/// the symmetric tridiagonal matrix with diagonal `d` and off-diagonal `e`, by the
/// implicit QL algorithm with Wilkinson shifts (tqli).
fn tridiagonal_eigen(d: &[f64], e: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let m = d.len();
    let mut d = d.to_vec();
    let mut e: Vec<f64> = e.iter().copied().chain(std::iter::once(0.0)).collect();
    let mut z = vec![0f64; m * m];
    for i in 0..m {
        z[i * m + i] = 1.0;
    }
    for l in 0..m {
        let mut iter = 0;
        loop {
            let mut mm = l;
            while mm + 1 < m {
                let dd = d[mm].abs() + d[mm + 1].abs();
                if e[mm].abs() <= f64::EPSILON * dd {
                    break;
                }
                mm += 1;
            }
            if mm == l {
                break;
            }
            iter += 1;
            if iter > 60 {
                break;
            }
            let mut g = (d[l + 1] - d[l]) / (2.0 * e[l]);
            let mut r = g.hypot(1.0);
            g = d[mm] - d[l] + e[l] / (g + if g >= 0.0 { r.abs() } else { -r.abs() });
            let (mut s, mut c, mut p) = (1.0, 1.0, 0.0);
            let mut i = mm;
            let mut early = false;
            while i > l {
                i -= 1;
                let mut f = s * e[i];
                let b = c * e[i];
                r = f.hypot(g);
                e[i + 1] = r;
                if r == 0.0 {
                    d[i + 1] -= p;
                    e[mm] = 0.0;
                    early = true;
                    break;
                }
                s = f / r;
                c = g / r;
                g = d[i + 1] - p;
                r = (d[i] - g) * s + 2.0 * c * b;
                p = s * r;
                d[i + 1] = g + p;
                g = c * r - b;
                for k in 0..m {
                    f = z[k * m + i + 1];
                    z[k * m + i + 1] = s * z[k * m + i] + c * f;
                    z[k * m + i] = c * z[k * m + i] - s * f;
                }
            }
            if early {
                continue;
            }
            d[l] -= p;
            e[l] = g;
            e[mm] = 0.0;
        }
    }
    (d, z)
}

/// k-means (Lloyd, k-means++ starts, `restarts` runs, the lowest inertia kept) of
/// `points` (rows of `dim`); returns a label per point.
fn kmeans(points: &[f64], dim: usize, k: usize, seed: u64, restarts: usize) -> Vec<u32> {
    let n = points.len() / dim;
    let row = |i: usize| &points[i * dim..(i + 1) * dim];
    let dist2 = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>();
    let mut best: Option<(f64, Vec<u32>)> = None;
    for run in 0..restarts {
        let mut rng = Xoshiro256PlusPlus::from_seed_and_stream(seed, run as u64);
        // k-means++ starts.
        let mut centers: Vec<f64> = row(rng.gen_range(n as u64) as usize).to_vec();
        let mut near: Vec<f64> = (0..n).map(|i| dist2(row(i), &centers[..dim])).collect();
        while centers.len() / dim < k {
            let total: f64 = near.iter().sum();
            let mut x = rng.next_f64() * total;
            let mut pick = n - 1;
            for (i, &d) in near.iter().enumerate() {
                if x < d {
                    pick = i;
                    break;
                }
                x -= d;
            }
            let c = row(pick).to_vec();
            for (i, d) in near.iter_mut().enumerate() {
                *d = d.min(dist2(row(i), &c));
            }
            centers.extend_from_slice(&c);
        }
        let mut labels = vec![0u32; n];
        for _ in 0..100 {
            let next: Vec<u32> = (0..n)
                .into_par_iter()
                .map(|i| {
                    let p = row(i);
                    (0..k)
                        .map(|c| (dist2(p, &centers[c * dim..(c + 1) * dim]), c))
                        .fold((f64::INFINITY, 0), |a, b| if b.0 < a.0 { b } else { a })
                        .1 as u32
                })
                .collect();
            let changed = next != labels;
            labels = next;
            let mut sums = vec![0f64; k * dim];
            let mut counts = vec![0usize; k];
            for (i, &l) in labels.iter().enumerate() {
                let c = l as usize;
                counts[c] += 1;
                for (s, x) in sums[c * dim..(c + 1) * dim].iter_mut().zip(row(i)) {
                    *s += x;
                }
            }
            for c in 0..k {
                if counts[c] > 0 {
                    for t in 0..dim {
                        centers[c * dim + t] = sums[c * dim + t] / counts[c] as f64;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let inertia: f64 = (0..n)
            .map(|i| dist2(row(i), &centers[labels[i] as usize * dim..][..dim]))
            .sum();
        if best.as_ref().is_none_or(|b| inertia < b.0) {
            best = Some((inertia, labels));
        }
    }
    let mut labels = best.map(|b| b.1).unwrap_or_default();
    // Number the clusters by first appearance; drop empty ones.
    compact(&mut labels);
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tridiagonal_eigenpairs_satisfy_the_equation() {
        let d = [2.0, -1.0, 3.0, 0.5, 1.5];
        let e = [1.0, 0.3, -0.7, 2.0];
        let (vals, z) = tridiagonal_eigen(&d, &e);
        let m = d.len();
        for i in 0..m {
            // T v = lambda v for column i.
            for r in 0..m {
                let mut tv = d[r] * z[r * m + i];
                if r > 0 {
                    tv += e[r - 1] * z[(r - 1) * m + i];
                }
                if r + 1 < m {
                    tv += e[r] * z[(r + 1) * m + i];
                }
                assert!((tv - vals[i] * z[r * m + i]).abs() < 1e-12);
            }
        }
        let trace: f64 = d.iter().sum();
        assert!((vals.iter().sum::<f64>() - trace).abs() < 1e-12);
    }

    #[test]
    fn lanczos_returns_only_converged_pairs_however_it_stops() {
        // A diagonal operator with eigenvalues 1..=300, a well-separated top pair.
        let n = 300;
        let diag: Vec<f64> = (0..n)
            .map(|i| match i {
                0 => 1000.0,
                1 => 900.0,
                _ => i as f64,
            })
            .collect();
        let apply = |x: &[f64], y: &mut [f64]| {
            for ((y, x), d) in y.iter_mut().zip(x).zip(&diag) {
                *y = d * x;
            }
        };
        for stop_after in [16, 48] {
            let stop = |_: &[f64], _: Option<f64>, h: &[usize]| h.len() * 16 >= stop_after;
            let ritz = lanczos(n, 200, &apply, 10, &stop, 5);
            assert!(
                ritz.values.len() < 10,
                "{stop_after} steps: all 10 reported"
            );
            assert!(
                ritz.values.len() >= 2,
                "{stop_after} steps: top pair missing"
            );
            let k = ritz.values.len();
            let rows = ritz.rows(k);
            for (c, &theta) in ritz.values.iter().enumerate() {
                let residual: f64 = (0..n)
                    .map(|r| ((diag[r] - theta) * rows[r * k + c]).powi(2))
                    .sum::<f64>()
                    .sqrt();
                assert!(residual <= 1e-5 * 1000.0, "pair {c}: residual {residual}");
            }
        }
    }
}
