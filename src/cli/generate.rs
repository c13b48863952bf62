//! `spargraph generate`: deterministic benchmark graphs with their ground truth.

use super::args::CommonArgs;
use super::report::Reporter;
use clap::{Args, Subcommand};
use serde_json::json;
use spargraph::engine::generate::{
    BipartiteConfig, GeneratedGraph, HsbmConfig, RmatConfig, SbmConfig,
};
use spargraph::engine::IdColumn;
use spargraph::io::format::Format;
use spargraph::io::parquet_table::write_table;
use spargraph::io::{Column, EdgeTable, Table};
use spargraph::Error;
use std::path::{Path, PathBuf};

/// Arguments of `spargraph generate` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct GenerateArgs {
    #[command(subcommand)]
    model: Model,
}

#[derive(Subcommand, Debug)]
enum Model {
    /// R-MAT / Graph500 Kronecker graph (a=.57, b=.19, c=.19 by default).
    Rmat(RmatArgs),
    /// Planted partition (stochastic block model) with block labels.
    Sbm(SbmArgs),
    /// Hierarchical SBM on a binary tree, with labels per level.
    Hsbm(HsbmArgs),
    /// Power-law user-item graph with planted taste groups (weights = draw counts).
    Bipartite(BipartiteArgs),
}

/// Output flags shared by every model.
#[derive(Args, Debug)]
struct OutputArgs {
    /// Edge list output (.parquet, or a text edge list).
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Ground-truth output (default: `<output stem>.labels.parquet` beside it).
    #[arg(long, value_name = "PATH")]
    labels: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct RmatArgs {
    /// log2 of the node count.
    #[arg(long, default_value_t = 16)]
    scale: u32,
    /// Edge draws per node.
    #[arg(long, default_value_t = 16)]
    edge_factor: u32,
    /// Quadrant probabilities a, b, c (d = 1 - a - b - c).
    #[arg(long, default_value_t = 0.57)]
    a: f64,
    #[arg(long, default_value_t = 0.19)]
    b: f64,
    #[arg(long, default_value_t = 0.19)]
    c: f64,
    /// Keep vertex labels unpermuted (node 0 is then the hub).
    #[arg(long)]
    no_permute: bool,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Args, Debug)]
struct SbmArgs {
    /// Number of blocks.
    #[arg(long, default_value_t = 50)]
    blocks: u32,
    /// Nodes per block.
    #[arg(long, default_value_t = 2000)]
    block_size: u32,
    /// Expected neighbours inside the block.
    #[arg(long, default_value_t = 14.0)]
    degree_in: f64,
    /// Expected neighbours outside the block.
    #[arg(long, default_value_t = 6.0)]
    degree_out: f64,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Args, Debug)]
struct HsbmArgs {
    /// Depth of the binary tree (2^depth leaf blocks).
    #[arg(long, default_value_t = 3)]
    depth: u32,
    /// Nodes per leaf block.
    #[arg(long, default_value_t = 2000)]
    leaf_block_size: u32,
    /// Expected neighbours at tree distance 0, 1, ..., depth.
    #[arg(long, value_delimiter = ',', default_value = "20,6,4,2")]
    degrees: Vec<f64>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Args, Debug)]
struct BipartiteArgs {
    #[arg(long, default_value_t = 50_000)]
    users: u32,
    #[arg(long, default_value_t = 20_000)]
    items: u32,
    /// Interactions drawn (repeats merge into weights).
    #[arg(long, default_value_t = 1_150_000)]
    draws: u64,
    /// Pareto exponent of user activity.
    #[arg(long, default_value_t = 1.6)]
    user_alpha: f64,
    /// Pareto exponent of item popularity.
    #[arg(long, default_value_t = 1.1)]
    item_alpha: f64,
    /// Planted taste groups.
    #[arg(long, default_value_t = 20)]
    groups: u32,
    /// Share of draws inside the user's taste group.
    #[arg(long, default_value_t = 0.6)]
    in_group_share: f64,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(a: GenerateArgs) -> Result<(), Error> {
    let (name, out) = match &a.model {
        Model::Rmat(m) => ("rmat", &m.out),
        Model::Sbm(m) => ("sbm", &m.out),
        Model::Hsbm(m) => ("hsbm", &m.out),
        Model::Bipartite(m) => ("bipartite", &m.out),
    };
    out.common.init()?;
    let seed = out.common.seed;
    let format = Format::from_path(&out.output)?;
    if !matches!(format, Format::Parquet | Format::Text) {
        return Err(Error::input(format!(
            "{}: generate writes Parquet or text edge lists; convert afterwards for other formats",
            out.output.display()
        )));
    }
    if let Model::Bipartite(m) = &a.model {
        if m.draws == 0 {
            return Err(Error::option(
                "draws",
                "0 (the edge list would be empty, which no command reads)",
            ));
        }
    }
    spargraph::io::atomic::check_output_path(&out.output)?;
    // Both files are checked before either is written.
    let has_labels = !matches!(a.model, Model::Rmat(_));
    if let (Some(l), false) = (&out.labels, has_labels) {
        return Err(Error::option(
            "labels",
            format!(
                "{} (the {name} model has no ground truth to write)",
                l.display()
            ),
        ));
    }
    if has_labels {
        let labels = out
            .labels
            .clone()
            .unwrap_or_else(|| labels_path_for(&out.output));
        super::args::check_output_files(
            &[("--output", Some(&out.output)), ("--labels", Some(&labels))],
            &[],
        )?;
    }
    let mut rep = Reporter::new("generate", out.common.quiet, out.common.json);
    let g = rep.phase("generate", || match &a.model {
        Model::Rmat(m) => RmatConfig {
            scale: m.scale,
            edge_factor: m.edge_factor,
            a: m.a,
            b: m.b,
            c: m.c,
            seed,
            permute: !m.no_permute,
        }
        .generate(),
        Model::Sbm(m) => SbmConfig {
            n_blocks: m.blocks,
            block_size: m.block_size,
            degree_in: m.degree_in,
            degree_out: m.degree_out,
            seed,
        }
        .generate(),
        Model::Hsbm(m) => HsbmConfig {
            depth: m.depth,
            leaf_block_size: m.leaf_block_size,
            degrees: m.degrees.clone(),
            seed,
        }
        .generate(),
        Model::Bipartite(m) => BipartiteConfig {
            n_users: m.users,
            n_items: m.items,
            n_draws: m.draws,
            user_alpha: m.user_alpha,
            item_alpha: m.item_alpha,
            n_groups: m.groups,
            in_group_share: m.in_group_share,
            seed,
        }
        .generate(),
    });
    let g = g.map_err(|e| Error::input(e.to_string()))?;
    let meta = metadata_json(name, &g);
    rep.phase("write", || write_edges(&out.output, format, &g, &meta))?;
    let labels_path = if g.labels.is_empty() {
        None
    } else {
        let p = out
            .labels
            .clone()
            .unwrap_or_else(|| labels_path_for(&out.output));
        rep.phase("write_labels", || write_labels(&p, &g, &meta))?;
        Some(p)
    };
    rep.set("model", json!(name));
    rep.set("nodes", json!(g.n_nodes));
    rep.set("edges", json!(g.n_edges()));
    rep.set("output", json!(out.output.display().to_string()));
    rep.set(
        "labels",
        json!(labels_path.as_ref().map(|p| p.display().to_string())),
    );
    rep.log(&format!(
        "wrote {} ({} nodes, {} edges)",
        out.output.display(),
        g.n_nodes,
        g.n_edges()
    ));
    rep.finish();
    Ok(())
}

fn metadata_json(model: &str, g: &GeneratedGraph) -> String {
    let params: serde_json::Map<String, serde_json::Value> = g
        .params
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    json!({"generator": model, "n_nodes": g.n_nodes, "n_edges": g.n_edges(), "params": params})
        .to_string()
}

/// `dir/name.parquet` -> `dir/name.labels.parquet`.
fn labels_path_for(p: &Path) -> PathBuf {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.split('.').next().unwrap_or("graph").to_string();
    p.with_file_name(format!("{stem}.labels.parquet"))
}

fn write_edges(path: &Path, format: Format, g: &GeneratedGraph, meta: &str) -> Result<(), Error> {
    let src: Vec<i64> = g.src.iter().map(|&x| x as i64).collect();
    let dst: Vec<i64> = g.dst.iter().map(|&x| x as i64).collect();
    match format {
        Format::Parquet => {
            let mut t = Table::new()
                .with("src", Column::I64(src))
                .with("dst", Column::I64(dst))
                .with_metadata("spargraph", meta);
            if let Some(w) = &g.weights {
                t = t.with("weight", Column::F32(w.clone()));
            }
            Ok(write_table(path, &t)?)
        }
        _ => {
            let e = EdgeTable {
                src: IdColumn::Int(src),
                dst: IdColumn::Int(dst),
                weight: g.weights.clone(),
            };
            Ok(spargraph::io::text::write_text_edges(
                path,
                &e,
                &spargraph::io::text::TextWriteOptions::for_path(path),
            )?)
        }
    }
}

fn write_labels(path: &Path, g: &GeneratedGraph, meta: &str) -> Result<(), Error> {
    let mut t = Table::new()
        .with("node", Column::I64((0..g.n_nodes as i64).collect()))
        .with_metadata("spargraph", meta);
    // `label` is the finest planted partition: the block, the deepest tree level,
    // or the taste group.
    let finest = g
        .labels
        .iter()
        .rev()
        .find(|(n, _)| n == "label" || n.starts_with("level_") || n == "group")
        .map(|(_, v)| v.clone());
    if let Some(v) = &finest {
        if g.label("label").is_none() {
            t = t.with("label", Column::I64(v.iter().map(|&x| x as i64).collect()));
        }
    }
    for (name, v) in &g.labels {
        t = t.with(
            name.clone(),
            Column::I64(v.iter().map(|&x| x as i64).collect()),
        );
    }
    Ok(write_table(path, &t)?)
}
