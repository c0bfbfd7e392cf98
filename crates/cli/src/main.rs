//! `baoxiu`: one binary, several subcommands. This file only reads the command line and
//! hands over; each subcommand lives in its own module.

mod bench;
mod bench_clocks;
mod bench_pages;
mod cli;
mod clocks;
mod db;
mod demo;
mod migrate;
mod org;
mod serve;
mod user;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("BAOXIU_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,baoxiu=info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        cli::LogFormat::Text => logs.init(),
        cli::LogFormat::Json => logs.json().init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(args).await,
            Command::Migrate(args) => serve::migrate(args).await,
            Command::MigrateStore(args) => migrate::run(args).await,
            Command::Token(args) => org::token(args).await,
            Command::User(command) => user::run(command).await,
            Command::Demo(args) => demo::run(args).await,
            Command::Bench(args) if args.clocks => bench_clocks::run(args).await,
            Command::Bench(args) if args.pages => bench_pages::run(args).await,
            Command::Bench(args) if args.board => bench_pages::board(args).await,
            Command::Bench(args) => bench::run(args).await,
            Command::Timers(command) => clocks::timers(command).await,
            Command::Notify(command) => clocks::notify(command).await,
            Command::Calendar(command) => clocks::calendar(command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
