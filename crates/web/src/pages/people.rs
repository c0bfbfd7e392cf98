//! The people page, for admins: add people with a sign-in, set passwords, disable
//! accounts, issue and revoke API tokens. A revoked token and a disabled account are
//! refused on the very next request.

use super::forms::{Posted, csrf_refused};
use super::orders::Choice;
use super::{Layout, Viewer, not_found, render, render_with};
use crate::App;
use crate::error::ApiError;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use baoxiu_domain::{Account, FieldError, Login, Person, PersonId, Role, StationId, Store, StoreError, text};

pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub station: String,
    pub login: String,
    pub phone: String,
    pub has_account: bool,
    pub disabled: bool,
}

pub struct TokenRow {
    pub id: String,
    pub label: String,
    pub person: String,
    pub created: String,
    pub revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    l: Layout,
    people: Vec<PersonRow>,
    tokens: Vec<TokenRow>,
    roles: Vec<Choice>,
    stations: Vec<Choice>,
    notice: Option<String>,
    /// A token just issued: shown this once.
    token: Option<String>,
    error: Option<String>,
}

async fn build<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    notice: Option<String>,
    token: Option<String>,
    error: Option<String>,
) -> Result<PeoplePage, ApiError> {
    let tr = viewer.tr;
    let tenant = viewer.tenant.id;
    let l = Layout::new(viewer, tr.t("people.title"));
    let stations = app.store.stations(tenant).await?;
    let accounts = app.store.accounts(tenant).await?;
    let people = app.store.people(tenant).await?;
    let name_of = |id: PersonId| {
        people
            .iter()
            .find(|p| p.id == id)
            .map_or_else(String::new, |p| p.name.clone())
    };
    let rows = people
        .iter()
        .map(|p| {
            let account = accounts.iter().find(|a| a.person == p.id);
            PersonRow {
                id: p.id.to_string(),
                name: p.name.clone(),
                role: tr.word("role", p.role.as_str()),
                station: p
                    .station
                    .and_then(|s| stations.iter().find(|st| st.id == s))
                    .map_or_else(String::new, |s| s.name.clone()),
                login: account.map_or_else(String::new, |a| a.login.as_str().to_string()),
                phone: account
                    .and_then(|a| a.phone.clone())
                    .or_else(|| p.phone.clone())
                    .unwrap_or_default(),
                has_account: account.is_some(),
                disabled: account.is_some_and(|a| a.disabled),
            }
        })
        .collect();
    let tokens = app
        .store
        .tokens(tenant)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            person: name_of(t.person),
            created: l.time(&t.created_at),
            revoked: t.revoked_at.map(|at| l.time(&at)),
            id: t.id,
            label: t.label,
        })
        .collect();
    Ok(PeoplePage {
        people: rows,
        tokens,
        roles: Role::ALL
            .iter()
            .map(|r| Choice {
                value: r.as_str().into(),
                label: tr.word("role", r.as_str()),
                selected: *r == Role::Technician,
            })
            .collect(),
        stations: stations
            .iter()
            .map(|s| Choice {
                value: s.id.to_string(),
                label: s.name.clone(),
                selected: false,
            })
            .collect(),
        notice,
        token,
        error,
        l,
    })
}

async fn show<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    status: StatusCode,
    notice: Option<String>,
    token: Option<String>,
    error: Option<String>,
) -> Response {
    match build(app, viewer, notice, token, error).await {
        Ok(page) => render_with(status, &page),
        Err(e) => e.into_response(),
    }
}

pub async fn page<S: Store>(State(app): State<App<S>>, viewer: Viewer) -> Response {
    if !viewer.person.role.manages_people() {
        return not_found(Some(&viewer), viewer.tr);
    }
    match build(&app, &viewer, None, None, None).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

/// Checks the admin and the CSRF token of a people form.
fn guard(viewer: &Viewer, form: &Posted) -> Option<Response> {
    if !viewer.person.role.manages_people() {
        return Some(not_found(Some(viewer), viewer.tr));
    }
    if !viewer.csrf_ok(form.get("_csrf")) {
        return Some(csrf_refused(viewer));
    }
    None
}

fn failure(viewer: &Viewer, e: &ApiError) -> (StatusCode, String) {
    let text = match e {
        ApiError::Internal(detail) if detail.contains("already exists") => viewer.tr.t("people.taken"),
        other => super::order::error_text(viewer, other),
    };
    (e.status(), text)
}

/// The people page after a form: the notice (and a token shown once), or what went wrong.
async fn finish<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    done: Result<(String, Option<String>), ApiError>,
) -> Response {
    match done {
        Ok((notice, token)) => show(app, viewer, StatusCode::OK, Some(notice), token, None).await,
        Err(e) => {
            let (status, text) = failure(viewer, &e);
            show(app, viewer, status, None, None, Some(text)).await
        }
    }
}

fn store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::Duplicate(_) => FieldError::new("login", "is taken by someone else").into(),
        other => other.into(),
    }
}

/// Adds a person with a sign-in.
pub async fn add<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = Posted(fields);
    if let Some(refused) = guard(&viewer, &form) {
        return refused;
    }
    let added = async {
        let name = text("name", form.get("name").unwrap_or(""), 50)?;
        let role = Role::parse(form.get("role").unwrap_or(""))
            .ok_or_else(|| FieldError::new("role", "must be one of the roles"))?;
        let station = match form.get("station") {
            None => None,
            Some(id) => {
                let id: StationId = id
                    .parse()
                    .map_err(|_| FieldError::new("station", "no such station"))?;
                app.store
                    .station(viewer.tenant.id, id)
                    .await?
                    .ok_or_else(|| FieldError::new("station", "no such station"))?;
                Some(id)
            }
        };
        let login = Login::parse("login", form.get("login").unwrap_or(""))?;
        let password = form.get("password").unwrap_or("");
        crate::password::check("password", password)?;
        let phone = match form.get("phone") {
            None => None,
            Some(p) => Some(baoxiu_domain::Phone::parse("phone", p)?.as_str().to_string()),
        };
        let email = match form.get("email").map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(e)
                if e.len() <= 200
                    && e.split_once('@')
                        .is_some_and(|(a, b)| !a.is_empty() && b.contains('.')) =>
            {
                Some(e.to_string())
            }
            Some(_) => {
                return Err(
                    FieldError::new("email", "must be an e-mail address such as li@example.com").into(),
                );
            }
        };
        let person = Person {
            id: PersonId(uuid::Uuid::now_v7()),
            tenant: viewer.tenant.id,
            name,
            role,
            station,
            team: None,
            phone: phone.clone(),
            email,
        };
        let hash = crate::password::hash(password)
            .await
            .map_err(ApiError::Internal)?;
        if app.store.account_by_login(login.as_str()).await?.is_some() {
            return Err(FieldError::new("login", "is taken by someone else").into());
        }
        app.store.put_person(&person).await?;
        let account = Account {
            tenant: viewer.tenant.id,
            person: person.id,
            login,
            phone,
            password_hash: hash,
            disabled: false,
        };
        app.store.put_account(&account).await.map_err(store_error)?;
        Ok::<_, ApiError>((viewer.tr.f("people.added", &[("name", &person.name)]), None))
    };
    finish(&app, &viewer, added.await).await
}

async fn account_of<S: Store>(app: &App<S>, viewer: &Viewer, id: &str) -> Result<Account, ApiError> {
    let person: PersonId = id.parse().map_err(|_| ApiError::NotFound("person"))?;
    app.store
        .account(viewer.tenant.id, person)
        .await?
        .ok_or(ApiError::NotFound("account"))
}

/// Sets a new password; the person's other sessions stay (a reset is not a sign-out).
pub async fn password<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = Posted(fields);
    if let Some(refused) = guard(&viewer, &form) {
        return refused;
    }
    let done = async {
        let mut account = account_of(&app, &viewer, &id).await?;
        let password = form.get("password").unwrap_or("");
        crate::password::check("password", password)?;
        account.password_hash = crate::password::hash(password)
            .await
            .map_err(ApiError::Internal)?;
        app.store.put_account(&account).await?;
        let notice = viewer
            .tr
            .f("people.password_set", &[("login", account.login.as_str())]);
        Ok::<_, ApiError>((notice, None))
    };
    finish(&app, &viewer, done.await).await
}

/// Disables the account: its sessions end and its tokens are revoked, at once.
pub async fn disable<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = Posted(fields);
    if let Some(refused) = guard(&viewer, &form) {
        return refused;
    }
    let done = async {
        let account = account_of(&app, &viewer, &id).await?;
        app.store
            .disable_account(viewer.tenant.id, account.person, app.clock.now())
            .await?;
        app.forget_tokens();
        let notice = viewer
            .tr
            .f("people.disabled_done", &[("login", account.login.as_str())]);
        Ok::<_, ApiError>((notice, None))
    };
    finish(&app, &viewer, done.await).await
}

/// Issues an API token for the person; it is shown once, on the page that answers.
pub async fn issue_token<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = Posted(fields);
    if let Some(refused) = guard(&viewer, &form) {
        return refused;
    }
    let done = async {
        let person: PersonId = id.parse().map_err(|_| ApiError::NotFound("person"))?;
        let person = app
            .store
            .person(viewer.tenant.id, person)
            .await?
            .ok_or(ApiError::NotFound("person"))?;
        let label = text("label", form.get("label").unwrap_or(""), 60)?;
        let token = crate::auth::issue_token(&app.store, &person, &label, app.clock.now()).await?;
        let notice = viewer.tr.f("people.token_issued", &[("name", &person.name)]);
        Ok::<_, ApiError>((notice, Some(token)))
    };
    finish(&app, &viewer, done.await).await
}

/// Revokes a token; this server forgets it at once.
pub async fn revoke_token<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = Posted(fields);
    if let Some(refused) = guard(&viewer, &form) {
        return refused;
    }
    match app
        .store
        .revoke_token(viewer.tenant.id, &id, app.clock.now())
        .await
    {
        Ok(true) => {
            app.forget_tokens();
            Redirect::to("/people").into_response()
        }
        Ok(false) => not_found(Some(&viewer), viewer.tr),
        Err(e) => ApiError::from(e).into_response(),
    }
}
