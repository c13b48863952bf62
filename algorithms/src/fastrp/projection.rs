//! The very sparse random projection of FastRP, drawn row by row from per-node streams.

use spargraph_engine::rng::Xoshiro256PlusPlus;

/// Salt that separates the feature projection's streams from the nodes' streams.
const FEATURE_SEED_SALT: u64 = 0x6665_6174_7572_6573; // "features"

/// Sparsity of the feature projection (Achlioptas' `s = 3`): feature vectors are
/// short, so the graph's `sqrt(n)` would leave most of their coordinates empty.
pub const FEATURE_SPARSITY: f64 = 3.0;

/// Fills `row` with one row of a very sparse random projection of sparsity `s`:
/// each entry is `+scale` or `-scale` with probability `1/(2s)` each, else 0, with
/// `scale = sqrt(s / row.len())` (Li, Hastie & Church, KDD 2006).
///
/// The row is a pure function of `(seed, key)`: the non-zero positions are found by
/// geometric skips (one draw per non-zero, not per entry) and each sign by one draw.
pub fn sparse_random_row(seed: u64, key: u64, s: f64, row: &mut [f32]) {
    row.fill(0.0);
    for_each_sparse_entry(seed, key, s, row.len(), |pos, value| row[pos] = value);
}

/// The non-zero entries of [`sparse_random_row`]`(seed, key, s, row)` for a row of
/// `d` entries, in increasing position: `emit(position, value)`.
pub fn for_each_sparse_entry(
    seed: u64,
    key: u64,
    s: f64,
    d: usize,
    mut emit: impl FnMut(usize, f32),
) {
    if d == 0 {
        return;
    }
    let value = (s / d as f64).sqrt() as f32;
    let mut rng = Xoshiro256PlusPlus::from_seed_and_stream(seed, key);
    let p = 1.0 / s;
    let ln_q = if p >= 1.0 {
        f64::NEG_INFINITY
    } else {
        (-p).ln_1p()
    };
    let mut pos = rng.geometric_ln(ln_q);
    while pos < d as u64 {
        let sign = rng.next_u64() >> 63;
        emit(pos as usize, if sign == 0 { value } else { -value });
        pos = pos.saturating_add(1).saturating_add(rng.geometric_ln(ln_q));
    }
}

/// The `width x k` feature projection `P` (row-major): row `f` is
/// [`sparse_random_row`] of stream `f` with sparsity [`FEATURE_SPARSITY`].
pub fn feature_projection(seed: u64, width: usize, k: usize) -> Vec<f32> {
    let mut p = vec![0f32; width * k];
    if k == 0 {
        return p;
    }
    for (f, row) in p.chunks_exact_mut(k).enumerate() {
        sparse_random_row(seed ^ FEATURE_SEED_SALT, f as u64, FEATURE_SPARSITY, row);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_follow_the_sparse_distribution() {
        // s = 4, d = 64: P(nonzero) = 1/4, values +-sqrt(4/64) = +-0.25, signs balanced.
        let (d, s, rows) = (64usize, 4.0, 4000u64);
        let mut row = vec![0f32; d];
        let (mut nonzero, mut positive, mut per_col) = (0usize, 0usize, vec![0usize; d]);
        for key in 0..rows {
            sparse_random_row(7, key, s, &mut row);
            for (j, &x) in row.iter().enumerate() {
                if x != 0.0 {
                    assert_eq!(x.abs(), 0.25);
                    nonzero += 1;
                    per_col[j] += 1;
                    positive += (x > 0.0) as usize;
                }
            }
        }
        let total = (rows as usize * d) as f64;
        let rate = nonzero as f64 / total;
        // Binomial(256000, 0.25): sd of the rate ~ 0.00086.
        assert!((rate - 0.25).abs() < 0.005, "rate {rate}");
        let share = positive as f64 / nonzero as f64;
        assert!((share - 0.5).abs() < 0.01, "positive share {share}");
        // Every column is hit about rows/4 = 1000 times (sd ~27).
        assert!(
            per_col.iter().all(|&c| (850..1150).contains(&c)),
            "{per_col:?}"
        );
    }

    #[test]
    fn rows_depend_only_on_seed_and_key() {
        let mut a = vec![0f32; 32];
        let mut b = vec![0f32; 32];
        sparse_random_row(1, 5, 3.0, &mut a);
        sparse_random_row(1, 5, 3.0, &mut b);
        assert_eq!(a, b);
        sparse_random_row(1, 6, 3.0, &mut b);
        assert_ne!(a, b);
        sparse_random_row(2, 5, 3.0, &mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn sparsity_one_fills_every_entry() {
        let mut a = vec![0f32; 16];
        sparse_random_row(3, 0, 1.0, &mut a);
        assert!(a.iter().all(|x| x.abs() == 0.25));
    }
}
