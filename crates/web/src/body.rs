//! Request bodies. axum's `Json` rejects bad input with plain-text messages; baoxiu wants a
//! 400 for a body that is not JSON and a 422 naming the field for anything else, and keeps
//! the raw bytes so an idempotent request can be fingerprinted.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

/// A parsed JSON body together with its raw bytes.
pub struct JsonBody<T> {
    pub value: T,
    pub raw: Bytes,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let RawBody(raw) = RawBody::from_request(req, state).await?;
        let value = parse(&raw)?;
        Ok(JsonBody { value, raw })
    }
}

/// The body's bytes, with a JSON error (413 over the limit) when they cannot be read.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(req, state).await.map(RawBody).map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else {
                ApiError::Malformed(format!("cannot read the body: {e}"))
            }
        })
    }
}

/// Parses a body; an empty body counts as `{}` so that commands without fields need none.
pub fn parse<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    let text = if raw.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        raw
    };
    let json: serde_json::Value = serde_json::from_slice(text)
        .map_err(|e| ApiError::Malformed(format!("the body is not valid JSON: {e}")))?;
    if !json.is_object() {
        return Err(ApiError::Malformed("the body must be a JSON object".into()));
    }
    serde_path_to_error::deserialize(json).map_err(|e| {
        let mut field = e.path().to_string();
        let message = e.inner().to_string();
        // serde reports a missing field at its parent; name the field itself.
        if let Some(name) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            field = if field == "." {
                name.to_string()
            } else {
                format!("{field}.{name}")
            };
        }
        if field == "." {
            field = unknown_field(&message).unwrap_or_else(|| "body".into());
        }
        ApiError::Invalid(baoxiu_domain::FieldError::new(field, message))
    })
}

fn unknown_field(message: &str) -> Option<String> {
    message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
        .map(str::to_string)
}
