//! Where people see the clocks (X01–X03): the overdue page by clock, the day's public list
//! of orders unfinished 24 hours after the report (B12), each person's inbox, and for the
//! admin the outbox's deliveries (with the dead-letter list to replay) and the calendar.

use super::forms::{Posted, csrf_refused};
use super::view::Row;
use super::{Layout, Viewer, not_found, render, render_with};
use crate::App;
use crate::clocks::CalendarChange;
use crate::error::ApiError;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use baoxiu_domain::{DeliveryState, Store, Visibility};
use serde::Deserialize;

/// The clock the B12 list is made of.
const UNFINISHED: &str = "b12_unfinished";

pub struct LateRow {
    pub row: Row,
    pub clock: String,
    pub deadline: String,
    pub late: String,
}

#[derive(Template)]
#[template(path = "overdue.html")]
struct OverduePage {
    l: Layout,
    heading: String,
    intro: String,
    rows: Vec<LateRow>,
    /// The clocks to filter by: (id, name, selected); none on the B12 list.
    clocks: Vec<(String, String, bool)>,
}

#[derive(Deserialize, Default)]
pub struct ClockFilter {
    clock: Option<String>,
}

async fn late_rows<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    l: &Layout,
    visibility: Visibility,
    clock: Option<String>,
) -> Result<Vec<LateRow>, ApiError> {
    let now = app.clock.now();
    let rows = app.late(&viewer.tenant, visibility, clock, 200).await?;
    Ok(rows
        .into_iter()
        .map(|r| LateRow {
            row: Row::new(&r.order, l),
            clock: viewer.tr.word("clock", &r.clock),
            deadline: l.time(&r.deadline),
            late: l.span((now - r.deadline).num_seconds()),
        })
        .collect())
}

/// `/overdue`: every order past a clock's deadline that the viewer may see, most late first.
pub async fn overdue<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Query(filter): Query<ClockFilter>,
) -> Response {
    if !viewer.person.role.sees_service_levels() {
        return not_found(Some(&viewer), viewer.tr);
    }
    let tr = viewer.tr;
    let l = Layout::new(&viewer, tr.t("overdue.title"));
    let clock = filter.clock.filter(|c| !c.is_empty());
    let mut ids: Vec<String> = viewer
        .tenant
        .templates
        .iter()
        .flat_map(|t| app.clock_defs(&viewer.tenant, *t).iter().map(|d| d.id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    let clocks = ids
        .into_iter()
        .map(|id| {
            let name = tr.word("clock", &id);
            let selected = clock.as_deref() == Some(id.as_str());
            (id, name, selected)
        })
        .collect();
    match late_rows(&app, &viewer, &l, Visibility::of(&viewer.person), clock).await {
        Ok(rows) => render(&OverduePage {
            heading: tr.t("overdue.title"),
            intro: tr.t("overdue.intro"),
            l,
            rows,
            clocks,
        }),
        Err(e) => e.into_response(),
    }
}

/// `/unfinished`: the day's list of orders still unfinished 24 hours after the report (B12),
/// public to everyone in the organisation.
pub async fn unfinished<S: Store>(State(app): State<App<S>>, viewer: Viewer) -> Response {
    if !viewer.person.role.sees_service_levels() {
        return not_found(Some(&viewer), viewer.tr);
    }
    let tr = viewer.tr;
    let l = Layout::new(&viewer, tr.t("unfinished.title"));
    match late_rows(&app, &viewer, &l, Visibility::All, Some(UNFINISHED.into())).await {
        Ok(rows) => render(&OverduePage {
            heading: tr.t("unfinished.title"),
            intro: tr.f("unfinished.intro", &[("date", &l.time(&app.clock.now()))]),
            l,
            rows,
            clocks: Vec::new(),
        }),
        Err(e) => e.into_response(),
    }
}

pub struct InboxRow {
    pub id: String,
    pub subject: String,
    pub text: String,
    pub link: String,
    pub when: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    l: Layout,
    rows: Vec<InboxRow>,
}

/// `/inbox`: what baoxiu told this person, newest first.
pub async fn inbox<S: Store>(State(app): State<App<S>>, viewer: Viewer) -> Response {
    let l = Layout::new(&viewer, viewer.tr.t("inbox.title"));
    match app.store.inbox(viewer.tenant.id, viewer.person.id, 100).await {
        Ok(items) => {
            let rows = items
                .into_iter()
                .map(|i| InboxRow {
                    id: i.notice.id.to_string(),
                    subject: i.notice.subject,
                    text: i.notice.text,
                    link: i.notice.link,
                    when: l.time(&i.notice.created_at),
                    read: i.read,
                })
                .collect();
            render(&InboxPage { l, rows })
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Marks a notice read, then opens what it is about.
pub async fn read<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = Posted(fields);
    if !viewer.csrf_ok(form.get("_csrf")) {
        return csrf_refused(&viewer);
    }
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return not_found(Some(&viewer), viewer.tr);
    };
    match app
        .store
        .mark_read(viewer.tenant.id, viewer.person.id, id, app.clock.now())
        .await
    {
        Ok(true) => {
            let to = form
                .get("to")
                .filter(|t| t.starts_with("/orders/"))
                .unwrap_or("/inbox");
            Redirect::to(to).into_response()
        }
        Ok(false) => not_found(Some(&viewer), viewer.tr),
        Err(e) => ApiError::from(e).into_response(),
    }
}

pub struct DeliveryRow {
    pub id: String,
    pub channel: String,
    pub to: String,
    pub subject: String,
    pub state: &'static str,
    pub state_label: String,
    pub attempts: u32,
    pub last_error: String,
    pub when: String,
    pub dead: bool,
}

#[derive(Template)]
#[template(path = "deliveries.html")]
struct DeliveriesPage {
    l: Layout,
    rows: Vec<DeliveryRow>,
    dead_only: bool,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DeliveryFilter {
    dead: Option<String>,
    done: Option<String>,
}

/// `/admin/deliveries`: the outbox (admins): each message, its attempts and last error;
/// the dead-letter list with a button to try again.
pub async fn deliveries<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Query(filter): Query<DeliveryFilter>,
) -> Response {
    if !viewer.person.role.manages_people() {
        return not_found(Some(&viewer), viewer.tr);
    }
    let tr = viewer.tr;
    let l = Layout::new(&viewer, tr.t("deliveries.title"));
    let dead_only = filter.dead.is_some();
    match app.store.deliveries(viewer.tenant.id, dead_only, 200).await {
        Ok(list) => {
            let rows = list
                .into_iter()
                .map(|d| DeliveryRow {
                    id: d.notice.id.to_string(),
                    channel: tr.word("channel", d.notice.channel.as_str()),
                    to: d.notice.address.clone(),
                    subject: d.notice.subject.clone(),
                    state: d.state.as_str(),
                    state_label: tr.word("delivery", d.state.as_str()),
                    attempts: d.attempts,
                    last_error: d.last_error.unwrap_or_default(),
                    when: l.time(&d.notice.created_at),
                    dead: d.state == DeliveryState::Dead,
                })
                .collect();
            let notice = filter.done.map(|_| tr.t("deliveries.replayed"));
            render(&DeliveriesPage {
                l,
                rows,
                dead_only,
                notice,
            })
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Puts a dead message back in the outbox.
pub async fn replay<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = Posted(fields);
    if !viewer.person.role.manages_people() {
        return not_found(Some(&viewer), viewer.tr);
    }
    if !viewer.csrf_ok(form.get("_csrf")) {
        return csrf_refused(&viewer);
    }
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return not_found(Some(&viewer), viewer.tr);
    };
    match app
        .store
        .replay_delivery(viewer.tenant.id, id, app.clock.now())
        .await
    {
        Ok(true) => Redirect::to("/admin/deliveries?done=replayed").into_response(),
        Ok(false) => not_found(Some(&viewer), viewer.tr),
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    l: Layout,
    zone: String,
    periods: String,
    years: String,
    notice: Option<String>,
    error: Option<String>,
    text: String,
    week: String,
}

async fn calendar_page<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    text: String,
) -> Response {
    let tr = viewer.tr;
    let calendar = match app.calendar(&viewer.tenant).await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let periods: Vec<String> = calendar
        .periods
        .iter()
        .map(|(a, b)| format!("{}–{}", a.format("%H:%M"), b.format("%H:%M")))
        .collect();
    let years: Vec<String> = calendar.years.iter().map(|y| y.to_string()).collect();
    render_with(
        status,
        &CalendarPage {
            l: Layout::new(viewer, tr.t("calendar.title")),
            zone: viewer.tenant.time_zone.clone(),
            periods: periods.join("、"),
            years: years.join("、"),
            notice,
            error,
            text,
            week: week_text(&calendar),
        },
    )
}

/// The working week as a file, to edit.
fn week_text(calendar: &baoxiu_domain::Calendar) -> String {
    let periods: Vec<String> = calendar
        .periods
        .iter()
        .map(|(a, b)| format!("[\"{}\", \"{}\"]", a.format("%H:%M"), b.format("%H:%M")))
        .collect();
    let days: Vec<String> = (1..=7)
        .filter(|d| calendar.weekdays[*d - 1])
        .map(|d| d.to_string())
        .collect();
    format!(
        "periods = [{}]\nweekdays = [{}]\n",
        periods.join(", "),
        days.join(", ")
    )
}

/// Sets the working week from the calendar page.
pub async fn set_week<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    change(app, viewer, Posted(fields), CalendarChange::Week).await
}

/// Adds a year from the calendar page.
pub async fn add_year<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    change(app, viewer, Posted(fields), CalendarChange::Year).await
}

async fn change<S: Store>(app: App<S>, viewer: Viewer, form: Posted, what: CalendarChange) -> Response {
    if !viewer.person.role.manages_people() {
        return not_found(Some(&viewer), viewer.tr);
    }
    if !viewer.csrf_ok(form.get("_csrf")) {
        return csrf_refused(&viewer);
    }
    let (field, done) = match what {
        CalendarChange::Year => ("file", "calendar.added"),
        CalendarChange::Week => ("week", "calendar.week_saved"),
    };
    let text = form.get(field).unwrap_or("").to_string();
    match app.change_calendar(&viewer.tenant, what, &text).await {
        Ok(()) => {
            app.reschedule_later(&viewer.tenant);
            let notice = viewer.tr.t(done);
            calendar_page(&app, &viewer, StatusCode::OK, Some(notice), None, String::new()).await
        }
        Err(e) => {
            let message = super::order::error_text(&viewer, &e);
            let kept = if what == CalendarChange::Year {
                text
            } else {
                String::new()
            };
            calendar_page(&app, &viewer, e.status(), None, Some(message), kept).await
        }
    }
}

/// `/admin/calendar`: the organisation's working time and the years whose holidays are
/// known; an admin adds the next year when the State Council publishes it.
pub async fn calendar<S: Store>(State(app): State<App<S>>, viewer: Viewer) -> Response {
    if !viewer.person.role.manages_people() {
        return not_found(Some(&viewer), viewer.tr);
    }
    calendar_page(&app, &viewer, StatusCode::OK, None, None, String::new()).await
}
