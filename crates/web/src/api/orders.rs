//! `POST /api/v1/orders`, `GET /api/v1/orders`, `GET /api/v1/orders/{id}`.

use crate::App;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::dto::{self, CreateOrder, OrderList, OrderSummary, OrderView};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::service::Idempotency;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{
    FieldError, OrderId, OrderQuery, Person, Role, State as OrderState, Store, Template, Visibility,
};
use std::collections::HashMap;

/// Turns a service reply into an HTTP response.
pub(crate) fn respond(reply: crate::service::Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        reply.body,
    )
        .into_response()
}

pub(crate) fn idempotency(headers: &HeaderMap, path: &str, raw: &[u8]) -> ApiResult<Option<Idempotency>> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v
                .to_str()
                .map_err(|_| FieldError::new("Idempotency-Key", "must be visible ASCII"))?;
            Idempotency::new(key, "POST", path, raw).map(Some)
        }
    }
}

/// An order id from the path; anything that is not one names no order.
pub(crate) fn order_id(raw: &str) -> ApiResult<OrderId> {
    raw.parse().map_err(|_| ApiError::NotFound("order"))
}

/// Report a fault: create a work order.
#[utoipa::path(
    post, path = "/api/v1/orders", tag = "orders",
    request_body = CreateOrder,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Created", body = OrderView),
        (status = 400, description = "Not JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "This role may not create orders", body = ErrorBody),
        (status = 422, description = "A field is invalid (named in `error.field`)", body = ErrorBody),
    )
)]
pub async fn create<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, tenant): Caller,
    headers: HeaderMap,
    body: JsonBody<CreateOrder>,
) -> ApiResult<Response> {
    let idem = idempotency(&headers, "/api/v1/orders", &body.raw)?;
    create_from(&app, &caller, &tenant, body.value, idem.as_ref())
        .await
        .map(respond)
}

/// Creates an order from a create request, as the API and the desk's intake page both do:
/// looks up the station and technician it names, then lets the domain decide.
pub(crate) async fn create_from<S: Store>(
    app: &App<S>,
    caller: &Person,
    tenant: &baoxiu_domain::Tenant,
    input: CreateOrder,
    idem: Option<&Idempotency>,
) -> ApiResult<crate::service::Reply> {
    // Station staff record orders for their own station unless they name it (A16, B02).
    let station_id = input.station_id.or_else(|| match caller.role {
        Role::Coordinator | Role::TeamLead => caller.station.map(|s| s.as_uuid()),
        _ => None,
    });
    let station = match station_id {
        None => None,
        Some(id) => Some(lookup_station(app, caller, id).await?),
    };
    let technician = match input.technician_id {
        None => None,
        Some(id) => Some(lookup_person(app, caller, id, "technician_id").await?.to_ref()),
    };
    let new = input.into_new_order(tenant, &caller.to_ref(), station, technician)?;
    app.create_order(caller, tenant, new, idem).await
}

/// The station a request names (`station_id`), in the caller's organisation.
pub(crate) async fn lookup_station<S: Store>(
    app: &App<S>,
    caller: &Person,
    id: uuid::Uuid,
) -> ApiResult<baoxiu_domain::StationRef> {
    let station = app
        .store
        .station(caller.tenant, baoxiu_domain::StationId(id))
        .await?;
    Ok(station
        .ok_or_else(|| FieldError::new("station_id", "no such station"))?
        .to_ref())
}

pub(crate) async fn lookup_person<S: Store>(
    app: &App<S>,
    caller: &Person,
    id: uuid::Uuid,
    field: &'static str,
) -> ApiResult<Person> {
    app.store
        .person(caller.tenant, baoxiu_domain::PersonId(id))
        .await?
        .ok_or_else(|| FieldError::new(field, "no such person").into())
}

/// List orders, newest first, with filters and cursor pagination.
#[utoipa::path(
    get, path = "/api/v1/orders", tag = "orders",
    params(
        ("state" = Option<OrderState>, Query, description = "Only orders in this state"),
        ("template" = Option<Template>, Query, description = "Only orders of this template"),
        ("station_id" = Option<String>, Query, description = "Only orders at this station"),
        ("assignee_id" = Option<String>, Query, description = "Only orders assigned to this person"),
        ("text" = Option<String>, Query, description = "Search description, customer, phone, address, serial"),
        ("after" = Option<String>, Query, description = "The `next` of the previous page"),
        ("limit" = Option<u32>, Query, description = "Page size, 1–200 (default 50)"),
    ),
    responses(
        (status = 200, description = "A page of orders", body = OrderList),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 422, description = "A filter is invalid (named in `error.field`)", body = ErrorBody),
    )
)]
pub async fn list<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, _): Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<OrderList>> {
    let query = parse_query(&params, &caller)?;
    let page = app.store.list(caller.tenant, &query).await?;
    Ok(Json(OrderList {
        orders: page.orders.iter().map(OrderSummary::from).collect(),
        next: page.next.map(|id| id.to_string()),
    }))
}

fn parse_query(params: &HashMap<String, String>, caller: &Person) -> ApiResult<OrderQuery> {
    fn bad(field: &str, message: &str) -> ApiError {
        FieldError::new(field, message).into()
    }
    let mut q = OrderQuery {
        limit: 50,
        ..OrderQuery::default()
    };
    for (key, value) in params {
        match key.as_str() {
            "state" => q.state = Some(OrderState::parse(value).ok_or_else(|| bad("state", "unknown state"))?),
            "template" => {
                q.template = Some(Template::parse(value).ok_or_else(|| bad("template", "unknown template"))?)
            }
            "station_id" => q.station = Some(value.parse().map_err(|_| bad("station_id", "must be a UUID"))?),
            "assignee_id" => {
                q.assignee = Some(value.parse().map_err(|_| bad("assignee_id", "must be a UUID"))?)
            }
            "text" => q.text = Some(value.trim().to_string()).filter(|t| !t.is_empty()),
            "after" => {
                q.after = Some(
                    value
                        .parse()
                        .map_err(|_| bad("after", "must be a `next` value"))?,
                )
            }
            "limit" => {
                q.limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=200).contains(n))
                    .ok_or_else(|| bad("limit", "must be 1 to 200"))?
            }
            other => return Err(bad(other, "unknown filter")),
        }
    }
    // Data scope (X06): the domain says who sees what.
    q.visibility = Visibility::of(caller);
    Ok(q)
}

/// One order with its full history (X05).
#[utoipa::path(
    get, path = "/api/v1/orders/{id}", tag = "orders",
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order and its history", body = OrderView),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such order in your organisation", body = ErrorBody),
    )
)]
pub async fn show<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, tenant): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<OrderView>> {
    let id = order_id(&id)?;
    let order = app
        .store
        .order(caller.tenant, id)
        .await?
        .filter(|o| Visibility::of(&caller).allows(o))
        .ok_or(ApiError::NotFound("order"))?;
    let mut history = app.store.history(caller.tenant, id).await?;
    if !caller.role.sees_service_levels() {
        history.retain(|r| !r.event.is_escalation());
    }
    let mut view = OrderView::new(&order, caller.role);
    if caller.role.sees_service_levels() {
        view.clocks = app.clock_views(&tenant, &order).await?;
    }
    let shows_code = dto::sees_code(caller.role, &order);
    view.history = Some(
        history
            .iter()
            .map(|record| {
                let mut value =
                    serde_json::to_value(record).map_err(|e| ApiError::Internal(e.to_string()))?;
                if let Some(event) = value
                    .get_mut("event")
                    .and_then(|e| e.as_object_mut())
                    .filter(|_| !shows_code)
                {
                    event.remove("code");
                }
                Ok(value)
            })
            .collect::<ApiResult<_>>()?,
    );
    Ok(Json(view))
}
