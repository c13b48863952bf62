//! `spargraph communities`: Louvain/Leiden communities with every level.

use super::args::{CommonArgs, InputArgs};
use super::report::Reporter;
use clap::Args;
use serde_json::json;
use spargraph::algorithms::community::{
    ari, communities, nmi, CommunityConfig, CommunityInput, Method, Objective,
};
use spargraph::engine::idmap::NodeIds;
use spargraph::io::parquet_table::write_table;
use spargraph::io::{Column, Table};
use spargraph::load::{all_external_ids, load_graph};
use spargraph::nodes::read_labels;
use spargraph::Error;
use std::path::{Path, PathBuf};

/// Arguments of `spargraph communities` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct CommunitiesArgs {
    #[command(flatten)]
    input: InputArgs,
    /// leiden (connected communities, refinement) or louvain.
    #[arg(long, default_value = "leiden", value_parser = parse_method)]
    method: Method,
    /// modularity (Leicht-Newman on --directed graphs), cpm (Constant Potts Model)
    /// or bipartite (Barber's modularity; sides found by 2-colouring).
    #[arg(long, default_value = "modularity", value_parser = parse_objective)]
    objective: Objective,
    /// Resolution gamma (> 0): larger gives smaller communities. For cpm, a density
    /// threshold (typically well below 1).
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    resolution: f64,
    /// Full runs at most, each starting from the last one's partition (as
    /// igraph's n_iterations); a repeat whose first local moving moves fewer than
    /// one node in 1,000, or ends on a round without a move, stops there and is
    /// the last (Leiden then splits any community it cut in two); 0 repeats until
    /// a run changes nothing or gains less than 1e-6 relative.
    #[arg(long, default_value_t = 3)]
    iterations: usize,
    /// Local-moving rounds per level at most.
    #[arg(long, default_value_t = 20)]
    max_rounds: usize,
    /// Local moving at level l stops once a round gains less than
    /// tolerance / 10^l of the total edge weight (0: only when a round gains
    /// nothing).
    #[arg(long, default_value_t = 1e-2, allow_hyphen_values = true)]
    tolerance: f64,
    /// Start from this membership: a Parquet or text file of (node, community) rows;
    /// nodes it does not list start alone.
    #[arg(long, value_name = "FILE")]
    initial: Option<PathBuf>,
    /// Node id column of --initial and --truth.
    #[arg(long, default_value = "node", value_name = "NAME")]
    labels_id_col: String,
    /// Community column of --initial and --truth.
    #[arg(long, default_value = "label", value_name = "NAME")]
    label_col: String,
    /// Ground-truth communities (same form as --initial): report NMI and ARI of the
    /// result against them (over the nodes they label).
    #[arg(long, value_name = "FILE")]
    truth: Option<PathBuf>,
    /// Output Parquet file.
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    #[command(flatten)]
    common: CommonArgs,
}

fn parse_method(s: &str) -> Result<Method, String> {
    s.parse()
}

fn parse_objective(s: &str) -> Result<Objective, String> {
    s.parse()
}

/// One community label per node from a (node, label) file; nodes it does not
/// list get labels of their own. A node listed twice with different labels is
/// an error.
pub fn read_membership(
    path: &Path,
    ids: &NodeIds,
    id_col: &str,
    label_col: &str,
) -> Result<(Vec<u32>, Vec<bool>), Error> {
    let labels = read_labels(path, ids, id_col, label_col)?;
    let mut next = labels.names.len() as u32;
    let mut listed = Vec::with_capacity(labels.labels.len());
    let membership = labels
        .labels
        .iter()
        .enumerate()
        .map(|(v, l)| match l.as_slice() {
            [] => {
                listed.push(false);
                next += 1;
                Ok(next - 1)
            }
            [c] => {
                listed.push(true);
                Ok(*c)
            }
            _ => Err(Error::input(format!(
                "{}: node {} has {} different communities (one per node expected)",
                path.display(),
                ids.external(v as u32),
                l.len()
            ))),
        })
        .collect::<Result<Vec<u32>, Error>>()?;
    Ok((membership, listed))
}

pub fn run(a: CommunitiesArgs) -> Result<(), Error> {
    a.common.init()?;
    let config = CommunityConfig {
        method: a.method,
        objective: a.objective,
        resolution: a.resolution,
        iterations: a.iterations,
        max_rounds: a.max_rounds,
        tolerance: a.tolerance,
        seed: a.common.seed,
        ..CommunityConfig::default()
    };
    config.validate()?;
    super::args::check_output_files(
        &[("--output", Some(&a.output))],
        &[
            ("--input", Some(a.input.input.as_path())),
            ("--initial", a.initial.as_deref()),
            ("--truth", a.truth.as_deref()),
        ],
    )?;
    let mut rep = Reporter::new("communities", a.common.quiet, a.common.json);
    let g = rep.phase("load", || {
        load_graph(&a.input.input, &a.input.load_options())
    })?;
    let initial = match &a.initial {
        Some(p) => Some(read_membership(p, &g.ids, &a.labels_id_col, &a.label_col)?.0),
        None => None,
    };
    let truth = match &a.truth {
        Some(p) => Some(read_membership(p, &g.ids, &a.labels_id_col, &a.label_col)?),
        None => None,
    };
    let input = CommunityInput {
        initial: initial.as_deref(),
        is_left: None,
    };
    let result = rep.phase("cluster", || communities(&g.graph, &config, input))?;
    let mut table = Table::new()
        .with("node_id", Column::from_ids(all_external_ids(&g.ids)))
        .with("community", Column::U32(result.membership.clone()));
    for (i, level) in result.levels.iter().enumerate() {
        table = table.with(format!("level_{i}"), Column::U32(level.membership.clone()));
    }
    let levels_json: Vec<_> = result
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| json!({"level": i, "communities": l.n_communities, "quality": l.quality}))
        .collect();
    let table = table.with_metadata(
        "spargraph",
        json!({"command": "communities", "method": format!("{:?}", config.method).to_lowercase(),
               "objective": config.objective.name(), "resolution": config.resolution,
               "iterations": config.iterations, "tolerance": config.tolerance, "seed": config.seed,
               "quality": result.quality, "levels": levels_json})
        .to_string(),
    );
    rep.phase("write", || write_table(&a.output, &table))?;
    rep.set("nodes", json!(g.graph.n_nodes()));
    rep.set("edges", json!(g.graph.n_edges()));
    rep.set("objective", json!(config.objective.name()));
    rep.set("quality", json!(result.quality));
    rep.set("communities", json!(result.n_communities));
    rep.set("levels", json!(levels_json));
    if let Some((labels, listed)) = &truth {
        let (ours, theirs): (Vec<u32>, Vec<u32>) = (0..labels.len())
            .filter(|&v| listed[v])
            .map(|v| (result.membership[v], labels[v]))
            .unzip();
        rep.set("nmi", json!(nmi(&ours, &theirs)?));
        rep.set("ari", json!(ari(&ours, &theirs)?));
        rep.set("truth_nodes", json!(ours.len()));
    }
    rep.set("output", json!(a.output.display().to_string()));
    rep.log(&format!(
        "{} communities, {} {:.6}, {} levels; wrote {}",
        result.n_communities,
        config.objective.name(),
        result.quality,
        result.levels.len(),
        a.output.display()
    ));
    rep.finish();
    Ok(())
}
