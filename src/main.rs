//! The `spargraph` command-line tool.

use mimalloc::MiMalloc;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

mod cli;

fn main() {
    let code = cli::main();
    std::process::exit(code);
}
