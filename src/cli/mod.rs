//! Command-line interface: argument parsing, dispatch and error reporting.
//!
//! Every error is printed as one line `spargraph: error: ...` on stderr; bad input
//! exits with code 2, internal failures with 1, and no panic trace reaches the user.

mod args;
mod bench;
mod communities;
mod convert;
mod demo;
mod eval;
mod fastrp;
mod generate;
mod hierarchy;
mod info;
mod pagerank;
mod ppr;
mod report;

use clap::{Parser, Subcommand};
use spargraph::Error;

/// spargraph: fast batch graph analytics over CSR, with Parquet in and out.
///
/// `spargraph COMMAND --help` describes a command, its output and its peak memory.
/// Every command that reads a graph first loads it: the peak of loading a Parquet
/// edge list of m rows of integer ids is about 24 m bytes (28 m with weights: the
/// ids decoded as i64, then mapped to dense u32 ids), after which the graph keeps
/// its CSR: 8 bytes per node and 8 per edge, 8 more per edge with weights (an
/// undirected edge is stored in both rows; a directed graph keeps an in-CSR beside
/// the out-CSR, so 16 bytes per node).
#[derive(Parser, Debug)]
#[command(name = "spargraph", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Summary of a graph: nodes, edges, self-loops, duplicates, isolated nodes,
    /// degrees, components, CSR memory.
    ///
    /// Example: `spargraph info --input datasets/karate.parquet`
    ///
    /// Peak memory: that of loading (see `spargraph --help`).
    Info(info::InfoArgs),
    /// Convert a graph between Parquet, text, Matrix Market and GraphAr.
    ///
    /// The graph is built (ids mapped, duplicates and self-loops handled by policy) and
    /// written back: an undirected graph lists each edge once. Example:
    /// `spargraph convert --input edges.txt.gz --output edges.parquet`
    ///
    /// Peak memory: that of loading, plus the written edge columns.
    Convert(convert::ConvertArgs),
    /// Generate a deterministic benchmark graph with its ground truth.
    ///
    /// Writes the edge list (each undirected edge once, `src < dst`, sorted; Parquet
    /// `src:int64, dst:int64[, weight:float32]` with the parameters in the schema
    /// metadata key `spargraph`) and, for models with ground truth, a labels table
    /// `node:int64, label:int64, ...` next to it. Example:
    /// `spargraph generate rmat --scale 16 --seed 1 --output rmat16.parquet`
    ///
    /// Peak memory: about 3x the edge arrays (`8 m` bytes) while deduplicating.
    Generate(generate::GenerateArgs),
    /// Run every algorithm on a graph shipped with spargraph and write the results.
    ///
    /// Example: `spargraph demo --output demo-output`
    ///
    /// Peak memory: a few MiB on the embedded graph.
    Demo(demo::DemoArgs),
    /// Global PageRank in f64 (conjugate gradients on undirected graphs, power iteration otherwise).
    ///
    /// Output: Parquet `node_id` (the user's ids), `score` (float64, sums to 1). Example:
    /// `spargraph pagerank --input web.parquet --directed --output pr.parquet`
    ///
    /// Peak memory: loading, plus about eight f64 vectors of n with conjugate gradients
    /// (undirected graphs), four with power iteration.
    Pagerank(pagerank::PageRankArgs),
    /// Personalized PageRank: exact, push or PowerWalk; single, many or all sources.
    ///
    /// Output: Parquet in long form `source`, `node_id`, `score` (float64), sorted by
    /// source then descending score; `source` is the source's id, or the `query` value of
    /// a seed set. Examples:
    /// `spargraph ppr --input g.parquet --sources 3,17,42 --top-k 50 --output ppr.parquet`;
    /// `spargraph ppr --input g.parquet --all-sources --method powerwalk --index g.pwi --top-k 50 --output all.parquet`
    ///
    /// Peak memory: loading, plus for `exact` at most 40 bytes per node and source of
    /// a block (power iteration's four `n x block` f64 blocks and the finished columns;
    /// conjugate gradients' three f64 and three f32 blocks; `--memory` bounds them;
    /// on an undirected graph whose isolated nodes are at least 1 in 16, a copy of
    /// the other nodes' rows, and the blocks over those nodes only), for `push` three f64 vectors of n per thread, for `powerwalk` the
    /// index, two f64 vectors of n per thread, and for sources whose flow spreads
    /// over the graph a block of at most 64 of them (28 bytes per node and source,
    /// at most 512 MiB or one source) and the transposed index (as large as the index); plus the
    /// answers (16 bytes per row).
    Ppr(ppr::PprArgs),
    /// Build the PowerWalk index of random-walk fingerprints.
    ///
    /// Builds the PowerWalk index: `--walks` random walks from every node, each node's
    /// visit counts scaled into its fingerprint, stored as one sparse-matrix file with
    /// the parameters and a fingerprint of the graph. Example:
    /// `spargraph ppr-index --input g.parquet --walks 100 --output g.pwi`
    ///
    /// Peak memory: loading, plus the index (12 bytes per stored entry, at most
    /// `walks * mean walk length` entries per node).
    PprIndex(ppr::PprIndexArgs),
    /// FastRP node embeddings (very sparse random projection of adjacency powers).
    ///
    /// Output: Parquet `node_id` (the user's ids), `embedding` (FixedSizeList<Float32>
    /// of `--dim`), with the options in the file's metadata. Example:
    /// `spargraph fastrp --input g.parquet --dim 256 --output emb.parquet`
    ///
    /// Peak memory: loading, plus three n x dim f32 matrices (and A + A^T for
    /// `--orientation undirected` on a directed graph).
    Fastrp(fastrp::FastRpArgs),
    /// Communities by Leiden or Louvain (modularity, CPM, bipartite), every level.
    ///
    /// Output: Parquet `node_id`, `community` (uint32, 0 = the largest), and
    /// `level_0`, `level_1`, ... (the partition after each aggregation level's local
    /// moving, finest first; the last equals `community`). With `--json`, the summary
    /// gives each level's quality and community count. Example:
    /// `spargraph communities --input g.parquet --output c.parquet --resolution 1`
    ///
    /// Peak memory: loading, plus 1.7x (hsbm16k) to 2.3x (soc-Slashdot) the CSR's
    /// size for unweighted graphs and 1.0x for a weighted one (bip50k20k; measured
    /// live heap: level 0 reads the CSR in place, the first aggregate stores its
    /// weights as one- or two-byte multiples when exact, per-thread accumulators),
    /// and n u32 per level of output.
    Communities(communities::CommunitiesArgs),
    /// Hierarchical communities: bottom-up (fine Leiden + average linkage) or Paris;
    /// scipy-format dendrogram and cuts.
    ///
    /// Output (`--output`): Parquet `node_id`, `leaf` (the node's fine cluster, a leaf
    /// of the dendrogram; the node itself for Paris), and `cut_K` for each `--cuts K`,
    /// `cut_h<H>` for each `--cut-heights H` (uint32 cluster ids).
    /// Dendrogram (`--dendrogram`): Parquet `left`, `right` (int64), `height`
    /// (float64), `size` (int64, leaves under the merge): scipy's linkage matrix over
    /// the leaves,
    /// `pyarrow.parquet.read_table(f).to_pandas().to_numpy()` feeds
    /// `scipy.cluster.hierarchy` directly. Heights are 1 / similarity (inverse edge
    /// density for bottom-up; as scikit-network's Paris for paris); separate
    /// components join at +inf; heights never decrease towards the root.
    ///
    /// Peak memory: loading, the fine clustering (as `spargraph communities`), and the
    /// linkage: the graph between leaves (for Paris, the graph itself, read in place),
    /// about 60 bytes per leaf, and a neighbour list for merged clusters whose rows
    /// repeat their neighbours threefold (at most 4 bytes per edge entry). Measured:
    /// bottom-up 1.1x-2.9x, Paris 0.6x-2.0x the CSR's size above loading.
    Hierarchy(hierarchy::HierarchyArgs),
    /// Judge embeddings: node classification (F1) and link prediction (AUC).
    Eval(eval::EvalArgs),
    /// Time loading and the shared kernels (SpMV, SpMM) on a graph.
    ///
    /// Measures: `load` (read + map ids + build the CSR, symmetric unless
    /// `--directed`), `spmv` (f64, row-normalised), and `spmm_d{D}`: `Y = D^-1/2 (A + I)
    /// D^-1/2 X` with a dense `n x D` f32 `X`, a fresh output each run (as
    /// `torch.sparse.mm` allocates one). Example:
    /// `spargraph bench --input rmat16.parquet --dims 64,256 --json`
    ///
    /// Peak memory: loading, plus `2 n D` floats per SpMM.
    Bench(bench::BenchArgs),
}

/// Parses arguments, runs the command, reports errors; returns the exit code.
pub fn main() -> i32 {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let loc = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("spargraph: internal error: {msg}{loc} (please report this)");
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                        2
                    } else {
                        0
                    };
                }
                _ => {
                    // clap's first paragraph, on one line: it can continue on
                    // indented lines (the names of missing arguments).
                    let text = e.render().to_string();
                    let first: Vec<&str> = text
                        .lines()
                        .map(str::trim)
                        .skip_while(|l| l.is_empty())
                        .take_while(|l| !l.is_empty())
                        .collect();
                    let first = first.join(" ");
                    let first = first.trim_start_matches("error: ");
                    let first = if first.is_empty() {
                        "invalid arguments"
                    } else {
                        first
                    };
                    eprintln!("spargraph: error: {first} (see --help)");
                    return 2;
                }
            }
        }
    };
    let result = std::panic::catch_unwind(|| run(cli));
    match result {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("spargraph: error: {e}");
            e.exit_code()
        }
        Err(_) => 1,
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Info(a) => info::run(a),
        Command::Convert(a) => convert::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Fastrp(a) => fastrp::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Communities(a) => communities::run(a),
        Command::Hierarchy(a) => hierarchy::run(a),
        Command::Pagerank(a) => pagerank::run(a),
        Command::Ppr(a) => ppr::run(a),
        Command::PprIndex(a) => ppr::run_index(a),
    }
}
