//! The technician's phone: today's work in the order to do it, and the claim pool with a
//! claim button. Made for 390 px and a thumb: one column, large targets, the phone number
//! and the map one tap away.

use super::view::{self, Row};
use super::{Layout, Viewer, render, url_encode};
use crate::App;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{CommandName, OrderQuery, Priority, State as OrderState, Store, Visibility, WorkOrder};
use serde::Deserialize;

pub struct Card {
    pub row: Row,
    pub tel: String,
    pub map: String,
    pub when: Option<String>,
    /// The claim form's idempotency key (pool cards only).
    pub claim_key: Option<String>,
}

#[derive(Template)]
#[template(path = "field.html")]
struct FieldPage {
    l: Layout,
    mine: Vec<Card>,
    pool: Vec<Card>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// A map search for the address, opened by the phone's map app or browser.
pub fn map_link(order: &WorkOrder) -> String {
    format!(
        "https://uri.amap.com/search?keyword={}",
        url_encode(&view::address(order))
    )
}

fn card(order: &WorkOrder, l: &Layout, claim: bool) -> Card {
    Card {
        row: Row::new(order, l),
        tel: format!("tel:{}", order.details.customer.phone.as_str()),
        map: map_link(order),
        when: order.current_commitment().map(|c| l.time(&c.at)),
        claim_key: claim.then(crate::auth::new_token),
    }
}

/// The order of the day: committed times first, earliest first; then by urgency; then the
/// oldest report.
fn rank(order: &WorkOrder) -> (u8, i64, u8, i64) {
    let urgency = match order.details.priority {
        Priority::Emergency => 0,
        Priority::Urgent => 1,
        Priority::Normal => 2,
    };
    let reported = order.timeline.reported_at.map_or(0, |t| t.timestamp());
    match order.current_commitment() {
        Some(c) => (0, c.at.timestamp(), urgency, reported),
        None => (1, 0, urgency, reported),
    }
}

pub async fn page<S: Store>(State(app): State<App<S>>, viewer: Viewer, Query(d): Query<Done>) -> Response {
    match build(&app, &viewer, d.done).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

async fn build<S: Store>(app: &App<S>, viewer: &Viewer, done: Option<String>) -> Result<FieldPage, ApiError> {
    let tr = viewer.tr;
    let l = Layout::new(viewer, tr.t("work.title"));
    let tenant = viewer.tenant.id;
    let visibility = Visibility::of(&viewer.person);
    let mut mine = Vec::new();
    let mut after = None;
    // A technician's open work is a few dozen orders at most: read it all, then rank it.
    loop {
        let page = app
            .store
            .list(
                tenant,
                &OrderQuery {
                    assignee: Some(viewer.person.id),
                    visibility: visibility.clone(),
                    after,
                    limit: 200,
                    ..OrderQuery::default()
                },
            )
            .await?;
        mine.extend(page.orders.into_iter().filter(|o| o.state.is_open()));
        match page.next {
            Some(next) if mine.len() < 500 => after = Some(next),
            _ => break,
        }
    }
    mine.sort_by_key(rank);
    let pool = app
        .store
        .list(
            tenant,
            &OrderQuery {
                state: Some(OrderState::Pool),
                visibility,
                limit: 50,
                ..OrderQuery::default()
            },
        )
        .await?
        .orders;
    let actor = viewer.actor();
    let notice = done
        .as_deref()
        .and_then(CommandName::parse)
        .map(|c| tr.f("order.done", &[("command", &tr.word("command", c.as_str()))]));
    Ok(FieldPage {
        mine: mine.iter().map(|o| card(o, &l, false)).collect(),
        pool: pool
            .iter()
            .map(|o| card(o, &l, o.check(&actor, CommandName::Claim).is_ok()))
            .collect(),
        notice,
        l,
    })
}
