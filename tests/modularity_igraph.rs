//! Our quality functions equal independent references on the same graphs and
//! partitions: modularity vs igraph (and scikit-network on a bipartite graph), CPM vs
//! leidenalg, Barber's bipartite modularity vs a plain double loop (fixtures: tests/fixtures/modularity_igraph.json, made by
//! tests/fixtures/make_modularity_fixtures.py).

use spargraph::algorithms::community::{bipartite_modularity, cpm, modularity};
use spargraph::engine::builder::{build_graph, BuildOptions};
use spargraph::engine::Graph;
use std::collections::HashMap;
use std::path::Path;

#[test]
fn quality_functions_match_igraph_leidenalg_and_sknetwork() {
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
        let want = case["value"].as_f64().unwrap();
        let membership: Vec<u32> = v["partitions"][name][part]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        let g = &graphs[name];
        let got = match case["objective"].as_str().unwrap() {
            "modularity" => modularity(g, &membership, gamma).unwrap(),
            "cpm" => cpm(g, &membership, gamma).unwrap(),
            "bipartite" => {
                let left: Vec<bool> = (0..g.n_nodes()).map(|v| v < 30).collect();
                bipartite_modularity(g, &membership, &left, gamma).unwrap()
            }
            o => panic!("objective {o}"),
        };
        // The fixture's weights are exact in f32, so only summation order differs
        // (CPM values are sums of weights, not fractions: relative tolerance).
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "{name} {} {part} gamma {gamma}: ours {got}, reference {want}",
            case["objective"]
        );
        checked += 1;
    }
    assert_eq!(checked, 210);
}

#[test]
fn bipartite_modularity_refuses_a_graph_that_is_not_bipartite() {
    let g = build_graph(4, &[0, 1, 0], &[2, 3, 1], None, &BuildOptions::undirected()).unwrap();
    let left = [true, true, false, false];
    let e = bipartite_modularity(&g, &[0, 0, 1, 1], &left, 1.0)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not bipartite") && e.contains("nodes 0 and 1"),
        "{e}"
    );
    assert!(
        (bipartite_modularity(
            &build_graph(4, &[0, 1], &[2, 3], None, &BuildOptions::undirected()).unwrap(),
            &[0, 1, 0, 1],
            &left,
            1.0
        )
        .unwrap()
            - 0.5)
            .abs()
            < 1e-15
    );
}
