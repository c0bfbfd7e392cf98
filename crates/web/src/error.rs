//! The one error type of the HTTP layer and its mapping to responses.
//!
//! Which to use where:
//! - the body is not JSON at all, or not an object: [`ApiError::Malformed`] (400);
//! - a field is missing, of the wrong type or invalid: [`ApiError::Invalid`] (422, naming it);
//! - no or unknown token: [`ApiError::Unauthenticated`] (401);
//! - the domain refused the command: [`ApiError::Refused`] (403 who, 422 input, 409 state);
//! - lost a race on the order's version: [`ApiError::VersionConflict`] (409);
//! - no such route, method or command: [`ApiError::NotFound`], [`ApiError::MethodNotAllowed`],
//!   [`ApiError::UnknownCommand`]; a body over the limit: [`ApiError::TooLarge`];
//! - the store failed while writing and rolled back: [`ApiError::WriteFailed`] (503, safe
//!   to retry);
//! - anything unexpected: [`ApiError::Internal`] (500; logged in full, shown as a bare
//!   "internal error").

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{FieldError, Refusal, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Malformed(String),
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("a valid bearer token is required")]
    Unauthenticated,
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("no command `{0}`; the commands are: {1}")]
    UnknownCommand(String, String),
    #[error("this path does not take that method")]
    MethodNotAllowed,
    #[error("the body is larger than the server accepts")]
    TooLarge,
    #[error("the order was changed by someone else; reload and try again")]
    VersionConflict,
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    /// A write failed inside the store and was rolled back; the client may retry.
    #[error("the write was not saved because the store failed while writing it; it is safe to retry")]
    WriteFailed(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The error body: `{"error": {"code", "message", "field"}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid`, `already_claimed`, `wrong_code`.
    pub code: String,
    pub message: String,
    /// The input field at fault, as a JSON path (`customer.phone`), when there is one.
    pub field: Option<String>,
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict => ApiError::VersionConflict,
            StoreError::IdempotencyKeyReused => ApiError::IdempotencyKeyReused,
            StoreError::WriteFailed(detail) => ApiError::WriteFailed(detail),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

fn refusal_status(r: &Refusal) -> StatusCode {
    match r {
        Refusal::NotPermitted { .. }
        | Refusal::NotPermittedToCreate { .. }
        | Refusal::NotAdmin { .. }
        | Refusal::NotStaff { .. }
        | Refusal::NotAssignee
        | Refusal::OtherStation
        | Refusal::NotRequester { .. }
        | Refusal::OffPriceList
        | Refusal::SelfApproval
        | Refusal::ReinspectionSignOff
        | Refusal::NotRecorder
        | Refusal::NotReporter
        | Refusal::NotNextApprover { .. }
        | Refusal::SupervisorArchives
        | Refusal::NotYourFirm => StatusCode::FORBIDDEN,
        Refusal::SubSiteDispatch
        | Refusal::NotASubSite
        | Refusal::NotATechnician(_)
        | Refusal::Missing { .. }
        | Refusal::CommitmentInPast
        | Refusal::CodeRequired
        | Refusal::WrongCode { .. }
        | Refusal::DeskNoteRequired
        | Refusal::SignatureRequired
        | Refusal::TemplateNotOffered { .. }
        | Refusal::StationOrderIsCarryIn
        | Refusal::NoSuchAttachment
        | Refusal::RestorationOutOfRange
        | Refusal::AmountMismatch { .. }
        | Refusal::NotListPrice
        | Refusal::SlipUnsigned
        | Refusal::SlipSigner
        | Refusal::CallerNotQualified
        | Refusal::NoSlips
        | Refusal::NoSuchApproval
        | Refusal::SignOffPosition
        | Refusal::NotInTemplate { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Refusal::InvalidState { .. }
        | Refusal::AlreadyClaimed
        | Refusal::CommitmentLimit
        | Refusal::CodeLocked
        | Refusal::SolvedByPhone
        | Refusal::CancellationPending
        | Refusal::NoCancellationPending
        | Refusal::NotDispatched
        | Refusal::UnreachableTooEarly { .. }
        | Refusal::IntakeIncomplete
        | Refusal::AccountFirst
        | Refusal::AlreadyRecorded { .. }
        | Refusal::AwaitingInstruction
        | Refusal::ComplexityFirst
        | Refusal::SupervisorAbsent
        | Refusal::Superseded
        | Refusal::NoPartsHere
        | Refusal::ReportFirst
        | Refusal::OutsourcingNotApproved
        | Refusal::NotApproved
        | Refusal::NotOutsourced
        | Refusal::ChargesNotAccepted
        | Refusal::NoCharges
        | Refusal::PlanNotApproved
        | Refusal::CrewNotDispatched
        | Refusal::ApprovalPending
        | Refusal::NoApprovalPending
        | Refusal::NotYetCancellable => StatusCode::CONFLICT,
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) | ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Refused(r) => refusal_status(r),
            ApiError::NotFound(_) | ApiError::UnknownCommand(..) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::VersionConflict => StatusCode::CONFLICT,
            ApiError::WriteFailed(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let (code, field) = match self {
            ApiError::Malformed(_) => ("malformed", None),
            ApiError::Invalid(e) => ("invalid", Some(e.field.clone())),
            ApiError::Unauthenticated => ("unauthenticated", None),
            ApiError::Refused(r) => (r.code(), r.field().map(str::to_string)),
            ApiError::NotFound(_) | ApiError::UnknownCommand(..) => ("not_found", None),
            ApiError::MethodNotAllowed => ("method_not_allowed", None),
            ApiError::TooLarge => ("too_large", None),
            ApiError::VersionConflict => ("version_conflict", None),
            ApiError::IdempotencyKeyReused => ("idempotency_key_reused", Some("Idempotency-Key".into())),
            ApiError::WriteFailed(_) => ("write_failed", None),
            ApiError::Internal(_) => ("internal", None),
        };
        let message = match self {
            ApiError::Internal(_) => "internal error".to_string(),
            other => other.to_string(),
        };
        ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message,
                field,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) | ApiError::WriteFailed(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if matches!(self, ApiError::Unauthenticated) {
            response
                .headers_mut()
                .insert("www-authenticate", axum::http::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
