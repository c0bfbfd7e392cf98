use crate::cli::BenchArgs; use crate::serve::CliResult; pub async fn run(_a: BenchArgs) -> CliResult { Err("bench: not built yet".into()) }
