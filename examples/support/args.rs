//! Command-line arguments of the timing examples: a graph file, then flags.

use spargraph::engine::Graph;
use spargraph::load::{load_graph, LoadOptions};

/// The arguments after the program name, and the graph loaded from the first one
/// (default options); exits with `usage` when it is missing.
pub fn graph_and_args(usage: &str) -> (Graph, Vec<String>) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: {usage}");
        std::process::exit(2);
    };
    let g = load_graph(std::path::Path::new(path), &LoadOptions::default())
        .expect("load")
        .graph;
    (g, args)
}

/// The value after `name` in `args`, parsed, or `default`.
pub fn flag(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
}
