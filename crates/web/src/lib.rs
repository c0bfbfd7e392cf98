//! baoxiu's HTTP server: the JSON API under `/api/v1`, its OpenAPI document at
//! `/api/openapi.json`, and a landing page. Generic over the storage port, so the same
//! server runs on SQLite or (later) PostgreSQL.

mod api;
mod auth;
mod background;
mod body;
pub mod clocks;
mod dto;
mod error;
mod health;
pub mod maintenance;
mod metrics;
mod pages;
pub mod password;
mod requests;
pub mod service;
mod uploads;

pub use api::openapi;
pub use auth::{issue_token, new_token, token_digest};
pub use error::{ApiError, ErrorBody};

use axum::Router;
use baoxiu_domain::{Store, Timestamp};
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Where "now" comes from. The server uses the system clock; tests may fix it.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(chrono::Utc::now))
    }

    pub fn new(f: impl Fn() -> Timestamp + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(f))
    }

    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

/// Everything a request handler needs.
#[derive(Clone)]
pub struct App<S> {
    pub store: S,
    pub clock: Clock,
    tokens: auth::TokenCache,
    pages: PageSettings,
    /// Every order as a write left it, for the live pages (the dispatch board): this
    /// server's writes, and those of the other servers on its database that
    /// [`App::relay_changes`] passes on.
    changes: tokio::sync::broadcast::Sender<Arc<baoxiu_domain::WorkOrder>>,
    /// Each organisation's templates and calendar (X01).
    clocks: Arc<clocks::ClockBook>,
    /// Where notices go beyond the inbox (X03).
    channels: Arc<baoxiu_notify::Channels>,
    /// What `GET /metrics` reports of this process.
    metrics: metrics::Metrics,
}

/// What the pages need beyond the store and the clock.
#[derive(Clone, Default)]
struct PageSettings {
    throttle: pages::Throttle,
    /// Mark cookies `Secure`: the server is reached over TLS (directly or behind a proxy).
    secure_cookies: bool,
}

impl<S: Store> App<S> {
    pub fn new(store: S, clock: Clock) -> App<S> {
        App {
            store,
            clock,
            tokens: auth::TokenCache::default(),
            pages: PageSettings::default(),
            changes: tokio::sync::broadcast::channel(1024).0,
            clocks: Arc::new(clocks::ClockBook::default()),
            channels: Arc::new(
                baoxiu_notify::Channels::new(baoxiu_notify::Config::default())
                    .expect("channels with no settings always start"),
            ),
            metrics: metrics::Metrics::default(),
        }
    }

    /// Runs each organisation's own clocks and ladders (`--templates DIR`).
    pub fn with_templates(mut self, book: clocks::ClockBook) -> App<S> {
        self.clocks = Arc::new(book);
        self
    }

    /// Delivers notices through these channels.
    pub fn with_channels(mut self, channels: baoxiu_notify::Channels) -> App<S> {
        self.channels = Arc::new(channels);
        self
    }

    /// Whether a live page listens for changes (so a write need not copy its order).
    pub(crate) fn listening(&self) -> bool {
        self.changes.receiver_count() > 0
    }

    /// Tells the live pages an order changed.
    pub(crate) fn changed(&self, order: &baoxiu_domain::WorkOrder) {
        let _ = self.changes.send(Arc::new(order.clone()));
    }

    /// Passes on to this server's live pages the orders other servers on its database wrote,
    /// `(tenant, order)` as they commit; runs until the sender stops.
    pub async fn relay_changes(
        self,
        mut written: tokio::sync::mpsc::Receiver<(baoxiu_domain::TenantId, baoxiu_domain::OrderId)>,
    ) {
        while let Some((tenant, id)) = written.recv().await {
            if !self.listening() {
                continue;
            }
            match self.store.order(tenant, id).await {
                Ok(Some(order)) => self.changed(&order),
                Ok(None) => {}
                Err(e) => tracing::warn!(order = %id, error = %e, "another server's change cannot be read"),
            }
        }
    }

    /// Orders as they change, from now on.
    pub(crate) fn watch(&self) -> tokio::sync::broadcast::Receiver<Arc<baoxiu_domain::WorkOrder>> {
        self.changes.subscribe()
    }

    /// Marks session cookies `Secure` (serve over TLS, or behind a proxy that does).
    pub fn secure_cookies(mut self, secure: bool) -> App<S> {
        self.pages.secure_cookies = secure;
        self
    }

    /// Forgets every cached token, so a revocation or a disabled account takes effect on
    /// the next request.
    pub fn forget_tokens(&self) {
        self.tokens.clear();
    }

    pub fn router(self) -> Router {
        Router::new()
            .merge(api::router())
            .merge(health::router())
            .merge(pages::router())
            .route("/metrics", axum::routing::get(metrics::serve::<S>))
            .fallback(fallback)
            .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                metrics::track::<S>,
            ))
            // Pages, styles and JSON travel gzip-compressed to clients that accept it (a phone
            // on a slow network); images and server-sent events are left as they are.
            .layer(tower_http::compression::CompressionLayer::new())
            .layer(tower_http::trace::TraceLayer::new_for_http())
            .with_state(self)
    }
}

/// No such route: JSON under `/api`, a page everywhere else.
async fn fallback(
    uri: axum::http::Uri,
    pages::PageLangExtract(tr): pages::PageLangExtract,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        ApiError::NotFound("route").into_response()
    } else {
        pages::not_found(None, tr)
    }
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve<S: Store>(
    listener: TcpListener,
    app: App<S>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.router()
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
