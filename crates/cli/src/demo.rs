use crate::cli::DemoArgs; use crate::serve::CliResult; pub async fn run(_a: DemoArgs) -> CliResult { Err("demo: not built yet".into()) }
