//! The order page: the order, its whole history in the reader's language, and a form for
//! exactly the commands this person may run on it now. A posted form runs the command
//! through the API's own parsing and the service's retries; a refusal or a lost race is
//! shown as a plain message above the fresh order.

use super::forms::{self, CommandForm, Context, Posted};
use super::view::{self, Step};
use super::{Layout, Viewer, not_found, render_with};
use crate::App;
use crate::api::parse_command;
use crate::error::ApiError;
use crate::service::Idempotency;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use baoxiu_domain::{CommandName, Finding, OrderId, Refusal, Resolution, Store, Visibility, WorkOrder};
use serde::Deserialize;

pub struct Fact {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
}

pub struct Photo {
    pub url: String,
    pub name: String,
    pub when: String,
}

/// A service-level clock as the order page shows it (X01).
pub struct ClockRow {
    pub name: String,
    pub state: String,
    /// When it is due, or was.
    pub deadline: String,
    /// "2 h 10 min left", "35 min late", "waiting: parts", or why it cannot be computed.
    pub status: String,
    /// `late`, `paused`, `met`, `running`: for the colour.
    pub class: &'static str,
}

pub struct Signed {
    pub alt: String,
    pub signer: String,
    pub image: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "order.html")]
pub struct OrderPage {
    pub l: Layout,
    pub id: String,
    pub number: String,
    pub state: &'static str,
    pub state_label: String,
    pub subtitle: String,
    pub code: Option<String>,
    pub facts: Vec<Fact>,
    pub times: Vec<Fact>,
    pub signed: Option<Signed>,
    pub photos: Vec<Photo>,
    /// The photo upload form is offered when the domain lets this person attach.
    pub can_upload: bool,
    pub pending_cancel: Option<String>,
    pub clocks: Vec<ClockRow>,
    pub steps: Vec<Step>,
    pub forms: Vec<CommandForm>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Shown {
    done: Option<String>,
}

/// The order if it exists in the viewer's organisation and they may see it.
async fn visible<S: Store>(app: &App<S>, viewer: &Viewer, id: &str) -> Result<Option<WorkOrder>, ApiError> {
    let Ok(id) = id.parse::<OrderId>() else {
        return Ok(None);
    };
    let order = app.store.order(viewer.tenant.id, id).await?;
    Ok(order.filter(|o| Visibility::of(&viewer.person).allows(o)))
}

pub async fn page<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(shown): Query<Shown>,
) -> Response {
    let notice = shown.done.as_deref().and_then(CommandName::parse).map(|c| {
        viewer.tr.f(
            "order.done",
            &[("command", &viewer.tr.word("command", c.as_str()))],
        )
    });
    show(&app, &viewer, &id, StatusCode::OK, notice, None).await
}

async fn show<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    id: &str,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    match build(app, viewer, id, notice, error).await {
        Ok(Some(page)) => render_with(status, &page),
        Ok(None) => not_found(Some(viewer), viewer.tr),
        Err(e) => e.into_response(),
    }
}

async fn build<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    id: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Option<OrderPage>, ApiError> {
    let Some(order) = visible(app, viewer, id).await? else {
        return Ok(None);
    };
    let tr = viewer.tr;
    let number = view::number(&order);
    let l = Layout::new(viewer, tr.f("order.title", &[("number", &number)]));
    let tenant = viewer.tenant.id;
    let mut history = app.store.history(tenant, order.id).await?;
    let sees_clocks = viewer.person.role.sees_service_levels();
    if !sees_clocks {
        history.retain(|r| !r.event.is_escalation());
    }
    let stations = app.store.stations(tenant).await?;
    let people = app.store.people(tenant).await?;
    let prices = app.store.price_list(tenant).await?;
    let cx = Context {
        stations: &stations,
        people: &people,
        now: app.clock.now(),
        prices: &prices,
    };
    let shows_code = crate::dto::sees_code(viewer.person.role, &order);
    let d = &order.details;
    let word = |prefix: &str, v: &str| tr.word(prefix, v);
    let fact = |key: &str, value: String| Fact {
        label: tr.t(&format!("field.{key}")),
        value,
        href: None,
    };
    let mut facts = vec![
        Fact {
            href: Some(format!("tel:{}", d.customer.phone.as_str())),
            ..fact(
                "customer",
                format!("{} {}", d.customer.name, d.customer.phone.as_str()),
            )
        },
        fact("address", view::address(&order)),
        fact("description", d.description.clone()),
    ];
    if let Some(area) = d.location.area {
        facts.push(fact("area", word("area", area.as_str())));
    }
    if let Some(category) = &d.category {
        facts.push(fact("category", category.clone()));
    }
    if let Some(asset) = &d.asset {
        let mut text = asset.serial.clone();
        if let Some(model) = &asset.model {
            text = format!("{model} · {text}");
        }
        if let Some(end) = asset.warranty_end {
            text.push_str(&tr.f("order.warranty_until", &[("date", &end.to_string())]));
        }
        facts.push(fact("asset", text));
    }
    facts.push(fact(
        "service_mode",
        word("service_mode", d.service_mode.as_str()),
    ));
    facts.push(fact("channel", word("channel", d.channel.as_str())));
    facts.push(fact(
        "station_id",
        order
            .station
            .as_ref()
            .map_or_else(|| "—".into(), |s| s.name.clone()),
    ));
    facts.push(fact(
        "assignee",
        order
            .assignee
            .as_ref()
            .map_or_else(|| "—".into(), |p| p.name.clone()),
    ));
    // B22, C05: the outside firm and its penalties.
    if let Some(vendor) = &order.vendor {
        facts.push(fact("vendor", vendor.name.clone()));
    }
    for (kind, amount, note) in &order.penalties {
        facts.push(fact(
            "penalty",
            format!("{} · {amount} · {note}", word("penalty", kind.as_str())),
        ));
    }
    // B18: the charges, their total, acceptance and finance.
    let charges = &order.charges;
    for line in &charges.lines {
        let mut what = line.name.clone();
        for extra in [&line.spec, &line.model].into_iter().flatten() {
            what.push_str(&format!(" {extra}"));
        }
        facts.push(fact(
            "charge",
            format!(
                "{what} · {} × {} = {}",
                line.quantity,
                line.unit_price,
                line.amount().unwrap_or_default()
            ),
        ));
    }
    if charges.quoted_at.is_some() {
        let status = match (charges.accepted_at, charges.handed_to_finance) {
            (_, Some((_, amount))) => tr.f("charges.handed", &[("amount", &amount.to_string())]),
            (Some(_), None) => tr.t("charges.accepted"),
            (None, _) => tr.t("charges.waiting"),
        };
        facts.push(fact("charges_total", format!("{} · {status}", charges.total())));
    }
    for material in &charges.owner_materials {
        facts.push(fact("owner_material", material.clone()));
    }
    // Parts, each request with where it stands (A11, A13, C11).
    for request in &order.parts_requests {
        let lines: Vec<String> = request
            .parts
            .iter()
            .map(|p| format!("{} {} ×{}", p.code, p.name, p.quantity))
            .collect();
        let mut status = vec![tr.t("parts.requested")];
        if let Some(no) = &request.order_no {
            status.push(tr.f("parts.shipped", &[("order_no", no)]));
        }
        if request.received_at.is_some() {
            status.push(tr.t("parts.received"));
        }
        if request.fitted_at.is_some() {
            status.push(tr.t("parts.fitted"));
        }
        if let Some(reason) = &request.refused {
            status.push(tr.f("parts.refused", &[("reason", reason)]));
        }
        if request.old_received_at.is_some() {
            status.push(tr.t("parts.old_received"));
        } else if request.old_returned_at.is_some() {
            status.push(tr.t("parts.old_returned"));
        }
        facts.push(fact(
            "parts",
            format!("{} · {}", lines.join("、"), status.join(" → ")),
        ));
    }
    // C04, C09: the confirmed fault's complexity and the tag on the equipment.
    if let Some(level) = order.complexity {
        facts.push(fact("complexity", word("complexity", level.as_str())));
    }
    if let Some(tag) = order.equipment_tag() {
        facts.push(fact("equipment_tag", word("equipment_tag", tag.as_str())));
    }
    // D01–D04: the hotel's slip.
    if let Some(slip) = &d.slip {
        let staff =
            |s: &baoxiu_domain::Staff| format!("{} · {}", s.name, word("position", s.position.as_str()));
        facts.push(fact("department", slip.department.clone()));
        if let Some(reporter) = &slip.reporter {
            facts.push(fact("reporter", staff(reporter)));
        }
        facts.push(fact(
            "signed_by",
            slip.signed_by
                .as_ref()
                .map_or_else(|| tr.t("order.slip_to_follow"), staff),
        ));
        if let Some(special) = slip.special {
            facts.push(fact("special", word("special", special.as_str())));
        }
        if slip.guest_area {
            facts.push(fact("guest_area", tr.t("order.guest_area_yes")));
        }
    }
    // D03: approvals, decided or waiting.
    for approval in &order.approvals {
        let status = match (approval.approved(), approval.rejected(), approval.next()) {
            (true, _, _) => tr.t("order.approval_approved"),
            (_, true, _) => tr.t("order.approval_rejected"),
            (_, _, Some(role)) => tr.f(
                "order.approval_waiting",
                &[("role", &word("role", role.as_str()))],
            ),
            _ => String::new(),
        };
        facts.push(fact(
            "approval_kind",
            format!(
                "{} · {} · {}",
                word("approval", approval.kind.as_str()),
                approval.note,
                status
            ),
        ));
    }
    // E01–E03: what the hotline found at intake.
    if let Some(account) = &order.intake.account {
        let status = order
            .intake
            .status
            .map_or_else(String::new, |s| word("account_status", s.as_str()));
        facts.push(fact("account", format!("{account} · {status}")));
    }
    if let Some(finding) = &order.intake.finding {
        let what = match finding {
            Finding::Grid { fault, zone } => format!(
                "{} · {} · {}",
                word("finding", "grid"),
                word("grid_fault", fault.as_str()),
                word("zone", zone.as_str())
            ),
            Finding::Internal {
                cause,
                paid_service,
                guidance,
            } => format!(
                "{} · {} · {} · {guidance}",
                word("finding", "internal"),
                word("internal_cause", cause.as_str()),
                word("paid_service", if *paid_service { "true" } else { "false" })
            ),
            Finding::Outage { notice } => format!("{} · {notice}", word("finding", "outage")),
        };
        facts.push(fact("finding", what));
    }
    if let Some(by) = &order.created_by {
        facts.push(fact(
            "created_by",
            format!("{} · {}", by.name, word("role", by.role.as_str())),
        ));
    }
    let t = &order.timeline;
    let mut times = vec![
        fact("t1", l.maybe_time(&t.reported_at)),
        fact("t2", l.maybe_time(&t.first_contact_at)),
    ];
    for c in &t.commitments {
        let mut value = format!("{} · {}", l.time(&c.at), word("commitment", c.kind.as_str()));
        if let Some(reason) = &c.reason {
            value.push_str(&format!(" · {reason}"));
        }
        times.push(Fact {
            label: tr.f("field.t3x", &[("slot", &c.slot.to_string())]),
            value,
            href: None,
        });
    }
    if t.apologised_at.is_some() {
        times.push(fact("apologised_at", l.maybe_time(&t.apologised_at)));
    }
    for at in &t.departures {
        times.push(fact("departed_at", l.time(at)));
    }
    for at in &t.arrivals {
        times.push(fact("arrival", l.time(at)));
    }
    times.push(fact("t4", l.maybe_time(&t.resolved_at)));
    if t.closed_at.is_some() {
        times.push(fact("closed_at", l.maybe_time(&t.closed_at)));
    }
    if t.called_back_at.is_some() {
        times.push(fact("called_back_at", l.maybe_time(&t.called_back_at)));
    }
    // E07: the crew's report, where the template resolves with one; C10: the completion
    // record beside the operator's signature.
    if let Some(
        Resolution::Crew { report, .. }
        | Resolution::OnSite {
            report: Some(report), ..
        },
    ) = &order.resolution
    {
        times.push(fact("restored_at", l.time(&report.restored_at)));
        facts.push(fact("fault_cause", report.cause.clone()));
        facts.push(fact("crew", report.crew.clone()));
        facts.push(fact("result", report.result.clone()));
    }
    let signed = match &order.resolution {
        Some(Resolution::OnSite {
            signature, summary, ..
        }) => Some(Signed {
            alt: tr.f("order.signature_of", &[("name", &signature.signer)]),
            signer: signature.signer.clone(),
            image: signature.image.clone(),
            summary: summary.clone(),
        }),
        _ => None,
    };
    let pending_cancel = order
        .cancellation
        .as_ref()
        .filter(|_| order.cancellation_pending())
        .map(|c| {
            tr.f(
                "order.cancel_pending",
                &[
                    ("reason", &word("cancel_reason", c.reason.as_str())),
                    ("note", &c.note),
                ],
            )
        });
    let photos = order
        .photos()
        .map(|f| Photo {
            url: format!("/orders/{}/files/{}", order.id, f.attachment.id),
            name: f.attachment.name.clone().unwrap_or_default(),
            when: l.time(&f.added_at),
        })
        .collect();
    let can_upload = order.check(&viewer.actor(), CommandName::Attach).is_ok();
    let clocks = match sees_clocks {
        true => clock_rows(app, viewer, &order, &l).await?,
        false => Vec::new(),
    };
    Ok(Some(OrderPage {
        photos,
        can_upload,
        id: order.id.to_string(),
        number,
        state: order.state.as_str(),
        state_label: word("state", order.state.as_str()),
        subtitle: format!(
            "{} · {} · {}",
            word("template", d.template.as_str()),
            word("kind", d.kind.as_str()),
            word("priority", d.priority.as_str())
        ),
        code: shows_code.then(|| order.verification.code.as_str().to_string()),
        facts,
        times,
        signed,
        pending_cancel,
        clocks,
        steps: history.iter().map(|r| Step::new(r, &l, shows_code)).collect(),
        forms: forms::forms_for(&order, viewer, &cx),
        notice,
        error,
        l,
    }))
}

/// A command posted from the order page (or a queue, which names where to go back to).
pub async fn run<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path((id, command)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = Posted(fields);
    if !viewer.csrf_ok(form.get("_csrf")) {
        return forms::csrf_refused(&viewer);
    }
    let (Some(name), Ok(order_id)) = (CommandName::parse(&command), id.parse::<OrderId>()) else {
        return not_found(Some(&viewer), viewer.tr);
    };
    let mut body = forms::to_json(name, &form, viewer.tenant.zone());
    // B24: a line picked from the price list comes with its name and price (the domain
    // checks them against the list all the same).
    if name == CommandName::Quote
        && let Ok(prices) = app.store.price_list(viewer.tenant.id).await
        && let Some(lines) = body.get_mut("lines").and_then(|l| l.as_array_mut())
    {
        for line in lines {
            let listed = line["item"].as_str().and_then(|code| prices.item(code)).cloned();
            if let Some(item) = listed {
                if line["name"].as_str().is_none_or(str::is_empty) {
                    line["name"] = serde_json::json!(item.name);
                }
                if line["unit_price"].as_str().is_none_or(str::is_empty) {
                    line["unit_price"] = serde_json::json!(item.price.to_string());
                }
            }
        }
    }
    let raw = serde_json::to_vec(&body).unwrap_or_default();
    let outcome = async {
        let idem = match form.get("_key") {
            Some(key) => Some(Idempotency::new(
                key,
                "POST",
                &format!("/orders/{id}/do/{command}"),
                &raw,
            )?),
            None => None,
        };
        let on_behalf = match form.get("_for").map(str::parse) {
            Some(Ok(person)) => app.store.person(viewer.tenant.id, person).await?,
            _ => None,
        };
        let command = parse_command(&app, &viewer.person, name, &raw).await?;
        let who = crate::service::Who {
            caller: &viewer.person,
            tenant: &viewer.tenant,
            on_behalf: on_behalf.as_ref(),
        };
        app.run_command(who, order_id, &command, None, idem.as_ref())
            .await
    };
    let (status, error) = match outcome.await {
        Ok(reply) if reply.status < 300 => {
            let back = form
                .get("_back")
                .filter(|b| b.starts_with('/') && !b.starts_with("//"))
                .map(str::to_string)
                .unwrap_or_else(|| format!("/orders/{id}?done={command}"));
            return Redirect::to(&back).into_response();
        }
        // The stored answer of an earlier try with this form's key was a refusal.
        Ok(reply) => (
            StatusCode::from_u16(reply.status).unwrap_or(StatusCode::CONFLICT),
            replayed_error(&viewer, &reply.body),
        ),
        Err(ApiError::NotFound(_)) => return not_found(Some(&viewer), viewer.tr),
        Err(e) => (e.status(), error_text(&viewer, &e)),
    };
    show(&app, &viewer, &id, status, None, Some(error)).await
}

/// A refusal or an error as the reader should hear it.
pub fn error_text(viewer: &Viewer, error: &ApiError) -> String {
    let tr = viewer.tr;
    match error {
        ApiError::Invalid(e) => tr.field_error(&e.field, &e.message),
        ApiError::Refused(r) => refusal_text(viewer, r),
        ApiError::VersionConflict => tr.t("order.changed"),
        ApiError::IdempotencyKeyReused => tr.t("order.resent"),
        ApiError::WriteFailed(_) => tr.t("error.write_failed"),
        ApiError::TooLarge => tr.t("error.too_large"),
        _ => tr.t("error.internal"),
    }
}

pub(super) fn refusal_text(viewer: &Viewer, r: &Refusal) -> String {
    let tr = viewer.tr;
    let key = format!("refusal.{}", r.code());
    match r {
        Refusal::NotPermitted { role, command } => tr.f(
            &key,
            &[
                ("role", &tr.word("role", role.as_str())),
                ("command", &tr.word("command", command.as_str())),
            ],
        ),
        Refusal::NotPermittedToCreate { role } => tr.f(
            "refusal.not_permitted_to_create",
            &[("role", &tr.word("role", role.as_str()))],
        ),
        Refusal::InvalidState { state, command } => tr.f(
            &key,
            &[
                ("state", &tr.word("state", state.as_str())),
                ("command", &tr.word("command", command.as_str())),
            ],
        ),
        Refusal::WrongCode { remaining } => tr.f(&key, &[("remaining", &remaining.to_string())]),
        Refusal::NotATechnician(name) => tr.f(&key, &[("name", name)]),
        Refusal::AmountMismatch { total } => tr.f(&key, &[("total", &total.to_string())]),
        Refusal::NotNextApprover { role } => tr.f(&key, &[("role", &tr.word("role", role.as_str()))]),
        Refusal::UnreachableTooEarly { minutes } => tr.f(&key, &[("minutes", &minutes.to_string())]),
        Refusal::Missing { field } => tr.f(&key, &[("field", &tr.field_label(field))]),
        Refusal::TemplateNotOffered { offered } => {
            let names: Vec<String> = offered.iter().map(|t| tr.word("template", t.as_str())).collect();
            tr.f(&key, &[("offered", &names.join("、"))])
        }
        _ => tr.t(&key),
    }
}

/// The message of a stored error answer, by its code.
fn replayed_error(viewer: &Viewer, body: &str) -> String {
    let tr = viewer.tr;
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let code = value["error"]["code"].as_str().unwrap_or("internal");
    match code {
        "invalid" => tr.field_error(
            value["error"]["field"].as_str().unwrap_or(""),
            value["error"]["message"].as_str().unwrap_or(""),
        ),
        "wrong_code" => tr.t("refusal.wrong_code_again"),
        code if tr.has(&format!("refusal.{code}")) && !tr.t(&format!("refusal.{code}")).contains('{') => {
            tr.t(&format!("refusal.{code}"))
        }
        _ => tr.t("order.refused"),
    }
}

/// `POST /orders/{id}/photo`: a photo from the order page (a phone's camera), kept and
/// attached through the `attach` command.
pub async fn photo<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
    multipart: axum::extract::Multipart,
) -> Response {
    let posted = match super::my::read_multipart(multipart).await {
        Ok(posted) => posted,
        Err(e) => {
            let text = error_text(&viewer, &e);
            return show(&app, &viewer, &id, e.status(), None, Some(text)).await;
        }
    };
    if !viewer.csrf_ok(posted.fields.get("_csrf").map(String::as_str)) {
        return forms::csrf_refused(&viewer);
    }
    let Ok(order_id) = id.parse::<OrderId>() else {
        return not_found(Some(&viewer), viewer.tr);
    };
    let Some(file) = &posted.file else {
        let text = viewer.tr.field_error("file", "must not be empty");
        return show(
            &app,
            &viewer,
            &id,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(text),
        )
        .await;
    };
    match super::my::attach_file(&app, &viewer.person, &viewer.tenant, order_id, file).await {
        Ok(()) => Redirect::to(&format!("/orders/{id}?done=attach")).into_response(),
        Err(ApiError::NotFound(_)) => not_found(Some(&viewer), viewer.tr),
        Err(e) => {
            let text = error_text(&viewer, &e);
            show(&app, &viewer, &id, e.status(), None, Some(text)).await
        }
    }
}

/// `GET /orders/{id}/files/{file}`: a photo of an order the viewer may see.
pub async fn file<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    match crate::api::photo(&app, &viewer.person, &id, &file).await {
        Ok((attachment, bytes)) => crate::api::image_response(&attachment, bytes),
        Err(_) => not_found(Some(&viewer), viewer.tr),
    }
}

/// The order's clocks for the page: what each keeps, its deadline, time left or how late,
/// waiting and why.
pub(crate) async fn clock_rows<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    order: &WorkOrder,
    l: &Layout,
) -> Result<Vec<ClockRow>, ApiError> {
    let tr = viewer.tr;
    let now = app.clock.now();
    let views = app.clock_views(&viewer.tenant, order).await?;
    Ok(views
        .into_iter()
        .map(|c| {
            let (status, class) = match (&c.problem, c.deadline) {
                (Some(problem), _) => (tr.f("clock.problem", &[("why", problem)]), "late"),
                (None, None) => (String::new(), "running"),
                (None, Some(deadline)) => match c.state {
                    "met" if c.late => (tr.t("clock.met_late"), "met"),
                    "met" => (tr.t("clock.met"), "met"),
                    "stopped" => (tr.t("clock.stopped"), "met"),
                    "paused" => (
                        tr.f(
                            "clock.paused",
                            &[("why", &tr.word("pause", c.paused_for.as_deref().unwrap_or("")))],
                        ),
                        "paused",
                    ),
                    _ if deadline <= now => (
                        tr.f("clock.late", &[("span", &l.span((now - deadline).num_seconds()))]),
                        "late",
                    ),
                    _ => (
                        tr.f("clock.left", &[("span", &l.span((deadline - now).num_seconds()))]),
                        "running",
                    ),
                },
            };
            ClockRow {
                name: tr.word("clock", &c.clock),
                state: tr.word("clock_state", c.state),
                deadline: l.maybe_time(&c.deadline),
                status,
                class,
            }
        })
        .collect())
}
