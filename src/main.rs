//! The `spargraph` command-line tool.

use mimalloc::MiMalloc;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

mod cli;

fn main() {
    die_quietly_on_closed_pipe();
    let code = cli::main();
    std::process::exit(code);
}

/// Restores the default action of SIGPIPE, so that `spargraph info ... | head`
/// ends quietly when `head` stops reading, as other Unix tools do. Rust ignores
/// the signal, so printing to the closed pipe would fail with a "Broken pipe"
/// error instead. Output files are never pipes: a file being written is still
/// renamed into place only when complete.
#[cfg(unix)]
fn die_quietly_on_closed_pipe() {
    // SAFETY: called first in `main`, before any other thread exists; it only
    // resets one signal's disposition to the system default.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn die_quietly_on_closed_pipe() {}
