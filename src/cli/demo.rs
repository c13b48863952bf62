//! `spargraph demo`: the main job on a graph shipped with spargraph.
//!
//! Runs every algorithm implemented so far (graph statistics, PageRank, a
//! personalized PageRank query, FastRP embeddings judged by node classification
//! against the departments) on email-Eu-core (SNAP; 1,005 nodes,
//! 25,571 directed arcs, 42 departments as ground truth), embedded in the binary, or
//! on `--input`, and writes the results and a summary into a folder.

use super::args::CommonArgs;
use super::report::Reporter;
use clap::Args;
use serde_json::json;
use spargraph::algorithms::community::{ari, communities, nmi, CommunityConfig, CommunityInput};
use spargraph::algorithms::eval::node_classification::{
    evaluate_node_classification, NodeClassificationConfig,
};
use spargraph::algorithms::fastrp::{fastrp_with, FastRpConfig, FastRpInput, Orientation};
use spargraph::algorithms::hierarchy::{hierarchy, HierarchyConfig};
use spargraph::algorithms::pagerank::{exact, PageRankConfig, Seeds, Solver};
use spargraph::algorithms::topk::top_k;
use spargraph::engine::kernels::{degrees, row_sums};
use spargraph::engine::stats::{connected_components, graph_stats};
use spargraph::engine::symmetrize::symmetrize;
use spargraph::engine::Graph;
use spargraph::io::atomic::write_dir;
use spargraph::io::parquet_table::write_table;
use spargraph::io::{Column, Table};
use spargraph::load::{
    all_external_ids, build_from_rows, external_ids, read_edge_rows, LoadOptions,
};
use spargraph::nodes::{node_keys, read_labels};
use spargraph::Error;
use std::path::PathBuf;

/// The shipped graph the demo runs on (Parquet, `src`/`dst` int64).
const EMAIL_EU_CORE: &[u8] = include_bytes!("../../datasets/email-eu-core.parquet");
/// Its ground truth: one department per node (`node`, `label`).
const EMAIL_EU_CORE_LABELS: &[u8] = include_bytes!("../../datasets/email-eu-core.labels.parquet");

/// Arguments of `spargraph demo` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Folder to write the results into. An existing folder is replaced (atomically)
    /// only if spargraph wrote it and it holds nothing else.
    #[arg(short, long, default_value = "demo-output", value_name = "DIR")]
    output: PathBuf,
    /// Run on this Parquet edge list (`src`, `dst`, directed) instead of the
    /// embedded email-Eu-core graph.
    #[arg(short, long, value_name = "PATH")]
    input: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(a: DemoArgs) -> Result<(), Error> {
    a.common.init()?;
    spargraph::io::atomic::check_output_dir(&a.output)?;
    if let Some(input) = &a.input {
        spargraph::io::atomic::check_not_an_input(&a.output, "--output", &[("--input", input)])?;
    }
    let mut rep = Reporter::new("demo", a.common.quiet, a.common.json);
    let scratch = std::env::temp_dir().join(format!("spargraph-demo-{}", std::process::id()));
    let (input, source) = match &a.input {
        Some(p) => (p.clone(), p.display().to_string()),
        None => {
            std::fs::create_dir_all(&scratch)
                .map_err(|e| Error::Internal(format!("{}: {e}", scratch.display())))?;
            let p = scratch.join("email-eu-core.parquet");
            std::fs::write(&p, EMAIL_EU_CORE)
                .map_err(|e| Error::Internal(format!("{}: {e}", p.display())))?;
            let l = scratch.join("email-eu-core.labels.parquet");
            std::fs::write(&l, EMAIL_EU_CORE_LABELS)
                .map_err(|e| Error::Internal(format!("{}: {e}", l.display())))?;
            (p, "email-Eu-core (embedded)".to_string())
        }
    };
    let opts = LoadOptions {
        directed: true,
        ..LoadOptions::default()
    };
    let loaded = rep.phase("load", || {
        read_edge_rows(&input, &opts).and_then(|rows| build_from_rows(rows, &opts, &source))
    });
    let labels_path = scratch.join("email-eu-core.labels.parquet");
    let g = loaded?;
    let labels = if a.input.is_none() {
        Some(read_labels(&labels_path, &g.ids, "node", "label"))
    } else {
        None
    };
    let _ = std::fs::remove_dir_all(&scratch);
    let labels = labels.transpose()?;
    let stats = rep.phase("stats", || graph_stats(&g.graph));
    let (components, _) = rep.phase("components", || connected_components(&g.graph));
    let out_deg = degrees(g.graph.out());
    let in_deg = degrees(g.graph.incoming());
    let wdeg = row_sums(g.graph.out());
    // PageRank (damping 0.85, dangling mass spread uniformly).
    let pr = rep
        .phase("pagerank", || {
            exact::pagerank(&g.graph, &PageRankConfig::default())
        })
        .map_err(|e| Error::Internal(e.to_string()))?;
    let pr_solver = exact::method_name(&g.graph, &PageRankConfig::default(), true);
    // On a directed input, the two exact solvers side by side on its undirected
    // view (every arc as an edge), where conjugate gradients apply.
    let solver_line = if g.graph.is_directed() {
        let undirected = Graph::from_csr_undirected(symmetrize(g.graph.out(), g.graph.incoming()));
        let run = |solver| {
            let config = PageRankConfig {
                solver,
                ..PageRankConfig::default()
            };
            exact::pagerank(&undirected, &config).map_err(|e| Error::Internal(e.to_string()))
        };
        let (cg, power) = rep.phase("pagerank_undirected", || {
            Ok::<_, Error>((run(Solver::Auto)?, run(Solver::Power)?))
        })?;
        let l1: f64 = cg
            .scores
            .iter()
            .zip(&power.scores)
            .map(|(a, b)| (a - b).abs())
            .sum();
        format!(
            "\nOn the undirected view (every arc as an edge) PageRank needs {} conjugate-gradient iterations against {} of power iteration; the two answers differ by {:.1e} in L1.\n",
            cg.iterations, power.iterations, l1
        )
    } else {
        String::new()
    };
    // Personalized PageRank from the highest-ranked node with an out-edge to another
    // node (from a node without one, all the mass stays home): top 20, exact.
    let top_pr = top_k(&pr.scores, 5);
    let ppr_source = top_k(&pr.scores, 0)
        .into_iter()
        .find(|e| {
            g.graph
                .out_neighbors(e.0 as usize)
                .iter()
                .any(|&u| u != e.0)
        })
        .map_or(0, |e| e.0);
    let ppr = rep
        .phase("ppr", || {
            exact::ppr_top_k(
                &g.graph,
                &[Seeds::single(ppr_source)],
                &PageRankConfig::ppr_default(),
                20,
                1,
                |_| {},
            )
        })
        .map_err(|e| Error::Internal(e.to_string()))?;
    // FastRP embeddings over both arc directions, judged (on the embedded graph) by
    // classifying the departments from half of the nodes.
    let fastrp_config = FastRpConfig {
        orientation: Orientation::Undirected,
        ..FastRpConfig::default()
    };
    let keys = node_keys(&g.ids);
    let embedding = rep.phase("fastrp", || {
        fastrp_with(
            &g.graph,
            &fastrp_config,
            &FastRpInput {
                node_keys: Some(&keys),
                ..Default::default()
            },
        )
    })?;
    let classification = match &labels {
        Some(l) => Some(rep.phase("classify", || {
            evaluate_node_classification(
                &embedding.values,
                embedding.dim,
                &l.labels,
                l.names.len(),
                &NodeClassificationConfig {
                    train_ratios: vec![0.5],
                    repeats: 3,
                    ..Default::default()
                },
            )
        })?),
        None => None,
    };
    // Communities (Leiden, Leicht-Newman directed modularity) and a bottom-up
    // hierarchy over them, each judged against the departments when known.
    let comm = rep.phase("communities", || {
        communities(
            &g.graph,
            &CommunityConfig::default(),
            CommunityInput::default(),
        )
    })?;
    let tree = rep.phase("hierarchy", || {
        hierarchy(&g.graph, &HierarchyConfig::default())
    })?;
    let first_label = |l: &spargraph::nodes::NodeLabels| -> (Vec<u32>, Vec<u32>, Vec<u32>) {
        let mut ours = (Vec::new(), Vec::new(), Vec::new());
        for (v, ls) in l.labels.iter().enumerate() {
            if let Some(&x) = ls.first() {
                ours.0.push(v as u32);
                ours.1.push(x);
            }
        }
        ours.2 = ours
            .0
            .iter()
            .map(|&v| comm.membership[v as usize])
            .collect();
        ours
    };
    // Cut at the department count (42) when known: nodes in separate components
    // join only at the top (+inf), so small cuts would split off just those.
    let cut_k = labels
        .as_ref()
        .map_or(10, |l| l.names.len())
        .min(tree.dendrogram.n_leaves);
    let cut = tree.cut(cut_k)?;
    let community_lines = match &labels {
        Some(l) => {
            let (nodes_with, truth, ours) = first_label(l);
            let cut_ours: Vec<u32> = nodes_with.iter().map(|&v| cut[v as usize]).collect();
            format!(
                "Against the departments: communities NMI {:.3}, ARI {:.3}; hierarchy cut at {cut_k}: NMI {:.3}.\n",
                nmi(&ours, &truth)?,
                ari(&ours, &truth)?,
                nmi(&cut_ours, &truth)?
            )
        }
        None => String::new(),
    };
    let fastrp_lines = match &classification {
        Some(c) => format!(
            "Department prediction from the embeddings (one-vs-rest logistic regression, 50% of the nodes for training, 3 splits): micro-F1 {:.3}, macro-F1 {:.3}.\n",
            c.ratios[0].micro_f1_mean, c.ratios[0].macro_f1_mean
        ),
        None => String::new(),
    };
    let ppr_entries = &ppr[0].entries;
    let ppr_nodes: Vec<u32> = ppr_entries.iter().map(|e| e.0).collect();
    let ppr_table = Table::new()
        .with("source", Column::from_ids(external_ids(&g.ids, &vec![ppr_source; ppr_nodes.len()])))
        .with("node_id", Column::from_ids(external_ids(&g.ids, &ppr_nodes)))
        .with("score", Column::F64(ppr_entries.iter().map(|e| e.1).collect()))
        .with_metadata("spargraph", json!({"command": "demo", "algorithm": "ppr", "method": "exact", "damping": 0.85, "top_k": 20}).to_string());
    let name = |v: u32| g.ids.external(v).to_string();
    let pr_lines: String = top_pr
        .iter()
        .map(|&(v, s)| format!("| {} | {:.5} |\n", name(v), s))
        .chain(std::iter::once(solver_line))
        .collect();
    let ppr_lines: String = ppr_entries
        .iter()
        .take(5)
        .map(|&(v, s)| format!("| {} | {:.5} |\n", name(v), s))
        .collect();
    let nodes = Table::new()
        .with("node_id", Column::from_ids(all_external_ids(&g.ids)))
        .with("out_degree", Column::U32(out_deg))
        .with("in_degree", Column::U32(in_deg))
        .with("weighted_out_degree", Column::F64(wdeg))
        .with("component", Column::U32(components))
        .with("pagerank", Column::F64(pr.scores.clone()))
        .with("community", Column::U32(comm.membership.clone()))
        .with("leaf", Column::U32(tree.leaf_of.clone()))
        .with("hierarchy_cut", Column::U32(cut.clone()))
        .with_metadata(
            "spargraph",
            json!({"command": "demo", "input": source}).to_string(),
        );
    let info = json!({
        "input": source,
        "nodes": stats.n_nodes,
        "edges": stats.n_edges,
        "directed": stats.directed,
        "self_loops": stats.self_loops,
        "isolated_nodes": stats.isolated_nodes,
        "degree": {"min": stats.degree_min, "mean": stats.degree_mean, "max": stats.degree_max},
        "components": stats.components,
        "csr_bytes": stats.csr_bytes,
        "fastrp": super::fastrp::config_json(&fastrp_config),
        "communities": {"method": "leiden", "modularity": comm.quality, "count": comm.n_communities,
                         "levels": comm.levels.iter().map(|l| l.n_communities).collect::<Vec<_>>()},
        "hierarchy": {"method": "bottom-up", "leaves": tree.dendrogram.n_leaves, "cut": cut_k},
        "node_classification": classification.as_ref().map(|c| json!({
            "train_ratio": 0.5, "repeats": 3,
            "micro_f1": c.ratios[0].micro_f1_mean, "macro_f1": c.ratios[0].macro_f1_mean})),
    });
    let summary = format!(
        "# spargraph demo\n\ninput: {source}\n\n| measure | value |\n|---|---|\n| nodes | {} |\n| edges | {} ({}) |\n| self-loops | {} |\n| isolated nodes | {} |\n| out-degree min / mean / max | {} / {:.2} / {} |\n| weakly connected components | {} |\n| CSR memory | {} bytes |\n\n## PageRank (damping 0.85, {}, {} iterations)\n\n| node | score |\n|---|---|\n{}\n## Personalized PageRank from node {} (exact, top 20; first 5 shown)\n\n| node | score |\n|---|---|\n{}\n## FastRP embeddings (dim {}, weights 0,0,1,6 over both arc directions)\n\n{}\n## Communities (Leiden, directed modularity) and hierarchy (bottom-up)\n\n{} communities, modularity {:.4} (levels: {}); the hierarchy has {} leaves, cut here at {cut_k}.\n{}\nFiles: `nodes.parquet` (node_id, out_degree, in_degree, weighted_out_degree, component, pagerank, community, leaf, hierarchy_cut: the tree cut at {cut_k}), `ppr.parquet` (source, node_id, score), `embeddings.parquet` (node_id, embedding), `dendrogram.parquet` (scipy linkage over the leaves: left, right, height, size), `info.json`.\n",
        stats.n_nodes,
        stats.n_edges,
        if stats.directed { "directed" } else { "undirected" },
        stats.self_loops,
        stats.isolated_nodes,
        stats.degree_min,
        stats.degree_mean,
        stats.degree_max,
        stats.components,
        stats.csr_bytes,
        pr_solver,
        pr.iterations,
        pr_lines,
        name(ppr_source),
        ppr_lines,
        fastrp_config.dim,
        fastrp_lines,
        comm.n_communities,
        comm.quality,
        comm.levels
            .iter()
            .map(|l| l.n_communities.to_string())
            .collect::<Vec<_>>()
            .join(" > "),
        tree.dendrogram.n_leaves,
        community_lines
    );
    let dendrogram_table = super::hierarchy::dendrogram_table(&tree.dendrogram);
    let embedding_table = Table::new()
        .with("node_id", Column::from_ids(all_external_ids(&g.ids)))
        .with("embedding", Column::Matrix { dim: embedding.dim, values: embedding.values })
        .with_metadata("spargraph", json!({"command": "demo", "algorithm": "fastrp", "config": super::fastrp::config_json(&fastrp_config)}).to_string());
    rep.phase("write", || {
        write_dir(&a.output, |dir| {
            write_table(&dir.join("nodes.parquet"), &nodes)?;
            write_table(&dir.join("ppr.parquet"), &ppr_table)?;
            write_table(&dir.join("embeddings.parquet"), &embedding_table)?;
            write_table(&dir.join("dendrogram.parquet"), &dendrogram_table)?;
            let write = |name: &str, text: &str| {
                std::fs::write(dir.join(name), text)
                    .map_err(|e| spargraph::io::IoError::write(dir.join(name), e))
            };
            write("info.json", &serde_json::to_string_pretty(&info).unwrap())?;
            write("summary.md", &summary)?;
            Ok(())
        })
    })?;
    rep.set("output", json!(a.output.display().to_string()));
    rep.set("graph", info);
    if rep.json() {
        rep.finish();
    } else {
        print!("{summary}");
        println!("\nresults written to {}", a.output.display());
    }
    Ok(())
}
