//! Signing in: accounts, sessions and API tokens. The domain keeps only what is stored;
//! hashing passwords and drawing random tokens belong to the server.

use crate::Timestamp;
use crate::ids::{PersonId, TenantId};
use crate::values::{FieldError, text};
use serde::{Deserialize, Serialize};

/// How a person signs in: a login name (or their phone) and a password. Login names and
/// phones are unique across the installation, so the sign-in page needs no organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub tenant: TenantId,
    pub person: PersonId,
    pub login: Login,
    pub phone: Option<String>,
    /// An argon2id PHC string; never the password.
    pub password_hash: String,
    /// A disabled account cannot sign in; disabling it also ends its sessions and revokes
    /// its tokens.
    pub disabled: bool,
}

/// A login name: 2–40 characters of letters, digits, `.`, `_` or `-`, kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Login(String);

impl Login {
    pub fn parse(field: &str, raw: &str) -> Result<Login, FieldError> {
        let login = text(field, raw, 40)?.to_lowercase();
        let valid = login.chars().count() >= 2
            && login
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !valid {
            return Err(FieldError::new(
                field,
                "must be 2–40 letters, digits, dots, dashes or underscores",
            ));
        }
        Ok(Login(login))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A signed-in browser. The cookie holds a random token; only its digest is stored, so a
/// leaked database opens no session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub digest: String,
    pub tenant: TenantId,
    pub person: PersonId,
    /// The token every form of this session carries (CSRF).
    pub csrf: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// An API token as an admin sees it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// The first characters of the digest: enough to tell tokens apart and revoke one.
    pub id: String,
    pub tenant: TenantId,
    pub person: PersonId,
    pub label: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}
