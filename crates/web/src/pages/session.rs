//! Who is looking at a page: the session cookie, the person and organisation behind it,
//! their language; and the CSRF token every form of the session carries.

use super::i18n::{Lang, Tr};
use crate::App;
use crate::auth::token_digest;
use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use baoxiu_domain::{Actor, Person, Session, Store, Tenant};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "bx_session";
pub const LANG_COOKIE: &str = "bx_lang";
/// How long a session lasts: a week, so a technician is not signed out mid-shift.
pub const SESSION_DAYS: i64 = 7;

/// The value of cookie `name` in the request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when served over TLS.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

/// The reader's language, whether signed in or not.
pub struct PageLang(pub Tr);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let accept = parts.headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        Ok(PageLang(Tr::new(Lang::negotiate(
            cookie(parts, LANG_COOKIE),
            accept,
        ))))
    }
}

/// A signed-in person looking at a page.
#[derive(Clone)]
pub struct Viewer {
    pub person: Person,
    pub tenant: Arc<Tenant>,
    pub session: Session,
    pub tr: Tr,
    /// The path and query asked for, to come back to after a form.
    pub here: String,
    /// A19, B24: the organisation decides requests to change itself (its templates, its own
    /// files included, set a chain for coverage or the price list).
    pub org_requests: bool,
}

impl Viewer {
    pub fn actor(&self) -> Actor {
        self.person.actor()
    }

    /// Whether a posted form carries this session's CSRF token.
    pub fn csrf_ok(&self, sent: Option<&str>) -> bool {
        sent.is_some_and(|sent| constant_time_eq(sent.as_bytes(), self.session.csrf.as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Not signed in: go to the sign-in page and come back here afterwards.
pub struct SignInFirst(String);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        let next = super::url_encode(&self.0);
        Redirect::to(&format!("/signin?next={next}")).into_response()
    }
}

impl<S: Store> FromRequestParts<App<S>> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App<S>) -> Result<Self, Self::Rejection> {
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let PageLang(tr) = PageLang::from_request_parts(parts, app)
            .await
            .unwrap_or_else(|e| match e {});
        let Some(token) = cookie(parts, SESSION_COOKIE) else {
            return Err(SignInFirst(here).into_response());
        };
        let lookup = async {
            let Some(session) = app.store.session(&token_digest(token), app.clock.now()).await? else {
                return Ok(None);
            };
            let person = app.store.person(session.tenant, session.person).await?;
            let tenant = app.store.tenant(session.tenant).await?;
            Ok::<_, baoxiu_domain::StoreError>(person.zip(tenant).map(|(p, t)| (session, p, t)))
        };
        match lookup.await {
            Ok(Some((session, person, tenant))) => Ok(Viewer {
                org_requests: [
                    baoxiu_domain::ApprovalKind::Coverage,
                    baoxiu_domain::ApprovalKind::PriceList,
                ]
                .into_iter()
                .any(|kind| app.org_chain(&tenant, kind).is_some()),
                person,
                tenant: Arc::new(tenant),
                session,
                tr,
                here,
            }),
            Ok(None) => Err(SignInFirst(here).into_response()),
            Err(e) => Err(crate::error::ApiError::from(e).into_response()),
        }
    }
}
