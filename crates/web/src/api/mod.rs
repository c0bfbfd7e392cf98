//! The JSON API: one router and the OpenAPI document that describes it.

mod clocks;
mod commands;
mod files;
mod orders;

use commands::CommandPaths;
pub(crate) use commands::parse_command;
pub(crate) use files::{BODY_LIMIT, image_response, photo};
pub(crate) use orders::create_from;

use crate::App;
use crate::dto;
use crate::error::{ErrorBody, ErrorDetail};
use axum::routing::{get, post};
use axum::{Json, Router};
use baoxiu_domain::Store;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub fn router<S: Store>() -> Router<App<S>> {
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/v1/orders", post(orders::create::<S>).get(orders::list::<S>))
        .route("/api/v1/orders/{id}", get(orders::show::<S>))
        .route(
            "/api/v1/orders/{id}/attachments/{file}",
            get(files::download::<S>),
        )
        .route(
            "/api/v1/uploads",
            post(files::upload::<S>).layer(axum::extract::DefaultBodyLimit::max(files::BODY_LIMIT)),
        )
        .route("/api/v1/overdue", get(clocks::overdue::<S>))
        .route("/api/v1/inbox", get(clocks::inbox::<S>))
        .route("/api/v1/inbox/{id}/read", post(clocks::read::<S>))
        .route("/api/v1/deliveries", get(clocks::deliveries::<S>))
        .route("/api/v1/deliveries/{id}/replay", post(clocks::replay::<S>))
        .route("/api/v1/calendar", get(clocks::calendar::<S>))
        .route("/api/v1/calendar/years", post(clocks::add_year::<S>))
        .route("/api/v1/calendar/week", axum::routing::put(clocks::set_week::<S>))
        .merge(commands::router())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "baoxiu 报修 API",
        description = "Repair requests and work orders. Every request but this document needs \
                       `Authorization: Bearer <token>` (`baoxiu token --db FILE --role ROLE`). \
                       Any POST may carry an `Idempotency-Key`: the same key with the same body \
                       returns the first response and has one effect; with another body it is a \
                       422. Errors are `{\"error\": {\"code\", \"message\", \"field\"}}`."
    ),
    paths(
        orders::create,
        orders::list,
        orders::show,
        files::upload,
        files::download,
        clocks::overdue,
        clocks::inbox,
        clocks::read,
        clocks::deliveries,
        clocks::replay,
        clocks::calendar,
        clocks::add_year,
        clocks::set_week,
    ),
    components(schemas(
        ErrorBody, ErrorDetail, dto::OrderView, dto::OrderList, baoxiu_domain::EventRecord,
        commands::Empty, commands::StationBody, commands::AssignBody, commands::ContactBody,
        commands::CommitBody, commands::PartsBody, commands::NoteBody, commands::RequiredNoteBody, commands::ReprioritizeBody, commands::PlanBody, commands::AccountBody, commands::TriageBody, commands::CrewReportInput, commands::FileSlipBody, commands::ApprovalBody, commands::ComplexityBody, commands::ShipBody, commands::ReasonBody, commands::QuoteBody, commands::VendorBody, commands::PenaltyBody, commands::ChargeInput, commands::SignerBody, commands::MaterialBody, commands::AmountBody,
        commands::ArriveBody, commands::ResolveBody, commands::PhoneBody, commands::CallbackBody,
        commands::CancelBody, commands::AttachBody, commands::RemoveAttachmentBody,
        baoxiu_domain::Attachment, baoxiu_domain::AttachedFile, baoxiu_domain::Removal,
        crate::clocks::ClockView, clocks::OverdueRow, clocks::CalendarView, clocks::YearBody,
        baoxiu_domain::Notice, baoxiu_domain::InboxItem, baoxiu_domain::Delivery, baoxiu_domain::DeliveryState,
        baoxiu_domain::sla::NotifyChannel,
    )),
    modifiers(&BearerAuth, &CommandPaths),
    security(("bearer" = [])),
    tags(
        (name = "orders", description = "Create, list and read work orders"),
        (name = "commands", description = "One state-machine command per endpoint"),
        (name = "clocks", description = "Service levels: late orders, the inbox, deliveries, the calendar"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3 document, generated from the handlers and types in this crate.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
