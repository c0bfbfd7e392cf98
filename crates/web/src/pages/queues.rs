//! The queues: resolved orders waiting for the desk's callback (A15, B07), orders whose
//! cancellation waits for a decision (A17), and orders whose approval waits for the
//! viewer's role (D03). Each row carries the form for its next step,
//! offered only where the domain allows it.

use super::forms::{CommandForm, Context, form_for};
use super::view::Row;
use super::{Layout, Viewer, render};
use crate::App;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{CommandName, OrderQuery, State as OrderState, Store, Visibility};
use serde::Deserialize;

pub struct Item {
    pub id: String,
    pub row: Row,
    pub detail: Option<String>,
    pub forms: Vec<CommandForm>,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    l: Layout,
    heading: String,
    intro: String,
    empty: String,
    notice: Option<String>,
    items: Vec<Item>,
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

async fn queue<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    query: OrderQuery,
    commands: &[CommandName],
    back: &str,
    key: &str,
    notice: Option<String>,
) -> Result<QueuePage, ApiError> {
    let tr = viewer.tr;
    let tenant = viewer.tenant.id;
    let page = app.store.list(tenant, &query).await?;
    let stations = app.store.stations(tenant).await?;
    let people = app.store.people(tenant).await?;
    let prices = app.store.price_list(tenant).await?;
    let cx = Context {
        stations: &stations,
        people: &people,
        now: app.clock.now(),
        prices: &prices,
    };
    let l = Layout::new(viewer, tr.t(&format!("{key}.title")));
    let items = page
        .orders
        .iter()
        .map(|order| {
            let forms = commands
                .iter()
                .filter_map(|name| form_for(order, viewer, &cx, *name))
                .map(|mut f| {
                    f.back = Some(format!("{back}?done={}", f.command));
                    f
                })
                .collect();
            let cancellation = order
                .cancellation
                .as_ref()
                .filter(|_| order.cancellation_pending())
                .map(|c| format!("{}: {}", tr.word("cancel_reason", c.reason.as_str()), c.note));
            let approval = order
                .pending_approval()
                .map(|a| format!("{}: {}", tr.word("approval", a.kind.as_str()), a.note));
            let parts = order
                .parts_requests
                .iter()
                .rev()
                .find(|r| r.received_at.is_none())
                .filter(|_| order.state == OrderState::WaitingForParts)
                .map(|r| {
                    let lines: Vec<String> = r
                        .parts
                        .iter()
                        .map(|p| format!("{} {} ×{}", p.code, p.name, p.quantity))
                        .collect();
                    lines.join("、")
                });
            let detail = cancellation.or(approval).or(parts);
            Item {
                id: order.id.to_string(),
                row: super::view::Row::new(order, &l),
                detail,
                forms,
            }
        })
        .collect();
    Ok(QueuePage {
        heading: tr.t(&format!("{key}.title")),
        intro: tr.t(&format!("{key}.intro")),
        empty: tr.t(&format!("{key}.empty")),
        notice,
        items,
        l,
    })
}

fn notice(viewer: &Viewer, done: Option<String>) -> Option<String> {
    done.as_deref().and_then(CommandName::parse).map(|c| {
        viewer.tr.f(
            "order.done",
            &[("command", &viewer.tr.word("command", c.as_str()))],
        )
    })
}

pub async fn callbacks<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Query(d): Query<Done>,
) -> Response {
    let query = OrderQuery {
        state: Some(OrderState::Resolved),
        visibility: Visibility::of(&viewer.person),
        limit: 50,
        ..OrderQuery::default()
    };
    let notice = notice(&viewer, d.done);
    match queue(
        &app,
        &viewer,
        query,
        &[CommandName::Callback],
        "/queues/callbacks",
        "callbacks",
        notice,
    )
    .await
    {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

/// The parts list: orders waiting for parts, with what they wait for, as far as the viewer
/// may see (a station's staff their station's).
pub async fn parts<S: Store>(State(app): State<App<S>>, viewer: Viewer, Query(d): Query<Done>) -> Response {
    let query = OrderQuery {
        state: Some(OrderState::WaitingForParts),
        visibility: Visibility::of(&viewer.person),
        limit: 50,
        ..OrderQuery::default()
    };
    let notice = notice(&viewer, d.done);
    let commands = [CommandName::ShipParts, CommandName::PartsReceived];
    match queue(&app, &viewer, query, &commands, "/queues/parts", "parts", notice).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

/// The approvals inbox: orders whose pending approval waits for the viewer's role.
pub async fn approvals<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Query(d): Query<Done>,
) -> Response {
    let query = OrderQuery {
        approval_for: Some(viewer.person.role),
        visibility: Visibility::of(&viewer.person),
        limit: 50,
        ..OrderQuery::default()
    };
    let notice = notice(&viewer, d.done);
    let commands = [CommandName::Approve, CommandName::Reject];
    match queue(
        &app,
        &viewer,
        query,
        &commands,
        "/queues/approvals",
        "approvals",
        notice,
    )
    .await
    {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

pub async fn cancellations<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Query(d): Query<Done>,
) -> Response {
    let query = OrderQuery {
        cancellation_pending: true,
        visibility: Visibility::of(&viewer.person),
        limit: 50,
        ..OrderQuery::default()
    };
    let notice = notice(&viewer, d.done);
    let commands = [CommandName::ApproveCancel, CommandName::RejectCancel];
    match queue(
        &app,
        &viewer,
        query,
        &commands,
        "/queues/cancellations",
        "cancellations",
        notice,
    )
    .await
    {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}
