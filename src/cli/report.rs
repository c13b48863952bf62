//! Progress on a terminal, silence when piped, and the `--json` run summary.

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Collects phase timings and results; shows a spinner per phase on a terminal.
pub struct Reporter {
    interactive: bool,
    json: bool,
    started: Instant,
    phases: Map<String, Value>,
    fields: Map<String, Value>,
}

impl Reporter {
    /// A reporter for a command; progress only when stderr is a terminal and not quiet.
    pub fn new(command: &str, quiet: bool, json: bool) -> Self {
        let mut fields = Map::new();
        fields.insert("command".into(), json!(command));
        fields.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
        fields.insert("threads".into(), json!(rayon::current_num_threads()));
        Reporter {
            interactive: !quiet && std::io::stderr().is_terminal(),
            json,
            started: Instant::now(),
            phases: Map::new(),
            fields,
        }
    }

    /// Runs `f` as phase `name`, with a spinner on a terminal, and records its time.
    pub fn phase<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let bar = self.interactive.then(|| {
            let b = ProgressBar::new_spinner();
            b.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").unwrap());
            b.set_message(name.to_string());
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        let t = Instant::now();
        let out = f();
        let secs = t.elapsed().as_secs_f64();
        if let Some(b) = bar {
            b.finish_and_clear();
            eprintln!("{name}: {secs:.3} s");
        }
        self.phases.insert(name.into(), json!(secs));
        out
    }

    /// Records a phase timed elsewhere.
    pub fn record_phase(&mut self, name: &str, secs: f64) {
        self.phases.insert(name.into(), json!(secs));
    }

    /// Adds a field to the summary.
    pub fn set(&mut self, key: &str, value: Value) {
        self.fields.insert(key.into(), value);
    }

    /// A log line on stderr, only on a terminal.
    pub fn log(&self, line: &str) {
        if self.interactive {
            eprintln!("{line}");
        }
    }

    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        self.json
    }

    /// The summary as JSON (sizes, seconds per phase, peak memory).
    pub fn summary(&self) -> Value {
        let mut f = self.fields.clone();
        f.insert("seconds".into(), json!(self.phases.clone()));
        f.insert(
            "total_seconds".into(),
            json!(self.started.elapsed().as_secs_f64()),
        );
        f.insert(
            "peak_memory_bytes".into(),
            json!(spargraph::memory::peak_rss_bytes()),
        );
        Value::Object(f)
    }

    /// Prints the summary on stdout if `--json` was given.
    pub fn finish(&self) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(&self.summary()).unwrap());
        }
    }
}
