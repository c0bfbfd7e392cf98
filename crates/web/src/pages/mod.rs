//! The web application: server-rendered pages for every role, Chinese first, with English.
//! Each area has its module; templates live in `crates/web/templates` and are checked at
//! compile time (askama); every word shown comes from the message catalogue (`i18n`).
//! Pages never repeat a rule: what a person may do is asked of the domain.

mod assets;
mod board;
#[cfg(test)]
mod catalogue_tests;
mod clocks;
mod desk;
mod field;
mod forms;
pub mod i18n;
mod my;
mod order;
mod orders;
mod people;
mod queues;
mod register;
mod requests;
mod session;
mod signin;
mod slip;
mod throttle;
mod view;
mod worklog;

pub use session::{PageLang as PageLangExtract, Viewer};
pub use throttle::Throttle;

use crate::App;
use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use baoxiu_domain::{CommandName, Role, Store};
use i18n::{Lang, Tr};

pub fn router<S: Store>() -> Router<App<S>> {
    Router::new()
        .route("/", get(home))
        .route("/signin", get(signin::page).post(signin::submit::<S>))
        .route("/signout", post(signin::signout::<S>))
        .route("/lang", get(signin::switch_language))
        .route("/assets/{file}", get(assets::serve))
        .route("/orders", get(orders::list::<S>))
        .route("/orders/{id}", get(order::page::<S>))
        .route("/orders/{id}/do/{command}", post(order::run::<S>))
        .route(
            "/orders/{id}/photo",
            post(order::photo::<S>).layer(DefaultBodyLimit::max(crate::api::BODY_LIMIT)),
        )
        .route("/orders/{id}/files/{file}", get(order::file::<S>))
        .route("/field", get(field::page::<S>))
        .route("/my", get(my::page::<S>))
        .route(
            "/my/new",
            get(my::form::<S>)
                .post(my::submit::<S>)
                .layer(DefaultBodyLimit::max(crate::api::BODY_LIMIT)),
        )
        .route("/board", get(board::page::<S>))
        .route("/board/events", get(board::events::<S>))
        .route("/orders/{id}/slip", get(slip::page::<S>))
        .route("/orders/{id}/created", get(desk::created::<S>))
        .route("/desk/new", get(desk::form::<S>).post(desk::submit::<S>))
        .route("/queues/callbacks", get(queues::callbacks::<S>))
        .route("/queues/cancellations", get(queues::cancellations::<S>))
        .route("/queues/approvals", get(queues::approvals::<S>))
        .route("/queues/parts", get(queues::parts::<S>))
        .route("/register", get(register::page::<S>).post(register::add::<S>))
        .route("/register/stickers.svg", get(register::stickers::<S>))
        .route("/register/{code}", get(register::ledger::<S>))
        .route("/log", get(worklog::page::<S>))
        .route("/requests", get(requests::page::<S>))
        .route("/requests/coverage", post(requests::ask_coverage::<S>))
        .route("/requests/prices", post(requests::ask_prices::<S>))
        .route("/requests/{id}/decide", post(requests::decide::<S>))
        .route("/register/{code}/plans", post(register::add_plan::<S>))
        .route("/report", get(register::scan::<S>))
        .route("/people", get(people::page::<S>).post(people::add::<S>))
        .route("/people/{id}/password", post(people::password::<S>))
        .route("/people/{id}/disable", post(people::disable::<S>))
        .route("/people/{id}/token", post(people::issue_token::<S>))
        .route("/tokens/{id}/revoke", post(people::revoke_token::<S>))
        .route("/overdue", get(clocks::overdue::<S>))
        .route("/unfinished", get(clocks::unfinished::<S>))
        .route("/inbox", get(clocks::inbox::<S>))
        .route("/inbox/{id}/read", post(clocks::read::<S>))
        .route("/admin/deliveries", get(clocks::deliveries::<S>))
        .route("/admin/deliveries/{id}/replay", post(clocks::replay::<S>))
        .route(
            "/admin/calendar",
            get(clocks::calendar::<S>).post(clocks::add_year::<S>),
        )
        .route("/admin/calendar/week", post(clocks::set_week::<S>))
}

/// `/`: each person's first page (the technician's phone page, the customer's own orders,
/// the order list), the sign-in page for everyone else.
async fn home(viewer: Result<Viewer, Response>) -> Redirect {
    match viewer {
        Ok(v) => Redirect::to(home_of(v.person.role)),
        Err(_) => Redirect::to("/signin"),
    }
}

/// Where a role starts.
pub fn home_of(role: baoxiu_domain::Role) -> &'static str {
    match role {
        baoxiu_domain::Role::Technician => "/field",
        baoxiu_domain::Role::Customer => "/my",
        _ => "/orders",
    }
}

/// A link in the header.
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// What every page's frame needs: language, who is signed in, the navigation.
pub struct Layout {
    pub tr: Tr,
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: String,
    pub title: String,
    pub org: Option<String>,
    pub me: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub here_encoded: String,
    pub zone: chrono_tz::Tz,
}

impl Layout {
    /// The frame of a page for someone not signed in.
    pub fn public(tr: Tr, title_key: &str, here: &str) -> Layout {
        let other = match tr.lang {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        };
        Layout {
            tr,
            lang: tr.lang.code(),
            other_lang: other.code(),
            other_lang_name: tr.t(&format!("lang.{}", other.code())),
            title: tr.t(title_key),
            org: None,
            me: None,
            csrf: String::new(),
            nav: Vec::new(),
            here_encoded: url_encode(here),
            zone: chrono_tz::Asia::Shanghai,
        }
    }

    /// The frame of a page for `viewer`; the navigation shows what their role may use, as
    /// the domain's permission table says.
    pub fn new(viewer: &Viewer, title: String) -> Layout {
        let tr = viewer.tr;
        let role = viewer.person.role;
        let path = viewer.here.split('?').next().unwrap_or("");
        let mut nav = Vec::new();
        let mut link = |href: &'static str, key: &str, shown: bool| {
            if shown {
                nav.push(NavItem {
                    href,
                    label: tr.t(key),
                    current: path == href,
                });
            }
        };
        link("/field", "nav.field", role == Role::Technician);
        link("/my", "nav.my", role == Role::Customer);
        link("/orders", "nav.orders", role != Role::Customer);
        link("/board", "nav.board", role.may(CommandName::Assign));
        link(
            "/desk/new",
            "nav.intake",
            role.may_create() && !matches!(role, Role::Customer | Role::Technician),
        );
        link(
            "/queues/callbacks",
            "nav.callbacks",
            role.may(CommandName::Callback),
        );
        link(
            "/queues/cancellations",
            "nav.cancellations",
            role.may(CommandName::ApproveCancel),
        );
        // Only where the organisation's templates have approvals at all.
        let approves = viewer
            .tenant
            .templates
            .iter()
            .any(|t| t.rules().steps.contains(&CommandName::Approve));
        link(
            "/queues/approvals",
            "nav.approvals",
            approves && role.may(CommandName::Approve),
        );
        link("/queues/parts", "nav.parts", role.may(CommandName::ShipParts));
        link("/overdue", "nav.overdue", role.sees_service_levels());
        link("/unfinished", "nav.unfinished", role.sees_service_levels());
        link("/inbox", "nav.inbox", role.sees_service_levels());
        link("/people", "nav.people", role.manages_people());
        link("/admin/deliveries", "nav.deliveries", role.manages_people());
        link("/admin/calendar", "nav.calendar", role.manages_people());
        link("/register", "nav.register", baoxiu_domain::may_plan(role));
        link("/log", "nav.worklog", baoxiu_domain::reads_work_log(role));
        // A19, B24: where the organisation's templates (its own files too) set a chain.
        link(
            "/requests",
            "nav.requests",
            viewer.org_requests && role.sees_service_levels(),
        );
        let mut layout = Layout::public(tr, "app.name", &viewer.here);
        layout.title = title;
        layout.org = Some(viewer.tenant.name.clone());
        layout.me = Some(format!(
            "{} · {}",
            viewer.person.name,
            tr.word("role", role.as_str())
        ));
        layout.csrf = viewer.session.csrf.clone();
        layout.nav = nav;
        layout.zone = viewer.tenant.zone();
        layout
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    /// A time where the organisation is, as `2026-11-27 14:05`.
    pub fn time(&self, at: &baoxiu_domain::Timestamp) -> String {
        at.with_timezone(&self.zone).format("%Y-%m-%d %H:%M").to_string()
    }

    /// A length of time, roughly: "2 d 3 h", "1 h 5 min", "4 min".
    pub fn span(&self, seconds: i64) -> String {
        let minutes = seconds.abs() / 60;
        let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
        let part = |key: &str, n: i64| self.tr.f(key, &[("n", &n.to_string())]);
        match (d, h) {
            (0, 0) => part("span.minutes", m),
            (0, _) if m == 0 => part("span.hours", h),
            (0, _) => format!("{} {}", part("span.hours", h), part("span.minutes", m)),
            (_, 0) => part("span.days", d),
            _ => format!("{} {}", part("span.days", d), part("span.hours", h)),
        }
    }

    /// An optional time, or a dash.
    pub fn maybe_time(&self, at: &Option<baoxiu_domain::Timestamp>) -> String {
        at.as_ref().map_or_else(|| "—".to_string(), |at| self.time(at))
    }
}

/// Renders a page; a template that fails to render is a logged 500.
pub fn render(page: &impl Template) -> Response {
    render_with(StatusCode::OK, page)
}

pub fn render_with(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page did not render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Percent-encodes a URL component.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A plain page with a title and a message: not found, refused, done.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub l: Layout,
    pub heading: String,
    pub text: String,
    pub back: Option<(String, String)>,
}

/// The page a person gets for an order they may not see, or a path that is no page:
/// the same "not found", so it tells nothing about what exists.
pub fn not_found(viewer: Option<&Viewer>, tr: Tr) -> Response {
    let l = match viewer {
        Some(v) => Layout::new(v, tr.t("notfound.title")),
        None => Layout::public(tr, "notfound.title", "/"),
    };
    let page = MessagePage {
        heading: tr.t("notfound.title"),
        text: tr.t("notfound.text"),
        back: Some(("/orders".into(), tr.t("notfound.back"))),
        l,
    };
    render_with(StatusCode::NOT_FOUND, &page)
}
