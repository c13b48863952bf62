//! A 64-bit content hash of a graph, to tie an index to the graph it was built for.

use rayon::prelude::*;
use spargraph_engine::rng::SplitMix64;
use spargraph_engine::Graph;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
/// Words per independently hashed chunk (fixed: the hash never depends on threads).
const CHUNK_WORDS: usize = 1 << 16;

/// One FNV-1a-style step on a 64-bit word: `h = rotl((h ^ w) * prime, 27)`.
/// A bijection of `h` for fixed `w`, so a change in one word always changes `h`.
#[inline]
fn step(h: u64, w: u64) -> u64 {
    (h ^ w).wrapping_mul(FNV_PRIME).rotate_left(27)
}

/// Hashes `words` in fixed chunks of [`CHUNK_WORDS`] (each chunk from the FNV offset
/// basis xored with its index), in parallel, and folds the chunk hashes in order.
fn hash_section<F>(h: u64, tag: u64, n_words: usize, word: F) -> u64
where
    F: Fn(usize) -> u64 + Sync,
{
    let n_chunks = n_words.div_ceil(CHUNK_WORDS);
    let chunk_hashes: Vec<u64> = (0..n_chunks)
        .into_par_iter()
        .map(|c| {
            let lo = c * CHUNK_WORDS;
            let hi = (lo + CHUNK_WORDS).min(n_words);
            (lo..hi).fold(FNV_OFFSET ^ c as u64, |h, i| step(h, word(i)))
        })
        .collect();
    let h = step(step(h, tag), n_words as u64);
    chunk_hashes.into_iter().fold(h, step)
}

/// Packs 32-bit values two per little-endian word (the last one zero-padded).
#[inline]
fn pair_word<T: Copy>(v: &[T], i: usize, bits: impl Fn(T) -> u32) -> u64 {
    let lo = bits(v[2 * i]) as u64;
    let hi = v.get(2 * i + 1).map_or(0, |&x| bits(x) as u64);
    lo | (hi << 32)
}

/// A 64-bit hash of `g`'s content: node count, directedness, whether weighted, the
/// out-CSR offsets, targets and weight bits (the in-CSR is the transpose, so it
/// adds nothing).
///
/// The hash is FNV-1a-style over 64-bit words: `h = rotl((h ^ w) * 0x100000001b3,
/// 27)` from the FNV offset basis. Each array is cut into fixed chunks of 2^16 words
/// (targets and weight bits packed two per word), hashed in parallel, and the chunk
/// hashes are folded in order, so the value depends on the graph only, never on
/// the number of threads. It ends with the SplitMix64 finaliser. Cost: one pass
/// over the CSR (`O(n + m)`), parallel.
pub fn graph_fingerprint(g: &Graph) -> u64 {
    let a = g.out();
    let mut h = FNV_OFFSET;
    for w in [
        a.n_rows() as u64,
        a.n_cols() as u64,
        u64::from(g.is_directed()),
        u64::from(a.is_weighted()),
        a.nnz() as u64,
    ] {
        h = step(h, w);
    }
    let off = a.offsets();
    h = hash_section(h, 1, off.len(), |i| off[i]);
    let t = a.targets();
    h = hash_section(h, 2, t.len().div_ceil(2), |i| pair_word(t, i, |x| x));
    if let Some(w) = a.weights() {
        h = hash_section(h, 3, w.len().div_ceil(2), |i| pair_word(w, i, f32::to_bits));
    }
    SplitMix64::mix(h)
}
