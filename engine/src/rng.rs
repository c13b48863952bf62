//! Small deterministic pseudo-random number generators with no dependencies.
//!
//! * [`SplitMix64`]: the 64-bit SplitMix generator of Steele, Lea & Flood,
//!   "Fast splittable pseudorandom number generators", OOPSLA 2014, used here
//!   for seeding and for deriving independent streams.
//! * [`Xoshiro256PlusPlus`]: xoshiro256++ of Blackman & Vigna, "Scrambled
//!   linear pseudorandom number generators", ACM TOMS 47(4), 2021
//!   (<https://prng.di.unimi.it/>), the main generator.
//!
//! Both are bit-for-bit identical to the reference C implementations, so the
//! output of a given seed never depends on the platform or thread count.

/// The SplitMix64 generator (Steele, Lea & Flood, OOPSLA 2014; the 64-bit
/// variant of `java.util.SplittableRandom`, as used by Vigna to seed xoshiro).
///
/// `state += 0x9E3779B97F4A7C15`, then the output is the `mix64` finaliser of
/// the new state. Period 2^64; not for use as a main generator for large
/// simulations, but ideal to expand a 64-bit seed into a larger state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// The golden-ratio increment `0x9E3779B97F4A7C15` (Steele et al. 2014).
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// A generator whose internal state is `seed` (as in the reference code).
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The SplitMix64 output finaliser (a variant of MurmurHash3's `fmix64`,
    /// constants from Steele et al. 2014 / Vigna's `splitmix64.c`): a
    /// bijective, well-avalanching mix of a 64-bit word.
    pub fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next 64-bit output (Vigna's reference `splitmix64.c`).
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GAMMA);
        Self::mix(self.state)
    }
}

/// The xoshiro256++ generator (Blackman & Vigna, "Scrambled linear
/// pseudorandom number generators", ACM TOMS 2021): 256 bits of state,
/// period 2^256 - 1, output `rotl(s0 + s3, 23) + s0`.
///
/// Seeded from [`SplitMix64`] as recommended by the authors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Xoshiro256PlusPlus {
    s: [u64; 4],
}

impl Xoshiro256PlusPlus {
    /// A generator whose four state words are the first four outputs of
    /// [`SplitMix64::new`]`(seed)` (the seeding recommended by Vigna).
    pub fn new(seed: u64) -> Self {
        Self::from_splitmix(SplitMix64::new(seed))
    }

    /// An independent stream `stream` of the generator family `seed`.
    ///
    /// The seed is expanded with SplitMix64 and xored with the SplitMix64
    /// finaliser of the (offset) stream index; the result seeds a fresh
    /// SplitMix64 that fills the state. Distinct `(seed, stream)` pairs give
    /// unrelated states (collisions have probability ~2^-64), which is how
    /// parallel generators obtain per-chunk streams that do not depend on the
    /// number of threads (the splitting scheme of Steele et al. 2014).
    pub fn from_seed_and_stream(seed: u64, stream: u64) -> Self {
        let base = SplitMix64::new(seed).next_u64();
        let salt = SplitMix64::mix(
            stream
                .wrapping_mul(0xD1B5_4A32_D192_ED03)
                .wrapping_add(0x8CB9_2BA7_2F3D_8DD7),
        );
        Self::from_splitmix(SplitMix64::new(base ^ salt))
    }

    /// A generator with the raw state `s` (for reproducing reference test
    /// vectors). The all-zero state is a fixed point of xoshiro, so it is
    /// replaced by the state of [`Xoshiro256PlusPlus::new`]`(0)`.
    pub fn from_state(s: [u64; 4]) -> Self {
        if s == [0; 4] {
            Self::new(0)
        } else {
            Self { s }
        }
    }

    fn from_splitmix(mut sm: SplitMix64) -> Self {
        let s = [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()];
        Self::from_state(s)
    }

    /// The next 64-bit output (Vigna's reference `xoshiro256plusplus.c`).
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform `f64` in `[0, 1)` from the top 53 bits: `(x >> 11) * 2^-53`
    /// (Vigna, "Generating uniform doubles in the unit interval").
    #[inline]
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform `f32` in `[0, 1)` from the top 24 bits: `(x >> 40) * 2^-24`.
    #[inline]
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// A uniform integer in `[0, n)` without modulo bias, by Lemire's
    /// multiply-and-reject method ("Fast random integer generation in an
    /// interval", ACM TOMACS 29(1), 2019). Returns 0 when `n == 0`.
    #[inline]
    pub fn gen_range(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            // Threshold 2^64 mod n: reject the low products that would bias.
            let t = n.wrapping_neg() % n;
            while (m as u64) < t {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }

    /// The number of failures before the first success of independent
    /// Bernoulli(`p`) trials, i.e. a Geometric(`p`) variate on {0, 1, ...}:
    /// `floor(ln U / ln(1 - p))` with `U` uniform on `(0, 1]` (the skip used
    /// by Batagelj & Brandes, "Efficient generation of large random
    /// networks", Phys. Rev. E 71, 036113, 2005).
    ///
    /// Returns 0 for `p >= 1` and `u64::MAX` for `p <= 0` or NaN (never
    /// succeeds). Use [`Self::geometric_ln`] when `p` is fixed.
    pub fn geometric(&mut self, p: f64) -> u64 {
        if p >= 1.0 {
            0
        } else if p > 0.0 {
            self.geometric_ln((-p).ln_1p())
        } else {
            u64::MAX
        }
    }

    /// As [`Self::geometric`], given `ln_q = ln(1 - p)` precomputed (must be
    /// `< 0`; `-inf` means `p = 1`). Saturates at `u64::MAX`.
    #[inline]
    pub fn geometric_ln(&mut self, ln_q: f64) -> u64 {
        let u = 1.0 - self.next_f64(); // in (0, 1]
        let k = (u.ln() / ln_q).floor();
        // `as` saturates; NaN (from ln_q == 0) maps to 0, so guard it.
        if k.is_nan() {
            u64::MAX
        } else {
            k as u64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_outputs() {
        let mut g = SplitMix64::new(0);
        assert_eq!(
            [g.next_u64(), g.next_u64(), g.next_u64()],
            [
                16294208416658607535,
                7960286522194355700,
                487617019471545679
            ]
        );
        let mut g = SplitMix64::new(1234567);
        assert_eq!(
            [g.next_u64(), g.next_u64(), g.next_u64()],
            [
                6457827717110365317,
                3203168211198807973,
                9817491932198370423
            ]
        );
    }

    #[test]
    fn xoshiro256pp_reference_outputs() {
        // Reference C code with state {1, 2, 3, 4}.
        let mut g = Xoshiro256PlusPlus::from_state([1, 2, 3, 4]);
        let got: Vec<u64> = (0..5).map(|_| g.next_u64()).collect();
        assert_eq!(
            got,
            [
                41943041,
                58720359,
                3588806011781223,
                3591011842654386,
                9228616714210784205
            ]
        );
    }

    #[test]
    fn seeding_is_deterministic_and_streams_differ() {
        let a: Vec<u64> = {
            let mut g = Xoshiro256PlusPlus::new(7);
            (0..4).map(|_| g.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut g = Xoshiro256PlusPlus::new(7);
            (0..4).map(|_| g.next_u64()).collect()
        };
        assert_eq!(a, b);
        let firsts: std::collections::HashSet<u64> = (0..1000)
            .map(|s| Xoshiro256PlusPlus::from_seed_and_stream(7, s).next_u64())
            .chain((0..1000).map(|s| Xoshiro256PlusPlus::from_seed_and_stream(8, s).next_u64()))
            .collect();
        assert_eq!(firsts.len(), 2000);
        assert_ne!(Xoshiro256PlusPlus::from_state([0; 4]).next_u64(), 0);
    }

    #[test]
    fn floats_in_unit_interval() {
        let mut g = Xoshiro256PlusPlus::new(1);
        let (mut s64, mut s32) = (0.0, 0.0);
        for _ in 0..100_000 {
            let x = g.next_f64();
            let y = g.next_f32();
            assert!((0.0..1.0).contains(&x));
            assert!((0.0..1.0).contains(&y));
            s64 += x;
            s32 += f64::from(y);
        }
        assert!((s64 / 1e5 - 0.5).abs() < 0.005, "mean f64 {}", s64 / 1e5);
        assert!((s32 / 1e5 - 0.5).abs() < 0.005, "mean f32 {}", s32 / 1e5);
    }

    #[test]
    fn gen_range_in_range_and_edge_cases() {
        let mut g = Xoshiro256PlusPlus::new(3);
        for n in [
            1u64,
            2,
            3,
            7,
            1000,
            u64::MAX / 3 * 2,
            (1 << 63) + 1,
            u64::MAX,
        ] {
            for _ in 0..1000 {
                assert!(g.gen_range(n) < n);
            }
        }
        assert_eq!(g.gen_range(1), 0);
        assert_eq!(g.gen_range(0), 0);
        // For n = 3 * 2^62 a multiply-shift without rejection maps two raw
        // words to every k with k % 3 == 0 (frequency 1/2 instead of 1/3).
        let n = 3u64 << 62;
        let zero_mod_3 = (0..3000)
            .filter(|_| g.gen_range(n).is_multiple_of(3))
            .count();
        assert!(
            (900..1100).contains(&zero_mod_3),
            "k % 3 == 0 count {zero_mod_3}"
        );
    }

    #[test]
    fn gen_range_chi_square_uniform() {
        let mut g = Xoshiro256PlusPlus::new(12345);
        let k = 10u64;
        let draws = 100_000usize;
        let mut counts = [0usize; 10];
        for _ in 0..draws {
            counts[g.gen_range(k) as usize] += 1;
        }
        let expected = draws as f64 / k as f64;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        // 9 degrees of freedom: the 99.9 % quantile is 27.88.
        assert!(chi2 < 27.88, "chi-square {chi2}, counts {counts:?}");
    }

    #[test]
    fn geometric_mean_and_limits() {
        let mut g = Xoshiro256PlusPlus::new(99);
        let p = 0.1;
        let n = 200_000;
        let sum: u64 = (0..n).map(|_| g.geometric(p)).sum();
        let mean = sum as f64 / n as f64;
        // Mean failures (1 - p) / p = 9; sd of the mean ~ 0.021.
        assert!((mean - 9.0).abs() < 0.15, "geometric mean {mean}");
        assert_eq!(g.geometric(1.0), 0);
        assert_eq!(g.geometric(0.0), u64::MAX);
        assert_eq!(g.geometric(f64::NAN), u64::MAX);
    }
}
