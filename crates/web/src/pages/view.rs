//! How orders and their histories read on a page, in the reader's language.

use super::Layout;
use super::i18n::Tr;
use baoxiu_domain::{ArrivalCheck, Event, EventRecord, Finding, Resolution, WorkOrder};

/// One order in a list.
pub struct Row {
    pub id: String,
    pub number: String,
    pub state: &'static str,
    pub state_label: String,
    pub template: String,
    pub priority: String,
    pub urgent: bool,
    pub customer: String,
    pub phone: String,
    pub address: String,
    pub description: String,
    pub station: String,
    pub assignee: String,
    pub reported: String,
}

/// The number people read out, or the start of the id for orders made before numbers.
pub fn number(order: &WorkOrder) -> String {
    order
        .number()
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|| order.id.to_string()[..8].to_string())
}

impl Row {
    pub fn new(order: &WorkOrder, l: &Layout) -> Row {
        let tr = l.tr;
        let d = &order.details;
        let mut description: String = d.description.chars().take(60).collect();
        if d.description.chars().count() > 60 {
            description.push('…');
        }
        Row {
            id: order.id.to_string(),
            number: number(order),
            state: order.state.as_str(),
            state_label: tr.word("state", order.state.as_str()),
            template: tr.word("template", d.template.as_str()),
            priority: tr.word("priority", d.priority.as_str()),
            urgent: d.priority != baoxiu_domain::Priority::Normal,
            customer: d.customer.name.clone(),
            phone: d.customer.phone.as_str().to_string(),
            address: address(order),
            description,
            station: order.station.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
            assignee: order
                .assignee
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            reported: l.maybe_time(&order.timeline.reported_at),
        }
    }
}

/// The address with building and room.
pub fn address(order: &WorkOrder) -> String {
    let l = &order.details.location;
    let mut text = l.address.clone();
    for part in [&l.building, &l.room].into_iter().flatten() {
        text.push(' ');
        text.push_str(part);
    }
    text
}

/// One step of the history: when, who (and who recorded it for them), what, and why.
pub struct Step {
    pub when: String,
    pub who: String,
    pub what: String,
    pub why: Option<String>,
}

impl Step {
    pub fn new(record: &EventRecord, l: &Layout, shows_code: bool) -> Step {
        let tr = l.tr;
        let role = tr.word("role", record.actor.role.as_str());
        let who = match &record.recorded_by {
            Some(recorder) => tr.f(
                "history.recorded_for",
                &[
                    ("recorder", &recorder.name),
                    ("actor", &record.actor.name),
                    ("role", &role),
                ],
            ),
            None => format!("{} · {role}", record.actor.name),
        };
        let (what, why) = describe(&record.event, l, shows_code);
        Step {
            when: l.time(&record.at),
            who,
            what,
            why,
        }
    }
}

/// What an event says, and the reason or note it carries.
fn describe(event: &Event, l: &Layout, shows_code: bool) -> (String, Option<String>) {
    let tr: Tr = l.tr;
    let key = format!("event.{}", event.kind());
    let note = |n: &Option<String>| n.clone();
    match event {
        Event::Created { order, code } => {
            let template = tr.word("template", order.template.as_str());
            let number = order.number.as_ref().map_or("", |n| n.as_str());
            let mut what = tr.f("event.created", &[("template", &template), ("number", number)]);
            if shows_code {
                what.push_str(&tr.f("event.created_code", &[("code", code.as_str())]));
            }
            (what, Some(order.description.clone()))
        }
        Event::Dispatched { station } => (tr.f(&key, &[("station", &station.name)]), None),
        Event::HandedOver { sub_site } => (tr.f(&key, &[("station", &sub_site.name)]), None),
        Event::Assigned { technician } | Event::Claimed { technician } => {
            (tr.f(&key, &[("technician", &technician.name)]), None)
        }
        Event::ContactAttempted { outcome, note: n } => (
            tr.f(&key, &[("outcome", &tr.word("contact", outcome.as_str()))]),
            note(n),
        ),
        Event::Committed {
            slot,
            at,
            kind,
            reason,
        } => (
            tr.f(
                &key,
                &[
                    ("slot", &slot.to_string()),
                    ("at", &l.time(at)),
                    ("kind", &tr.word("commitment", kind.as_str())),
                ],
            ),
            reason.clone(),
        ),
        Event::PartsRequested { parts, note: n } => {
            let list: Vec<String> = parts
                .iter()
                .map(|p| format!("{} {} ×{}", p.code, p.name, p.quantity))
                .collect();
            (tr.f(&key, &[("parts", &list.join("、"))]), note(n))
        }
        Event::PartsReceived { note: n } => (tr.t(&key), note(n)),
        Event::CodeRejected { failed_attempts } => {
            (tr.f(&key, &[("attempts", &failed_attempts.to_string())]), None)
        }
        Event::Arrived { check } => match check {
            ArrivalCheck::Code => (tr.t("event.arrived_code"), None),
            ArrivalCheck::Unchecked => (tr.t("event.arrived"), None),
            ArrivalCheck::Desk { note: n } => (tr.t("event.arrived_desk"), Some(n.clone())),
            ArrivalCheck::Escorted { escort } => {
                (tr.f("event.arrived_escorted", &[("escort", escort)]), None)
            }
        },
        Event::WorkStarted | Event::Accepted => (tr.t(&key), None),
        Event::Resolved { resolution } => match resolution {
            Resolution::OnSite {
                signature, summary, ..
            } => (
                tr.f("event.resolved_signed", &[("signer", &signature.signer)]),
                Some(summary.clone()),
            ),
            Resolution::Phone { solution, note: n } => (
                tr.f(
                    "event.resolved_phone",
                    &[("solution", &tr.word("phone_solution", solution.as_str()))],
                ),
                note(n),
            ),
            Resolution::Crew { report, summary } => (
                tr.f(
                    "event.resolved_crew",
                    &[
                        ("restored", &l.time(&report.restored_at)),
                        ("crew", &report.crew),
                        ("cause", &report.cause),
                        ("result", &report.result),
                    ],
                ),
                Some(summary.clone()),
            ),
        },
        Event::AccountChecked {
            account,
            status,
            note: n,
        } => (
            tr.f(
                &format!("event.account_{}", status.as_str()),
                &[("account", account.as_str())],
            ),
            note(n),
        ),
        Event::Triaged { finding } => match finding {
            Finding::Grid { fault, zone } => (
                tr.f(
                    "event.triaged_grid",
                    &[
                        ("fault", &tr.word("grid_fault", fault.as_str())),
                        ("zone", &tr.word("zone", zone.as_str())),
                    ],
                ),
                None,
            ),
            Finding::Internal {
                cause,
                paid_service,
                guidance,
            } => (
                tr.f(
                    if *paid_service {
                        "event.triaged_internal_paid"
                    } else {
                        "event.triaged_internal_guided"
                    },
                    &[("cause", &tr.word("internal_cause", cause.as_str()))],
                ),
                Some(guidance.clone()),
            ),
            Finding::Outage { notice } => (tr.t("event.triaged_outage"), Some(notice.clone())),
        },
        Event::Apologised { note: n } => (tr.t(&key), note(n)),
        Event::Departed => (tr.t(&key), None),
        Event::SupervisorAttended { note } => (tr.t(&key), note.clone()),
        Event::Outsourced { vendor } => (tr.f(&key, &[("vendor", &vendor.name)]), None),
        Event::PenaltyRecorded {
            kind,
            amount,
            note: n,
        } => (
            tr.f(
                &key,
                &[
                    ("kind", &tr.word("penalty", kind.as_str())),
                    ("amount", &amount.to_string()),
                ],
            ),
            Some(n.clone()),
        ),
        Event::Quoted { lines } => (
            tr.f(
                &key,
                &[(
                    "total",
                    &baoxiu_domain::total(lines).unwrap_or_default().to_string(),
                )],
            ),
            None,
        ),
        Event::QuoteAccepted { signer } => (tr.f(&key, &[("signer", signer)]), None),
        Event::OwnerMaterialRecorded { description } => (tr.t(&key), Some(description.clone())),
        Event::HandedToFinance { amount } => (tr.f(&key, &[("amount", &amount.to_string())]), None),
        Event::PartsShipped { order_no } => (tr.f(&key, &[("order_no", order_no)]), None),
        Event::PartsFitted { note: n }
        | Event::OldPartsReturned { note: n }
        | Event::OldPartsReceived { note: n } => (tr.t(&key), note(n)),
        Event::PartsRefused { reason } => (tr.t(&key), Some(reason.clone())),
        Event::ComplexityRated { level, note: n } => (
            tr.f(&key, &[("level", &tr.word("complexity", level.as_str()))]),
            note(n),
        ),
        Event::SlipFiled { signed_by } => (
            tr.f(
                &key,
                &[
                    ("name", &signed_by.name),
                    ("position", &tr.word("position", signed_by.position.as_str())),
                ],
            ),
            None,
        ),
        Event::Instructed { note: n } | Event::ReportedUnfixable { note: n } => (tr.t(&key), Some(n.clone())),
        Event::ApprovalRequested { kind, chain, note: n } => {
            let chain: Vec<String> = chain.iter().map(|r| tr.word("role", r.as_str())).collect();
            (
                tr.f(
                    &key,
                    &[
                        ("kind", &tr.word("approval", kind.as_str())),
                        ("chain", &chain.join(" → ")),
                    ],
                ),
                Some(n.clone()),
            )
        }
        Event::ApprovalDecided { approve, reason } => (
            tr.t(if *approve {
                "event.approval_approved"
            } else {
                "event.approval_rejected"
            }),
            reason.clone(),
        ),
        Event::CallbackRecorded {
            reached,
            satisfaction,
            note: n,
            answers,
        } => {
            let mut what = match (reached, satisfaction) {
                (true, Some(s)) => tr.f("event.callback_satisfied", &[("score", &s.value().to_string())]),
                (true, None) => tr.t("event.callback_reached"),
                (false, _) => tr.t("event.callback_unreached"),
            };
            if let Some(a) = answers {
                what.push(' ');
                what.push_str(&tr.f(
                    "event.callback_answers",
                    &[
                        ("quality", &a.quality.value().to_string()),
                        ("attitude", &a.attitude.value().to_string()),
                        ("restoration", &a.restoration.value().to_string()),
                    ],
                ));
            }
            (what, note(n))
        }
        Event::Archived => (tr.t(&key), None),
        Event::CancellationRequested { reason, note: n } => (
            tr.f(&key, &[("reason", &tr.word("cancel_reason", reason.as_str()))]),
            Some(n.clone()),
        ),
        Event::CancellationApproved { note: n } => (tr.t(&key), note(n)),
        Event::CancellationRejected { note: n } => (tr.t(&key), Some(n.clone())),
        Event::AttachmentAdded { attachment } => (
            tr.f(&key, &[("name", attachment.name.as_deref().unwrap_or(""))]),
            None,
        ),
        Event::AttachmentRemoved { reason, .. } => (tr.t(&key), Some(reason.clone())),
        Event::Urged { note: n }
        | Event::ReportedToRegion { note: n }
        | Event::MarkedComplex { note: n }
        | Event::ComplexReviewed { plan: n } => (tr.t(&key), Some(n.clone())),
        Event::Reprioritized { priority, reason } => (
            tr.f(&key, &[("priority", &tr.word("priority", priority.as_str()))]),
            Some(reason.clone()),
        ),
        Event::Escalated {
            clock,
            level,
            late_by_seconds,
            tell,
            channels,
            ..
        } => {
            let roles: Vec<String> = tell.iter().map(|r| tr.word("role", r.as_str())).collect();
            let ways: Vec<String> = channels.iter().map(|c| tr.word("channel", c.as_str())).collect();
            let mut what = tr.f(
                &key,
                &[
                    ("clock", &tr.word("clock", clock)),
                    ("level", &level.to_string()),
                    ("roles", &roles.join("、")),
                    ("channels", &ways.join("、")),
                ],
            );
            if *late_by_seconds >= 60 {
                what.push(' ');
                what.push_str(&tr.f("event.escalated_late", &[("late", &l.span(*late_by_seconds))]));
            }
            (what, None)
        }
        Event::EscalationSkipped { clock, level, reason } => (
            tr.f(
                &key,
                &[
                    ("clock", &tr.word("clock", clock)),
                    ("level", &level.to_string()),
                    ("reason", &tr.word("skip", reason.as_str())),
                ],
            ),
            None,
        ),
        Event::EscalationHeld { clock, level } => (
            tr.f(
                &key,
                &[("clock", &tr.word("clock", clock)), ("level", &level.to_string())],
            ),
            None,
        ),
    }
}
