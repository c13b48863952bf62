//! `spargraph ppr` and `spargraph ppr-index`: personalized PageRank.

use super::args::{CommonArgs, InputArgs};
use super::pagerank::{DanglingArg, PowerArgs};
use super::report::Reporter;
use clap::{Args, ValueEnum};
use serde_json::json;
use spargraph::algorithms::pagerank::powerwalk::{
    self, PowerWalkIndex, PowerWalkIndexConfig, PowerWalkQueryConfig,
};
use spargraph::algorithms::pagerank::push::{ppr_push, PushConfig};
use spargraph::algorithms::pagerank::{exact, PageRankConfig, Seeds};
use spargraph::engine::{IdColumn, NodeIds, StrColumn};
use spargraph::io::parquet_table::{read_table, write_table};
use spargraph::io::sparse_file::{read_sparse, write_sparse};
use spargraph::io::{Column, Table};
use spargraph::load::{external_ids, load_graph, LoadedGraph};
use spargraph::Error;
use std::path::{Path, PathBuf};

/// PPR method flag.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Power iteration in f64, sources processed as dense blocks.
    Exact,
    /// Forward push with a certified residual bound.
    Push,
    /// PowerWalk: fingerprint index (`ppr-index`) plus the vertex-centric decomposition.
    Powerwalk,
}

/// Arguments of `spargraph ppr` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct PprArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Source ids, comma separated.
    #[arg(long, value_delimiter = ',', value_name = "IDS", conflicts_with_all = ["sources_file", "all_sources"])]
    sources: Vec<String>,
    /// Parquet table of sources: column `source` (ids), optional `bias` (weight of the
    /// seed) and `query` (rows sharing a query value form one weighted seed set). A
    /// text file with `id [bias]` per line also works.
    #[arg(long, value_name = "FILE", conflicts_with = "all_sources")]
    sources_file: Option<PathBuf>,
    /// Every node as a source.
    #[arg(long)]
    all_sources: bool,
    /// Method.
    #[arg(long, value_enum, default_value = "exact")]
    method: Method,
    /// Scores kept per source (0: every non-zero score).
    #[arg(long, default_value_t = 100)]
    top_k: usize,
    #[command(flatten)]
    power: PowerArgs,
    /// Where the mass of nodes without out-edges goes (PPR default: back to the source).
    #[arg(long, value_enum, default_value = "source")]
    dangling: DanglingArg,
    /// exact: memory for the dense blocks, in MiB.
    #[arg(long, default_value_t = 2048)]
    memory: usize,
    /// exact: most sources per block.
    #[arg(long, default_value_t = 64)]
    block_size: usize,
    /// push: push a node while its residual exceeds this times its out-degree
    /// (default 1e-4 / (stored edges + nodes): an L1 error bound of about 1e-4).
    #[arg(long)]
    push_threshold: Option<f64>,
    /// push: high-accuracy mode, sweep until the residual L1 sum is at most this.
    #[arg(long)]
    push_l1: Option<f64>,
    /// powerwalk: the index built by `spargraph ppr-index` for this graph.
    #[arg(long, value_name = "INDEX")]
    index: Option<PathBuf>,
    /// powerwalk: exact decomposition steps T before the fingerprints take over
    /// (the fingerprints carry at most damping^T of the mass; more steps, smaller
    /// error, slower queries).
    #[arg(long, default_value_t = PowerWalkQueryConfig::default().iterations)]
    iterations: u32,
    /// powerwalk: flow entries below this are dropped.
    #[arg(long, default_value_t = PowerWalkQueryConfig::default().threshold)]
    threshold: f64,
    /// Output Parquet file.
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    #[command(flatten)]
    common: CommonArgs,
}

/// One query: its label in the output and its seeds (dense ids).
struct Query {
    label: Label,
    seeds: Vec<(u32, f64)>,
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd)]
enum Label {
    Node(u32),
    Int(i64),
    Str(String),
}

fn lookup(ids: &NodeIds, id: &str, source: &str) -> Result<u32, Error> {
    ids.lookup_str(id.trim()).ok_or_else(|| {
        Error::input(format!(
            "{source}: source id '{}' is not a node of the graph",
            id.trim()
        ))
    })
}

fn read_queries(a: &PprArgs, g: &LoadedGraph) -> Result<Vec<Query>, Error> {
    let n = g.graph.n_nodes() as u32;
    if a.all_sources {
        return Ok((0..n)
            .map(|v| Query {
                label: Label::Node(v),
                seeds: vec![(v, 1.0)],
            })
            .collect());
    }
    if !a.sources.is_empty() {
        let mut q = Vec::new();
        for s in &a.sources {
            let v = lookup(&g.ids, s, "--sources")?;
            q.push(Query {
                label: Label::Node(v),
                seeds: vec![(v, 1.0)],
            });
        }
        return Ok(q);
    }
    let Some(path) = &a.sources_file else {
        return Err(Error::input(
            "give the sources: --sources IDS, --sources-file FILE or --all-sources",
        ));
    };
    let src = path.display().to_string();
    if spargraph::io::format::Format::from_path(path).ok()
        == Some(spargraph::io::format::Format::Parquet)
    {
        let t = read_table(path, None)?;
        let ids: Vec<String> = match t.column("source") {
            Some(Column::I64(v)) => v.iter().map(|x| x.to_string()).collect(),
            Some(Column::Str(s)) => s.iter().map(|x| x.to_string()).collect(),
            Some(_) => {
                return Err(Error::input(format!(
                    "{src}: column 'source' must hold integer or string ids"
                )))
            }
            None => return Err(Error::input(format!("{src}: column 'source' not found"))),
        };
        let bias: Vec<f64> = match t.column("bias") {
            None => vec![1.0; ids.len()],
            Some(Column::F64(v)) => v.clone(),
            Some(Column::F32(v)) => v.iter().map(|&x| x as f64).collect(),
            Some(Column::I64(v)) => v.iter().map(|&x| x as f64).collect(),
            Some(_) => {
                return Err(Error::input(format!(
                    "{src}: column 'bias' must be numeric"
                )))
            }
        };
        let labels: Option<Vec<Label>> = match t.column("query") {
            None => None,
            Some(Column::I64(v)) => Some(v.iter().map(|&x| Label::Int(x)).collect()),
            Some(Column::Str(s)) => Some(s.iter().map(|x| Label::Str(x.to_string())).collect()),
            Some(_) => {
                return Err(Error::input(format!(
                    "{src}: column 'query' must hold integers or strings"
                )))
            }
        };
        let mut out: Vec<Query> = Vec::new();
        // Query label -> position in `out` (rows of one query need not be adjacent).
        let mut slot: std::collections::HashMap<Label, usize> = std::collections::HashMap::new();
        for (k, id) in ids.iter().enumerate() {
            let v = lookup(&g.ids, id, &src)?;
            check_bias(bias[k], &src, k)?;
            match &labels {
                None => out.push(Query {
                    label: Label::Node(v),
                    seeds: vec![(v, bias[k])],
                }),
                Some(l) => match slot.get(&l[k]) {
                    Some(&q) => out[q].seeds.push((v, bias[k])),
                    None => {
                        slot.insert(l[k].clone(), out.len());
                        out.push(Query {
                            label: l[k].clone(),
                            seeds: vec![(v, bias[k])],
                        });
                    }
                },
            }
        }
        return Ok(out);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::from(spargraph::io::IoError::open(path, e)))?;
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('%') {
            continue;
        }
        let mut f = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty());
        let id = f.next().unwrap_or_default();
        let v = lookup(&g.ids, id, &format!("{src} line {}", k + 1))?;
        let b = match f.next() {
            None => 1.0,
            Some(b) => b.parse::<f64>().map_err(|_| {
                Error::input(format!("{src} line {}: bias '{b}' is not a number", k + 1))
            })?,
        };
        check_bias(b, &src, k)?;
        out.push(Query {
            label: Label::Node(v),
            seeds: vec![(v, b)],
        });
    }
    Ok(out)
}

fn check_bias(b: f64, src: &str, row: usize) -> Result<(), Error> {
    if b.is_finite() && b >= 0.0 {
        Ok(())
    } else {
        Err(Error::input(format!(
            "{src}: row {row}: bias {b} must be finite and >= 0"
        )))
    }
}

pub fn run(a: PprArgs) -> Result<(), Error> {
    a.common.init()?;
    let config = a.power.config(a.dangling)?;
    if a.method == Method::Powerwalk && a.index.is_none() {
        return Err(Error::input(
            "--method powerwalk needs --index INDEX (build it with `spargraph ppr-index`)",
        ));
    }
    if a.block_size == 0 {
        return Err(Error::option("block-size", "0 (must be at least 1)"));
    }
    super::args::check_output_files(
        &[("--output", Some(&a.output))],
        &[
            ("--input", Some(a.input.input.as_path())),
            ("--sources-file", a.sources_file.as_deref()),
            ("--index", a.index.as_deref()),
        ],
    )?;
    let mut rep = Reporter::new("ppr", a.common.quiet, a.common.json);
    let g = rep.phase("load", || {
        load_graph(&a.input.input, &a.input.load_options())
    })?;
    let mut queries = read_queries(&a, &g)?;
    if queries.is_empty() {
        return Err(Error::input(match &a.sources_file {
            Some(f) => format!("{}: no sources (the file has no rows)", f.display()),
            None => "no sources given".into(),
        }));
    }
    queries.sort_by(|x, y| {
        x.label
            .partial_cmp(&y.label)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let seeds: Vec<Seeds> = queries
        .iter()
        .map(|q| Seeds::weighted(&q.seeds))
        .collect::<Result<_, _>>()?;
    // The answers: up to top-k (all n with --top-k 0) rows of 12-16 bytes per source,
    // kept until they are written.
    let n = g.graph.n_nodes() as u64;
    let per_source = if a.top_k == 0 {
        n
    } else {
        (a.top_k as u64).min(n)
    };
    spargraph::memory::check_fits(16 * per_source * seeds.len() as u64, || {
        format!(
            "keeping {per_source} scores for each of {} sources (--top-k {})",
            seeds.len(),
            a.top_k
        )
    })?;
    let answers: Vec<Vec<(u32, f64)>> = match a.method {
        Method::Exact => {
            let block = exact::block_size(g.graph.n_nodes(), a.memory << 20, a.block_size);
            rep.set("block_size", json!(block));
            rep.set(
                "solver",
                json!(exact::method_name(&g.graph, &config, false)),
            );
            let r = rep.phase("ppr_exact", || {
                exact::ppr_top_k(&g.graph, &seeds, &config, a.top_k, block, |_| {})
            });
            let r = r?;
            rep.set(
                "max_iterations_run",
                json!(r.iter().map(|x| x.iterations).max()),
            );
            rep.set(
                "max_last_change",
                json!(r.iter().map(|x| x.last_change).fold(0.0, f64::max)),
            );
            r.into_iter().map(|x| x.entries).collect()
        }
        Method::Push => {
            let pc = PushConfig {
                pagerank: config.clone(),
                r_max: a.push_threshold,
                l1_target: a.push_l1,
            };
            let r = rep.phase("ppr_push", || ppr_push(&g.graph, &seeds, &pc, a.top_k))?;
            rep.set(
                "max_residual_l1",
                json!(r.iter().map(|x| x.residual_l1).fold(0.0, f64::max)),
            );
            rep.set("pushes", json!(r.iter().map(|x| x.pushes).sum::<u64>()));
            r.into_iter().map(|x| x.entries).collect()
        }
        Method::Powerwalk => {
            let path = a.index.as_ref().unwrap();
            let index = rep.phase("read_index", || read_index(path))?;
            index
                .check_graph(&g.graph)
                .map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
            if index.config.damping != config.damping {
                return Err(Error::input(format!(
                    "{}: the index was built with damping {}, the query asks for {}",
                    path.display(),
                    index.config.damping,
                    config.damping
                )));
            }
            let qc = PowerWalkQueryConfig {
                iterations: a.iterations,
                threshold: a.threshold,
                dangling: config.dangling,
            };
            rep.phase("ppr_powerwalk", || {
                powerwalk::query_batch(&g.graph, &index, &seeds, &qc, a.top_k)
            })?
        }
    };
    let table = answers_table(&g, &queries, &answers, &a, &config);
    rep.phase("write", || write_table(&a.output, &table))?;
    rep.set("sources", json!(queries.len()));
    rep.set("rows", json!(table.n_rows()));
    rep.set("method", json!(format!("{:?}", a.method).to_lowercase()));
    rep.set("output", json!(a.output.display().to_string()));
    rep.log(&format!(
        "{} sources, {} rows, wrote {}",
        queries.len(),
        table.n_rows(),
        a.output.display()
    ));
    rep.finish();
    Ok(())
}

fn answers_table(
    g: &LoadedGraph,
    queries: &[Query],
    answers: &[Vec<(u32, f64)>],
    a: &PprArgs,
    config: &PageRankConfig,
) -> Table {
    let rows: usize = answers.iter().map(|x| x.len()).sum();
    let mut nodes = Vec::with_capacity(rows);
    let mut scores = Vec::with_capacity(rows);
    let mut owners = Vec::with_capacity(rows);
    for (qi, ans) in answers.iter().enumerate() {
        for &(v, s) in ans {
            nodes.push(v);
            scores.push(s);
            owners.push(qi);
        }
    }
    let source = match queries.first().map(|q| &q.label) {
        Some(Label::Int(_)) => Column::I64(
            owners
                .iter()
                .map(|&q| {
                    if let Label::Int(x) = queries[q].label {
                        x
                    } else {
                        0
                    }
                })
                .collect(),
        ),
        Some(Label::Str(_)) => {
            let mut c = StrColumn::new();
            for &q in &owners {
                if let Label::Str(s) = &queries[q].label {
                    c.push(s);
                }
            }
            Column::Str(c)
        }
        _ => {
            let dense: Vec<u32> = owners
                .iter()
                .map(|&q| {
                    if let Label::Node(v) = queries[q].label {
                        v
                    } else {
                        0
                    }
                })
                .collect();
            Column::from_ids(external_ids(&g.ids, &dense))
        }
    };
    let node_col = match external_ids(&g.ids, &nodes) {
        IdColumn::Int(v) => Column::I64(v),
        IdColumn::Str(s) => Column::Str(s),
    };
    Table::new()
        .with("source", source)
        .with("node_id", node_col)
        .with("score", Column::F64(scores))
        .with_metadata(
            "spargraph",
            json!({"command": "ppr", "method": format!("{:?}", a.method).to_lowercase(), "damping": config.damping,
                   "tolerance": config.tolerance, "dangling": format!("{:?}", config.dangling).to_lowercase(),
                   "top_k": a.top_k}).to_string(),
        )
}

fn read_index(path: &Path) -> Result<PowerWalkIndex, Error> {
    let (csr, meta) = read_sparse(path)?;
    PowerWalkIndex::from_parts(csr, &meta)
        .map_err(|e| Error::input(format!("{}: {e}", path.display())))
}

/// Arguments of `spargraph ppr-index` (described, with its output and peak memory, in its `--help`).
#[derive(Args, Debug)]
pub struct PprIndexArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Walks per node (R).
    #[arg(long, default_value_t = PowerWalkIndexConfig::default().walks)]
    walks: u32,
    /// Damping: a walk continues with this probability at each step.
    #[arg(long, default_value_t = PowerWalkIndexConfig::default().damping)]
    damping: f64,
    /// Longest walk, in steps.
    #[arg(long, default_value_t = PowerWalkIndexConfig::default().max_length)]
    max_length: u32,
    /// Drop fingerprint entries below this.
    #[arg(long, default_value_t = PowerWalkIndexConfig::default().prune)]
    prune: f64,
    /// Output index file.
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    #[command(flatten)]
    common: CommonArgs,
}

/// The most walks per node `ppr-index` takes: the fingerprint error falls as
/// `1 / sqrt(R)`, and building keeps memory in proportion to `R` per thread.
const MAX_WALKS: u32 = 1_000_000;

pub fn run_index(a: PprIndexArgs) -> Result<(), Error> {
    a.common.init()?;
    if a.walks > MAX_WALKS {
        return Err(Error::option(
            "walks",
            format!("{} (at most {MAX_WALKS} walks per node)", a.walks),
        ));
    }
    super::args::check_output_files(
        &[("--output", Some(&a.output))],
        &[("--input", Some(a.input.input.as_path()))],
    )?;
    let cfg = PowerWalkIndexConfig {
        walks: a.walks,
        damping: a.damping,
        max_length: a.max_length,
        prune: a.prune,
        seed: a.common.seed,
    };
    let mut rep = Reporter::new("ppr-index", a.common.quiet, a.common.json);
    let g = rep.phase("load", || {
        load_graph(&a.input.input, &a.input.load_options())
    })?;
    let index = rep.phase("build_index", || powerwalk::build_index(&g.graph, &cfg))?;
    rep.phase("write", || {
        write_sparse(&a.output, &index.fingerprints, &index.metadata())
    })?;
    let size = std::fs::metadata(&a.output).map(|m| m.len()).unwrap_or(0);
    rep.set("nodes", json!(g.graph.n_nodes()));
    rep.set("index_entries", json!(index.fingerprints.nnz()));
    rep.set("index_bytes", json!(size));
    rep.set("build_seconds", json!(index.build_seconds));
    rep.set("output", json!(a.output.display().to_string()));
    if !rep.json() && !a.common.quiet {
        eprintln!(
            "index: {} entries, {:.1} MiB, built in {:.2} s",
            index.fingerprints.nnz(),
            size as f64 / 1048576.0,
            index.build_seconds
        );
    }
    rep.finish();
    Ok(())
}
