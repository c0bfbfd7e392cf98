//! The register (台账) of equipment, rooms and places with their QR stickers (扫码报修): the
//! admin's list with its form, a printable sheet of stickers as SVG, and what a scan opens:
//! the report, with the place filled in, for staff at the desk's intake and for customers in
//! their own report form.

use super::view::Row;
use super::{Layout, Viewer, not_found};
use crate::App;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use baoxiu_domain::{AssetRecord, Customer, Location, OrderQuery, Role, Store, StoreError, Visibility};
use serde::Deserialize;
use std::fmt::Write as _;

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    l: Layout,
    assets: Vec<AssetRecord>,
    error: Option<String>,
    values: std::collections::HashMap<String, String>,
}

impl RegisterPage {
    fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

/// Who keeps the register: the admin and the supervisor, who also set its maintenance
/// plans (C12).
fn keeps(viewer: &Viewer) -> bool {
    baoxiu_domain::may_plan(viewer.person.role)
}

pub async fn page<S: Store>(State(app): State<App<S>>, viewer: Viewer) -> Response {
    if !keeps(&viewer) {
        return not_found(Some(&viewer), viewer.tr);
    }
    list(&app, &viewer, Default::default(), None, StatusCode::OK).await
}

async fn list<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    values: std::collections::HashMap<String, String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    match app.store.assets(viewer.tenant.id).await {
        Ok(assets) => {
            let page = RegisterPage {
                l: Layout::new(viewer, viewer.tr.t("register.title")),
                assets,
                error,
                values,
            };
            super::render_with(status, &page)
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct AddForm {
    _csrf: Option<String>,
    code: String,
    name: String,
    address: String,
    building: Option<String>,
    room: Option<String>,
    model: Option<String>,
}

pub async fn add<S: Store>(State(app): State<App<S>>, viewer: Viewer, Form(form): Form<AddForm>) -> Response {
    if !keeps(&viewer) {
        return not_found(Some(&viewer), viewer.tr);
    }
    if !viewer.csrf_ok(form._csrf.as_deref()) {
        return super::forms::csrf_refused(&viewer);
    }
    let values: std::collections::HashMap<String, String> = [
        ("code", &form.code),
        ("name", &form.name),
        ("address", &form.address),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    let blank = |v: &Option<String>| v.as_deref().filter(|s| !s.trim().is_empty()).map(str::to_string);
    let parsed = Location::parse(
        &form.address,
        None,
        blank(&form.building).as_deref(),
        blank(&form.room).as_deref(),
    )
    .and_then(|location| {
        AssetRecord::parse(
            viewer.tenant.id,
            &form.code,
            &form.name,
            location,
            blank(&form.model).as_deref(),
        )
    });
    let asset = match parsed {
        Ok(asset) => asset,
        Err(e) => {
            let text = viewer.tr.field_error(&e.field, &e.message);
            return list(
                &app,
                &viewer,
                values,
                Some(text),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match app.store.add_asset(&asset).await {
        Ok(()) => Redirect::to("/register").into_response(),
        Err(StoreError::Duplicate(_)) => {
            let text = viewer.tr.field_error("code", "is taken by someone else");
            list(&app, &viewer, values, Some(text), StatusCode::CONFLICT).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The address a phone's camera opens for `code`, on this server as the browser reached it.
fn scan_url(headers: &HeaderMap, code: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    format!("{scheme}://{host}/report?asset={code}")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A sheet of stickers, three to a row on A4: the QR code, the code and the name.
pub async fn stickers<S: Store>(State(app): State<App<S>>, viewer: Viewer, headers: HeaderMap) -> Response {
    if !keeps(&viewer) {
        return not_found(Some(&viewer), viewer.tr);
    }
    let assets = match app.store.assets(viewer.tenant.id).await {
        Ok(assets) => assets,
        Err(e) => return ApiError::from(e).into_response(),
    };
    // Millimetres: A4 is 210 × 297; stickers 60 × 70 with 9 mm margins.
    let (per_row, w, h) = (3usize, 64.0, 72.0);
    let rows = assets.len().div_ceil(per_row).max(1);
    let height = 12.0 + rows as f64 * h;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="{height}mm" viewBox="0 0 210 {height}" font-family="sans-serif">"#
    );
    let hint = escape(&viewer.tr.t("register.sticker_hint"));
    for (i, asset) in assets.iter().enumerate() {
        let (x, y) = (9.0 + (i % per_row) as f64 * w, 6.0 + (i / per_row) as f64 * h);
        let code = match qrcode::QrCode::new(scan_url(&headers, &asset.code).as_bytes()) {
            Ok(code) => code,
            Err(e) => {
                return ApiError::Internal(format!("a QR code for {}: {e}", asset.code)).into_response();
            }
        };
        let qr = code
            .render::<qrcode::render::svg::Color>()
            .quiet_zone(false)
            .build();
        // The renderer writes a whole document; the sticker places its <svg> element.
        let body = qr.trim_start_matches(|c| c != '<').to_string();
        let body = match body.find("<svg") {
            Some(at) => body[at..].to_string(),
            None => body,
        };
        let body = body.replacen(
            "<svg",
            &format!(r#"<svg x="{}" y="{}" width="44" height="44""#, x + 8.0, y + 4.0),
            1,
        );
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{y}" width="60" height="68" rx="3" fill="none" stroke="grey" stroke-width="0.3"/>{body}<text x="{}" y="{}" font-size="5" text-anchor="middle" font-weight="bold">{}</text><text x="{}" y="{}" font-size="3.6" text-anchor="middle">{}</text><text x="{}" y="{}" font-size="3" text-anchor="middle">{hint}</text>"#,
            x + 30.0,
            y + 55.0,
            escape(&asset.code),
            x + 30.0,
            y + 60.5,
            escape(&asset.name),
            x + 30.0,
            y + 65.0,
        );
    }
    svg.push_str("</svg>");
    ([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response()
}

#[derive(Deserialize)]
pub struct Scan {
    asset: String,
}

/// What a sticker opens: the report with the place filled in. Staff who record orders get
/// the desk's intake, customers their own report form; anyone else the order list.
pub async fn scan<S: Store>(State(app): State<App<S>>, viewer: Viewer, Query(scan): Query<Scan>) -> Response {
    match app.store.asset(viewer.tenant.id, scan.asset.trim()).await {
        Ok(Some(asset)) => {
            let to = match viewer.person.role {
                Role::Customer => format!("/my/new?asset={}", asset.code),
                role if role.may_create() && role != Role::Technician => {
                    format!("/desk/new?asset={}", asset.code)
                }
                _ => format!("/orders?q={}", asset.code),
            };
            Redirect::to(&to).into_response()
        }
        Ok(None) => not_found(Some(&viewer), viewer.tr),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The values a report form starts with for the asset `code`, if it is in the register.
pub async fn prefill<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    code: Option<&str>,
    values: &mut std::collections::HashMap<String, String>,
) {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return;
    };
    if let Ok(Some(asset)) = app.store.asset(viewer.tenant.id, code).await {
        values.insert("address".into(), asset.location.address.clone());
        for (key, value) in [
            ("building", &asset.location.building),
            ("room", &asset.location.room),
        ] {
            if let Some(v) = value {
                values.insert(key.into(), v.clone());
            }
        }
        values.insert("serial".into(), asset.code.clone());
        if let Some(model) = &asset.model {
            values.insert("model".into(), model.clone());
        }
        values
            .entry("description".into())
            .or_insert_with(|| format!("{}：", asset.name));
    }
}

/// Pages of search results the ledger reads at most (200 orders each).
const LEDGER_PAGES: usize = 10;

/// One plan as the ledger shows it.
struct PlanRow {
    what: String,
    every_days: u32,
    next_due: String,
    last_order: String,
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    l: Layout,
    asset: AssetRecord,
    plans: Vec<PlanRow>,
    history: Vec<Row>,
    may_plan: bool,
    error: Option<String>,
    values: std::collections::HashMap<String, String>,
}

impl LedgerPage {
    fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

/// C12: the ledger (设备台帐) of one entry: what it is, its maintenance plans, and every job
/// done on it, repairs and maintenance alike, newest first.
pub async fn ledger<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Response {
    if !keeps(&viewer) {
        return not_found(Some(&viewer), viewer.tr);
    }
    show_ledger(&app, &viewer, &code, Default::default(), None, StatusCode::OK).await
}

async fn show_ledger<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    code: &str,
    values: std::collections::HashMap<String, String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let asset = match app.store.asset(viewer.tenant.id, code).await {
        Ok(Some(asset)) => asset,
        Ok(None) => return not_found(Some(viewer), viewer.tr),
        Err(e) => return ApiError::from(e).into_response(),
    };
    // The entry's orders: those reported on its code (the search narrows, the code decides),
    // page by page, so orders that merely share a word with the code crowd none out.
    let mut query = OrderQuery {
        text: Some(asset.code.clone()),
        visibility: Visibility::of(&viewer.person),
        limit: 200,
        ..OrderQuery::default()
    };
    let mut orders = Vec::new();
    for _ in 0..LEDGER_PAGES {
        let page = match app.store.list(viewer.tenant.id, &query).await {
            Ok(page) => page,
            Err(e) => return ApiError::from(e).into_response(),
        };
        orders.extend(
            page.orders
                .into_iter()
                .filter(|o| o.details.asset.as_ref().is_some_and(|a| a.serial == asset.code)),
        );
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    let l = Layout::new(
        viewer,
        format!("{} · {}", viewer.tr.t("ledger.title"), asset.name),
    );
    let history = orders.iter().map(|o| Row::new(o, &l)).collect();
    let plans = asset
        .plans
        .iter()
        .map(|p| PlanRow {
            what: p.what.clone(),
            every_days: p.every_days,
            next_due: l.time(&p.next_due),
            last_order: p.last_order.clone().unwrap_or_default(),
        })
        .collect();
    let page = LedgerPage {
        l,
        asset,
        plans,
        history,
        may_plan: keeps(viewer),
        error,
        values,
    };
    super::render_with(status, &page)
}

#[derive(Deserialize)]
pub struct PlanForm {
    _csrf: Option<String>,
    what: String,
    every_days: String,
    first_due: String,
    contact_name: String,
    contact_phone: String,
}

/// C12: adds a maintenance plan to the entry; its first order is made at 08:00 on the
/// first day given, where the organisation is, and goes to the planner's station.
pub async fn add_plan<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    axum::extract::Path(code): axum::extract::Path<String>,
    Form(form): Form<PlanForm>,
) -> Response {
    if !keeps(&viewer) {
        return not_found(Some(&viewer), viewer.tr);
    }
    if !viewer.csrf_ok(form._csrf.as_deref()) {
        return super::forms::csrf_refused(&viewer);
    }
    let values: std::collections::HashMap<String, String> = [
        ("what", &form.what),
        ("every_days", &form.every_days),
        ("first_due", &form.first_due),
        ("contact_name", &form.contact_name),
        ("contact_phone", &form.contact_phone),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    let station = match viewer.person.station {
        Some(id) => match app.store.station(viewer.tenant.id, id).await {
            Ok(station) => station.map(|s| s.to_ref()),
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => None,
    };
    let inputs = (|| {
        let every: u32 = form
            .every_days
            .trim()
            .parse()
            .map_err(|_| baoxiu_domain::FieldError::new("every_days", "must be 1 to 366 days"))?;
        let day = chrono::NaiveDate::parse_from_str(form.first_due.trim(), "%Y-%m-%d")
            .map_err(|_| baoxiu_domain::FieldError::new("first_due", "must be a date such as 2026-12-01"))?;
        let first = day
            .and_hms_opt(8, 0, 0)
            .and_then(|t| t.and_local_timezone(viewer.tenant.zone()).earliest())
            .ok_or_else(|| baoxiu_domain::FieldError::new("first_due", "must be a date such as 2026-12-01"))?
            .with_timezone(&chrono::Utc);
        let contact = Customer::parse(&form.contact_name, &form.contact_phone)?;
        Ok::<_, baoxiu_domain::FieldError>((every, first, contact))
    })();
    let refused =
        |text: String, status| show_ledger(&app, &viewer, &code, values.clone(), Some(text), status);
    let (every, first, contact) = match inputs {
        Ok(inputs) => inputs,
        Err(e) => {
            let text = viewer.tr.field_error(&e.field, &e.message);
            return refused(text, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    // Written over the entry as read; a change made meanwhile (the scheduler moving a plan
    // on) is read again and the plan added to it.
    for _ in 0..4 {
        let mut asset = match app.store.asset(viewer.tenant.id, &code).await {
            Ok(Some(asset)) => asset,
            Ok(None) => return not_found(Some(&viewer), viewer.tr),
            Err(e) => return ApiError::from(e).into_response(),
        };
        let me = viewer.person.to_ref();
        let added = asset.add_plan(
            baoxiu_domain::PlanSpec {
                what: &form.what,
                every_days: every,
                first_due: first,
                contact: contact.clone(),
                station: station.clone(),
            },
            &me,
            app.clock.now(),
        );
        let plan = match added {
            Ok(plan) => plan.clone(),
            Err(e) => {
                let text = viewer.tr.field_error(&e.field, &e.message);
                return refused(text, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        };
        // The order the plan will make must be one the organisation takes from the planner
        // (a hotel's reports need a slip, for one): the domain is asked now, not at 08:00.
        if let Some(template) = viewer.tenant.templates.first() {
            let trial = baoxiu_domain::WorkOrder::open(
                baoxiu_domain::OrderId(uuid::Uuid::nil()),
                &viewer.tenant,
                asset.maintenance_order(&plan, *template),
                baoxiu_domain::VerificationCode::from_number(0),
                &me,
                app.clock.now(),
            );
            if let Err(r) = trial {
                let status = ApiError::Refused(r.clone()).status();
                return refused(super::order::refusal_text(&viewer, &r), status).await;
            }
        }
        match app.store.put_asset(&asset).await {
            Ok(()) => return Redirect::to(&format!("/register/{}", asset.code)).into_response(),
            Err(StoreError::VersionConflict) => continue,
            Err(e) => return ApiError::from(e).into_response(),
        }
    }
    ApiError::VersionConflict.into_response()
}
