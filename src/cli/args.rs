//! Flags shared by every subcommand, used the same way everywhere.

use clap::{Args, ValueEnum};
use spargraph::engine::builder::{DuplicatePolicy, SelfLoopPolicy};
use spargraph::engine::idmap::IdMode;
use spargraph::io::format::Format;
use spargraph::io::parquet_edges::EdgeColumns;
use spargraph::load::LoadOptions;
use spargraph::Error;
use std::path::{Path, PathBuf};

/// Where the graph comes from and how to build it.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Input graph: Parquet (.parquet), text edge list (.txt/.tsv/.csv, optionally
    /// .gz), Matrix Market (.mtx) or a GraphAr folder.
    #[arg(short, long, value_name = "PATH")]
    pub input: PathBuf,
    /// Input format, when the extension does not tell.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub from: Option<Format>,
    /// Source id column.
    #[arg(long, default_value = "src", value_name = "NAME")]
    pub src_col: String,
    /// Target id column.
    #[arg(long, default_value = "dst", value_name = "NAME")]
    pub dst_col: String,
    /// Edge weight column (default: unweighted). In a text file without a header
    /// line, `weight` names the third field.
    #[arg(long, value_name = "NAME")]
    pub weight_col: Option<String>,
    /// Treat edges as directed arcs (default: undirected, stored symmetric).
    #[arg(long)]
    pub directed: bool,
    /// What to do with repeated edges: sum, max, first or error. Default: sum when a
    /// weight column is given, first (collapse) otherwise.
    #[arg(long, value_enum, value_name = "POLICY")]
    pub duplicates: Option<DuplicatesArg>,
    /// What to do with self-loops.
    #[arg(long, value_enum, default_value = "keep", value_name = "POLICY")]
    pub self_loops: SelfLoopsArg,
    /// Integer id mapping: `compact` numbers the ids that occur by rank; `identity`
    /// uses the ids themselves (0..max, ids that never occur become isolated nodes).
    #[arg(long, value_enum, default_value = "compact", value_name = "MODE")]
    pub node_ids: NodeIdsArg,
}

/// Duplicate edge policy flag.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum DuplicatesArg {
    Sum,
    Max,
    First,
    Error,
}

/// Self-loop policy flag.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum SelfLoopsArg {
    Keep,
    Drop,
}

/// Id mapping flag.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum NodeIdsArg {
    Compact,
    Identity,
}

pub fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s)
        .ok_or_else(|| format!("unknown format '{s}' (parquet, text, mtx, graphar)"))
}

impl InputArgs {
    /// The edge column names.
    pub fn columns(&self) -> EdgeColumns {
        EdgeColumns {
            src: self.src_col.clone(),
            dst: self.dst_col.clone(),
            weight: self.weight_col.clone(),
        }
    }

    /// Loading options from the flags.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            format: self.from,
            columns: self.columns(),
            directed: self.directed,
            duplicates: match self.duplicates {
                Some(DuplicatesArg::Sum) => DuplicatePolicy::Sum,
                Some(DuplicatesArg::Max) => DuplicatePolicy::Max,
                Some(DuplicatesArg::First) => DuplicatePolicy::First,
                Some(DuplicatesArg::Error) => DuplicatePolicy::Error,
                None if self.weight_col.is_some() => DuplicatePolicy::Sum,
                None => DuplicatePolicy::First,
            },
            self_loops: match self.self_loops {
                SelfLoopsArg::Keep => SelfLoopPolicy::Keep,
                SelfLoopsArg::Drop => SelfLoopPolicy::Drop,
            },
            id_mode: match self.node_ids {
                NodeIdsArg::Compact => IdMode::Compact,
                NodeIdsArg::Identity => IdMode::Identity,
            },
        }
    }
}

/// The most worker threads `--threads` accepts: each costs a stack and start-up
/// time (1,024 threads take about 2 s to start, 4,096 about 18 s, even on a tiny
/// graph).
const MAX_THREADS: usize = 1024;

/// Run-wide flags: threads, seed, reporting.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Worker threads (default: all cores; at most 1024).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Random seed (results are identical for a seed, whatever the thread count).
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub seed: u64,
    /// Print a machine-readable JSON summary of the run on stdout.
    #[arg(long)]
    pub json: bool,
    /// No progress or log lines on stderr (errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

impl CommonArgs {
    /// Validates the flags and sets up the global thread pool.
    pub fn init(&self) -> Result<(), Error> {
        if let Some(t) = self.threads {
            if t == 0 {
                return Err(Error::option("threads", "0 (must be at least 1)"));
            }
            if t > MAX_THREADS {
                return Err(Error::option(
                    "threads",
                    format!("{t} (at most {MAX_THREADS})"),
                ));
            }
            let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
            if t > 4 * cores && !self.quiet {
                eprintln!(
                    "spargraph: note: --threads {t} is more than four times this machine's \
                     {cores} cores; the extra threads only add overhead"
                );
            }
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build_global()
                .map_err(|e| Error::Internal(format!("cannot start {t} threads: {e}")))?;
        }
        Ok(())
    }
}

/// Checks, before any work, each output file's path (see
/// [`check_output_path`](spargraph::io::atomic::check_output_path)), and that no
/// output names one of the command's inputs or another of its outputs (`None`
/// entries are flags not given): replacing an input would destroy what the command
/// reads.
pub fn check_output_files(
    outputs: &[(&str, Option<&Path>)],
    inputs: &[(&str, Option<&Path>)],
) -> Result<(), Error> {
    use spargraph::io::atomic::{check_distinct_outputs, check_not_an_input, check_output_path};
    let outputs: Vec<(&str, &Path)> = outputs.iter().filter_map(|&(f, p)| Some((f, p?))).collect();
    for &(_, output) in &outputs {
        check_output_path(output)?;
    }
    let inputs: Vec<(&str, &Path)> = inputs.iter().filter_map(|&(f, p)| Some((f, p?))).collect();
    check_distinct_outputs(&outputs)?;
    for &(flag, output) in &outputs {
        check_not_an_input(output, flag, &inputs)?;
    }
    Ok(())
}
