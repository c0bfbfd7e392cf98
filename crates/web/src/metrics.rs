//! What an operator watches (`GET /metrics`, OpenMetrics text as Prometheus scrapes it):
//! requests and their latency per route, method and status; the store's write batches and
//! commit time, its read pool, and the background work waiting (timers due and late, the
//! outbox). Several instances are watched as one by scraping each; the figures are this
//! process's, the backlog is the database's.

use crate::App;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{Store, StoreStats};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::Arc;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: String,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The process's metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Latency,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        // 0.5 ms to about 4 s.
        let latency: Latency =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.0005, 2.0, 14)));
        let mut registry = Registry::with_prefix("baoxiu");
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route and method",
            latency.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            requests,
            latency,
        }
    }
}

/// Counts and times every request. The route is the path as routed (`/api/orders/{id}`), so
/// ids do not make a series each; a path nothing routes is `unmatched`.
pub async fn track<S: Store>(State(app): State<App<S>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    // A fixed set: a client inventing methods makes no new series.
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") => m,
        _ => "other",
    }
    .to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let metrics = &app.metrics;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
            method: method.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// The store's figures, read once per scrape.
#[derive(Debug)]
struct StoreFigures(StoreStats);

impl Collector for StoreFigures {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let s = &self.0;
        let counter = |encoder: &mut DescriptorEncoder, name: &str, help: &str, n: u64| {
            let metric = ConstCounter::new(n);
            metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
        };
        let gauge = |encoder: &mut DescriptorEncoder, name: &str, help: &str, n: u64| {
            let metric = ConstGauge::new(i64::try_from(n).unwrap_or(i64::MAX));
            metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
        };
        counter(
            &mut encoder,
            "store_write_batches",
            "Write batches committed (one transaction and disk sync each)",
            s.write_batches,
        )?;
        counter(
            &mut encoder,
            "store_writes",
            "Writes committed in those batches",
            s.write_jobs,
        )?;
        let count = s.commit_buckets.iter().map(|(_, n)| n).sum();
        encoder
            .encode_descriptor(
                "store_commit_duration_seconds",
                "Time to commit a write batch, its disk sync included",
                None,
                MetricType::Histogram,
            )?
            .encode_histogram::<NoLabelSet>(s.commit_seconds, count, &s.commit_buckets, None)?;
        gauge(
            &mut encoder,
            "store_pool_connections",
            "Read connections open",
            u64::from(s.pool_connections),
        )?;
        gauge(
            &mut encoder,
            "store_pool_idle",
            "Read connections idle",
            u64::from(s.pool_idle),
        )?;
        gauge(
            &mut encoder,
            "timers_due",
            "Timers due and not yet fired",
            s.timers_due,
        )?;
        gauge(
            &mut encoder,
            "timers_late",
            "Timers due over a minute ago and not yet fired",
            s.timers_late,
        )?;
        gauge(
            &mut encoder,
            "outbox_pending",
            "Notices waiting to be delivered",
            s.outbox_pending,
        )?;
        gauge(
            &mut encoder,
            "outbox_dead",
            "Notices given up after their last attempt",
            s.outbox_dead,
        )?;
        Ok(())
    }
}

/// `GET /metrics`.
pub async fn serve<S: Store>(State(app): State<App<S>>) -> Response {
    let stats = match app.store.stats(app.clock.now()).await {
        Ok(stats) => stats,
        Err(e) => return (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    };
    let mut figures = Registry::with_prefix("baoxiu");
    figures.register_collector(Box::new(StoreFigures(stats)));
    let mut text = String::new();
    let encoded = prometheus_client::encoding::text::encode_registry(&mut text, &app.metrics.registry)
        .and_then(|()| prometheus_client::encoding::text::encode_registry(&mut text, &figures))
        .and_then(|()| prometheus_client::encoding::text::encode_eof(&mut text));
    match encoded {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
