//! `POST /api/v1/uploads` (a photo's bytes) and
//! `GET /api/v1/orders/{id}/attachments/{file}` (a photo of an order).

use super::orders::order_id;
use crate::App;
use crate::auth::Caller;
use crate::body::RawBody;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{Attachment, AttachmentId, MAX_ATTACHMENT_BYTES, Store, Visibility, WorkOrder};
use serde::Deserialize;

/// A little over the largest file, so the check names the size rather than the framing.
pub(crate) const BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

#[derive(Deserialize)]
pub struct Named {
    name: Option<String>,
}

/// Upload a photo (JPEG, PNG or WebP, at most 8 MiB) as the request body; attach it to an
/// order with the `attach` command.
#[utoipa::path(
    post, path = "/api/v1/uploads", tag = "orders",
    params(("name" = Option<String>, Query, description = "The file's name, for people")),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The image's bytes"),
    responses(
        (status = 201, description = "Kept; attach it with `attach`", body = Attachment),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 413, description = "Larger than 8 MiB", body = ErrorBody),
        (status = 422, description = "Not a JPEG, PNG or WebP image (`file`)", body = ErrorBody),
    )
)]
pub async fn upload<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, _): Caller,
    Query(q): Query<Named>,
    RawBody(raw): RawBody,
) -> ApiResult<Response> {
    let upload = app.upload(&caller, &raw, q.name.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(upload.attachment)).into_response())
}

/// The photo if it is on an order the person may see and was not removed.
pub(crate) async fn photo<S: Store>(
    app: &App<S>,
    person: &baoxiu_domain::Person,
    order: &str,
    file: &str,
) -> ApiResult<(Attachment, Vec<u8>)> {
    let order_id = order_id(order)?;
    let file: AttachmentId = file.parse().map_err(|_| ApiError::NotFound("file"))?;
    let order: WorkOrder = app
        .store
        .order(person.tenant, order_id)
        .await?
        .filter(|o| Visibility::of(person).allows(o))
        .ok_or(ApiError::NotFound("order"))?;
    let attachment = order
        .photos()
        .find(|f| f.attachment.id == file)
        .map(|f| f.attachment.clone())
        .ok_or(ApiError::NotFound("file"))?;
    let bytes = app
        .store
        .file(person.tenant, file)
        .await?
        .ok_or(ApiError::NotFound("file"))?;
    Ok((attachment, bytes))
}

/// The bytes of a photo, answered with its image type; never guessed by the browser.
pub(crate) fn image_response(attachment: &Attachment, bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, attachment.image.content_type()),
            (CACHE_CONTROL, "private, max-age=86400"),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response()
}

/// A photo of an order.
#[utoipa::path(
    get, path = "/api/v1/orders/{id}/attachments/{file}", tag = "orders",
    params(("id" = String, Path, description = "Order id"), ("file" = String, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The image", content_type = "image/jpeg"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such order or file for you", body = ErrorBody),
    )
)]
pub async fn download<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, _): Caller,
    Path((order, file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (attachment, bytes) = photo(&app, &caller, &order, &file).await?;
    Ok(image_response(&attachment, bytes))
}
