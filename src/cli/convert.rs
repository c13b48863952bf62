//! `spargraph convert`: between Parquet, text, Matrix Market and GraphAr.

use super::args::{parse_format, CommonArgs, InputArgs};
use super::report::Reporter;
use clap::Args;
use serde_json::json;
use spargraph::io::format::Format;
use spargraph::load::{build_from_rows, read_edge_rows, save_graph};
use spargraph::Error;
use std::path::PathBuf;

/// Arguments of `spargraph convert` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct ConvertArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output path: .parquet, .txt/.tsv/.csv(.gz), .mtx(.gz), or a folder for GraphAr.
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Output format, when the extension does not tell.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    to: Option<Format>,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(a: ConvertArgs) -> Result<(), Error> {
    a.common.init()?;
    let to = match a.to {
        Some(f) => f,
        None if a.output.is_dir() => Format::GraphAr,
        None => Format::from_path(&a.output).map_err(|_| {
            Error::input(format!(
                "{}: cannot tell the output format from the extension; use --to parquet|text|mtx|graphar",
                a.output.display()
            ))
        })?,
    };
    if to == Format::GraphAr {
        spargraph::io::atomic::check_output_dir(&a.output)?;
        spargraph::io::atomic::check_not_an_input(
            &a.output,
            "--output",
            &[("--input", &a.input.input)],
        )?;
    } else {
        super::args::check_output_files(
            &[("--output", Some(&a.output))],
            &[("--input", Some(a.input.input.as_path()))],
        )?;
    }
    let mut rep = Reporter::new("convert", a.common.quiet, a.common.json);
    let opts = a.input.load_options();
    let rows = rep.phase("read", || read_edge_rows(&a.input.input, &opts))?;
    let g = build_from_rows(rows, &opts, &a.input.input.display().to_string())?;
    rep.record_phase("map_ids", g.timings.map_ids);
    rep.record_phase("build", g.timings.build);
    let mut cols = a.input.columns();
    if g.graph.is_weighted() && cols.weight.is_none() {
        cols.weight = Some("weight".into());
    }
    rep.phase("write", || save_graph(&a.output, &g, Some(to), &cols))?;
    rep.set("input", json!(a.input.input.display().to_string()));
    rep.set("output", json!(a.output.display().to_string()));
    rep.set("nodes", json!(g.graph.n_nodes()));
    rep.set("edges", json!(g.graph.n_edges()));
    rep.log(&format!(
        "wrote {} ({} nodes, {} edges)",
        a.output.display(),
        g.graph.n_nodes(),
        g.graph.n_edges()
    ));
    rep.finish();
    Ok(())
}
