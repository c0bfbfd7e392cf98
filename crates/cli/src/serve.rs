//! `baoxiu serve` and `baoxiu migrate`.

use crate::cli::{DbArgs, RunArgs, ServeArgs};
use crate::db::Backend;
use crate::with_store;
use std::error::Error;
use tokio::net::TcpListener;

pub type CliResult = Result<(), Box<dyn Error + Send + Sync>>;

pub async fn migrate(args: DbArgs) -> CliResult {
    with_store!(args.db, |store| drop(store.clone()));
    println!("{} is up to date", args.db);
    Ok(())
}

pub async fn run(args: ServeArgs) -> CliResult {
    with_store!(args.db.db, args.files.as_deref(), |store| serve(
        &args,
        store.clone()
    )
    .await)
}

async fn serve<S: Backend>(args: &ServeArgs, store: S) -> CliResult {
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    println!(
        "baoxiu serving {} on http://{}/",
        args.db.db,
        listener.local_addr()?
    );
    serve_until_stopped(listener, store, args.secure_cookies, &args.run).await
}

/// Serves until Ctrl-C or SIGTERM, then drains requests and closes the store. The clocks'
/// timers fire and notices go out in the background meanwhile.
pub async fn serve_until_stopped<S: Backend>(
    listener: TcpListener,
    store: S,
    secure_cookies: bool,
    run: &RunArgs,
) -> CliResult {
    let (app, lines) = crate::clocks::app(store.clone(), run, listener.local_addr().ok())?;
    // On standard error: standard output carries only the address, for scripts to read.
    for line in lines {
        eprintln!("  {line}");
    }
    let app = app.secure_cookies(secure_cookies);
    let tick = std::time::Duration::from_secs(run.tick);
    let background = tokio::spawn(app.clone().run_background(tick));
    // Several servers on one database: the others' changes reach this one's live pages.
    if let Some(written) = store.others_writes().await {
        tokio::spawn(app.clone().relay_changes(written));
    }
    baoxiu_web::serve(listener, app, shutdown_signal()).await?;
    background.abort();
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("stopping");
}
