//! `spargraph fastrp`: FastRP node embeddings.

use super::args::{CommonArgs, InputArgs};
use super::report::Reporter;
use clap::{ArgAction, Args, ValueEnum};
use serde_json::{json, Value};
use spargraph::algorithms::fastrp::{
    fastrp_with, Embedding, FastRpConfig, FastRpInput, Features, Orientation, Sparsity,
};
use spargraph::engine::idmap::NodeIds;
use spargraph::engine::Graph;
use spargraph::io::parquet_table::{read_node_matrix, write_table};
use spargraph::io::{Column, Table};
use spargraph::load::{all_external_ids, LoadedGraph};
use spargraph::nodes::{align_node_matrix, node_keys};
use spargraph::Error;
use std::path::{Path, PathBuf};

/// Orientation flag.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum OrientationArg {
    /// Follow out-arcs.
    Natural,
    /// Follow in-arcs.
    Reverse,
    /// Follow both (A + A^T).
    Undirected,
}

impl From<OrientationArg> for Orientation {
    fn from(o: OrientationArg) -> Self {
        match o {
            OrientationArg::Natural => Orientation::Natural,
            OrientationArg::Reverse => Orientation::Reverse,
            OrientationArg::Undirected => Orientation::Undirected,
        }
    }
}

/// FastRP's options, shared by `fastrp` and `eval link-prediction`. Unset options
/// take [`FastRpConfig::default`]'s values for `fastrp` and
/// [`FastRpConfig::for_link_prediction`]'s for `eval link-prediction`.
#[derive(Args, Debug, Clone)]
pub struct FastRpFlags {
    /// Embedding dimension.
    #[arg(long, default_value_t = 128)]
    pub dim: usize,
    /// Weights w1,w2,... of the powers M^1 R, M^2 R, ... (their count is the number
    /// of iterations) [default: 0,0,1,6; link prediction: 1,1,1,1].
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "W1,W2,...",
        allow_hyphen_values = true
    )]
    pub iteration_weights: Option<Vec<f32>>,
    /// Weight w0 of the 0-hop term D^beta R.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub self_influence: f32,
    /// beta: the projection's rows are scaled by degree^beta [default: -0.1; link
    /// prediction: 0].
    #[arg(long, allow_hyphen_values = true, value_name = "BETA")]
    pub normalization_strength: Option<f32>,
    /// Sparsity s of the projection: a number >= 1, or `sqrt-n`.
    #[arg(long, default_value = "sqrt-n")]
    pub sparsity: Sparsity,
    /// L2-normalise each power's rows before the weighted sum (true|false)
    /// [default: true; link prediction: false].
    #[arg(long, action = ArgAction::Set, value_name = "BOOL")]
    pub normalize_iterations: Option<bool>,
    /// L2-normalise each row at the end, after standardising, then standardise
    /// again (true|false) [default: true; link prediction: false]. On BlogCatalog
    /// it lifts macro-F1 above every figure of the FastRP paper.
    #[arg(long, action = ArgAction::Set, value_name = "BOOL")]
    pub normalize_output: Option<bool>,
    /// Standardise each column at the end (true|false) [default: true; link
    /// prediction: false].
    #[arg(long, action = ArgAction::Set, value_name = "BOOL")]
    pub standardize: Option<bool>,
    /// Share of the dimension taken from node features (needs --features).
    #[arg(long, default_value_t = 0.0)]
    pub property_ratio: f64,
    /// Node features: Parquet with the node id column and one list column or one
    /// numeric column per feature.
    #[arg(long, value_name = "PATH")]
    pub features: Option<PathBuf>,
    /// Id column of the features file.
    #[arg(long, default_value = "node_id", value_name = "NAME")]
    pub features_id_col: String,
    /// Arcs to follow on directed graphs.
    #[arg(long, value_enum, default_value = "natural")]
    pub orientation: OrientationArg,
}

impl FastRpFlags {
    /// The validated config (with the run's seed), unset options taken from `base`.
    pub fn config(&self, seed: u64, base: &FastRpConfig) -> Result<FastRpConfig, Error> {
        let config = FastRpConfig {
            dim: self.dim,
            iteration_weights: self
                .iteration_weights
                .clone()
                .unwrap_or_else(|| base.iteration_weights.clone()),
            self_influence: self.self_influence,
            normalization_strength: self
                .normalization_strength
                .unwrap_or(base.normalization_strength),
            sparsity: self.sparsity,
            normalize_iterations: self
                .normalize_iterations
                .unwrap_or(base.normalize_iterations),
            normalize_output: self.normalize_output.unwrap_or(base.normalize_output),
            standardize: self.standardize.unwrap_or(base.standardize),
            property_ratio: self.property_ratio,
            orientation: self.orientation.into(),
            seed,
        };
        config.validate()?;
        if config.property_dim() > 0 && self.features.is_none() {
            return Err(Error::option(
                "property-ratio",
                format!(
                    "{} needs node features (--features FILE)",
                    self.property_ratio
                ),
            ));
        }
        if config.property_dim() == 0 && self.features.is_some() {
            return Err(Error::option(
                "features",
                "given, but --property-ratio is 0: set the share of the dimension they fill",
            ));
        }
        Ok(config)
    }

    /// Reads the features file (if any) in the graph's node order.
    pub fn read_features(&self, g: &LoadedGraph) -> Result<Option<(Vec<f32>, usize)>, Error> {
        let Some(path) = &self.features else {
            return Ok(None);
        };
        let m = read_node_matrix(path, &self.features_id_col, None)?;
        let values = align_node_matrix(&g.ids, &m, path)?;
        Ok(Some((values, m.dim)))
    }

    /// Embeds `graph` with `config` (features read before), each node's random
    /// vector keyed by its external id in `ids`.
    pub fn embed(
        &self,
        graph: &Graph,
        ids: &NodeIds,
        config: &FastRpConfig,
        features: &Option<(Vec<f32>, usize)>,
    ) -> Result<Embedding, Error> {
        // FastRP's n x dim f32 matrices: three at most (two with the default weights).
        let n = graph.n_nodes() as u64;
        spargraph::memory::check_fits(12 * n * config.dim as u64, || {
            format!("FastRP of {n} nodes at --dim {}", config.dim)
        })?;
        let keys = node_keys(ids);
        let input = FastRpInput {
            features: features.as_ref().map(|(values, width)| Features {
                values,
                width: *width,
            }),
            node_keys: Some(&keys),
            ..Default::default()
        };
        Ok(fastrp_with(graph, config, &input)?)
    }
}

/// An f32 option as the f64 of its shortest decimal form (-0.9, not -0.8999999761).
fn short(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(x as f64)
}

/// The config as JSON, for summaries and file metadata.
pub fn config_json(c: &FastRpConfig) -> Value {
    let weights: Vec<f64> = c.iteration_weights.iter().map(|&w| short(w)).collect();
    json!({
        "dim": c.dim, "iteration_weights": weights, "self_influence": short(c.self_influence),
        "normalization_strength": short(c.normalization_strength),
        "sparsity": match c.sparsity { Sparsity::SqrtN => json!("sqrt-n"), Sparsity::Value(s) => json!(s) },
        "normalize_iterations": c.normalize_iterations, "normalize_output": c.normalize_output, "standardize": c.standardize,
        "property_ratio": c.property_ratio,
        "orientation": format!("{:?}", c.orientation).to_lowercase(), "seed": c.seed,
    })
}

/// Arguments of `spargraph fastrp` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct FastRpArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    flags: FastRpFlags,
    /// Output Parquet file.
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    #[command(flatten)]
    common: CommonArgs,
}

/// Writes `node_id` + `embedding` for every node of `g`.
pub fn write_embedding(
    path: &Path,
    g: &LoadedGraph,
    e: Embedding,
    meta: Value,
) -> Result<(), Error> {
    let table = Table::new()
        .with("node_id", Column::from_ids(all_external_ids(&g.ids)))
        .with(
            "embedding",
            Column::Matrix {
                dim: e.dim,
                values: e.values,
            },
        )
        .with_metadata("spargraph", meta.to_string());
    Ok(write_table(path, &table)?)
}

pub fn run(a: FastRpArgs) -> Result<(), Error> {
    a.common.init()?;
    let config = a.flags.config(a.common.seed, &FastRpConfig::default())?;
    super::args::check_output_files(
        &[("--output", Some(&a.output))],
        &[
            ("--input", Some(a.input.input.as_path())),
            ("--features", a.flags.features.as_deref()),
        ],
    )?;
    let mut rep = Reporter::new("fastrp", a.common.quiet, a.common.json);
    let g = rep.phase("load", || {
        spargraph::load::load_graph(&a.input.input, &a.input.load_options())
    })?;
    let features = rep.phase("features", || a.flags.read_features(&g))?;
    let e = rep.phase("fastrp", || {
        a.flags.embed(&g.graph, &g.ids, &config, &features)
    })?;
    let meta = json!({"command": "fastrp", "config": config_json(&config)});
    rep.phase("write", || write_embedding(&a.output, &g, e, meta))?;
    rep.set("nodes", json!(g.graph.n_nodes()));
    rep.set("edges", json!(g.graph.n_edges()));
    rep.set("config", config_json(&config));
    rep.set("output", json!(a.output.display().to_string()));
    rep.log(&format!(
        "{} nodes x {} dims, wrote {}",
        g.graph.n_nodes(),
        config.dim,
        a.output.display()
    ));
    rep.finish();
    Ok(())
}
