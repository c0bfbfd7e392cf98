//! A19, B24: the organisation's requests (申请与审批): what is in force (each station's
//! coverage and the areas no station covers; the price list of paid home services), the
//! forms to ask for a change, and the requests with their chains, each decided here by
//! whoever's turn it is. Who may ask and decide is the domain's; the page only asks it.

use super::{Layout, Viewer, not_found};
use crate::App;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use baoxiu_domain::{
    ApprovalKind, Change, CoverageBook, Fen, FieldError, OrgRequest, PriceItem, PriceList, RequestId,
    StationCoverage, StationRef, Store, may_ask_coverage, may_ask_prices,
};
use serde::Deserialize;
use std::collections::HashMap;

struct RequestRow {
    id: String,
    kind: String,
    summary: String,
    note: String,
    by: String,
    at: String,
    progress: String,
    status: String,
    decide: bool,
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsPage {
    l: Layout,
    error: Option<String>,
    values: HashMap<String, String>,
    waiting: Vec<RequestRow>,
    recent: Vec<RequestRow>,
    /// A19: the organisation uses coverage requests.
    coverage_on: bool,
    coverage: Vec<(String, String, u32)>,
    uncovered: String,
    /// Stations the viewer may ask about.
    stations: Vec<Choice>,
    /// B24: the organisation uses a price list.
    prices_on: bool,
    prices: Vec<PriceItem>,
    prices_approved: String,
    may_ask_prices: bool,
}

impl RequestsPage {
    fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

fn summary(viewer: &Viewer, change: &Change) -> String {
    match change {
        Change::Coverage(c) => viewer.tr.f(
            "requests.coverage_summary",
            &[
                ("station", &c.station.name),
                ("areas", &c.areas.join("、")),
                ("capacity", &c.capacity.to_string()),
            ],
        ),
        Change::PriceList { items } => items
            .iter()
            .map(|i| format!("{} {} ¥{}/{}", i.code, i.name, i.price, i.unit))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

fn row(
    viewer: &Viewer,
    l: &Layout,
    names: &HashMap<baoxiu_domain::PersonId, String>,
    r: &OrgRequest,
) -> RequestRow {
    let tr = viewer.tr;
    let a = &r.approval;
    let progress = a
        .chain
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let who = tr.word("role", role.as_str());
            match a.decisions.get(i) {
                Some(d) if d.approve => format!("{who} ✓ {}", names.get(&d.by).cloned().unwrap_or_default()),
                Some(d) => format!(
                    "{who} ✗ {} {}",
                    names.get(&d.by).cloned().unwrap_or_default(),
                    d.reason.clone().unwrap_or_default()
                ),
                None => format!("{who} …"),
            }
        })
        .collect::<Vec<_>>()
        .join(" → ");
    let status = if a.approved() {
        "requests.approved"
    } else if a.rejected() {
        "requests.rejected"
    } else {
        "requests.pending"
    };
    RequestRow {
        id: r.id.to_string(),
        kind: tr.word("approval", a.kind.as_str()),
        summary: summary(viewer, &r.change),
        note: a.note.clone(),
        by: names.get(&a.requested_by).cloned().unwrap_or_default(),
        at: l.time(&a.requested_at),
        progress,
        status: tr.t(status),
        decide: a.check_decider(&viewer.actor()).is_ok(),
    }
}

/// Whether the organisation uses the kind, and so whether the page shows it.
fn uses<S: Store>(app: &App<S>, viewer: &Viewer, kind: ApprovalKind) -> bool {
    app.org_chain(&viewer.tenant, kind).is_some()
}

pub async fn page<S: Store>(State(app): State<App<S>>, viewer: Viewer) -> Response {
    show(&app, &viewer, HashMap::new(), None, StatusCode::OK).await
}

async fn show<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    values: HashMap<String, String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let coverage_on = uses(app, viewer, ApprovalKind::Coverage);
    let prices_on = uses(app, viewer, ApprovalKind::PriceList);
    if !(coverage_on || prices_on) || !viewer.person.role.sees_service_levels() {
        return not_found(Some(viewer), viewer.tr);
    }
    let tenant = viewer.tenant.id;
    let loaded = async {
        let waiting = app.store.requests(tenant, Some(viewer.person.role), 200).await?;
        let requests = app.store.requests(tenant, None, 50).await?;
        let people = app.store.people(tenant).await?;
        let stations = app.store.stations(tenant).await?;
        let book = app.store.coverage(tenant).await?;
        let prices = app.store.price_list(tenant).await?;
        Ok::<_, baoxiu_domain::StoreError>((waiting, requests, people, stations, book, prices))
    };
    let (waiting, requests, people, stations, book, prices): (
        Vec<OrgRequest>,
        Vec<OrgRequest>,
        _,
        _,
        CoverageBook,
        PriceList,
    ) = match loaded.await {
        Ok(all) => all,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let names: HashMap<_, _> = people.iter().map(|p| (p.id, p.name.clone())).collect();
    let l = Layout::new(viewer, viewer.tr.t("requests.title"));
    // Waiting for this role's decision, however old; the newest of the rest below.
    let waiting: Vec<RequestRow> = waiting
        .iter()
        .map(|r| row(viewer, &l, &names, r))
        .filter(|r| r.decide)
        .collect();
    let recent: Vec<RequestRow> = requests
        .iter()
        .map(|r| row(viewer, &l, &names, r))
        .filter(|r| !waiting.iter().any(|w| w.id == r.id))
        .collect();
    let me = viewer.person.to_ref();
    let stations = stations
        .iter()
        .map(|s| s.to_ref())
        .filter(|s| may_ask_coverage(&me, s))
        .map(|s| Choice {
            value: s.id.to_string(),
            label: s.name,
        })
        .collect();
    let page = RequestsPage {
        error,
        values,
        waiting,
        recent,
        coverage_on,
        coverage: book
            .stations
            .iter()
            .map(|s| (s.station.name.clone(), s.areas.join("、"), s.capacity))
            .collect(),
        uncovered: book.uncovered.join("、"),
        stations,
        prices_on,
        prices_approved: prices.approved_at.map(|t| l.time(&t)).unwrap_or_default(),
        prices: prices.items,
        may_ask_prices: may_ask_prices(&me),
        l,
    };
    super::render_with(status, &page)
}

#[derive(Deserialize)]
pub struct CoverageForm {
    _csrf: Option<String>,
    station: String,
    areas: String,
    capacity: String,
    note: String,
}

async fn refused<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    values: HashMap<String, String>,
    e: ApiError,
) -> Response {
    let (text, status) = match &e {
        ApiError::Invalid(f) => (
            viewer.tr.field_error(&f.field, &f.message),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ApiError::Refused(r) => (super::order::refusal_text(viewer, r), e.status()),
        _ => return e.into_response(),
    };
    show(app, viewer, values, Some(text), status).await
}

/// A19: asks for a station's coverage and capacity.
pub async fn ask_coverage<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(form): Form<CoverageForm>,
) -> Response {
    if !viewer.csrf_ok(form._csrf.as_deref()) {
        return super::forms::csrf_refused(&viewer);
    }
    let values: HashMap<String, String> = [
        ("station", &form.station),
        ("areas", &form.areas),
        ("capacity", &form.capacity),
        ("note", &form.note),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    let station: Option<StationRef> = match form.station.parse() {
        Ok(id) => match app.store.station(viewer.tenant.id, id).await {
            Ok(s) => s.map(|s| s.to_ref()),
            Err(e) => return ApiError::from(e).into_response(),
        },
        Err(_) => None,
    };
    let change = station
        .ok_or_else(|| FieldError::new("station_id", "no such station"))
        .and_then(|station| {
            let capacity = form
                .capacity
                .trim()
                .parse()
                .map_err(|_| FieldError::new("capacity", "must be between 1 and 10000"))?;
            StationCoverage::parse(station, &form.areas, capacity)
        });
    let result = match change {
        Ok(c) => app
            .ask(&viewer.tenant, &viewer.person, Change::Coverage(c), &form.note)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Redirect::to("/requests").into_response(),
        Err(e) => refused(&app, &viewer, values, e).await,
    }
}

#[derive(Deserialize)]
pub struct PricesForm {
    _csrf: Option<String>,
    items: String,
    note: String,
}

/// B24: the lines of a proposed price list, one item a line: `code | name | unit | price`.
fn parse_items(text: &str) -> Result<Vec<PriceItem>, FieldError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
            let [code, name, unit, price] = parts[..] else {
                return Err(FieldError::new(
                    format!("items[{i}]"),
                    "must be code | name | unit | price",
                ));
            };
            let price = Fen::parse_yuan(&format!("items[{i}].price"), price)?;
            PriceItem::parse(i, code, name, unit, price)
        })
        .collect()
}

/// B24: proposes the whole price list.
pub async fn ask_prices<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(form): Form<PricesForm>,
) -> Response {
    if !viewer.csrf_ok(form._csrf.as_deref()) {
        return super::forms::csrf_refused(&viewer);
    }
    let values: HashMap<String, String> = [("items", &form.items), ("note", &form.note)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let result = match parse_items(&form.items) {
        Ok(items) => app
            .ask(
                &viewer.tenant,
                &viewer.person,
                Change::PriceList { items },
                &form.note,
            )
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Redirect::to("/requests").into_response(),
        Err(e) => refused(&app, &viewer, values, e).await,
    }
}

#[derive(Deserialize)]
pub struct DecideForm {
    _csrf: Option<String>,
    decision: String,
    reason: Option<String>,
}

/// Approves or rejects a request.
pub async fn decide<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<DecideForm>,
) -> Response {
    if !viewer.csrf_ok(form._csrf.as_deref()) {
        return super::forms::csrf_refused(&viewer);
    }
    let Ok(id) = id.parse().map(RequestId) else {
        return not_found(Some(&viewer), viewer.tr);
    };
    let approve = form.decision == "approve";
    match app
        .decide_request(
            &viewer.tenant,
            &viewer.person,
            id,
            approve,
            form.reason.as_deref(),
        )
        .await
    {
        Ok(_) => Redirect::to("/requests").into_response(),
        Err(ApiError::NotFound(_)) => not_found(Some(&viewer), viewer.tr),
        Err(e) => refused(&app, &viewer, HashMap::new(), e).await,
    }
}
