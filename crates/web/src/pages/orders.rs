//! The order list: filters for state, template, station, assignee and text; counts per
//! state as tabs; pages by cursor. What a person sees is the domain's `Visibility`.

use super::view::Row;
use super::{Layout, Viewer, render, url_encode};
use crate::App;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{OrderQuery, Role, State as OrderState, Store, Template as ServiceTemplate, Visibility};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Filters {
    state: Option<String>,
    template: Option<String>,
    station: Option<String>,
    assignee: Option<String>,
    q: Option<String>,
    after: Option<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Tab {
    pub href: String,
    pub label: String,
    pub count: Option<u64>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "orders.html")]
struct OrdersPage {
    l: Layout,
    tabs: Vec<Tab>,
    templates: Vec<Choice>,
    stations: Vec<Choice>,
    assignees: Vec<Choice>,
    q: String,
    state: String,
    rows: Vec<Row>,
    next: Option<String>,
    first: Option<String>,
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub async fn list<S: Store>(State(app): State<App<S>>, viewer: Viewer, Query(f): Query<Filters>) -> Response {
    match build(&app, &viewer, &f).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

async fn build<S: Store>(app: &App<S>, viewer: &Viewer, f: &Filters) -> Result<OrdersPage, ApiError> {
    let tr = viewer.tr;
    let tenant = &viewer.tenant;
    let mut query = OrderQuery {
        visibility: Visibility::of(&viewer.person),
        limit: 50,
        ..OrderQuery::default()
    };
    query.state = blank(&f.state).and_then(OrderState::parse);
    query.template = blank(&f.template).and_then(ServiceTemplate::parse);
    query.station = blank(&f.station).and_then(|s| s.parse().ok());
    query.assignee = blank(&f.assignee).and_then(|s| s.parse().ok());
    query.text = blank(&f.q).map(str::to_string);
    query.after = blank(&f.after).and_then(|s| s.parse().ok());
    let page = app.store.list(tenant.id, &query).await?;
    let counts = app.store.count_by_state(tenant.id, &query).await?;

    // The filters of this view, for links that change one of them.
    let keep = |skip: &str| {
        let mut parts = Vec::new();
        for (name, value) in [
            ("template", &f.template),
            ("station", &f.station),
            ("assignee", &f.assignee),
            ("q", &f.q),
            ("state", &f.state),
        ] {
            if name != skip
                && let Some(v) = blank(value)
            {
                parts.push(format!("{name}={}", url_encode(v)));
            }
        }
        parts
    };
    let link = |extra: Option<String>| {
        let mut parts = keep("state");
        parts.extend(extra);
        format!("/orders?{}", parts.join("&"))
    };
    let total = counts.as_ref().map(|c| c.iter().map(|(_, n)| n).sum());
    let mut tabs = vec![Tab {
        href: link(None),
        label: tr.t("orders.all"),
        count: total,
        current: query.state.is_none(),
    }];
    for state in OrderState::ALL {
        let count = counts
            .as_ref()
            .map(|c| c.iter().find(|(s, _)| *s == state).map_or(0, |(_, n)| *n));
        // A state with nothing in it is left out when counts are known.
        if count == Some(0) && query.state != Some(state) {
            continue;
        }
        tabs.push(Tab {
            href: link(Some(format!("state={}", state.as_str()))),
            label: tr.word("state", state.as_str()),
            count,
            current: query.state == Some(state),
        });
    }

    let l = Layout::new(viewer, tr.t("orders.title"));
    let templates = tenant
        .templates
        .iter()
        .map(|t| Choice {
            value: t.as_str().into(),
            label: tr.word("template", t.as_str()),
            selected: query.template == Some(*t),
        })
        .collect();
    let stations = app
        .store
        .stations(tenant.id)
        .await?
        .into_iter()
        .map(|s| Choice {
            selected: query.station == Some(s.id),
            value: s.id.to_string(),
            label: s.name,
        })
        .collect();
    let assignees = app
        .store
        .people(tenant.id)
        .await?
        .into_iter()
        .filter(|p| p.role == Role::Technician)
        .map(|p| Choice {
            selected: query.assignee == Some(p.id),
            value: p.id.to_string(),
            label: p.name,
        })
        .collect();
    let next = page.next.map(|after| {
        let mut parts = keep("");
        parts.push(format!("after={after}"));
        format!("/orders?{}", parts.join("&"))
    });
    let first = query.after.map(|_| format!("/orders?{}", keep("").join("&")));
    Ok(OrdersPage {
        rows: page.orders.iter().map(|o| Row::new(o, &l)).collect(),
        l,
        tabs,
        templates,
        stations,
        assignees,
        q: blank(&f.q).unwrap_or("").to_string(),
        state: query.state.map(|s| s.as_str().to_string()).unwrap_or_default(),
        next,
        first,
    })
}
