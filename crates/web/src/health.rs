//! `GET /healthz` (liveness: the process answers) and `GET /readyz` (readiness: a write
//! commits now). A load balancer sends traffic only to a ready instance; a supervisor
//! restarts one that is not alive.

use crate::App;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, extract::State};
use baoxiu_domain::Store;
use serde_json::json;

pub fn router<S: Store>() -> Router<App<S>> {
    Router::new()
        .route("/healthz", get(|| async { Json(json!({"status": "alive"})) }))
        .route("/readyz", get(ready::<S>))
}

async fn ready<S: Store>(State(app): State<App<S>>) -> Response {
    match app.store.check_ready(app.clock.now()).await {
        Ok(()) => Json(json!({"status": "ready"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: a write did not commit");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "reason": "a write could not be committed"})),
            )
                .into_response()
        }
    }
}
