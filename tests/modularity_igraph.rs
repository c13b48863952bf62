//! Our modularity equals igraph's on the same graphs and partitions within 1e-9
//! (fixtures: tests/fixtures/modularity_igraph.json, made by
//! tests/fixtures/make_modularity_fixtures.py).

use spargraph::algorithms::community::modularity;
use spargraph::engine::builder::{build_graph, BuildOptions};
use spargraph::engine::Graph;
use std::collections::HashMap;
use std::path::Path;

#[test]
fn modularity_matches_igraph() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/modularity_igraph.json"),
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut graphs: HashMap<String, Graph> = HashMap::new();
    for g in v["graphs"].as_array().unwrap() {
        let n = g["n"].as_u64().unwrap() as usize;
        let edges = g["edges"].as_array().unwrap();
        let src: Vec<u32> = edges
            .iter()
            .map(|e| e[0].as_u64().unwrap() as u32)
            .collect();
        let dst: Vec<u32> = edges
            .iter()
            .map(|e| e[1].as_u64().unwrap() as u32)
            .collect();
        let weights: Option<Vec<f32>> = g["weights"]
            .as_array()
            .map(|w| w.iter().map(|x| x.as_f64().unwrap() as f32).collect());
        let opts = if g["directed"].as_bool().unwrap() {
            BuildOptions::directed()
        } else {
            BuildOptions::undirected()
        };
        let graph = build_graph(n, &src, &dst, weights.as_deref(), &opts).unwrap();
        assert_eq!(graph.n_edges(), edges.len());
        graphs.insert(g["name"].as_str().unwrap().to_string(), graph);
    }
    let mut checked = 0;
    for case in v["cases"].as_array().unwrap() {
        let name = case["graph"].as_str().unwrap();
        let part = case["partition"].as_str().unwrap();
        let gamma = case["resolution"].as_f64().unwrap();
        let want = case["modularity"].as_f64().unwrap();
        let membership: Vec<u32> = v["partitions"][name][part]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        let got = modularity(&graphs[name], &membership, gamma).unwrap();
        // The fixture's weights are exact in f32, so only summation order differs.
        assert!(
            (got - want).abs() <= 1e-12,
            "{name} {part} gamma {gamma}: ours {got}, igraph {want}"
        );
        checked += 1;
    }
    assert_eq!(checked, 90);
}
