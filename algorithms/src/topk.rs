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
}
