//! Passwords: argon2id with the crate's default cost (19 MiB, two passes), slow on purpose.
//! Hashing runs on the blocking pool so a sign-in never stalls other requests.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// The shortest password accepted.
pub const MIN_LEN: usize = 8;

/// Checks a new password's length; the message names the field.
pub fn check(field: &str, password: &str) -> Result<(), baoxiu_domain::FieldError> {
    if password.chars().count() < MIN_LEN {
        return Err(baoxiu_domain::FieldError::new(
            field,
            format!("must be at least {MIN_LEN} characters"),
        ));
    }
    Ok(())
}

/// The PHC string (`$argon2id$v=19$…`) of `password` with a fresh random salt.
pub async fn hash(password: &str) -> Result<String, String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| format!("cannot hash the password: {e}"))
    })
    .await
    .map_err(|e| format!("the hashing task failed: {e}"))?
}

/// A hash of no one's password, checked when a login is unknown so that a wrong login
/// takes as long to refuse as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        Argon2::default()
            .hash_password(b"no account has this password")
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    &DUMMY
}

/// Whether `password` matches the stored PHC string. A malformed hash matches nothing.
pub async fn verify(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_string(), stored.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = super::hash("correct horse").await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("correct horse", &stored).await);
        assert!(!super::verify("wrong horse", &stored).await);
        assert!(!super::verify("correct horse", "not a hash").await);
    }
}
