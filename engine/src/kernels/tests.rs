//! Kernels against a naive dense reference and against `sprs`.

use super::*;
use crate::builder::build_csr;
use crate::builder::{DuplicatePolicy, SelfLoopPolicy};
use crate::csr::Csr;
use proptest::prelude::*;

/// Dense f64 reference of the normalised operator.
fn dense_operator(a: &Csr, norm: Normalization, self_loops: bool) -> Vec<Vec<f64>> {
    let (n, m) = (a.n_rows(), a.n_cols());
    let mut d = vec![vec![0f64; m]; n];
    for (i, row) in d.iter_mut().enumerate() {
        for (j, w) in a.row_entries(i) {
            row[j as usize] += w as f64;
        }
        if self_loops {
            row[i] += 1.0;
        }
    }
    let rs: Vec<f64> = d.iter().map(|r| r.iter().sum()).collect();
    let cs: Vec<f64> = (0..m).map(|j| d.iter().map(|r| r[j]).sum()).collect();
    let f = |x: f64, p: f64| if x > 0.0 { x.powf(p) } else { 0.0 };
    for i in 0..n {
        for j in 0..m {
            d[i][j] *= match norm {
                Normalization::None => 1.0,
                Normalization::Row => f(rs[i], -1.0),
                Normalization::Symmetric => f(rs[i], -0.5) * f(rs[j], -0.5),
                Normalization::Column => f(cs[j], -1.0),
            };
        }
    }
    d
}

fn norms() -> impl Strategy<Value = Normalization> {
    prop_oneof![
        Just(Normalization::None),
        Just(Normalization::Row),
        Just(Normalization::Symmetric),
        Just(Normalization::Column)
    ]
}

fn matrices() -> impl Strategy<Value = Csr> {
    (1usize..30, any::<bool>(), any::<bool>()).prop_flat_map(|(n, weighted, sym)| {
        (0usize..120).prop_flat_map(move |m| {
            (
                proptest::collection::vec(0..n as u32, m),
                proptest::collection::vec(0..n as u32, m),
                proptest::collection::vec(0.0f32..4.0, m),
            )
                .prop_map(move |(s, d, w)| {
                    build_csr(
                        n,
                        &s,
                        &d,
                        weighted.then_some(&w[..]),
                        sym,
                        DuplicatePolicy::Sum,
                        SelfLoopPolicy::Keep,
                    )
                    .unwrap()
                })
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn spmv_matches_dense(a in matrices(), norm in norms(), loops in any::<bool>(), seed in 0u64..1000) {
        // Symmetric normalisation with D from row sums only equals the dense reference
        // on square matrices, which all of these are.
        let n = a.n_rows();
        let x: Vec<f64> = (0..n).map(|i| ((i as u64 * 7919 + seed) % 13) as f64 - 6.0).collect();
        let y = spmv(&a, norm, loops, &x);
        let dense = dense_operator(&a, norm, loops);
        for i in 0..n {
            let want: f64 = (0..n).map(|j| dense[i][j] * x[j]).sum();
            prop_assert!((y[i] - want).abs() <= 1e-9 * (1.0 + want.abs()), "row {} got {} want {}", i, y[i], want);
        }
    }

    #[test]
    fn spmm_matches_dense(a in matrices(), norm in norms(), loops in any::<bool>(),
                          d in prop_oneof![1usize..20, Just(64usize), Just(128usize)]) {
        let n = a.n_rows();
        let x: Vec<f32> = (0..n * d).map(|k| ((k * 37 % 11) as f32 - 5.0) / 3.0).collect();
        let y = spmm(&a, norm, loops, &x, d);
        let dense = dense_operator(&a, norm, loops);
        for i in 0..n {
            for c in 0..d {
                let want: f64 = (0..n).map(|j| dense[i][j] * x[j * d + c] as f64).sum();
                let got = y[i * d + c] as f64;
                prop_assert!((got - want).abs() <= 1e-4 * (1.0 + want.abs()), "({}, {}) got {} want {}", i, c, got, want);
            }
        }
    }

    #[test]
    fn spmm_f64_register_tiles_match_dense(a in matrices(), norm in norms(), loops in any::<bool>(),
                                           d in prop_oneof![Just(32usize), Just(64usize), Just(96usize)]) {
        let n = a.n_rows();
        let x: Vec<f64> = (0..n * d).map(|k| ((k * 37 % 11) as f64 - 5.0) / 3.0).collect();
        let y = spmm(&a, norm, loops, &x, d);
        let dense = dense_operator(&a, norm, loops);
        for i in 0..n {
            for c in 0..d {
                let want: f64 = (0..n).map(|j| dense[i][j] * x[j * d + c]).sum();
                prop_assert!((y[i * d + c] - want).abs() <= 1e-9 * (1.0 + want.abs()), "({}, {}) got {} want {}", i, c, y[i * d + c], want);
            }
        }
    }

    #[test]
    fn vectorised_spmm_equals_the_portable_loop_bit_for_bit(
        a in matrices(), norm in norms(), loops in any::<bool>(),
        d in prop_oneof![Just(64usize), Just(128usize), Just(192usize), Just(256usize)]) {
        // The AVX2 and AVX-512 kernels (register tiles of 32 to 128 columns) must
        // give the portable loop's sums exactly, in f32 and in f64.
        let n = a.n_rows();
        let x: Vec<f32> = (0..n * d).map(|k| ((k * 37 % 11) as f32 - 5.0) / 3.0).collect();
        let op = Operator::<f32>::new(&a, norm, loops);
        let (mut fast, mut portable) = (vec![0f32; n * d], vec![0f32; n * d]);
        spmm_range(&a, &op, 0..n, &x, d, &mut fast);
        super::spmm::spmm_range_portable(&a, &op, 0..n, &x, d, &mut portable);
        prop_assert!(fast.iter().zip(&portable).all(|(p, q)| p.to_bits() == q.to_bits()));
        let x: Vec<f64> = x.iter().map(|&v| v as f64 / 7.0).collect();
        let op = Operator::<f64>::new(&a, norm, loops);
        let (mut fast, mut portable) = (vec![0f64; n * d], vec![0f64; n * d]);
        spmm_range(&a, &op, 0..n, &x, d, &mut fast);
        super::spmm::spmm_range_portable(&a, &op, 0..n, &x, d, &mut portable);
        prop_assert!(fast.iter().zip(&portable).all(|(p, q)| p.to_bits() == q.to_bits()));
    }

    #[test]
    fn spmm_matches_sprs(a in matrices(), d in prop_oneof![1usize..70, Just(128usize)]) {
        let n = a.n_rows();
        let x: Vec<f32> = (0..n * d).map(|k| ((k * 31 % 17) as f32 - 8.0) / 4.0).collect();
        let y = spmm(&a, Normalization::None, false, &x, d);
        let m = crate::convert::to_sprs(&a);
        // sprs: sparse x dense via its serial kernel.
        let dense = ndarray_view(&x, n, d);
        let want = &m * &dense;
        for i in 0..n {
            for c in 0..d {
                prop_assert!((y[i * d + c] - want[[i, c]]).abs() <= 1e-4 * (1.0 + want[[i, c]].abs()));
            }
        }
    }

    #[test]
    fn mixed_spmm_equals_f64_spmm_of_the_widened_input_bit_for_bit(
        a in matrices(), d in prop_oneof![1usize..40, Just(64usize), Just(96usize), Just(128usize)], cut in 0usize..30
    ) {
        // Every f32 value is exact in f64, so accumulating the f32 block in f64 must
        // give exactly the f64 kernel's numbers, for any width and row split, and
        // column j of a wide call must equal a width-1 call on column j.
        let n = a.n_rows();
        let cut = cut.min(n);
        let x: Vec<f32> = (0..n * d).map(|k| ((k * 7919 % 23) as f32 - 11.0) / 3.0).collect();
        let wide: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let want = spmm(&a, Normalization::None, false, &wide, d);
        let mut lo = vec![0f64; cut * d];
        let mut hi = vec![0f64; (n - cut) * d];
        spmm_range_f32_to_f64(&a, 0..cut, &x, d, &mut lo);
        spmm_range_f32_to_f64(&a, cut..n, &x, d, &mut hi);
        lo.extend(hi);
        prop_assert_eq!(&lo, &want);
        let col: Vec<f32> = (0..n).map(|i| x[i * d + d - 1]).collect();
        let mut one = vec![0f64; n];
        spmm_range_f32_to_f64(&a, 0..n, &col, 1, &mut one);
        for i in 0..n {
            prop_assert_eq!(one[i].to_bits(), lo[i * d + d - 1].to_bits());
        }
    }

    #[test]
    fn spmm_range_equals_whole(a in matrices(), d in 1usize..10, cut in 0usize..30) {
        let n = a.n_rows();
        let cut = cut.min(n);
        let x: Vec<f32> = (0..n * d).map(|k| (k % 5) as f32).collect();
        let op = Operator::new(&a, Normalization::Symmetric, true);
        let mut whole = vec![0f32; n * d];
        spmm_into(&a, &op, &x, d, &mut whole);
        let mut lo = vec![0f32; cut * d];
        let mut hi = vec![0f32; (n - cut) * d];
        spmm_range(&a, &op, 0..cut, &x, d, &mut lo);
        spmm_range(&a, &op, cut..n, &x, d, &mut hi);
        lo.extend(hi);
        prop_assert_eq!(lo, whole);
    }

    #[test]
    fn transpose_twice_is_identity(a in matrices()) {
        let t = transpose(&a);
        prop_assert_eq!(t.nnz(), a.nnz());
        for i in 0..a.n_rows() {
            for (j, w) in a.row_entries(i) {
                prop_assert_eq!(t.get(j as usize, i as u32), Some(w));
            }
        }
        prop_assert_eq!(transpose(&t), a);
    }
}

fn ndarray_view(x: &[f32], n: usize, d: usize) -> ndarray::Array2<f32> {
    ndarray::Array2::from_shape_vec((n, d), x.to_vec()).unwrap()
}

#[test]
fn zero_degree_rows_give_zero_not_nan() {
    let a = build_csr(
        3,
        &[0],
        &[1],
        None,
        false,
        DuplicatePolicy::First,
        SelfLoopPolicy::Keep,
    )
    .unwrap();
    for norm in [
        Normalization::Row,
        Normalization::Symmetric,
        Normalization::Column,
    ] {
        let y = spmv(&a, norm, false, &[1.0f32, 1.0, 1.0]);
        assert!(y.iter().all(|v| v.is_finite()), "{norm:?}: {y:?}");
        assert_eq!(y[2], 0.0);
    }
}

#[test]
fn thread_count_does_not_change_spmm() {
    let n = 3000usize;
    let src: Vec<u32> = (0..40_000u32)
        .map(|k| k.wrapping_mul(2654435761) % n as u32)
        .collect();
    let dst: Vec<u32> = (0..40_000u32)
        .map(|k| k.wrapping_mul(40503).wrapping_add(7) % n as u32)
        .collect();
    let a = build_csr(
        n,
        &src,
        &dst,
        None,
        true,
        DuplicatePolicy::Sum,
        SelfLoopPolicy::Keep,
    )
    .unwrap();
    let x: Vec<f32> = (0..n * 16).map(|k| (k as f32).sin()).collect();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let three = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let a1 = one.install(|| spmm(&a, Normalization::Symmetric, true, &x, 16));
    let a3 = three.install(|| spmm(&a, Normalization::Symmetric, true, &x, 16));
    assert_eq!(a1, a3);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, .. ProptestConfig::default() })]

    #[test]
    fn spmv_matches_sprs(a in matrices()) {
        let n = a.n_rows();
        let x: Vec<f32> = (0..n).map(|k| ((k * 29 % 23) as f32 - 11.0) / 7.0).collect();
        let y = spmv(&a, Normalization::None, false, &x);
        let m = crate::convert::to_sprs(&a);
        let want = &m * &ndarray::Array1::from(x.clone());
        for i in 0..n {
            prop_assert!((y[i] - want[i]).abs() <= 1e-4 * (1.0 + want[i].abs()), "row {} got {} want {}", i, y[i], want[i]);
        }
    }
}

/// A dense `n x d` matrix of which about `density` of the entries are non-zero
/// (a few of them negative zeros, which the masked form drops).
fn sparse_dense(n: usize, d: usize, density: f64, seed: u64) -> Vec<f32> {
    let mut rng = crate::rng::Xoshiro256PlusPlus::from_seed_and_stream(seed, 0);
    (0..n * d)
        .map(|_| {
            let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            if u < density {
                ((rng.next_u64() % 2001) as f32 - 1000.0) / 37.0
            } else if u < density + 0.01 {
                -0.0
            } else {
                0.0
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn masked_rows_round_trip(n in 0usize..20, chunks in 1usize..10, density in 0.0f64..1.0, seed in 0u64..1000) {
        let d = 16 * chunks;
        let x = sparse_dense(n, d, density, seed);
        let m = MaskedRows::from_dense(&x, d);
        prop_assert_eq!(m.n_rows(), n);
        prop_assert_eq!(m.nnz(), x.iter().filter(|v| **v != 0.0).count());
        let back = m.to_dense();
        prop_assert_eq!(back.len(), x.len());
        for (a, b) in back.iter().zip(&x) {
            // Zeros come back as +0.
            prop_assert_eq!(a.to_bits(), if *b == 0.0 { 0 } else { b.to_bits() });
        }
    }

    #[test]
    fn masked_spmm_is_bit_identical_to_dense(a in matrices(), norm in norms(), loops in any::<bool>(),
                                             chunks in prop_oneof![Just(1usize), Just(3), Just(4), Just(8), Just(9)],
                                             density in 0.0f64..1.0, seed in 0u64..1000, split in 0usize..30) {
        let (n, d) = (a.n_rows(), 16 * chunks);
        let x = sparse_dense(n, d, density, seed);
        let op = Operator::<f32>::new(&a, norm, loops);
        let mut dense = vec![0f32; n * d];
        spmm_range(&a, &op, 0..n, &x, d, &mut dense);
        let m = MaskedRows::from_parts(d, {
            // Built from two blocks, as workers do.
            let cut = split.min(n);
            let mut first = MaskedRowsPart::new(d);
            let mut second = MaskedRowsPart::new(d);
            for (i, row) in x.chunks_exact(d).enumerate() {
                if i < cut { first.push_row(row) } else { second.push_row(row) }
            }
            vec![first, second]
        });
        let mut masked = vec![f32::NAN; n * d];
        spmm_masked_range(&a, &op, 0..n, &m, &mut masked);
        let mut portable = vec![f32::NAN; n * d];
        super::masked::spmm_masked_portable(&a, &op, 0..n, &m, &mut portable);
        for i in 0..n * d {
            prop_assert_eq!(masked[i].to_bits(), dense[i].to_bits(), "vectorised, entry {}", i);
            prop_assert_eq!(portable[i].to_bits(), dense[i].to_bits(), "portable, entry {}", i);
        }
        // A sub-range writes the same rows.
        let cut = split.min(n);
        let mut part = vec![f32::NAN; (n - cut) * d];
        spmm_masked_range(&a, &op, cut..n, &m, &mut part);
        prop_assert_eq!(&part[..], &masked[cut * d..]);
    }
}
