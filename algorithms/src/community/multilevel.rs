//! Louvain and Leiden: local moving, (Leiden) refinement, aggregation, repeated.

use spargraph_engine::pool::on_pool;
use spargraph_engine::rng::{SplitMix64, Xoshiro256PlusPlus};
use spargraph_engine::Graph;

use super::components::split_disconnected;
use super::local_moving::local_moving;
use super::network::{Accumulator, Network};
use super::objective::{bipartite_sides, network_for, Objective};
use super::quality::{bipartite_modularity, cpm, modularity};
use super::refine::{refine, weight_to_own, MergeRule, Partition};
use super::scratch::ScratchPool;
use crate::error::{check_at_least_one, check_non_negative, check_positive, AlgorithmError};

/// Which multilevel algorithm to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Method {
    /// Leiden (Traag, Waltman & van Eck 2019): local moving, then refinement of each
    /// community into well-connected sub-clusters, which are aggregated; every
    /// community it returns is connected.
    #[default]
    Leiden,
    /// Louvain (Blondel et al. 2008): local moving, then aggregation of the
    /// communities themselves.
    Louvain,
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "leiden" => Ok(Method::Leiden),
            "louvain" => Ok(Method::Louvain),
            _ => Err(format!("unknown method {s:?} (expected leiden or louvain)")),
        }
    }
}

/// Options of [`communities`] (and of `spargraph communities`).
#[derive(Clone, Debug, PartialEq)]
pub struct CommunityConfig {
    /// Leiden (default) or Louvain.
    pub method: Method,
    /// What to maximise (default modularity; Leicht-Newman on directed graphs).
    pub objective: Objective,
    /// The resolution `gamma` (default 1): larger values give smaller communities.
    pub resolution: f64,
    /// Full runs at most, each starting from the previous one's partition (as
    /// igraph's `n_iterations`: later runs move single nodes out of the
    /// communities the first one over-merged); 0 repeats until a run changes
    /// nothing or gains less than 1e-6 relative (at most 100 runs). A later run
    /// whose first local moving moves fewer than one node in 1,000 stops there
    /// and is the last (its start was all but settled); so does a later run whose
    /// first local moving ends on a round without a move (a fixed point of
    /// single-node moves; Leiden then splits any community it cut in two).
    /// Default 3: one more than
    /// igraph's default, which on the LFR benchmark reaches igraph's modularity
    /// (higher on 11 of 13 graphs, where two runs were lower on 10) and its NMI
    /// at 7 points of 13 instead of 4, for 0-30 % more time (graphs whose
    /// second run settles pay nothing).
    pub iterations: usize,
    /// Local-moving rounds per level at most (default 20).
    pub max_rounds: usize,
    /// Local moving at level `l` stops once a round gains less than
    /// `tolerance / 10^l` (relative to the total edge weight; default 1e-2, as
    /// GVE-Louvain's tolerance and its drop per pass).
    pub tolerance: f64,
    /// Aggregation levels per run at most (default 64).
    pub max_levels: usize,
    /// Seed of the visiting orders (default 42).
    pub seed: u64,
}

impl CommunityConfig {
    /// Checks the options: resolution positive and finite, at least one round,
    /// tolerance finite and at least 0.
    pub fn validate(&self) -> Result<(), AlgorithmError> {
        check_positive("resolution", self.resolution)?;
        check_at_least_one("max-rounds", self.max_rounds)?;
        check_non_negative("tolerance", self.tolerance)?;
        Ok(())
    }
}

impl Default for CommunityConfig {
    fn default() -> Self {
        CommunityConfig {
            method: Method::Leiden,
            objective: Objective::Modularity,
            resolution: 1.0,
            iterations: 3,
            max_rounds: 20,
            tolerance: 1e-2,
            max_levels: 64,
            seed: 42,
        }
    }
}

/// Optional inputs of [`communities`].
#[derive(Clone, Copy, Debug, Default)]
pub struct CommunityInput<'a> {
    /// A membership to start from (any labels; equal labels = same community).
    pub initial: Option<&'a [u32]>,
    /// The sides of a bipartite graph (`true` = left, e.g. users), for
    /// [`Objective::Bipartite`]; found by 2-colouring when absent.
    pub is_left: Option<&'a [bool]>,
}

/// One aggregation level: the partition after its local moving.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    /// Community of each original node (0 = the largest community).
    pub membership: Vec<u32>,
    /// Number of communities.
    pub n_communities: usize,
    /// The objective's value (as [`modularity`], [`cpm`] or
    /// [`bipartite_modularity`] compute it).
    pub quality: f64,
}

/// The result of [`communities`].
#[derive(Clone, Debug, PartialEq)]
pub struct Communities {
    /// Community of each node (numbered by decreasing size, ties by smallest node).
    pub membership: Vec<u32>,
    /// Number of communities.
    pub n_communities: usize,
    /// The objective's value of `membership`.
    pub quality: f64,
    /// The levels of the first run, finest first, then `membership` if later runs
    /// changed it (so the last level always equals `membership`).
    pub levels: Vec<Level>,
}

/// Communities of `graph` by Louvain or Leiden (see [`CommunityConfig`]).
///
/// Local moving runs in parallel in fixed batches (see the `local_moving` module),
/// refinement in parallel over communities, aggregation in parallel over clusters:
/// the same seed gives the same result for any thread count.
///
/// Errors: resolution not positive, an initial membership of the wrong length, the
/// bipartite objective on a directed or non-bipartite graph (naming an edge).
///
/// ```
/// use spargraph_algorithms::community::{communities, CommunityConfig, CommunityInput};
/// use spargraph_engine::builder::{build_graph, BuildOptions};
/// // Two triangles joined by one edge.
/// let g = build_graph(6, &[0, 1, 2, 3, 4, 5, 2], &[1, 2, 0, 4, 5, 3, 3], None,
///     &BuildOptions::undirected()).unwrap();
/// let c = communities(&g, &CommunityConfig::default(), CommunityInput::default()).unwrap();
/// assert_eq!(c.n_communities, 2);
/// assert_eq!(c.membership[0], c.membership[2]);
/// assert_ne!(c.membership[0], c.membership[3]);
/// ```
pub fn communities(
    graph: &Graph,
    config: &CommunityConfig,
    input: CommunityInput<'_>,
) -> Result<Communities, AlgorithmError> {
    // Local moving starts hundreds of small parallel loops per level.
    on_pool(|| communities_on_pool(graph, config, input))
}

/// [`communities`], on a thread of rayon's pool.
fn communities_on_pool(
    graph: &Graph,
    config: &CommunityConfig,
    input: CommunityInput<'_>,
) -> Result<Communities, AlgorithmError> {
    config.validate()?;
    let n = graph.n_nodes();
    if let Some(init) = input.initial {
        if init.len() != n {
            return Err(AlgorithmError::Mismatch(format!(
                "the initial membership has {} entries for {} nodes",
                init.len(),
                n
            )));
        }
    }
    let sides = match config.objective {
        Objective::Bipartite => {
            if graph.is_directed() {
                return Err(AlgorithmError::Mismatch(
                    "the bipartite objective needs an undirected graph".into(),
                ));
            }
            Some(match input.is_left {
                Some(s) => {
                    // Checks the sides against every edge (errors name one).
                    bipartite_modularity(graph, &vec![0; n], s, 1.0)?;
                    s.to_vec()
                }
                None => bipartite_sides(graph)?,
            })
        }
        _ => None,
    };
    let quality = |membership: &[u32]| -> Result<f64, AlgorithmError> {
        match config.objective {
            Objective::Modularity => modularity(graph, membership, config.resolution),
            Objective::Cpm => cpm(graph, membership, config.resolution),
            Objective::Bipartite => bipartite_modularity(
                graph,
                membership,
                sides.as_deref().expect("sides set above"),
                config.resolution,
            ),
        }
    };
    let base = network_for(graph, config.objective, sides.as_deref());
    let mut start: Vec<u32> = match input.initial {
        Some(init) => renumber_by_size(init).0,
        None => (0..n as u32).collect(),
    };
    let runs = if config.iterations == 0 {
        usize::MAX
    } else {
        config.iterations
    };
    // The first run's levels (the hierarchy built up from single nodes, or from the
    // initial membership), kept compactly until the end; then the final partition
    // if later runs changed it.
    let mut first_run: Vec<Step> = Vec::new();
    let until_stable = config.iterations == 0;
    let mut best_quality = if until_stable { quality(&start)? } else { 0.0 };
    // The objective's value of `start` when a run computed it on its last level.
    let mut start_quality: Option<f64> = None;
    // Whether every community of `start` is known to be connected: single nodes
    // are, and so is what a complete Leiden run returns (see [`RunEnd`]).
    let mut connected = input.initial.is_none();
    for run in 0..runs {
        let seed = SplitMix64::mix(config.seed ^ SplitMix64::mix(run as u64 + 1));
        // Only the first run's levels are reported: later runs skip their qualities.
        let (steps, end) = one_run(&base, &start, config, seed, run > 0);
        let last = match last_partition(&steps, n) {
            Some(l) if l != start => l,
            Some(_) => {
                connected |= end == RunEnd::Complete;
                break;
            }
            None => break,
        };
        start_quality = steps.last().map(|s| s.quality).filter(|q| q.is_finite());
        if run == 0 {
            first_run = steps;
        }
        start = last;
        connected = end == RunEnd::Complete;
        if end == RunEnd::Settled {
            break; // a further run would start from all but the same partition
        }
        if until_stable {
            // Also stop on a negligible gain: a partition could otherwise cycle
            // between equals, or creep up for ever.
            let q = match start_quality {
                Some(q) => q,
                None => quality(&start)?,
            };
            let gain = q - best_quality;
            best_quality = q;
            if gain <= 1e-6 * q.abs().max(1e-12) || run >= 99 {
                break;
            }
        }
    }
    // A run that stopped early may have cut a community in two (see `SETTLED`), and
    // an initial membership may hold parts without an edge between them.
    if config.method == Method::Leiden && !connected {
        let k = start.iter().max().map_or(0, |&c| c as usize + 1);
        if split_disconnected(&base, &mut start, k) > k {
            start_quality = None;
        }
    }
    drop(base);
    let mut levels: Vec<(Vec<u32>, f64)> = Vec::new();
    expand(&first_run, n, |partition, q| {
        if levels.last().map(|l| &l.0) != Some(&partition) {
            levels.push((partition, q));
        }
    });
    drop(first_run);
    if levels.last().map(|l| &l.0) != Some(&start) {
        let q = match start_quality {
            Some(q) => q,
            None => quality(&start)?,
        };
        levels.push((start.clone(), q));
    }
    let levels: Vec<Level> = levels
        .into_iter()
        .map(|(m, quality)| {
            let (membership, k) = renumber_by_size(&m);
            Level {
                quality,
                membership,
                n_communities: k,
            }
        })
        .collect();
    let last = levels.last().expect("at least one level").clone();
    Ok(Communities {
        membership: last.membership,
        n_communities: last.n_communities,
        quality: last.quality,
        levels,
    })
}

/// One level of a run, as [`one_run`] returns it: the community of each node of
/// the level's network, and the node of the next level's network each one became
/// (absent on the last level). Level `L` costs `2 n_L` ids rather than the `n` of
/// a partition of the original nodes.
struct Step {
    /// Community of each node of this level's network (ids `0..k`).
    comm: Vec<u32>,
    /// Node of the next level's network that each node was aggregated into.
    up: Option<Vec<u32>>,
    /// The objective's value of the partition (NaN when not asked for).
    quality: f64,
}

/// Calls `f(partition, quality)` with the partition of the `n` original nodes at
/// each step, in order.
fn expand(steps: &[Step], n: usize, mut f: impl FnMut(Vec<u32>, f64)) {
    let mut node_to_super: Vec<u32> = (0..n as u32).collect();
    for step in steps {
        f(
            node_to_super
                .iter()
                .map(|&s| step.comm[s as usize])
                .collect(),
            step.quality,
        );
        if let Some(up) = &step.up {
            node_to_super.iter_mut().for_each(|s| *s = up[*s as usize]);
        }
    }
}

/// The partition of the `n` original nodes after the last step, if any.
fn last_partition(steps: &[Step], n: usize) -> Option<Vec<u32>> {
    let mut last = None;
    expand(steps, n, |partition, _| last = Some(partition));
    last
}

/// A later run (see [`CommunityConfig::iterations`]) ends after its first local
/// moving, and no run follows it, when that local moving
/// - ended on a round without a move: its partition is at a fixed point of
///   single-node moves, so a further run would start there and find none; the
///   coarse levels that would follow (refining, aggregating, moving sub-clusters)
///   moved nothing on any of the anchor, LFR and small graphs, for seeds 1-5 and
///   42, and cost hsbm16k 27 % of its instructions;
/// - or moved fewer than one node in `SETTLED`: the partition it started from had
///   no move left at the previous run's coarsest level, and so few single-node
///   moves barely change it (bip50k20k: 22 of 70,000 nodes moved, then 1
///   super-node, for a third of the time).
///
/// Either way the run skips the coarse levels that make Leiden's communities
/// connected (see [`RunEnd::Complete`]), so for Leiden its communities are then
/// split into their connected parts ([`split_disconnected`]).
const SETTLED: usize = 1000;

/// How [`one_run`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RunEnd {
    /// Every community of its last level is one node of that level's network. For
    /// Leiden each is then one refined cluster: connected, since refinement merges
    /// a node only into a sub-cluster it has an edge to, and each node of an
    /// aggregated network is such a cluster of the level below.
    Complete,
    /// A later run stopped after its first local moving (see [`SETTLED`]); no run
    /// follows it.
    Settled,
    /// Stopped by the level limit, or on a network without edges.
    Cut,
}

/// One multilevel run from `start` (a membership of the original nodes, ids
/// `0..k`); returns each level's partition after its local moving, with its
/// quality computed on that level's network (aggregation keeps every sum the
/// quality needs) on every level for the first run, on the last level for a
/// `later_run` (else NaN); and how the run ended.
fn one_run(
    base: &Network,
    start: &[u32],
    config: &CommunityConfig,
    seed: u64,
    later_run: bool,
) -> (Vec<Step>, RunEnd) {
    let with_quality = !later_run;
    let n = base.n();
    let mut steps: Vec<Step> = Vec::new();
    if n == 0 {
        return (steps, RunEnd::Complete);
    }
    let gamma = config.resolution;
    // Level 0 works on `base` itself; later levels on owned aggregates.
    let mut owned: Option<Network> = None;
    let mut comm: Vec<u32> = start.to_vec();
    // Dense per-thread accumulators over node ids, shared by every level (ids only
    // shrink), so that pages are faulted in once.
    let pool = ScratchPool::new(move || Accumulator::new(n));
    for level in 0..config.max_levels {
        let net = owned.as_ref().unwrap_or(base);
        if net.total <= 0.0 {
            break; // no edges: nothing to gain
        }
        let level_seed = SplitMix64::mix(seed ^ (level as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let order = permutation(net.n(), level_seed);
        let tolerance = config.tolerance / 10f64.powi(level.min(30) as i32);
        let moved = local_moving(
            net,
            &mut comm,
            gamma,
            &order,
            config.max_rounds,
            tolerance,
            &pool,
        );
        let k = compact(&mut comm);
        let settled =
            later_run && level == 0 && (moved.converged || moved.moves * SETTLED < net.n());
        // Every level's quality when asked, else the last level's (it is the run's
        // result): aggregation keeps the sums, so it costs a pass over this level.
        let last_level = k == net.n() || level + 1 == config.max_levels || settled;
        let with_quality = with_quality || last_level;
        // Needed by the quality and by the refinement.
        let to_own =
            (with_quality || config.method == Method::Leiden).then(|| weight_to_own(net, &comm));
        let quality = if let (true, Some(to_own)) = (with_quality, &to_own) {
            let q = network_quality(net, &comm, k, gamma, to_own);
            match config.objective {
                Objective::Cpm => q + gamma * n as f64, // CPM's n_c (n_c - 1) = Out_c In_c - n_c
                _ => q,
            }
        } else {
            f64::NAN
        };
        steps.push(Step {
            comm: comm.clone(),
            up: None,
            quality,
        });
        if settled {
            return (steps, RunEnd::Settled);
        }
        if last_level {
            let end = if k == net.n() {
                RunEnd::Complete
            } else {
                RunEnd::Cut
            };
            return (steps, end);
        }
        let (clusters, r) = match config.method {
            Method::Louvain => (comm.clone(), k),
            Method::Leiden => {
                // Level 0 pairs nodes by largest gain (which keeps the modularity
                // GVE-Leiden's rule reaches, e.g. on rmat16); from level 1 on,
                // sub-clusters grow by most weight, so that deeper levels shrink.
                let rule = if level == 0 {
                    MergeRule::LargestGain
                } else {
                    MergeRule::MostWeight
                };
                let partition = Partition {
                    comm: &comm,
                    k,
                    to_own: to_own.as_deref().expect("computed for Leiden"),
                };
                let (refined, r) = refine(net, &partition, gamma, rule, level_seed ^ 0x5EED, &pool);
                if r == net.n() {
                    (comm.clone(), k) // refinement merged nothing: aggregate communities
                } else {
                    (refined, r)
                }
            }
        };
        drop(to_own); // not needed while aggregating, the peak of a level
        let mut next_comm = vec![0u32; r];
        for (v, &cl) in clusters.iter().enumerate() {
            next_comm[cl as usize] = comm[v];
        }
        let aggregated = net.aggregate(&clusters, r, &pool);
        steps.last_mut().expect("pushed above").up = Some(clusters);
        comm = next_comm;
        owned = Some(aggregated);
    }
    (steps, RunEnd::Cut)
}

/// `sum_c [ L_c / W - gamma Out_c In_c / W^2 ]` of `comm` (ids below `k`) on
/// `net`, with `L_c` half the weight of `S` inside `c`, given each node's weight
/// to the rest of its community (`to_own`, from [`weight_to_own`]); 0 without
/// edges (as [`modularity`] returns).
fn network_quality(net: &Network, comm: &[u32], k: usize, gamma: f64, to_own: &[f64]) -> f64 {
    if net.total <= 0.0 {
        return 0.0;
    }
    let (mut inside, mut out, mut inn) = (vec![0f64; k], vec![0f64; k], vec![0f64; k]);
    let mass_in = net.mass_in();
    for v in 0..net.n() {
        let c = comm[v] as usize;
        inside[c] += net.self_weight(v) + to_own[v];
        out[c] += net.mass_out[v];
        inn[c] += mass_in[v];
    }
    let w = net.total;
    (0..k)
        .map(|c| 0.5 * inside[c] / w - gamma * out[c] * inn[c] / (w * w))
        .sum()
}

/// A seeded random permutation of `0..n` (Fisher-Yates).
fn permutation(n: usize, seed: u64) -> Vec<u32> {
    let mut rng = Xoshiro256PlusPlus::new(seed);
    let mut p: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        let j = rng.gen_range(i as u64 + 1) as usize;
        p.swap(i, j);
    }
    p
}

/// Renumbers labels to `0..k` in order of first appearance; returns `k`.
pub(crate) fn compact(labels: &mut [u32]) -> usize {
    let max = labels.iter().copied().max().map_or(0, |m| m as usize + 1);
    let mut id = vec![u32::MAX; max];
    let mut next = 0u32;
    for l in labels.iter_mut() {
        let slot = &mut id[*l as usize];
        if *slot == u32::MAX {
            *slot = next;
            next += 1;
        }
        *l = *slot;
    }
    next as usize
}

/// Renumbers labels by decreasing community size (ties: smallest first node).
pub(crate) fn renumber_by_size(labels: &[u32]) -> (Vec<u32>, usize) {
    let mut first = labels.to_vec();
    let k = compact(&mut first);
    let mut size = vec![0usize; k];
    for &c in &first {
        size[c as usize] += 1;
    }
    let mut by_size: Vec<u32> = (0..k as u32).collect();
    // Ids from `compact` already follow first appearance: a stable sort keeps it
    // as the tie-break.
    by_size.sort_by_key(|&c| std::cmp::Reverse(size[c as usize]));
    let mut rank = vec![0u32; k];
    for (r, &c) in by_size.iter().enumerate() {
        rank[c as usize] = r as u32;
    }
    (first.iter().map(|&c| rank[c as usize]).collect(), k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use spargraph_engine::builder::{build_graph, BuildOptions};

    /// Four blocks of 50 nodes, dense inside, sparse across.
    fn four_blocks() -> Graph {
        let mut rng = Xoshiro256PlusPlus::new(5);
        let (mut src, mut dst) = (Vec::new(), Vec::new());
        for a in 0..200u32 {
            for b in a + 1..200 {
                let p = if a / 50 == b / 50 { 0.3 } else { 0.02 };
                if rng.next_f64() < p {
                    src.push(a);
                    dst.push(b);
                }
            }
        }
        build_graph(200, &src, &dst, None, &BuildOptions::undirected()).unwrap()
    }

    #[test]
    fn a_later_run_whose_first_local_moving_reaches_a_fixed_point_is_the_last() {
        let g = four_blocks();
        let config = CommunityConfig::default();
        let settled = communities(&g, &config, CommunityInput::default()).unwrap();
        assert_eq!(settled.n_communities, 4);
        // Ten nodes put in the next block's community: more moves than the
        // one-in-1,000 rule lets pass, all undone at level 0.
        let community_of_block: Vec<u32> = (0..4).map(|b| settled.membership[b * 50]).collect();
        let mut start = settled.membership.clone();
        for v in (0..200).step_by(20) {
            start[v] = community_of_block[(v / 50 + 1) % 4];
        }
        let base = network_for(&g, Objective::Modularity, None);
        let (steps, end) = one_run(&base, &start, &config, 9, true);
        assert_eq!(end, RunEnd::Settled, "level 0 reached a fixed point");
        assert_eq!(steps.len(), 1, "it went on to the coarser levels");
        assert_eq!(
            renumber_by_size(&last_partition(&steps, 200).unwrap()).0,
            settled.membership
        );
        // The first run never settles; nor does a later one cut at one round that
        // moved nodes.
        let (_, end) = one_run(&base, &start, &config, 9, false);
        assert_eq!(end, RunEnd::Complete);
        let one_round = CommunityConfig {
            max_rounds: 1,
            ..config
        };
        let (_, end) = one_run(&base, &start, &one_round, 9, true);
        assert_eq!(end, RunEnd::Complete);
    }

    #[test]
    fn a_settled_run_can_cut_a_community_which_is_then_split() {
        // Triangles {0,1,2} and {3,4,5} joined only through node 6, which has
        // three edges into the clique {7,8,9,10}.
        let edges = [
            (0, 1),
            (1, 2),
            (0, 2),
            (3, 4),
            (4, 5),
            (3, 5),
            (6, 0),
            (6, 3),
            (6, 7),
            (6, 8),
            (6, 9),
            (7, 8),
            (7, 9),
            (7, 10),
            (8, 9),
            (8, 10),
            (9, 10),
        ];
        let (src, dst): (Vec<u32>, Vec<u32>) = edges.iter().copied().unzip();
        let g = build_graph(11, &src, &dst, None, &BuildOptions::undirected()).unwrap();
        let base = network_for(&g, Objective::Modularity, None);
        let start = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
        let (steps, end) = one_run(&base, &start, &CommunityConfig::default(), 3, true);
        assert_eq!(end, RunEnd::Settled);
        let mut m = last_partition(&steps, 11).unwrap();
        // Node 6 left for the clique: the triangles share a label, with no edge.
        assert_eq!(m[0], m[3]);
        assert_eq!(m[6], m[7]);
        let k = *m.iter().max().unwrap() as usize + 1;
        let q = modularity(&g, &m, 1.0).unwrap();
        assert_eq!(split_disconnected(&base, &mut m, k), k + 1);
        assert_ne!(m[0], m[3]);
        assert!(modularity(&g, &m, 1.0).unwrap() > q);
    }

    #[test]
    fn a_later_run_from_a_settled_partition_stops_after_its_first_local_moving() {
        let g = four_blocks();
        let config = CommunityConfig::default();
        let settled = communities(&g, &config, CommunityInput::default()).unwrap();
        let base = network_for(&g, Objective::Modularity, None);
        let (steps, end) = one_run(&base, &settled.membership, &config, 9, true);
        assert_eq!(end, RunEnd::Settled);
        assert_eq!(steps.len(), 1, "a later run went on to coarser levels");
        // Its quality is computed there, and is the partition's.
        let last = last_partition(&steps, 200).unwrap();
        let q = modularity(&g, &last, 1.0).unwrap();
        assert!(
            (steps[0].quality - q).abs() < 1e-12,
            "{} vs {q}",
            steps[0].quality
        );
        // A first run from the same partition aggregates it further.
        let (first, end) = one_run(&base, &settled.membership, &config, 9, false);
        assert!(first.len() > 1);
        assert_eq!(end, RunEnd::Complete);
    }
}
