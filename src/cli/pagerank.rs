//! `spargraph pagerank`: global PageRank.

use super::args::{CommonArgs, InputArgs};
use super::report::Reporter;
use clap::{Args, ValueEnum};
use serde_json::json;
use spargraph::algorithms::pagerank::{exact, Dangling, PageRankConfig, Solver};
use spargraph::io::parquet_table::write_table;
use spargraph::io::{Column, Table};
use spargraph::load::{all_external_ids, load_graph};
use spargraph::Error;
use std::path::PathBuf;

/// Dangling policy flag.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum DanglingArg {
    /// Spread the mass of nodes without out-edges over all nodes.
    Uniform,
    /// Send it back to the personalization (seed) vector.
    Personalization,
    /// Send it back to the walk's source.
    Source,
}

impl From<DanglingArg> for Dangling {
    fn from(d: DanglingArg) -> Self {
        match d {
            DanglingArg::Uniform => Dangling::Uniform,
            DanglingArg::Personalization => Dangling::Personalization,
            DanglingArg::Source => Dangling::Source,
        }
    }
}

/// Solver flag.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum SolverArg {
    /// Conjugate gradients on undirected graphs (when dangling mass returns to the
    /// personalization), power iteration elsewhere.
    Auto,
    /// Power iteration always.
    Power,
}

impl From<SolverArg> for Solver {
    fn from(s: SolverArg) -> Self {
        match s {
            SolverArg::Auto => Solver::Auto,
            SolverArg::Power => Solver::Power,
        }
    }
}

/// Exact-solver options shared by `pagerank` and `ppr`.
#[derive(Args, Debug, Clone)]
pub struct PowerArgs {
    /// Damping factor: probability of following an edge (reset probability = 1 - damping).
    #[arg(long, default_value_t = 0.85)]
    pub damping: f64,
    /// Bound on the L1 error to the exact scores: power iteration stops when its L1
    /// change is at most tolerance * (1 - damping) / damping, conjugate gradients
    /// when the residual is at most tolerance * (1 - damping).
    #[arg(long, default_value_t = 1e-9)]
    pub tolerance: f64,
    /// Iteration cap.
    #[arg(long, default_value_t = 1000)]
    pub max_iterations: usize,
    /// Method of the exact solver.
    #[arg(long, value_enum, default_value_t = SolverArg::Auto)]
    pub solver: SolverArg,
}

impl PowerArgs {
    /// The validated [`PageRankConfig`] of these flags and a dangling policy.
    pub fn config(&self, dangling: DanglingArg) -> Result<PageRankConfig, Error> {
        let config = PageRankConfig {
            damping: self.damping,
            tolerance: self.tolerance,
            max_iterations: self.max_iterations,
            dangling: dangling.into(),
            solver: self.solver.into(),
        };
        config.validate()?;
        Ok(config)
    }
}

/// Arguments of `spargraph pagerank` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct PageRankArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    power: PowerArgs,
    /// Where the mass of nodes without out-edges goes.
    #[arg(long, value_enum, default_value = "uniform")]
    dangling: DanglingArg,
    /// Output Parquet file.
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(a: PageRankArgs) -> Result<(), Error> {
    a.common.init()?;
    let config = a.power.config(a.dangling)?;
    super::args::check_output_files(
        &[("--output", Some(&a.output))],
        &[("--input", Some(a.input.input.as_path()))],
    )?;
    let mut rep = Reporter::new("pagerank", a.common.quiet, a.common.json);
    let g = rep.phase("load", || {
        load_graph(&a.input.input, &a.input.load_options())
    })?;
    rep.set("solver", json!(exact::method_name(&g.graph, &config, true)));
    let r = rep.phase("pagerank", || exact::pagerank(&g.graph, &config))?;
    let table = Table::new()
        .with("node_id", Column::from_ids(all_external_ids(&g.ids)))
        .with("score", Column::F64(r.scores.clone()))
        .with_metadata(
            "spargraph",
            json!({"command": "pagerank", "damping": config.damping, "tolerance": config.tolerance,
                   "dangling": format!("{:?}", config.dangling).to_lowercase(), "iterations": r.iterations,
                   "converged": r.converged}).to_string(),
        );
    rep.phase("write", || write_table(&a.output, &table))?;
    rep.set("nodes", json!(g.graph.n_nodes()));
    rep.set("edges", json!(g.graph.n_edges()));
    rep.set("iterations", json!(r.iterations));
    rep.set("last_change", json!(r.last_change));
    rep.set("converged", json!(r.converged));
    rep.set("output", json!(a.output.display().to_string()));
    if !r.converged {
        eprintln!(
            "spargraph: warning: not converged after {} iterations (last L1 change {:.3e})",
            r.iterations, r.last_change
        );
    }
    rep.log(&format!(
        "{} iterations, wrote {}",
        r.iterations,
        a.output.display()
    ));
    rep.finish();
    Ok(())
}
