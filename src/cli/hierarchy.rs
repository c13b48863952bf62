//! `spargraph hierarchy`: bottom-up hierarchical communities and Paris.

use super::args::{CommonArgs, InputArgs};
use super::communities::read_membership;
use super::report::Reporter;
use clap::Args;
use serde_json::json;
use spargraph::algorithms::community::{ari, nmi};
use spargraph::algorithms::hierarchy::{
    hierarchy, Dendrogram, FineClustering, HierarchyConfig, HierarchyMethod,
};
use spargraph::io::parquet_table::write_table;
use spargraph::io::{Column, Table};
use spargraph::load::{all_external_ids, load_graph};
use spargraph::Error;
use std::path::PathBuf;

/// Arguments of `spargraph hierarchy` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct HierarchyArgs {
    #[command(flatten)]
    input: InputArgs,
    /// bottom-up (fine Leiden clustering, then average linkage on inter-cluster
    /// edge density) or paris (scikit-network's Paris, on the nodes).
    #[arg(long, default_value = "bottom-up", value_parser = parse_method)]
    method: HierarchyMethod,
    /// Fine clustering of bottom-up: spectral (Bethe-Hessian, the paper's), leiden
    /// (at --fine-resolution), or auto (spectral up to 50,000 nodes).
    #[arg(long, default_value = "auto", value_parser = parse_fine)]
    fine: FineClustering,
    /// Number of spectral clusters (default: the number of negative eigenvalues of
    /// the Bethe-Hessian, at most --max-clusters, at least the largest --cuts).
    #[arg(long, value_name = "K")]
    clusters: Option<usize>,
    /// Largest number of spectral clusters estimated.
    #[arg(long, default_value_t = 32, value_name = "K")]
    max_clusters: usize,
    /// Resolution of the fine Leiden clustering of bottom-up (> 0). Above 1 so the
    /// finest level is not merged; too high gives tiny leaves whose densities are
    /// noise (on hsbm16k: 2.5 and 3 recover all levels, 3.5 not the finest).
    #[arg(long, default_value_t = 2.5, allow_hyphen_values = true)]
    fine_resolution: f64,
    /// Cut the tree into these numbers of clusters (one output column each).
    #[arg(long, value_delimiter = ',', value_name = "K1,K2,...")]
    cuts: Vec<usize>,
    /// Cut the tree at these heights (one output column each).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "H1,H2,...",
        allow_hyphen_values = true
    )]
    cut_heights: Vec<f64>,
    /// Ground truth (node, label) file: report NMI and ARI of each cut against it.
    #[arg(long, value_name = "FILE")]
    truth: Option<PathBuf>,
    /// Node id column of --truth.
    #[arg(long, default_value = "node", value_name = "NAME")]
    labels_id_col: String,
    /// Label column of --truth.
    #[arg(long, default_value = "label", value_name = "NAME")]
    label_col: String,
    /// Node output Parquet file (leaf and cuts).
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Dendrogram output Parquet file (scipy linkage rows).
    #[arg(long, value_name = "PATH")]
    dendrogram: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// scipy's linkage matrix as a table: `left`, `right` (int64), `height` (float64),
/// `size` (int64, leaves under the merge).
pub fn dendrogram_table(d: &Dendrogram) -> Table {
    let m = &d.merges;
    Table::new()
        .with(
            "left",
            Column::I64(m.iter().map(|x| x.left as i64).collect()),
        )
        .with(
            "right",
            Column::I64(m.iter().map(|x| x.right as i64).collect()),
        )
        .with("height", Column::F64(m.iter().map(|x| x.height).collect()))
        .with(
            "size",
            Column::I64(m.iter().map(|x| x.size as i64).collect()),
        )
}

fn parse_method(s: &str) -> Result<HierarchyMethod, String> {
    s.parse()
}

fn parse_fine(s: &str) -> Result<FineClustering, String> {
    s.parse()
}

pub fn run(a: HierarchyArgs) -> Result<(), Error> {
    a.common.init()?;
    if let Some(&h) = a.cut_heights.iter().find(|h| h.is_nan() || **h <= 0.0) {
        return Err(Error::option(
            "cut-heights",
            format!("{h} (heights are positive numbers)"),
        ));
    }
    if a.clusters == Some(0) {
        return Err(Error::option("clusters", "0 (must be at least 1)"));
    }
    if a.cuts.contains(&0) {
        return Err(Error::option("cuts", "0 (a cut needs at least 1 cluster)"));
    }
    for (i, k) in a.cuts.iter().enumerate() {
        if a.cuts[..i].contains(k) {
            return Err(Error::option("cuts", format!("{k} (given twice)")));
        }
    }
    for (i, h) in a.cut_heights.iter().enumerate() {
        if a.cut_heights[..i]
            .iter()
            .any(|x| format!("{x}") == format!("{h}"))
        {
            return Err(Error::option("cut-heights", format!("{h} (given twice)")));
        }
    }
    super::args::check_output_files(
        &[
            ("--output", Some(&a.output)),
            ("--dendrogram", a.dendrogram.as_deref()),
        ],
        &[
            ("--input", Some(a.input.input.as_path())),
            ("--truth", a.truth.as_deref()),
        ],
    )?;
    let config = HierarchyConfig {
        method: a.method,
        fine: a.fine,
        clusters: a.clusters,
        max_clusters: a.max_clusters,
        min_clusters: a.cuts.iter().copied().max().unwrap_or(1),
        fine_resolution: a.fine_resolution,
        seed: a.common.seed,
    };
    config.validate()?;
    let mut rep = Reporter::new("hierarchy", a.common.quiet, a.common.json);
    let g = rep.phase("load", || {
        load_graph(&a.input.input, &a.input.load_options())
    })?;
    let n = g.graph.n_nodes();
    if let Some(&k) = a.cuts.iter().find(|&&k| k > n) {
        return Err(Error::option(
            "cuts",
            format!("{k} (larger than the graph's {n} nodes)"),
        ));
    }
    if let Some(k) = a.clusters.filter(|&k| k > n) {
        return Err(Error::option(
            "clusters",
            format!("{k} (larger than the graph's {n} nodes)"),
        ));
    }
    let truth = match &a.truth {
        Some(p) => Some(read_membership(p, &g.ids, &a.labels_id_col, &a.label_col)?),
        None => None,
    };
    let h = rep.phase("hierarchy", || hierarchy(&g.graph, &config))?;
    let leaves = h.dendrogram.n_leaves;
    if let Some(&k) = a.cuts.iter().find(|&&k| k > leaves) {
        return Err(Error::option(
            "cuts",
            format!(
                "{k} (the dendrogram has {leaves} leaves, the fine clusters; ask for \
                 more with --clusters, or --fine leiden with a higher --fine-resolution)"
            ),
        ));
    }
    let mut table = Table::new()
        .with("node_id", Column::from_ids(all_external_ids(&g.ids)))
        .with("leaf", Column::U32(h.leaf_of.clone()));
    let mut cuts_json = Vec::new();
    let mut cut_columns: Vec<(String, Vec<u32>)> = Vec::new();
    for &k in &a.cuts {
        cut_columns.push((format!("cut_{k}"), h.cut(k)?));
    }
    for &x in &a.cut_heights {
        cut_columns.push((format!("cut_h{x}"), h.cut_height(x)));
    }
    for (name, labels) in cut_columns {
        let clusters = labels.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
        let mut entry = json!({"column": name, "clusters": clusters});
        if let Some((truth, listed)) = &truth {
            let (ours, theirs): (Vec<u32>, Vec<u32>) = (0..n)
                .filter(|&v| listed[v])
                .map(|v| (labels[v], truth[v]))
                .unzip();
            entry["nmi"] = json!(nmi(&ours, &theirs)?);
            entry["ari"] = json!(ari(&ours, &theirs)?);
        }
        cuts_json.push(entry);
        table = table.with(name, Column::U32(labels));
    }
    let meta = json!({"command": "hierarchy", "method": format!("{:?}", config.method),
                      "fine": format!("{:?}", config.fine), "clusters": config.clusters,
                      "fine_resolution": config.fine_resolution, "seed": config.seed,
                      "leaves": leaves, "merges": h.dendrogram.merges.len()})
    .to_string();
    let table = table.with_metadata("spargraph", meta.clone());
    rep.phase("write", || -> Result<(), Error> {
        if let Some(path) = &a.dendrogram {
            let z = dendrogram_table(&h.dendrogram).with_metadata("spargraph", meta.clone());
            write_table(path, &z)?;
        }
        write_table(&a.output, &table)?;
        Ok(())
    })?;
    rep.set("nodes", json!(n));
    rep.set("edges", json!(g.graph.n_edges()));
    rep.set("leaves", json!(leaves));
    rep.set("merges", json!(h.dendrogram.merges.len()));
    rep.set("inversions", json!(h.dendrogram.has_inversions()));
    rep.set("cuts", json!(cuts_json));
    rep.set("output", json!(a.output.display().to_string()));
    rep.log(&format!(
        "{leaves} leaves, {} merges; wrote {}",
        h.dendrogram.merges.len(),
        a.output.display()
    ));
    rep.finish();
    Ok(())
}
