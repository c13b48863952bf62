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
#[derive(Parser, Debug)]
#[command(name = "spargraph", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Summary of a graph: nodes, edges, self-loops, duplicates, isolated nodes,
    /// degrees, components, CSR memory.
    Info(info::InfoArgs),
    /// Convert a graph between Parquet, text, Matrix Market and GraphAr.
    Convert(convert::ConvertArgs),
    /// Generate a deterministic benchmark graph with its ground truth.
    Generate(generate::GenerateArgs),
    /// Run every algorithm on a graph shipped with spargraph and write the results.
    Demo(demo::DemoArgs),
    /// Global PageRank (power iteration in f64).
    Pagerank(pagerank::PageRankArgs),
    /// Personalized PageRank: exact, push or PowerWalk; single, many or all sources.
    Ppr(ppr::PprArgs),
    /// Build the PowerWalk index of random-walk fingerprints.
    PprIndex(ppr::PprIndexArgs),
    /// FastRP node embeddings (very sparse random projection of adjacency powers).
    Fastrp(fastrp::FastRpArgs),
    /// Communities by Leiden or Louvain (modularity, CPM, bipartite), every level.
    Communities(communities::CommunitiesArgs),
    /// Hierarchical communities: bottom-up (fine Leiden + average linkage) or Paris;
    /// scipy-format dendrogram and cuts.
    Hierarchy(hierarchy::HierarchyArgs),
    /// Judge embeddings: node classification (F1) and link prediction (AUC).
    Eval(eval::EvalArgs),
    /// Time loading and the shared kernels (SpMV, SpMM) on a graph.
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
                    let text = e.render().to_string();
                    let first = text
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("invalid arguments");
                    let first = first.trim_start_matches("error: ");
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
