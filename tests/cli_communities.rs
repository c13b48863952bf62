//! `spargraph communities` and `spargraph hierarchy` end to end: output schemas,
//! qualities recomputed here from the edge lists, agreement with ground truth,
//! determinism across thread counts, objectives, warm starts, dendrograms and cuts,
//! and bad input.

mod common;
use common::*;
use spargraph::io::parquet_table::{read_table, write_table};
use spargraph::io::{Column, Table};
use std::collections::{HashMap, HashSet};
use std::path::Path;

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap()
}

/// Column names and Arrow types of a Parquet file, as written.
fn schema(path: &Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).unwrap();
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    b.schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().to_string()))
        .collect()
}

fn names_types(cols: &[(&str, &str)]) -> Vec<(String, String)> {
    cols.iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

/// An integer column (read_table widens uint32 to i64).
fn ints(t: &Table, name: &str) -> Vec<i64> {
    match t.column(name) {
        Some(Column::I64(v)) => v.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

fn floats(t: &Table, name: &str) -> Vec<f64> {
    match t.column(name) {
        Some(Column::F64(v)) => v.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

/// The distinct undirected edges (u < v) of a shipped dataset.
fn edges(name: &str) -> Vec<(i64, i64)> {
    let t = read_table(Path::new(&dataset(name)), None).unwrap();
    let set: HashSet<(i64, i64)> = ints(&t, "src")
        .into_iter()
        .zip(ints(&t, "dst"))
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    let mut v: Vec<_> = set.into_iter().collect();
    v.sort_unstable();
    v
}

/// (node, label) rows of a shipped labels file as a map.
fn labels(name: &str) -> HashMap<i64, i64> {
    let t = read_table(Path::new(&dataset(name)), None).unwrap();
    ints(&t, "node")
        .into_iter()
        .zip(ints(&t, "label"))
        .collect()
}

/// Node id -> community from two columns of an output file.
fn membership(t: &Table, col: &str) -> HashMap<i64, i64> {
    ints(t, "node_id").into_iter().zip(ints(t, col)).collect()
}

/// Newman-Girvan modularity (resolution 1) of an undirected simple graph without
/// self-loops, computed directly: `sum_c [ e_c / m - (d_c / 2m)^2 ]`.
fn modularity(edges: &[(i64, i64)], of: &HashMap<i64, i64>) -> f64 {
    let m = edges.len() as f64;
    let (mut inside, mut degree) = (HashMap::new(), HashMap::new());
    for &(a, b) in edges {
        let (ca, cb) = (of[&a], of[&b]);
        *degree.entry(ca).or_insert(0.0) += 1.0;
        *degree.entry(cb).or_insert(0.0) += 1.0;
        if ca == cb {
            *inside.entry(ca).or_insert(0.0) += 1.0;
        }
    }
    degree
        .iter()
        .map(|(c, d)| inside.get(c).unwrap_or(&0.0) / m - (d / (2.0 * m)).powi(2))
        .sum()
}

/// Whether two labelings of the same items are the same partition.
fn same_partition(a: &[i64], b: &[i64]) -> bool {
    let (mut ab, mut ba) = (HashMap::new(), HashMap::new());
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| *ab.entry(x).or_insert(y) == y && *ba.entry(y).or_insert(x) == x)
}

fn distinct(v: &[i64]) -> usize {
    v.iter().collect::<HashSet<_>>().len()
}

#[test]
fn football_communities_have_every_level_and_find_the_conferences() {
    let dir = tmp();
    let out = dir.path().join("c.parquet");
    let summary = json(&ok(&[
        "communities",
        "--input",
        &dataset("football.parquet"),
        "--truth",
        &dataset("football.labels.parquet"),
        "--output",
        &s(&out),
        "--json",
        "-q",
    ]));
    let t = read_table(&out, None).unwrap();
    let levels = summary["levels"].as_array().unwrap();
    assert!(!levels.is_empty(), "{summary}");
    let mut want = vec![("node_id", "Int64"), ("community", "UInt32")];
    let level_names: Vec<String> = (0..levels.len()).map(|i| format!("level_{i}")).collect();
    want.extend(level_names.iter().map(|n| (n.as_str(), "UInt32")));
    assert_eq!(schema(&out), names_types(&want));
    assert_eq!(ints(&t, "node_id"), (1..=115).collect::<Vec<i64>>());

    let community = ints(&t, "community");
    let last = level_names.last().unwrap();
    assert_eq!(ints(&t, last), community, "{last} differs from community");
    // Community ids are 0..k-1 and 0 is (one of) the largest.
    let k = summary["communities"].as_u64().unwrap() as usize;
    assert_eq!(distinct(&community), k);
    let mut sizes = vec![0usize; k];
    for &c in &community {
        sizes[c as usize] += 1;
    }
    assert_eq!(sizes[0], *sizes.iter().max().unwrap(), "{sizes:?}");

    // Each level's reported quality and community count is that of its column,
    // recomputed here from the edge list.
    let e = edges("football.parquet");
    for (i, level) in levels.iter().enumerate() {
        assert_eq!(level["level"], i);
        let col = format!("level_{i}");
        let q = modularity(&e, &membership(&t, &col));
        let reported = level["quality"].as_f64().unwrap();
        assert!((q - reported).abs() < 1e-9, "{col}: {q} vs {reported}");
        assert_eq!(
            level["communities"].as_u64().unwrap() as usize,
            distinct(&ints(&t, &col))
        );
    }
    let quality = summary["quality"].as_f64().unwrap();
    assert!(quality > 0.55, "modularity {quality}");
    let q = modularity(&e, &membership(&t, "community"));
    assert!((q - quality).abs() < 1e-9, "{q} vs {quality}");
    assert_eq!(summary["objective"], "modularity");
    assert_eq!(summary["nodes"], 115);
    assert_eq!(summary["edges"], 613);

    // The twelve conferences.
    let nmi = summary["nmi"].as_f64().unwrap();
    assert!(nmi > 0.8 && nmi <= 1.0, "NMI {nmi}");
    let ari = summary["ari"].as_f64().unwrap();
    assert!(ari > 0.5 && ari <= 1.0, "ARI {ari}");
    assert_eq!(summary["truth_nodes"], 115);

    let meta: HashMap<_, _> = t.metadata.iter().cloned().collect();
    let meta = json(&meta["spargraph"]);
    assert_eq!(meta["command"], "communities");
    assert_eq!(meta["method"], "leiden");
    assert_eq!(meta["quality"], summary["quality"]);
}

#[test]
fn louvain_also_reports_the_modularity_of_its_output() {
    let dir = tmp();
    let out = dir.path().join("l.parquet");
    let v = json(&ok(&[
        "communities",
        "--input",
        &dataset("polbooks.parquet"),
        "--method",
        "louvain",
        "--output",
        &s(&out),
        "--json",
        "-q",
    ]));
    let t = read_table(&out, None).unwrap();
    assert_eq!(t.n_rows(), 105);
    let q = modularity(&edges("polbooks.parquet"), &membership(&t, "community"));
    let reported = v["quality"].as_f64().unwrap();
    assert!((q - reported).abs() < 1e-9, "{q} vs {reported}");
    // polbooks' best known modularity is about 0.527.
    assert!(reported > 0.5, "{reported}");
}

/// Runs `args` plus `--threads 1` and `--threads 2`, with `{}` in any argument
/// replaced by the thread count, and asserts that each file in `outputs` (also
/// with `{}`) is byte-identical between the two runs.
fn assert_thread_independent(args: &[&str], outputs: &[&str]) {
    let runs: Vec<Vec<Vec<u8>>> = ["1", "2"]
        .iter()
        .map(|th| {
            let mut a: Vec<String> = args.iter().map(|x| x.replace("{}", th)).collect();
            a.extend(["--threads".into(), th.to_string(), "-q".into()]);
            ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
            outputs
                .iter()
                .map(|o| std::fs::read(o.replace("{}", th)).unwrap())
                .collect()
        })
        .collect();
    for (i, o) in outputs.iter().enumerate() {
        assert!(!runs[0][i].is_empty());
        assert!(
            runs[0][i] == runs[1][i],
            "{o} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn same_seed_gives_identical_files_for_one_and_two_threads() {
    let dir = tmp();
    let d = s(dir.path());
    for graph in ["email-eu-core.parquet", "football.parquet"] {
        let g = dataset(graph);
        for method in ["leiden", "louvain"] {
            let out = format!("{d}/{method}-{graph}-{{}}.parquet");
            assert_thread_independent(
                &["communities", "-i", &g, "--method", method, "-o", &out],
                &[&out],
            );
        }
        for method in ["bottom-up", "paris"] {
            let out = format!("{d}/h-{method}-{graph}-{{}}.parquet");
            let z = format!("{d}/z-{method}-{graph}-{{}}.parquet");
            assert_thread_independent(
                &[
                    "hierarchy",
                    "-i",
                    &g,
                    "--method",
                    method,
                    "--cuts",
                    "2,5",
                    "-o",
                    &out,
                    "--dendrogram",
                    &z,
                ],
                &[&out, &z],
            );
        }
    }
    // Directed (Leicht-Newman) too.
    let out = format!("{d}/directed-{{}}.parquet");
    assert_thread_independent(
        &[
            "communities",
            "-i",
            &dataset("email-eu-core.parquet"),
            "--directed",
            "-o",
            &out,
        ],
        &[&out],
    );
}

#[test]
fn cpm_reports_its_own_quality() {
    let dir = tmp();
    let out = dir.path().join("cpm.parquet");
    let gamma = 0.05;
    let v = json(&ok(&[
        "communities",
        "--input",
        &dataset("football.parquet"),
        "--objective",
        "cpm",
        "--resolution",
        "0.05",
        "--output",
        &s(&out),
        "--json",
        "-q",
    ]));
    assert_eq!(v["objective"], "cpm");
    // leidenalg's CPM: sum_c [ 2 e_c - gamma n_c (n_c - 1) ].
    let t = read_table(&out, None).unwrap();
    let of = membership(&t, "community");
    let mut inside: HashMap<i64, f64> = HashMap::new();
    for (a, b) in edges("football.parquet") {
        if of[&a] == of[&b] {
            *inside.entry(of[&a]).or_default() += 2.0;
        }
    }
    let mut n: HashMap<i64, f64> = HashMap::new();
    for c in of.values() {
        *n.entry(*c).or_default() += 1.0;
    }
    let h: f64 = n
        .iter()
        .map(|(c, n)| inside.get(c).unwrap_or(&0.0) - gamma * n * (n - 1.0))
        .sum();
    let reported = v["quality"].as_f64().unwrap();
    assert!((h - reported).abs() < 1e-6, "{h} vs {reported}");
    assert!(reported > 0.0, "{reported}");
}

#[test]
fn bipartite_objective_needs_a_two_sided_graph() {
    let dir = tmp();
    let out = dir.path().join("keep.parquet");
    std::fs::write(&out, b"precious").unwrap();
    // Karate has triangles.
    fails_keeping(
        &[
            "communities",
            "--input",
            &dataset("karate.parquet"),
            "--objective",
            "bipartite",
            "--output",
            &s(&out),
        ],
        "not bipartite",
        &out,
    );

    // Users 0..9 in two groups of five, each linked to four of its group's five
    // items (100..104, 105..109), plus a few links across.
    let mut edges = Vec::new();
    for u in 0..10i64 {
        let g = u / 5;
        for k in 0..4 {
            edges.push((u, 100 + g * 5 + (u + k) % 5));
        }
        if u % 3 == 0 {
            edges.push((u, 100 + (1 - g) * 5 + u % 5));
        }
    }
    let text: String = std::iter::once("src,dst\n".to_string())
        .chain(edges.iter().map(|(a, b)| format!("{a},{b}\n")))
        .collect();
    let csv = dir.path().join("bip.csv");
    std::fs::write(&csv, text).unwrap();
    let parquet = dir.path().join("bip.parquet");
    write_table(
        &parquet,
        &Table::new()
            .with("src", Column::I64(edges.iter().map(|e| e.0).collect()))
            .with("dst", Column::I64(edges.iter().map(|e| e.1).collect())),
    )
    .unwrap();
    let mut outputs = Vec::new();
    for input in [&csv, &parquet] {
        let o = dir.path().join(format!("b{}.parquet", outputs.len()));
        let v = json(&ok(&[
            "communities",
            "--input",
            &s(input),
            "--objective",
            "bipartite",
            "--output",
            &s(&o),
            "--json",
            "-q",
        ]));
        assert_eq!(v["objective"], "bipartite");
        assert_eq!(v["nodes"], 20);
        let t = read_table(&o, None).unwrap();
        let of = membership(&t, "community");
        // The two planted groups, users with their items.
        let group = |v: i64| if v < 100 { v / 5 } else { (v - 100) / 5 };
        let mut ids: Vec<i64> = of.keys().copied().collect();
        ids.sort_unstable();
        let ours: Vec<i64> = ids.iter().map(|v| of[v]).collect();
        let planted: Vec<i64> = ids.iter().map(|&v| group(v)).collect();
        assert!(same_partition(&ours, &planted), "{ours:?}");
        // Barber's modularity recomputed: sum_c [ I_c / m - D_c F_c / m^2 ].
        let m = edges.len() as f64;
        let (mut inside, mut users, mut items) = (HashMap::new(), HashMap::new(), HashMap::new());
        for &(u, i) in &edges {
            *users.entry(of[&u]).or_insert(0.0) += 1.0;
            *items.entry(of[&i]).or_insert(0.0) += 1.0;
            if of[&u] == of[&i] {
                *inside.entry(of[&u]).or_insert(0.0) += 1.0;
            }
        }
        let q: f64 = users
            .iter()
            .map(|(c, d)| {
                inside.get(c).unwrap_or(&0.0) / m - d * items.get(c).unwrap_or(&0.0) / (m * m)
            })
            .sum();
        let reported = v["quality"].as_f64().unwrap();
        assert!((q - reported).abs() < 1e-9, "{q} vs {reported}");
        outputs.push(o);
    }
    // Directed input is refused.
    fails_keeping(
        &[
            "communities",
            "--input",
            &s(&csv),
            "--directed",
            "--objective",
            "bipartite",
            "--output",
            &s(&out),
        ],
        "undirected",
        &out,
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
}

#[test]
fn initial_membership_warm_starts_and_bad_files_are_named() {
    let dir = tmp();
    let out = dir.path().join("warm.parquet");
    let truth = dataset("football.labels.parquet");
    let v = json(&ok(&[
        "communities",
        "--input",
        &dataset("football.parquet"),
        "--initial",
        &truth,
        "--truth",
        &truth,
        "--output",
        &s(&out),
        "--json",
        "-q",
    ]));
    let e = edges("football.parquet");
    let start = modularity(&e, &labels("football.labels.parquet"));
    let q = v["quality"].as_f64().unwrap();
    assert!(q > 0.55, "{q}");
    assert!(
        q >= start - 1e-12,
        "{q} below the initial partition's {start}"
    );
    let t = read_table(&out, None).unwrap();
    assert!((modularity(&e, &membership(&t, "community")) - q).abs() < 1e-9);
    assert!(v["nmi"].as_f64().unwrap() > 0.8, "{v}");

    let keep = dir.path().join("keep.parquet");
    std::fs::write(&keep, b"precious").unwrap();
    let run = |initial: &Path, expect: &str| {
        fails_keeping(
            &[
                "communities",
                "--input",
                &dataset("football.parquet"),
                "--initial",
                &s(initial),
                "--output",
                &s(&keep),
            ],
            expect,
            &keep,
        );
    };
    let foreign = dir.path().join("foreign.csv");
    std::fs::write(&foreign, "node,label\n1,0\n2,0\n999,1\n").unwrap();
    run(&foreign, &format!("{}: node 999", s(&foreign)));
    let twice = dir.path().join("twice.parquet");
    write_table(
        &twice,
        &Table::new()
            .with("node", Column::I64(vec![1, 2, 7, 3]))
            .with("label", Column::I64(vec![0, 0, 1, 1])),
    )
    .unwrap();
    // Node 7 listed once: fine; now node 2 in two communities.
    let conflict = dir.path().join("conflict.parquet");
    write_table(
        &conflict,
        &Table::new()
            .with("node", Column::I64(vec![1, 2, 7, 2]))
            .with("label", Column::I64(vec![0, 0, 1, 1])),
    )
    .unwrap();
    run(&conflict, "node 2 has 2 different communities");
    run(&conflict, "conflict.parquet");
    let missing = dir.path().join("absent.csv");
    run(&missing, "absent.csv");
    assert_eq!(std::fs::read(&keep).unwrap(), b"precious");
    // A partial file is fine (the unlisted nodes start alone).
    ok(&[
        "communities",
        "--input",
        &dataset("football.parquet"),
        "--initial",
        &s(&twice),
        "--output",
        &s(&dir.path().join("partial.parquet")),
        "-q",
    ]);
}

#[test]
fn bad_options_are_named_and_leave_outputs_alone() {
    let dir = tmp();
    let out = dir.path().join("keep.parquet");
    let z = dir.path().join("keepz.parquet");
    std::fs::write(&out, b"precious").unwrap();
    std::fs::write(&z, b"tree").unwrap();
    let karate = dataset("karate.parquet");
    let communities = |extra: &[&str], expect: &str| {
        let mut a = vec!["communities", "-i", &karate, "-o", out.to_str().unwrap()];
        a.extend_from_slice(extra);
        fails_keeping(&a, expect, &out);
    };
    communities(&["--resolution", "0"], "resolution");
    communities(&["--resolution=-1"], "resolution");
    communities(&["--resolution", "nan"], "resolution");
    communities(&["--objective", "cpm", "--resolution", "0"], "resolution");
    communities(&["--tolerance", "-0.1"], "tolerance");
    communities(&["--tolerance", "inf"], "tolerance");
    communities(&["--method", "greedy"], "greedy");
    communities(&["--objective", "entropy"], "entropy");
    let hierarchy = |extra: &[&str], expect: &str| {
        let mut a = vec![
            "hierarchy",
            "-i",
            &karate,
            "-o",
            out.to_str().unwrap(),
            "--dendrogram",
            z.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        fails_keeping(&a, expect, &out);
        assert_eq!(std::fs::read(&z).unwrap(), b"tree", "{extra:?}");
    };
    hierarchy(&["--cuts", "1000"], "cuts");
    hierarchy(&["--cuts", "1000"], "34 nodes");
    hierarchy(&["--cuts", "0"], "cuts");
    hierarchy(&["--cuts", "2,0"], "cuts");
    // More clusters than the dendrogram has leaves (karate's Leiden fine clusters
    // are far fewer than 30 at the default resolution; the spectral fine clustering
    // would make as many as the largest cut).
    hierarchy(&["--fine", "leiden", "--cuts", "30"], "leaves");
    hierarchy(&["--fine", "leiden", "--cuts", "30"], "cuts");
    hierarchy(&["--clusters", "0"], "clusters");
    hierarchy(&["--fine-resolution", "0"], "fine-resolution");
    hierarchy(&["--cut-heights", "nan"], "cut-heights");
    hierarchy(&["--cut-heights=-1"], "heights are positive");
    hierarchy(
        &["--fine", "spectral", "--clusters", "35"],
        "larger than the graph's 34 nodes",
    );
    hierarchy(&["--method", "ward"], "ward");

    // A missing input, for both commands.
    let missing = dir.path().join("nothing.parquet");
    let m = s(&missing);
    fails_keeping(
        &["communities", "-i", &m, "-o", out.to_str().unwrap()],
        "nothing.parquet",
        &out,
    );
    fails_keeping(
        &["hierarchy", "-i", &m, "-o", out.to_str().unwrap()],
        "nothing.parquet",
        &out,
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");

    // `--resolution -1` as two arguments also fails cleanly (see the ignored test
    // below for its message).
    let o = spargraph(&[
        "communities",
        "-i",
        &karate,
        "-o",
        &s(&out),
        "--resolution",
        "-1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");

    // Failures leave nothing behind in a fresh folder.
    let fresh = tmp();
    let o = s(&fresh.path().join("c.parquet"));
    let fz = s(&fresh.path().join("z.parquet"));
    let c = ["communities", "-i", &karate, "-o", &o];
    let h = ["hierarchy", "-i", &karate, "-o", &o, "--dendrogram", &fz];
    for args in [
        [&c[..], &["--resolution", "0"]].concat(),
        [&c[..], &["--objective", "bipartite"]].concat(),
        vec!["communities", "-i", &m, "-o", &o],
        [&h[..], &["--fine", "leiden", "--cuts", "30"]].concat(),
        [&h[..], &["--cuts", "1000"]].concat(),
        [&h[..], &["--fine-resolution", "0"]].concat(),
    ] {
        assert_eq!(spargraph(&args).status.code(), Some(2), "{args:?}");
        let left: Vec<_> = std::fs::read_dir(fresh.path()).unwrap().collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
    }
}

/// Known bug: `--resolution` (like `--fine-resolution` and `--cut-heights`) does not
/// accept a value starting with `-`, so clap reports "unexpected argument '-1'"
/// instead of the option's own check. `fastrp` sets `allow_hyphen_values` on its
/// numeric options for this.
#[test]
fn negative_resolution_as_its_own_argument_is_named() {
    let dir = tmp();
    let out = dir.path().join("c.parquet");
    let karate = dataset("karate.parquet");
    fails(
        &[
            "communities",
            "-i",
            &karate,
            "-o",
            &s(&out),
            "--resolution",
            "-1",
        ],
        "resolution",
    );
    fails(
        &[
            "hierarchy",
            "-i",
            &karate,
            "-o",
            &s(&out),
            "--fine-resolution",
            "-1",
        ],
        "fine-resolution",
    );
}

/// A dendrogram file: (left, right, height, size) rows.
fn dendrogram(path: &Path) -> (Vec<i64>, Vec<i64>, Vec<f64>, Vec<i64>) {
    assert_eq!(
        schema(path),
        names_types(&[
            ("left", "Int64"),
            ("right", "Int64"),
            ("height", "Float64"),
            ("size", "Int64")
        ])
    );
    let t = read_table(path, None).unwrap();
    (
        ints(&t, "left"),
        ints(&t, "right"),
        floats(&t, "height"),
        ints(&t, "size"),
    )
}

/// Checks a dendrogram over `n_leaves` leaves with `weight[l]` nodes in leaf `l`:
/// scipy's numbering (merge t creates id n_leaves + t; each id used once, after it
/// exists), non-decreasing finite heights, sizes counting the leaves under each
/// merge (scipy's convention).
/// Returns, for each k, the leaf labels after undoing the last k - 1 merges.
///
fn check_tree(path: &Path, weight: &[i64]) -> impl Fn(usize) -> Vec<i64> {
    let n = weight.len();
    let (left, right, height, size) = dendrogram(path);
    assert_eq!(
        left.len(),
        n - 1,
        "a connected graph's tree has n_leaves - 1 merges"
    );
    let mut used = vec![false; 2 * n - 1];
    let mut nodes: Vec<i64> = vec![1; n];
    for t in 0..left.len() {
        for c in [left[t], right[t]] {
            let c = c as usize;
            assert!(c < n + t, "merge {t} uses cluster {c} before it exists");
            assert!(!used[c], "cluster {c} merged twice");
            used[c] = true;
        }
        assert!(left[t] < right[t]);
        assert!(height[t].is_finite() && height[t] > 0.0, "{}", height[t]);
        if t > 0 {
            assert!(height[t] >= height[t - 1], "height decreases at row {t}");
        }
        nodes.push(nodes[left[t] as usize] + nodes[right[t] as usize]);
        assert_eq!(size[t], nodes[n + t], "size of row {t}");
    }
    assert_eq!(*size.last().unwrap(), n as i64);
    move |k: usize| {
        // Union-find over the first n - k merges.
        let mut parent: Vec<usize> = (0..2 * n - 1).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                x = p[x];
            }
            x
        }
        for t in 0..n - k {
            for c in [left[t], right[t]] {
                let r = find(&mut parent, c as usize);
                parent[r] = n + t;
            }
        }
        (0..n).map(|l| find(&mut parent, l) as i64).collect()
    }
}

#[test]
fn football_hierarchy_cuts_agree_with_its_dendrogram() {
    let dir = tmp();
    let out = dir.path().join("h.parquet");
    let z = dir.path().join("z.parquet");
    let o = spargraph(&[
        "hierarchy",
        "--input",
        &dataset("football.parquet"),
        "--cuts",
        "2,12",
        "--output",
        &s(&out),
        "--dendrogram",
        &s(&z),
        "--truth",
        &dataset("football.labels.parquet"),
        "--json",
        "-q",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    // Twelve clusters need twelve fine clusters; with fewer, the command must say so.
    if o.status.code() == Some(2) {
        assert!(
            stderr.contains("cuts") && stderr.contains("leaves"),
            "{stderr}"
        );
        assert!(!out.exists() && !z.exists());
        return;
    }
    assert!(o.status.success(), "{stderr}");
    let v = json(&stdout);
    assert_eq!(v["inversions"], false);
    let leaves = v["leaves"].as_u64().unwrap() as usize;
    assert!(leaves >= 12, "{v}");
    assert_eq!(v["merges"].as_u64().unwrap() as usize, leaves - 1);
    assert_eq!(
        schema(&out),
        names_types(&[
            ("node_id", "Int64"),
            ("leaf", "UInt32"),
            ("cut_2", "UInt32"),
            ("cut_12", "UInt32")
        ])
    );
    let t = read_table(&out, None).unwrap();
    assert_eq!(ints(&t, "node_id"), (1..=115).collect::<Vec<i64>>());
    let leaf = ints(&t, "leaf");
    assert_eq!(distinct(&leaf), leaves);
    assert!(leaf.iter().all(|&l| (l as usize) < leaves));
    let mut weight = vec![0i64; leaves];
    for &l in &leaf {
        weight[l as usize] += 1;
    }
    // The last size is every node (football is connected).
    let cut = check_tree(&z, &weight);
    for k in [2usize, 12] {
        let col = ints(&t, &format!("cut_{k}"));
        assert_eq!(distinct(&col), k, "cut_{k}");
        let by_leaf = cut(k);
        let expected: Vec<i64> = leaf.iter().map(|&l| by_leaf[l as usize]).collect();
        assert!(
            same_partition(&col, &expected),
            "cut_{k} is not the tree's cut"
        );
        let entry = v["cuts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["column"] == format!("cut_{k}"))
            .unwrap();
        assert_eq!(entry["clusters"], k);
    }
    // cut_2 is a coarsening of cut_12.
    let (c2, c12) = (ints(&t, "cut_2"), ints(&t, "cut_12"));
    let mut up = HashMap::new();
    assert!(c12
        .iter()
        .zip(&c2)
        .all(|(a, b)| up.entry(a).or_insert(b) == &b));
    // The fine clusters are close to the conferences.
    let nmi12 = v["cuts"][1]["nmi"].as_f64().unwrap();
    assert!(nmi12 > 0.8, "{nmi12}");

    // Cutting between two heights gives as many clusters as merges left undone.
    let (_, _, height, _) = dendrogram(&z);
    let i = height.windows(2).position(|w| w[0] < w[1]).unwrap();
    let h = (height[i] + height[i + 1]) / 2.0;
    let hs = format!("{h}");
    let out_h = dir.path().join("heights.parquet");
    ok(&[
        "hierarchy",
        "--input",
        &dataset("football.parquet"),
        "--cut-heights",
        &hs,
        "--cuts",
        "2,12",
        "--output",
        &s(&out_h),
        "-q",
    ]);
    let th = read_table(&out_h, None).unwrap();
    assert_eq!(
        distinct(&ints(&th, &format!("cut_h{hs}"))),
        leaves - (i + 1),
        "cut at height {hs}"
    );
}

#[test]
fn paris_merges_every_node() {
    let dir = tmp();
    let out = dir.path().join("p.parquet");
    let z = dir.path().join("pz.parquet");
    let v = json(&ok(&[
        "hierarchy",
        "--input",
        &dataset("football.parquet"),
        "--method",
        "paris",
        "--cuts",
        "12",
        "--output",
        &s(&out),
        "--dendrogram",
        &s(&z),
        "--json",
        "-q",
    ]));
    assert_eq!(v["inversions"], false);
    assert_eq!(v["leaves"], 115);
    assert_eq!(v["merges"], 114);
    let t = read_table(&out, None).unwrap();
    assert_eq!(ints(&t, "leaf"), (0..115).collect::<Vec<i64>>());
    let cut = check_tree(&z, &[1; 115]);
    let c12 = ints(&t, "cut_12");
    assert_eq!(distinct(&c12), 12);
    assert!(same_partition(&c12, &cut(12)));
}
