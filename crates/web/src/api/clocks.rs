//! The clocks and their notices through the API: orders past a deadline, a person's inbox,
//! the organisation's deliveries (admins), and its calendar.

use crate::App;
use crate::auth::Caller;
use crate::clocks::CalendarChange;
use crate::dto::OrderSummary;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use baoxiu_domain::{Delivery, FieldError, InboxItem, OverdueQuery, Store, Visibility};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An order past a clock's deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueRow {
    pub order: OrderSummary,
    pub clock: String,
    /// The rule the clock keeps (`B12`).
    pub rule: String,
    pub deadline: DateTime<Utc>,
    pub late_by_seconds: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OverdueParams {
    /// One clock (`b12_unfinished`: the orders unfinished 24 hours after the report).
    pub clock: Option<String>,
    /// 1–200, default 100.
    pub limit: Option<u32>,
}

/// Orders past a clock's deadline whose clock still runs or waits, most late first.
#[utoipa::path(
    get, path = "/api/v1/overdue", tag = "clocks",
    params(OverdueParams),
    responses(
        (status = 200, description = "Late orders, most late first", body = Vec<OverdueRow>),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn overdue<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, tenant): Caller,
    Query(params): Query<OverdueParams>,
) -> ApiResult<Json<Vec<OverdueRow>>> {
    if !caller.role.sees_service_levels() {
        return Err(baoxiu_domain::Refusal::NotStaff { role: caller.role }.into());
    }
    let rows = app
        .overdue(
            &tenant,
            Visibility::of(&caller),
            params.clock,
            params.limit.unwrap_or(100),
        )
        .await?;
    Ok(Json(rows))
}

impl<S: Store> App<S> {
    /// Orders at or past a clock's deadline, as `visibility` may see them, most late first.
    pub(crate) async fn late(
        &self,
        tenant: &baoxiu_domain::Tenant,
        visibility: Visibility,
        clock: Option<String>,
        limit: u32,
    ) -> ApiResult<Vec<baoxiu_domain::Overdue>> {
        let query = OverdueQuery {
            clock,
            visibility,
            limit,
        };
        Ok(self.store.overdue(tenant.id, &query, self.clock.now()).await?)
    }

    /// Late orders as `visibility` may see them, for the API.
    pub(crate) async fn overdue(
        &self,
        tenant: &baoxiu_domain::Tenant,
        visibility: Visibility,
        clock: Option<String>,
        limit: u32,
    ) -> ApiResult<Vec<OverdueRow>> {
        let now = self.clock.now();
        let rows = self.late(tenant, visibility, clock, limit).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let rule = self
                    .clock_defs(tenant, row.order.details.template)
                    .iter()
                    .find(|d| d.id == row.clock)
                    .map_or_else(String::new, |d| d.rule.clone());
                OverdueRow {
                    order: OrderSummary::from(&row.order),
                    late_by_seconds: (now - row.deadline).num_seconds(),
                    clock: row.clock,
                    rule,
                    deadline: row.deadline,
                }
            })
            .collect())
    }
}

/// The caller's inbox, newest first.
#[utoipa::path(
    get, path = "/api/v1/inbox", tag = "clocks",
    responses(
        (status = 200, description = "Notices, newest first", body = Vec<InboxItem>),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn inbox<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, _): Caller,
) -> ApiResult<Json<Vec<InboxItem>>> {
    Ok(Json(app.store.inbox(caller.tenant, caller.id, 100).await?))
}

/// Marks a notice of the caller's inbox read.
#[utoipa::path(
    post, path = "/api/v1/inbox/{id}/read", tag = "clocks",
    params(("id" = String, Path, description = "The notice's id")),
    responses(
        (status = 204, description = "Read"),
        (status = 404, description = "No such notice in the caller's inbox", body = ErrorBody),
    )
)]
pub async fn read<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, _): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::http::StatusCode> {
    let id: uuid::Uuid = id.parse().map_err(|_| ApiError::NotFound("notice"))?;
    match app
        .store
        .mark_read(caller.tenant, caller.id, id, app.clock.now())
        .await?
    {
        true => Ok(axum::http::StatusCode::NO_CONTENT),
        false => Err(ApiError::NotFound("notice")),
    }
}

fn admin_only(caller: &baoxiu_domain::Person) -> ApiResult<()> {
    match caller.role.manages_people() {
        true => Ok(()),
        false => Err(baoxiu_domain::Refusal::NotAdmin { role: caller.role }.into()),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeliveryParams {
    /// Only the dead-letter list: messages given up after their last retry.
    pub dead: Option<bool>,
}

/// The organisation's outbox (admins): every message with its attempts, newest first.
#[utoipa::path(
    get, path = "/api/v1/deliveries", tag = "clocks",
    params(DeliveryParams),
    responses(
        (status = 200, description = "Messages and how their delivery went", body = Vec<Delivery>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn deliveries<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, _): Caller,
    Query(params): Query<DeliveryParams>,
) -> ApiResult<Json<Vec<Delivery>>> {
    admin_only(&caller)?;
    Ok(Json(
        app.store
            .deliveries(caller.tenant, params.dead.unwrap_or(false), 200)
            .await?,
    ))
}

/// Puts a dead message back in the outbox, to be delivered on the next step (admins).
#[utoipa::path(
    post, path = "/api/v1/deliveries/{id}/replay", tag = "clocks",
    params(("id" = String, Path, description = "The message's id")),
    responses(
        (status = 204, description = "Queued again"),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such dead message", body = ErrorBody),
    )
)]
pub async fn replay<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, _): Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::http::StatusCode> {
    admin_only(&caller)?;
    let id: uuid::Uuid = id.parse().map_err(|_| ApiError::NotFound("message"))?;
    match app
        .store
        .replay_delivery(caller.tenant, id, app.clock.now())
        .await?
    {
        true => Ok(axum::http::StatusCode::NO_CONTENT),
        false => Err(ApiError::NotFound("message")),
    }
}

/// The organisation's business calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarView {
    pub time_zone: String,
    /// Working periods of a working day, `09:00–12:00`.
    pub periods: Vec<String>,
    /// The years whose public holidays and make-up days are known.
    pub years: Vec<i32>,
}

#[utoipa::path(
    get, path = "/api/v1/calendar", tag = "clocks",
    responses((status = 200, description = "The calendar", body = CalendarView))
)]
pub async fn calendar<S: Store>(
    State(app): State<App<S>>,
    Caller(_, tenant): Caller,
) -> ApiResult<Json<CalendarView>> {
    let calendar = app.calendar(&tenant).await?;
    Ok(Json(CalendarView {
        time_zone: tenant.time_zone.clone(),
        periods: calendar
            .periods
            .iter()
            .map(|(a, b)| format!("{}–{}", a.format("%H:%M"), b.format("%H:%M")))
            .collect(),
        years: calendar.years.iter().copied().collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearBody {
    /// The file: a year's (`year`, `holidays` as first and last day of each, `workdays` 调休)
    /// or the working week's (`periods` such as `[["09:00", "12:00"]]`, `weekdays` 1–7).
    pub file: String,
}

/// Adds or replaces a year of holidays and make-up working days (admins).
#[utoipa::path(
    post, path = "/api/v1/calendar/years", tag = "clocks",
    request_body = YearBody,
    responses(
        (status = 200, description = "The calendar with the year", body = CalendarView),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "The file cannot be used (the field is named)", body = ErrorBody),
    )
)]
pub async fn add_year<S: Store>(
    State(app): State<App<S>>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<Json<CalendarView>> {
    change(app, caller, &body, CalendarChange::Year).await
}

/// Sets the organisation's working week (admins): its working hours with breaks and the
/// days worked. Working-time clocks count on it from now on.
#[utoipa::path(
    put, path = "/api/v1/calendar/week", tag = "clocks",
    request_body = YearBody,
    responses(
        (status = 200, description = "The calendar with the week", body = CalendarView),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "The file cannot be used (the field is named)", body = ErrorBody),
    )
)]
pub async fn set_week<S: Store>(
    State(app): State<App<S>>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<Json<CalendarView>> {
    change(app, caller, &body, CalendarChange::Week).await
}

async fn change<S: Store>(
    app: App<S>,
    caller: Caller,
    body: &[u8],
    what: CalendarChange,
) -> ApiResult<Json<CalendarView>> {
    admin_only(&caller.0)?;
    let body: YearBody = crate::body::parse(body)?;
    if body.file.len() > 64 * 1024 {
        return Err(FieldError::new("file", "must be at most 64 KiB").into());
    }
    app.change_calendar(&caller.1, what, &body.file).await?;
    app.reschedule_later(&caller.1);
    calendar(State(app), caller).await
}
