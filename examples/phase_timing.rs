//! Times the three loading phases (read, map ids, build) separately, warm, several
//! times: `cargo run --release --example phase_timing -- FILE.parquet`.
use spargraph::load::{build_from_rows, read_edge_rows, LoadOptions};
use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: phase_timing FILE.parquet");
    let p = std::path::Path::new(&path);
    let opts = LoadOptions::default();
    for _ in 0..5 {
        let t = Instant::now();
        let rows = read_edge_rows(p, &opts).unwrap();
        let read = t.elapsed().as_secs_f64();
        let g = build_from_rows(rows, &opts, &path).unwrap();
        println!(
            "read {:.4} map {:.4} build {:.4} total {:.4}",
            read,
            g.timings.map_ids,
            g.timings.build,
            t.elapsed().as_secs_f64()
        );
    }
}
