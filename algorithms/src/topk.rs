//! Top-k selection of scores, with a deterministic order.

/// The `k` largest positive entries of `scores` as `(node, score)`, sorted by
/// descending score, ties broken by ascending node id. `k = 0` keeps every positive
/// entry.
pub fn top_k(scores: &[f64], k: usize) -> Vec<(u32, f64)> {
    let mut v: Vec<(u32, f64)> = scores
        .iter()
        .enumerate()
        .filter(|(_, &s)| s > 0.0)
        .map(|(i, &s)| (i as u32, s))
        .collect();
    sort_desc(&mut v, k);
    v
}

/// The `k` largest of sparse `(node, score)` entries (positive only), same order
/// as [`top_k`].
pub fn top_k_sparse(mut v: Vec<(u32, f64)>, k: usize) -> Vec<(u32, f64)> {
    v.retain(|e| e.1 > 0.0);
    sort_desc(&mut v, k);
    v
}

/// Per column `j` of a row-major `n x b` block `x`, the [`top_k`] of the scores
/// `max(x[i][j], 0) * scale[j]`, found in one pass over the rows (split into
/// `parts`, each keeping at most `2k` candidates per column) instead of one full
/// vector per column. The result does not depend on `parts`.
pub fn block_top_k(
    x: &[f64],
    b: usize,
    scale: &[f64],
    k: usize,
    parts: &[std::ops::Range<usize>],
) -> Vec<Vec<(u32, f64)>> {
    use rayon::prelude::*;
    let per_part: Vec<Vec<Vec<(u32, f64)>>> = parts
        .par_iter()
        .map(|rows| {
            let mut cand: Vec<Vec<(u32, f64)>> = vec![Vec::new(); b];
            for i in rows.clone() {
                let row = &x[i * b..i * b + b];
                for j in 0..b {
                    let s = row[j].max(0.0) * scale[j];
                    if s > 0.0 {
                        let c = &mut cand[j];
                        c.push((i as u32, s));
                        if k > 0 && c.len() >= 2 * k.max(64) {
                            c.select_nth_unstable_by(k - 1, cmp);
                            c.truncate(k);
                        }
                    }
                }
            }
            cand
        })
        .collect();
    (0..b)
        .into_par_iter()
        .map(|j| {
            let mut v: Vec<(u32, f64)> = Vec::new();
            for part in &per_part {
                v.extend_from_slice(&part[j]);
            }
            top_k_sparse(v, k)
        })
        .collect()
}

fn cmp(a: &(u32, f64), b: &(u32, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

fn sort_desc(v: &mut Vec<(u32, f64)>, k: usize) {
    if k > 0 && v.len() > k {
        v.select_nth_unstable_by(k - 1, cmp);
        v.truncate(k);
        // Many answers are kept at once (one per source): free the unused capacity.
        v.shrink_to_fit();
    }
    v.sort_unstable_by(cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_k_largest_in_order_with_ties_by_id() {
        let s = [0.1, 0.5, 0.0, 0.5, 0.2];
        assert_eq!(top_k(&s, 3), vec![(1, 0.5), (3, 0.5), (4, 0.2)]);
        assert_eq!(top_k(&s, 0).len(), 4);
        assert_eq!(top_k(&s, 10).len(), 4);
    }

    #[test]
    fn block_top_k_equals_top_k_of_each_scaled_column_for_any_split() {
        // 300 rows x 3 columns with ties, zeros and negatives.
        let (n, b) = (300usize, 3usize);
        let x: Vec<f64> = (0..n * b)
            .map(|t| (((t * 7919) % 101) as f64 - 20.0) / 7.0)
            .collect();
        let scale = [0.5, 2.0, 1.0];
        for k in [0, 1, 5, 100, 400] {
            let want: Vec<Vec<(u32, f64)>> = (0..b)
                .map(|j| {
                    let col: Vec<f64> = (0..n).map(|i| x[i * b + j].max(0.0) * scale[j]).collect();
                    top_k(&col, k)
                })
                .collect();
            let whole: Vec<std::ops::Range<usize>> = std::iter::once(0..n).collect();
            for parts in [whole, vec![0..1, 1..150, 150..n], vec![0..299, 299..300]] {
                assert_eq!(block_top_k(&x, b, &scale, k, &parts), want, "k {k}");
            }
        }
    }
}
