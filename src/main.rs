//! The `nomad-acl-console` binary: command line and wiring only.

/// The site cargo-leptos builds (wasm, JS, CSS, `public/`). Embedded here rather
/// than in the library so that a rebuilt front end recompiles only this file.
#[cfg(feature = "ssr")]
#[derive(rust_embed::RustEmbed)]
#[folder = "target/site"]
#[allow_missing = true]
#[exclude = "*.map"]
struct Site;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use clap::Parser;
    use nomad_acl_console::server::cli::{Cli, Command};

    nomad_acl_console::server::assets::embed::<Site>();
    let cli = Cli::parse();
    nomad_acl_console::server::logging::init(cli.log_format);
    let result = match cli.command {
        None => nomad_acl_console::server::run_serve(cli.serve).await,
        Some(Command::Serve(args)) => nomad_acl_console::server::run_serve(args).await,
        Some(Command::Demo(args)) => nomad_acl_console::server::run_demo(args).await,
        Some(Command::DevNomad(args)) => nomad_acl_console::server::run_dev_nomad(args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the whole context chain on one line.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build has no binary; `hydrate()` in lib.rs is its entry point.
}
