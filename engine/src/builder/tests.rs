//! Property tests of the builder against a naive reference.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// CSR parts `(offsets, targets, weights)` of the naive reference.
type Parts = (Vec<u64>, Vec<u32>, Option<Vec<f32>>);

/// Naive reference: a map from (row, col) to the merged weight, in input order.
fn naive(
    n: usize,
    src: &[u32],
    dst: &[u32],
    w: Option<&[f32]>,
    symmetrize: bool,
    dup: DuplicatePolicy,
    loops: SelfLoopPolicy,
) -> Result<Parts, ()> {
    let mut cells: BTreeMap<(u32, u32), Vec<f32>> = BTreeMap::new();
    for k in 0..src.len() {
        let (u, v) = (src[k], dst[k]);
        if u == v && loops == SelfLoopPolicy::Drop {
            continue;
        }
        let x = w.map_or(1.0, |w| w[k]);
        cells.entry((u, v)).or_default().push(x);
        if symmetrize && u != v {
            cells.entry((v, u)).or_default().push(x);
        }
    }
    let any_dup = cells.values().any(|v| v.len() > 1);
    if any_dup && dup == DuplicatePolicy::Error {
        return Err(());
    }
    let weighted = w.is_some() || (dup == DuplicatePolicy::Sum && any_dup);
    let mut offsets = vec![0u64; n + 1];
    let mut targets = Vec::new();
    let mut weights = Vec::new();
    for (&(u, v), xs) in &cells {
        offsets[u as usize + 1] += 1;
        targets.push(v);
        let merged = match dup {
            DuplicatePolicy::Sum => xs.iter().fold(0f32, |a, b| a + b),
            DuplicatePolicy::Max => xs.iter().fold(f32::MIN, |a, &b| a.max(b)),
            DuplicatePolicy::First | DuplicatePolicy::Error => xs[0],
        };
        weights.push(merged);
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    Ok((offsets, targets, weighted.then_some(weights)))
}

fn policy() -> impl Strategy<Value = DuplicatePolicy> {
    prop_oneof![
        Just(DuplicatePolicy::Sum),
        Just(DuplicatePolicy::Max),
        Just(DuplicatePolicy::First),
        Just(DuplicatePolicy::Error)
    ]
}

fn loops() -> impl Strategy<Value = SelfLoopPolicy> {
    prop_oneof![Just(SelfLoopPolicy::Keep), Just(SelfLoopPolicy::Drop)]
}

/// Random edge lists on up to 40 nodes (so duplicates, self-loops and isolated nodes
/// all occur), some weighted with small integer-valued or fractional weights.
fn edge_lists() -> impl Strategy<Value = (usize, Vec<u32>, Vec<u32>, Option<Vec<f32>>)> {
    (1usize..40).prop_flat_map(|n| {
        (0usize..200).prop_flat_map(move |m| {
            (
                Just(n),
                proptest::collection::vec(0..n as u32, m),
                proptest::collection::vec(0..n as u32, m),
                proptest::option::of(proptest::collection::vec(
                    prop_oneof![(0u32..5).prop_map(|x| x as f32), 0.0f32..10.0],
                    m,
                )),
            )
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn builder_matches_naive((n, src, dst, w) in edge_lists(), sym in any::<bool>(), dup in policy(), lp in loops()) {
        let got = build_csr(n, &src, &dst, w.as_deref(), sym, dup, lp);
        let want = naive(n, &src, &dst, w.as_deref(), sym, dup, lp);
        match (got, want) {
            (Err(EngineError::DuplicateEdge { .. }), Err(())) => {}
            (Ok(csr), Ok((offsets, targets, weights))) => {
                prop_assert_eq!(csr.offsets(), offsets.as_slice());
                prop_assert_eq!(csr.targets(), targets.as_slice());
                prop_assert_eq!(csr.weights().map(|w| w.to_vec()), weights);
                prop_assert!(Csr::from_parts(n, csr.offsets().to_vec(), csr.targets().to_vec(), csr.weights().map(|w| w.to_vec())).is_ok());
                if sym {
                    prop_assert!(csr.is_symmetric());
                }
            }
            (g, w) => prop_assert!(false, "builder {:?} vs naive {:?}", g.map(|_| ()), w.map(|_| ())),
        }
    }

    #[test]
    fn builder_is_thread_count_independent((n, src, dst, w) in edge_lists(), sym in any::<bool>(), dup in policy()) {
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        let a = one.install(|| build_csr(n, &src, &dst, w.as_deref(), sym, dup, SelfLoopPolicy::Keep));
        let b = three.install(|| build_csr(n, &src, &dst, w.as_deref(), sym, dup, SelfLoopPolicy::Keep));
        prop_assert_eq!(a, b);
    }

    #[test]
    fn directed_graph_incoming_is_transpose((n, src, dst, w) in edge_lists()) {
        let g = build_graph(n, &src, &dst, w.as_deref(), &BuildOptions::directed()).unwrap();
        for v in 0..n {
            for &u in g.in_neighbors(v) {
                prop_assert!(g.out_neighbors(u as usize).binary_search(&(v as u32)).is_ok());
            }
        }
        prop_assert_eq!(g.incoming().nnz(), g.out().nnz());
    }
}

#[test]
fn large_chunked_build_matches_single_thread() {
    // Enough edges for several scatter chunks.
    let n = 5_000u32;
    let m = 400_000usize;
    let mut x = 12345u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as u32
    };
    let src: Vec<u32> = (0..m).map(|_| next()).collect();
    let dst: Vec<u32> = (0..m).map(|_| next()).collect();
    let w: Vec<f32> = (0..m).map(|k| (k % 7) as f32 * 0.25).collect();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    for dup in [
        DuplicatePolicy::Sum,
        DuplicatePolicy::First,
        DuplicatePolicy::Max,
    ] {
        let a = one
            .install(|| {
                build_csr(
                    n as usize,
                    &src,
                    &dst,
                    Some(&w),
                    true,
                    dup,
                    SelfLoopPolicy::Keep,
                )
            })
            .unwrap();
        let b = four
            .install(|| {
                build_csr(
                    n as usize,
                    &src,
                    &dst,
                    Some(&w),
                    true,
                    dup,
                    SelfLoopPolicy::Keep,
                )
            })
            .unwrap();
        assert_eq!(a, b);
        assert!(a.is_symmetric());
    }
}

#[test]
fn invalid_input_is_reported() {
    assert_eq!(
        build_csr(
            3,
            &[0, 5],
            &[1, 1],
            None,
            false,
            DuplicatePolicy::First,
            SelfLoopPolicy::Keep
        ),
        Err(EngineError::NodeOutOfRange { id: 5, n_nodes: 3 })
    );
    assert!(matches!(
        build_csr(
            3,
            &[0, 1],
            &[1, 2],
            Some(&[1.0, f32::NAN]),
            false,
            DuplicatePolicy::First,
            SelfLoopPolicy::Keep
        ),
        Err(EngineError::InvalidWeight { index: 1, .. })
    ));
    assert!(matches!(
        build_csr(
            3,
            &[0, 1],
            &[1, 2],
            Some(&[-1.0, 1.0]),
            false,
            DuplicatePolicy::First,
            SelfLoopPolicy::Keep
        ),
        Err(EngineError::InvalidWeight { index: 0, .. })
    ));
    assert!(matches!(
        build_csr(
            3,
            &[0],
            &[1, 2],
            None,
            false,
            DuplicatePolicy::First,
            SelfLoopPolicy::Keep
        ),
        Err(EngineError::LengthMismatch { .. })
    ));
}

#[test]
fn empty_and_isolated() {
    let c = build_csr(
        4,
        &[],
        &[],
        None,
        true,
        DuplicatePolicy::Sum,
        SelfLoopPolicy::Keep,
    )
    .unwrap();
    assert_eq!(c.n_rows(), 4);
    assert_eq!(c.nnz(), 0);
    let c = build_csr(
        0,
        &[],
        &[],
        None,
        true,
        DuplicatePolicy::Sum,
        SelfLoopPolicy::Keep,
    )
    .unwrap();
    assert_eq!(c.n_rows(), 0);
}
