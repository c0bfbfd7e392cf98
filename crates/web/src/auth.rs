//! Bearer tokens. A token is 32 random bytes shown once; only its SHA-256 digest is stored,
//! so a leaked database does not leak working tokens.

use crate::App;
use crate::error::ApiError;
use crate::service::hex;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use baoxiu_domain::{ApiToken, Person, Store, StoreError, Tenant, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A new random token (prefixed so it is recognisable in configuration files).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("bx_{}", hex(&bytes))
}

pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Makes a new API token for `person`, stores its digest with `label`, and returns the
/// token: the only time it is seen.
pub async fn issue_token<S: Store>(
    store: &S,
    person: &Person,
    label: &str,
    now: Timestamp,
) -> Result<String, StoreError> {
    let token = new_token();
    let digest = token_digest(&token);
    let record = ApiToken {
        id: digest[..TOKEN_ID_LEN].to_string(),
        tenant: person.tenant,
        person: person.id,
        label: label.to_string(),
        created_at: now,
        revoked_at: None,
    };
    store.put_token(&digest, &record).await?;
    Ok(token)
}

/// Characters of a token's digest that name it in lists.
pub const TOKEN_ID_LEN: usize = 12;

/// How long a resolved token is trusted without asking the store again. A revocation or a
/// disabled account clears the cache of the server that made it, so it takes effect at
/// once there; another server sharing the database may honour the token until its entry
/// is this old.
const TOKEN_TTL: Duration = Duration::from_secs(60);
/// Bound on cached tokens; past it the cache is cleared rather than grown.
const TOKEN_CACHE_MAX: usize = 10_000;

/// Tokens already resolved to people: saves a database read on every request.
#[derive(Clone, Default)]
pub struct TokenCache(Arc<Mutex<HashMap<String, (Caller, Instant)>>>);

impl TokenCache {
    fn get(&self, digest: &str) -> Option<Caller> {
        let cache = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .get(digest)
            .filter(|(_, at)| at.elapsed() < TOKEN_TTL)
            .map(|(caller, _)| caller.clone())
    }

    pub fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    fn put(&self, digest: String, caller: Caller) {
        let mut cache = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cache.len() >= TOKEN_CACHE_MAX {
            cache.clear();
        }
        cache.insert(digest, (caller, Instant::now()));
    }
}

/// The authenticated person making the request, and their organisation.
#[derive(Clone)]
pub struct Caller(pub Person, pub Arc<Tenant>);

impl<S: Store> FromRequestParts<App<S>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App<S>) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            // The scheme is case-insensitive (RFC 9110).
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthenticated)?;
        let digest = token_digest(token);
        if let Some(caller) = app.tokens.get(&digest) {
            return Ok(caller);
        }
        let person = app
            .store
            .person_by_token(&digest)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let tenant = app
            .store
            .tenant(person.tenant)
            .await?
            .ok_or_else(|| ApiError::Internal(format!("person {} has no organisation", person.id)))?;
        let caller = Caller(person, Arc::new(tenant));
        app.tokens.put(digest, caller.clone());
        Ok(caller)
    }
}
