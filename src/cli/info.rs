//! `spargraph info`: the structure of a graph at a glance.

use super::args::{CommonArgs, InputArgs};
use super::report::Reporter;
use clap::Args;
use serde_json::json;
use spargraph::engine::stats::graph_stats;
use spargraph::load::{build_from_rows, read_edge_rows};
use spargraph::Error;

/// Arguments of `spargraph info` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct InfoArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(a: InfoArgs) -> Result<(), Error> {
    a.common.init()?;
    let mut rep = Reporter::new("info", a.common.quiet, a.common.json);
    let opts = a.input.load_options();
    let rows = rep.phase("read", || read_edge_rows(&a.input.input, &opts))?;
    let g = build_from_rows(rows, &opts, &a.input.input.display().to_string())?;
    rep.record_phase("map_ids", g.timings.map_ids);
    rep.record_phase("build", g.timings.build);
    let s = rep.phase("stats", || graph_stats(&g.graph));
    // Duplicates: input rows that did not become edges of their own.
    let loops_dropped = matches!(
        opts.self_loops,
        spargraph::engine::builder::SelfLoopPolicy::Drop
    );
    let duplicates = if loops_dropped {
        None
    } else {
        Some(g.input_edges.saturating_sub(s.n_edges))
    };
    rep.set("input", json!(a.input.input.display().to_string()));
    rep.set("nodes", json!(s.n_nodes));
    rep.set("edges", json!(s.n_edges));
    rep.set("input_rows", json!(g.input_edges));
    rep.set("directed", json!(s.directed));
    rep.set("weighted", json!(s.weighted));
    rep.set("self_loops", json!(s.self_loops));
    rep.set("duplicates", json!(duplicates));
    rep.set("isolated_nodes", json!(s.isolated_nodes));
    rep.set(
        "degree",
        json!({"min": s.degree_min, "mean": s.degree_mean, "max": s.degree_max}),
    );
    rep.set("components", json!(s.components));
    rep.set("csr_bytes", json!(s.csr_bytes));
    if rep.json() {
        rep.finish();
    } else {
        println!("input           {}", a.input.input.display());
        println!("nodes           {}", s.n_nodes);
        println!(
            "edges           {} ({})",
            s.n_edges,
            if s.directed { "directed" } else { "undirected" }
        );
        println!("input rows      {}", g.input_edges);
        println!("weighted        {}", s.weighted);
        println!("self-loops      {}", s.self_loops);
        match duplicates {
            Some(d) => println!("duplicates      {d}"),
            None => println!("duplicates      n/a (self-loops dropped)"),
        }
        println!("isolated nodes  {}", s.isolated_nodes);
        println!(
            "degree          min {} / mean {:.3} / max {}",
            s.degree_min, s.degree_mean, s.degree_max
        );
        println!("components      {}", s.components);
        println!(
            "CSR memory      {} bytes ({:.1} MiB)",
            s.csr_bytes,
            s.csr_bytes as f64 / 1048576.0
        );
    }
    Ok(())
}
