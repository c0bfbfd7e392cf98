//! Signing in and out, and the language switch.

use super::i18n::Lang;
use super::session::{LANG_COOKIE, PageLang, SESSION_COOKIE, SESSION_DAYS, Viewer, set_cookie};
use super::{Layout, render, render_with};
use crate::App;
use crate::auth::{new_token, token_digest};
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use baoxiu_domain::{Session, Store};
use chrono::Duration;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    l: Layout,
    next: String,
    login: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only a path on this site is followed after signing in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_string(),
        // The home page sends each person to where their role starts.
        _ => "/".to_string(),
    }
}

pub async fn page(PageLang(tr): PageLang, Query(q): Query<Next>) -> Response {
    render(&SignInPage {
        l: Layout::public(tr, "signin.title", "/signin"),
        next: safe_next(q.next.as_deref()),
        login: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct SignInForm {
    login: String,
    password: String,
    next: Option<String>,
}

/// Checks the password (slowly, on purpose), then starts a session. Failures are counted
/// per account and per address and slow further tries (see `throttle`).
pub async fn submit<S: Store>(
    State(app): State<App<S>>,
    PageLang(tr): PageLang,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<SignInForm>,
) -> Response {
    let now = app.clock.now();
    let login = form.login.trim().to_lowercase();
    let keys = vec![format!("login:{login}"), format!("ip:{}", peer.ip())];
    let next = safe_next(form.next.as_deref());
    let again = |status: StatusCode, error: String| {
        render_with(
            status,
            &SignInPage {
                l: Layout::public(tr, "signin.title", "/signin"),
                next: next.clone(),
                login: form.login.clone(),
                error: Some(error),
            },
        )
    };
    if let Some(seconds) = app.pages.throttle.wait(&keys, now) {
        let seconds = seconds.to_string();
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            tr.f("signin.slowed", &[("seconds", &seconds)]),
        );
    }
    let account = match app.store.account_by_login(&login).await {
        Ok(account) => account,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    // An unknown login costs as much as a wrong password, so timing tells nothing.
    let stored = account
        .as_ref()
        .map_or(crate::password::dummy_hash(), |a| a.password_hash.as_str());
    let matches = crate::password::verify(&form.password, stored).await;
    let account = match account {
        Some(a) if matches && !a.disabled => a,
        _ => {
            app.pages.throttle.failed(&keys, now);
            return again(StatusCode::UNAUTHORIZED, tr.t("signin.wrong"));
        }
    };
    app.pages.throttle.succeeded(&keys[0]);
    let token = new_token();
    let session = Session {
        digest: token_digest(&token),
        tenant: account.tenant,
        person: account.person,
        csrf: new_token(),
        created_at: now,
        expires_at: now + Duration::days(SESSION_DAYS),
    };
    if let Err(e) = app.store.put_session(&session).await {
        return crate::error::ApiError::from(e).into_response();
    }
    let cookie = set_cookie(
        SESSION_COOKIE,
        &token,
        SESSION_DAYS * 86_400,
        app.pages.secure_cookies,
    );
    ([(SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
}

/// Ends the session (the form carries the CSRF token like every other).
pub async fn signout<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if !viewer.csrf_ok(form.get("_csrf").map(String::as_str)) {
        return super::forms::csrf_refused(&viewer);
    }
    if let Err(e) = app.store.delete_session(&viewer.session.digest).await {
        return crate::error::ApiError::from(e).into_response();
    }
    let cookie = set_cookie(SESSION_COOKIE, "", 0, app.pages.secure_cookies);
    ([(SET_COOKIE, cookie)], Redirect::to("/signin")).into_response()
}

#[derive(Deserialize)]
pub struct Switch {
    to: String,
    back: Option<String>,
}

/// The language switch on every page: remembers the choice for a year.
pub async fn switch_language(Query(q): Query<Switch>) -> Response {
    let lang = Lang::parse(&q.to).unwrap_or(Lang::ZhCn);
    let cookie = set_cookie(LANG_COOKIE, lang.code(), 365 * 86_400, false);
    (
        [(SET_COOKIE, cookie)],
        Redirect::to(&safe_next(q.back.as_deref())),
    )
        .into_response()
}
