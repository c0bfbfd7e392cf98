//! Bearer tokens. A token is 32 random bytes shown once; only its SHA-256 digest is stored,
//! so a leaked database does not leak working tokens.

use crate::error::ApiError;
use crate::service::hex;
use crate::App;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use baoxiu_domain::{Person, Store};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random token (prefixed so it is recognisable in configuration files).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("bx_{}", hex(&bytes))
}

pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The authenticated person making the request.
pub struct Caller(pub Person);

impl<S: Store> FromRequestParts<App<S>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App<S>) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthenticated)?;
        let person = app
            .store
            .person_by_token(&token_digest(token))
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Caller(person))
    }
}
