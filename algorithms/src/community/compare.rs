//! Agreement between two partitions of the same nodes: NMI and ARI.

use std::collections::HashMap;

use crate::error::AlgorithmError;

/// Contingency counts of two labelings, with each labeling's cluster sizes.
struct Contingency {
    cells: HashMap<(u32, u32), u64>,
    a_sizes: HashMap<u32, u64>,
    b_sizes: HashMap<u32, u64>,
    n: u64,
}

fn contingency(a: &[u32], b: &[u32]) -> Result<Contingency, AlgorithmError> {
    if a.len() != b.len() {
        return Err(AlgorithmError::Mismatch(format!(
            "partitions of {} and {} nodes",
            a.len(),
            b.len()
        )));
    }
    let mut c = Contingency {
        cells: HashMap::new(),
        a_sizes: HashMap::new(),
        b_sizes: HashMap::new(),
        n: a.len() as u64,
    };
    for (&x, &y) in a.iter().zip(b) {
        *c.cells.entry((x, y)).or_default() += 1;
        *c.a_sizes.entry(x).or_default() += 1;
        *c.b_sizes.entry(y).or_default() += 1;
    }
    Ok(c)
}

fn entropy(sizes: &HashMap<u32, u64>, n: f64) -> f64 {
    sizes
        .values()
        .map(|&s| {
            let p = s as f64 / n;
            -p * p.ln()
        })
        .sum()
}

/// Normalised mutual information with the arithmetic-mean normalisation,
/// `NMI = I(a; b) / ((H(a) + H(b)) / 2)`, as scikit-learn's
/// `normalized_mutual_info_score` (1 when both partitions are a single cluster).
pub fn nmi(a: &[u32], b: &[u32]) -> Result<f64, AlgorithmError> {
    let c = contingency(a, b)?;
    let n = c.n as f64;
    let (ha, hb) = (entropy(&c.a_sizes, n), entropy(&c.b_sizes, n));
    if c.a_sizes.len() == 1 && c.b_sizes.len() == 1 || c.n == 0 {
        return Ok(1.0);
    }
    let mi: f64 = c
        .cells
        .iter()
        .map(|(&(x, y), &nij)| {
            let nij = nij as f64;
            let (na, nb) = (c.a_sizes[&x] as f64, c.b_sizes[&y] as f64);
            nij / n * (n * nij / (na * nb)).ln()
        })
        .sum();
    let denom = (ha + hb) / 2.0;
    Ok(if denom <= 0.0 {
        0.0
    } else {
        (mi / denom).clamp(0.0, 1.0)
    })
}

/// Adjusted Rand index (Hubert & Arabie 1985), as scikit-learn's
/// `adjusted_rand_score`.
pub fn ari(a: &[u32], b: &[u32]) -> Result<f64, AlgorithmError> {
    let c = contingency(a, b)?;
    let pairs = |x: u64| (x as f64) * (x as f64 - 1.0) / 2.0;
    let index: f64 = c.cells.values().map(|&x| pairs(x)).sum();
    let sa: f64 = c.a_sizes.values().map(|&x| pairs(x)).sum();
    let sb: f64 = c.b_sizes.values().map(|&x| pairs(x)).sum();
    let total = pairs(c.n);
    if total == 0.0 {
        return Ok(1.0);
    }
    let expected = sa * sb / total;
    let max = (sa + sb) / 2.0;
    if max == expected {
        return Ok(1.0);
    }
    Ok((index - expected) / (max - expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_and_relabelled_partitions_agree_fully() {
        let a = [0, 0, 1, 1, 2, 2];
        let b = [5, 5, 3, 3, 9, 9];
        assert!((nmi(&a, &b).unwrap() - 1.0).abs() < 1e-12);
        assert!((ari(&a, &b).unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn known_values() {
        // scikit-learn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715,
        // normalized_mutual_info_score(...) = 0.8.
        let (a, b) = ([0, 0, 1, 1], [0, 0, 1, 2]);
        assert!((ari(&a, &b).unwrap() - 0.571_428_571_428_571_5).abs() < 1e-12);
        assert!((nmi(&a, &b).unwrap() - 0.8).abs() < 1e-12);
        // Independent: a split orthogonal to the truth.
        let (a, b) = ([0, 0, 1, 1], [0, 1, 0, 1]);
        assert!(nmi(&a, &b).unwrap().abs() < 1e-12);
        assert!((ari(&a, &b).unwrap() + 0.5).abs() < 1e-12);
    }
}
