//! The forms of the order page: one per command the domain lets this person run now, and
//! the translation of a posted form into the API's JSON body, so a page runs a command
//! through exactly the parsing and checks the API uses. Choices (stations, technicians)
//! are those the domain would accept: each is tried with `decide` before it is offered.

use super::Viewer;
use super::i18n::Tr;
use super::orders::Choice;
use crate::auth::new_token;
use baoxiu_domain::{
    AccountStatus, Actor, CancelReason, Command, CommandName, CommitmentKind, Complexity, ContactOutcome,
    GridFault, InternalCause, PenaltyKind, Person, PhoneSolution, Priority, Role, Station, Timestamp,
    WorkOrder, Zone,
};
use chrono::{NaiveDateTime, TimeZone};
use serde_json::{Map, Value, json};

/// One input of a command's form.
pub struct Input {
    pub name: &'static str,
    pub label: String,
    /// `text`, `textarea`, `select`, `datetime`, `number`, `code`, `signature`, `radio`.
    pub kind: &'static str,
    pub required: bool,
    pub options: Vec<Choice>,
    pub value: String,
    pub hint: Option<String>,
}

/// A command's form on the order page.
pub struct CommandForm {
    pub command: &'static str,
    pub title: String,
    /// X10: the technician this step is recorded for, by id, when it is.
    pub for_person: Option<String>,
    pub inputs: Vec<Input>,
    /// An idempotency key drawn when the page is shown: a form sent twice acts once.
    pub key: String,
    /// Part of the key, to keep the ids of this form's fields apart from another's.
    pub dom: String,
    /// Where to go after the command, when not back to the order.
    pub back: Option<String>,
}

fn input(name: &'static str, label: String, kind: &'static str, required: bool) -> Input {
    Input {
        name,
        label,
        kind,
        required,
        options: Vec::new(),
        value: String::new(),
        hint: None,
    }
}

fn select(name: &'static str, label: String, required: bool, options: Vec<Choice>) -> Input {
    Input {
        options,
        ..input(name, label, "select", required)
    }
}

fn words(tr: Tr, prefix: &str, values: &[&'static str]) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: (*v).into(),
            label: tr.word(prefix, v),
            selected: false,
        })
        .collect()
}

/// Satisfaction from 5 down to 1, 5 chosen.
fn scores(tr: Tr) -> Vec<Choice> {
    (1..=5)
        .rev()
        .map(|n| Choice {
            value: n.to_string(),
            label: tr.word("satisfaction", &n.to_string()),
            selected: n == 5,
        })
        .collect()
}

/// What the order page needs to fill the forms' choices.
pub struct Context<'a> {
    pub stations: &'a [Station],
    pub people: &'a [Person],
    pub now: Timestamp,
    /// B24: the price list in force (empty where there is none).
    pub prices: &'a baoxiu_domain::PriceList,
}

/// The form for `name` if `viewer` may run it on `order` now (for the queues).
pub fn form_for(order: &WorkOrder, viewer: &Viewer, cx: &Context, name: CommandName) -> Option<CommandForm> {
    order
        .check(&viewer.actor(), name)
        .ok()
        .and_then(|()| form(order, &viewer.actor(), name, viewer, cx, None))
}

/// The forms for every command `viewer` may run on `order` now, then those they may record
/// for the order's technician (X10).
pub fn forms_for(order: &WorkOrder, viewer: &Viewer, cx: &Context) -> Vec<CommandForm> {
    let actor = viewer.actor();
    let mut forms: Vec<CommandForm> = order
        .commands_for(&actor)
        .into_iter()
        .filter_map(|name| form(order, &actor, name, viewer, cx, None))
        .collect();
    if let Some(tech) = &order.assignee {
        for name in order.commands_recordable(&actor) {
            let subject = Actor { person: tech.clone() };
            if let Some(mut f) = form(order, &subject, name, viewer, cx, Some(tech.id.to_string())) {
                f.title = viewer.tr.f(
                    "order.record_for",
                    &[("command", &f.title), ("person", &tech.name)],
                );
                forms.push(f);
            }
        }
    }
    forms
}

fn form(
    order: &WorkOrder,
    actor: &Actor,
    name: CommandName,
    viewer: &Viewer,
    cx: &Context,
    for_person: Option<String>,
) -> Option<CommandForm> {
    let tr = viewer.tr;
    let label = |key: &str| tr.t(&format!("field.{key}"));
    let note = |required: bool| input("note", label("note"), "textarea", required);
    // Choices the domain accepts for this person now.
    let accepted = |command: Command| order.decide(actor, cx.now, &command).is_ok();
    let inputs = match name {
        CommandName::Dispatch | CommandName::HandOver => {
            let options: Vec<Choice> = cx
                .stations
                .iter()
                .filter(|s| {
                    let station = s.to_ref();
                    accepted(match name {
                        CommandName::Dispatch => Command::Dispatch { station },
                        _ => Command::HandOver { sub_site: station },
                    })
                })
                .map(|s| Choice {
                    value: s.id.to_string(),
                    label: s.name.clone(),
                    selected: false,
                })
                .collect();
            if options.is_empty() {
                return None;
            }
            vec![select("station_id", label("station_id"), true, options)]
        }
        CommandName::Assign => {
            let options: Vec<Choice> = cx
                .people
                .iter()
                .filter(|p| p.role == Role::Technician)
                .filter(|p| {
                    accepted(Command::Assign {
                        technician: p.to_ref(),
                    })
                })
                .map(|p| Choice {
                    value: p.id.to_string(),
                    label: p.name.clone(),
                    selected: false,
                })
                .collect();
            if options.is_empty() {
                return None;
            }
            vec![select("technician_id", label("technician_id"), true, options)]
        }
        CommandName::Claim | CommandName::Accept | CommandName::Start | CommandName::Archive => Vec::new(),
        CommandName::Contact => vec![
            select(
                "outcome",
                label("outcome"),
                true,
                words(tr, "contact", &names(ContactOutcome::ALL)),
            ),
            note(false),
        ],
        CommandName::Commit => {
            let mut at = input("at", label("at"), "datetime", true);
            at.hint = Some(tr.t("order.time_hint"));
            let mut kinds = words(tr, "commitment", &names(CommitmentKind::ALL));
            if let Some(first) = kinds.first_mut() {
                first.selected = true;
            }
            vec![
                at,
                select("kind", label("kind"), true, kinds),
                input("reason", label("reason"), "text", true),
            ]
        }
        CommandName::RequestParts => {
            let mut rows = Vec::new();
            for (code, name, quantity) in [
                ("part_code_0", "part_name_0", "part_qty_0"),
                ("part_code_1", "part_name_1", "part_qty_1"),
            ] {
                rows.push(input(code, label("part_code"), "text", rows.is_empty()));
                rows.push(input(name, label("part_name"), "text", rows.len() == 1));
                let mut q = input(quantity, label("quantity"), "number", false);
                q.value = "1".into();
                rows.push(q);
            }
            rows.push(note(false));
            rows
        }
        CommandName::PartsReceived | CommandName::ApproveCancel => vec![note(false)],
        CommandName::RejectCancel => vec![note(true)],
        CommandName::Arrive => match viewer.person.role {
            Role::DeskAgent if for_person.is_none() => {
                vec![input("desk_note", label("desk_note"), "textarea", true)]
            }
            // D03: staff take the technician into a guest area.
            _ if order.details.slip.as_ref().is_some_and(|s| s.guest_area)
                && order.details.template.rules().escort_in_guest_areas =>
            {
                vec![input("escort", label("escort"), "text", true)]
            }
            // C13: the operator who stays with the machine.
            _ if order.details.template.rules().operator_on_site => {
                let mut operator = input("escort", label("operator_on_site"), "text", true);
                operator.value = order.details.customer.name.clone();
                vec![operator]
            }
            _ if !order.asks_code() => Vec::new(),
            _ => vec![input("code", label("code"), "code", false)],
        },
        // E07: the crew's report instead of a signature.
        CommandName::Resolve if order.details.template.rules().resolve_with_crew_report => {
            let mut restored = input("restored_at", label("restored_at"), "datetime", true);
            restored.hint = Some(tr.t("order.time_hint"));
            vec![
                input("cause", label("fault_cause"), "text", true),
                restored,
                input("crew", label("crew"), "text", true),
                input("result", label("result"), "textarea", true),
                input("summary", label("summary"), "textarea", true),
            ]
        }
        CommandName::Resolve => {
            let mut signer = input("signer", label("signer"), "text", true);
            signer.value = match viewer.person.role {
                Role::DeskAgent => viewer.person.name.clone(),
                _ => order.details.customer.name.clone(),
            };
            let mut inputs = vec![input("summary", label("summary"), "textarea", true), signer];
            // C10: the completion record beside the signature.
            if order.details.template.rules().completion_report {
                let mut done = input("restored_at", label("completed_at"), "datetime", true);
                done.hint = Some(tr.t("order.time_hint"));
                inputs.splice(
                    0..0,
                    [
                        input("cause", label("fault_cause"), "text", true),
                        done,
                        input("crew", label("repaired_by"), "text", true),
                        input("result", label("method"), "textarea", true),
                    ],
                );
            }
            // D06: the signer's position, where the template asks for one.
            if order.details.template.rules().signoff_position.is_some() {
                signer_position(&mut inputs, tr, &label);
            }
            inputs.push(input("signature", label("signature"), "signature", true));
            inputs
        }
        CommandName::ResolveByPhone => vec![
            select(
                "solution",
                label("solution"),
                true,
                words(tr, "phone_solution", &names(PhoneSolution::ALL)),
            ),
            note(false),
        ],
        // The customer confirms and rates their own repair: reached, by definition.
        CommandName::Callback if viewer.person.role == Role::Customer => {
            let scores = scores(tr);
            vec![
                select("satisfaction", label("satisfaction"), true, scores),
                note(false),
            ]
        }
        CommandName::Callback => {
            let mut reached = input("reached", label("reached"), "radio", true);
            reached.options = vec![
                Choice {
                    value: "true".into(),
                    label: tr.t("order.reached_yes"),
                    selected: true,
                },
                Choice {
                    value: "false".into(),
                    label: tr.t("order.reached_no"),
                    selected: false,
                },
            ];
            let mut inputs = vec![
                reached,
                select("satisfaction", label("satisfaction"), false, scores(tr)),
            ];
            // E08: the questions the template asks of a reached customer.
            if order.details.template.rules().callback_questions {
                for question in ["quality", "attitude", "restoration"] {
                    inputs.push(select(question, label(question), false, scores(tr)));
                }
            }
            inputs.push(note(false));
            inputs
        }
        // Photos are added with the upload form beside the commands.
        CommandName::Attach => return None,
        CommandName::RemoveAttachment => {
            let photos: Vec<Choice> = order
                .photos()
                .map(|f| Choice {
                    value: f.attachment.id.to_string(),
                    label: f
                        .attachment
                        .name
                        .clone()
                        .unwrap_or_else(|| f.attachment.id.to_string()[..8].to_string()),
                    selected: false,
                })
                .collect();
            if photos.is_empty() {
                return None;
            }
            vec![
                select("attachment_id", label("attachment_id"), true, photos),
                input("reason", label("reason"), "text", true),
            ]
        }
        CommandName::Urge | CommandName::ReportToRegion | CommandName::MarkComplex => vec![note(true)],
        CommandName::CheckAccount => {
            let mut status = input("status", label("account_status"), "radio", true);
            // Neither chosen: the agent says what the account shows.
            status.options = words(tr, "account_status", &names(AccountStatus::ALL));
            vec![
                input("account", label("account"), "text", true),
                status,
                note(false),
            ]
        }
        CommandName::Triage => {
            let findings = words(tr, "finding", &["grid", "internal", "outage"]);
            let mut paid = select(
                "paid_service",
                label("paid_service"),
                false,
                words(tr, "paid_service", &["false", "true"]),
            );
            paid.hint = Some(tr.t("order.paid_service_hint"));
            vec![
                select("finding", label("finding"), true, findings),
                select(
                    "fault",
                    label("fault"),
                    false,
                    words(tr, "grid_fault", &names(GridFault::ALL)),
                ),
                select("zone", label("zone"), false, words(tr, "zone", &names(Zone::ALL))),
                select(
                    "cause",
                    label("internal_cause"),
                    false,
                    words(tr, "internal_cause", &names(InternalCause::ALL)),
                ),
                paid,
                input("said", label("said"), "textarea", false),
            ]
        }
        CommandName::Apologise
        | CommandName::Approve
        | CommandName::FitParts
        | CommandName::ReturnOldParts
        | CommandName::OldPartsReceived => vec![note(false)],
        CommandName::ShipParts => vec![input("order_no", label("order_no"), "text", true)],
        // The firms are the organisation's stations whose people are vendors.
        CommandName::Outsource => {
            let firms: Vec<Choice> = cx
                .stations
                .iter()
                .filter(|s| {
                    cx.people
                        .iter()
                        .any(|p| p.role == Role::Vendor && p.station == Some(s.id))
                })
                .filter(|s| accepted(Command::Outsource { vendor: s.to_ref() }))
                .map(|s| Choice {
                    value: s.id.to_string(),
                    label: s.name.clone(),
                    selected: false,
                })
                .collect();
            if firms.is_empty() {
                return None;
            }
            vec![select("vendor_id", label("vendor"), true, firms)]
        }
        CommandName::RecordPenalty => vec![
            select(
                "kind",
                label("penalty"),
                true,
                words(tr, "penalty", &names(PenaltyKind::ALL)),
            ),
            input("amount", label("amount"), "text", true),
            input("note", label("note"), "text", true),
        ],
        CommandName::Quote => {
            let mut rows = Vec::new();
            // B24: with a price list in force, a line is picked from it (its name and price
            // come with it) or, for the supervisor, typed in.
            let listed = cx.prices.in_force();
            for (item, name, spec, qty, price) in [
                (
                    "charge_item_0",
                    "charge_name_0",
                    "charge_spec_0",
                    "charge_qty_0",
                    "charge_price_0",
                ),
                (
                    "charge_item_1",
                    "charge_name_1",
                    "charge_spec_1",
                    "charge_qty_1",
                    "charge_price_1",
                ),
            ] {
                let first = rows.is_empty();
                if listed {
                    let mut options = vec![Choice {
                        value: String::new(),
                        label: tr.t("order.off_list"),
                        selected: true,
                    }];
                    options.extend(cx.prices.items.iter().map(|i| Choice {
                        value: i.code.clone(),
                        label: format!("{} {} ¥{}/{}", i.code, i.name, i.price, i.unit),
                        selected: false,
                    }));
                    rows.push(select(item, label("price_item"), false, options));
                }
                let first = first && !listed;
                rows.push(input(name, label("charge_name"), "text", first));
                rows.push(input(spec, label("charge_spec"), "text", false));
                let mut q = input(qty, label("quantity"), "number", false);
                q.value = "1".into();
                rows.push(q);
                rows.push(input(price, label("unit_price"), "text", first));
            }
            rows
        }
        CommandName::AcceptQuote => {
            let mut signer = input("signer", label("signer"), "text", true);
            signer.value = order.details.customer.name.clone();
            signer.hint = Some(tr.f(
                "order.charges_total",
                &[("total", &order.charges.total().to_string())],
            ));
            vec![signer]
        }
        CommandName::RecordOwnerMaterial => {
            vec![input("description", label("owner_material"), "textarea", true)]
        }
        CommandName::HandToFinance => {
            let mut amount = input("amount", label("amount"), "text", true);
            amount.value = order.charges.total().to_string();
            vec![amount]
        }
        CommandName::RefuseParts => vec![input("reason", label("reason"), "text", true)],
        CommandName::RateComplexity => vec![
            select(
                "level",
                label("complexity"),
                true,
                words(tr, "complexity", &names(Complexity::ALL)),
            ),
            note(false),
        ],
        CommandName::Depart => Vec::new(),
        CommandName::Attend => vec![note(false)],
        CommandName::Instruct | CommandName::ReportUnfixable | CommandName::Reject => vec![note(true)],
        CommandName::FileSlip => vec![
            input("signer", label("signed_by"), "text", true),
            select(
                "position",
                label("position"),
                true,
                words(tr, "position", &["supervisor", "manager"]),
            ),
        ],
        CommandName::RequestApproval => {
            let spec = order.details.template.spec();
            let kinds: Vec<&'static str> = spec.approvals.keys().map(|k| k.as_str()).collect();
            vec![
                select(
                    "kind",
                    label("approval_kind"),
                    true,
                    words(tr, "approval", &kinds),
                ),
                note(true),
            ]
        }
        CommandName::ReviewComplex => vec![input("plan", label("plan"), "textarea", true)],
        CommandName::Reprioritize => {
            let others: Vec<&str> = Priority::ALL
                .iter()
                .filter(|p| **p != order.details.priority)
                .map(|p| p.as_str())
                .collect();
            vec![
                select(
                    "priority",
                    label("priority"),
                    true,
                    words(tr, "priority", &others),
                ),
                input("reason", label("reason"), "text", true),
            ]
        }
        CommandName::RequestCancel => vec![
            select(
                "reason",
                label("cancel_reason"),
                true,
                words(tr, "cancel_reason", &names(CancelReason::ALL)),
            ),
            note(true),
        ],
    };
    let key = new_token();
    let title = match (name, viewer.person.role) {
        (CommandName::Callback, Role::Customer) => tr.t("order.rate"),
        _ => tr.word("command", name.as_str()),
    };
    Some(CommandForm {
        command: name.as_str(),
        title,
        for_person,
        inputs,
        dom: key[3..11].to_string(),
        key,
        back: None,
    })
}

/// D06: who signs for the using department, by position (foreman or above).
fn signer_position(inputs: &mut Vec<Input>, tr: Tr, label: &dyn Fn(&str) -> String) {
    inputs.push(select(
        "position",
        label("position"),
        true,
        words(tr, "position", &["foreman", "supervisor", "manager"]),
    ));
}

fn names<T: Copy + WireName>(all: &[T]) -> Vec<&'static str> {
    all.iter().map(|v| v.wire()).collect()
}

/// The wire names of the domain's small enums.
trait WireName {
    fn wire(self) -> &'static str;
}

macro_rules! wire_name {
    ($($t:ty),+) => {$(impl WireName for $t { fn wire(self) -> &'static str { self.as_str() } })+};
}
wire_name!(
    ContactOutcome,
    CommitmentKind,
    PhoneSolution,
    CancelReason,
    AccountStatus,
    Complexity,
    PenaltyKind,
    GridFault,
    InternalCause,
    Zone
);

/// A posted form's fields, in order; repeated names are kept.
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// The API's JSON body for `command` from a posted form. Blank fields are left out, so the
/// API's parsing names what is missing; times are read in the organisation's zone.
pub fn to_json(command: CommandName, form: &Posted, zone: chrono_tz::Tz) -> Value {
    let mut body = Map::new();
    let copy = |body: &mut Map<String, Value>, names: &[&str]| {
        for name in names {
            if let Some(v) = form.get(name) {
                body.insert((*name).to_string(), Value::String(v.to_string()));
            }
        }
    };
    match command {
        CommandName::Dispatch | CommandName::HandOver => copy(&mut body, &["station_id"]),
        CommandName::RemoveAttachment => copy(&mut body, &["attachment_id", "reason"]),
        CommandName::Reprioritize => {
            body.insert("reason".into(), json!(form.get("reason").unwrap_or("")));
            copy(&mut body, &["priority"]);
        }
        CommandName::Assign => copy(&mut body, &["technician_id"]),
        CommandName::Commit => {
            if let Some(at) = form.get("at") {
                body.insert("at".into(), Value::String(utc(at, zone)));
            }
            copy(&mut body, &["kind", "reason"]);
        }
        CommandName::CheckAccount => copy(&mut body, &["account", "status", "note"]),
        CommandName::RateComplexity => copy(&mut body, &["level", "note"]),
        CommandName::ShipParts => {
            body.insert("order_no".into(), json!(form.get("order_no").unwrap_or("")));
        }
        CommandName::Outsource => copy(&mut body, &["vendor_id"]),
        CommandName::RecordPenalty => {
            copy(&mut body, &["kind", "amount"]);
            body.insert("note".into(), json!(form.get("note").unwrap_or("")));
        }
        CommandName::Quote => {
            let mut lines = Vec::new();
            for i in 0..2 {
                let item = form.get(&format!("charge_item_{i}"));
                let name = form.get(&format!("charge_name_{i}")).or(item.map(|_| ""));
                if let Some(name) = name {
                    let quantity = form.get(&format!("charge_qty_{i}")).unwrap_or("1");
                    let quantity = quantity
                        .parse::<u64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| json!(quantity));
                    let mut line = json!({
                        "name": name,
                        "quantity": quantity,
                        "unit_price": form.get(&format!("charge_price_{i}")).unwrap_or(""),
                    });
                    if let Some(spec) = form.get(&format!("charge_spec_{i}")) {
                        line["spec"] = json!(spec);
                    }
                    if let Some(item) = item {
                        line["item"] = json!(item);
                    }
                    lines.push(line);
                }
            }
            body.insert("lines".into(), Value::Array(lines));
        }
        CommandName::AcceptQuote => {
            body.insert("signer".into(), json!(form.get("signer").unwrap_or("")));
        }
        CommandName::RecordOwnerMaterial => {
            body.insert("description".into(), json!(form.get("description").unwrap_or("")));
        }
        CommandName::HandToFinance => {
            body.insert("amount".into(), json!(form.get("amount").unwrap_or("")));
        }
        CommandName::RefuseParts => {
            body.insert("reason".into(), json!(form.get("reason").unwrap_or("")));
        }
        CommandName::FileSlip => {
            body.insert(
                "signed_by".into(),
                json!({"name": form.get("signer").unwrap_or(""), "position": form.get("position").unwrap_or("")}),
            );
        }
        CommandName::RequestApproval => {
            body.insert("note".into(), json!(form.get("note").unwrap_or("")));
            copy(&mut body, &["kind"]);
        }
        CommandName::Instruct | CommandName::ReportUnfixable | CommandName::Reject => {
            body.insert("note".into(), json!(form.get("note").unwrap_or("")));
        }
        CommandName::Attend => {
            if let Some(note) = form.get("note") {
                body.insert("note".into(), json!(note));
            }
        }
        CommandName::Triage => {
            copy(&mut body, &["finding"]);
            // Only the fields of the finding chosen: the others are left on the form.
            match form.get("finding") {
                Some("grid") => copy(&mut body, &["fault", "zone"]),
                Some("internal") => {
                    copy(&mut body, &["cause"]);
                    body.insert(
                        "paid_service".into(),
                        Value::Bool(form.get("paid_service") == Some("true")),
                    );
                    body.insert("guidance".into(), json!(form.get("said").unwrap_or("")));
                }
                Some("outage") => {
                    body.insert("notice".into(), json!(form.get("said").unwrap_or("")));
                }
                _ => {}
            }
        }
        CommandName::RequestParts => {
            let mut parts = Vec::new();
            for i in 0..2 {
                if let Some(code) = form.get(&format!("part_code_{i}")) {
                    let quantity = form.get(&format!("part_qty_{i}")).unwrap_or("1");
                    let quantity = quantity
                        .parse::<u64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| json!(quantity));
                    parts.push(json!({
                        "code": code,
                        "name": form.get(&format!("part_name_{i}")).unwrap_or(""),
                        "quantity": quantity,
                    }));
                }
            }
            body.insert("parts".into(), Value::Array(parts));
            copy(&mut body, &["note"]);
        }
        CommandName::Resolve => {
            if form.get("restored_at").is_some() || form.get("cause").is_some() {
                body.insert(
                    "report".into(),
                    json!({
                        "cause": form.get("cause").unwrap_or(""),
                        "restored_at": utc(form.get("restored_at").unwrap_or(""), zone),
                        "crew": form.get("crew").unwrap_or(""),
                        "result": form.get("result").unwrap_or(""),
                    }),
                );
            }
            if let Some(image) = form.get("signature") {
                let signer = form.get("signer").unwrap_or("");
                let mut signature = json!({"signer": signer, "image": image});
                if let Some(position) = form.get("position") {
                    signature["position"] = json!(position);
                }
                body.insert("signature".into(), signature);
            }
            body.insert("summary".into(), json!(form.get("summary").unwrap_or("")));
        }
        CommandName::Callback => {
            let reached = form.get("reached") != Some("false");
            body.insert("reached".into(), Value::Bool(reached));
            if reached && let Some(score) = form.get("satisfaction").and_then(|s| s.parse::<u64>().ok()) {
                body.insert("satisfaction".into(), Value::from(score));
            }
            // E08: sent whole when any was answered; the API names what is missing.
            let answer = |q: &str| form.get(q).and_then(|s| s.parse::<u64>().ok());
            let answers = ["quality", "attitude", "restoration"].map(answer);
            if reached && answers.iter().any(Option::is_some) {
                body.insert(
                    "answers".into(),
                    json!({"quality": answers[0], "attitude": answers[1], "restoration": answers[2]}),
                );
            }
            copy(&mut body, &["note"]);
        }
        CommandName::ReviewComplex => {
            body.insert("plan".into(), json!(form.get("plan").unwrap_or("")));
        }
        // The note is required here: a blank one reaches the API as blank, which names it.
        CommandName::RequestCancel
        | CommandName::RejectCancel
        | CommandName::Urge
        | CommandName::ReportToRegion
        | CommandName::MarkComplex => {
            body.insert("note".into(), json!(form.get("note").unwrap_or("")));
            copy(&mut body, &["reason"]);
        }
        _ => copy(
            &mut body,
            &["outcome", "note", "code", "desk_note", "solution", "escort"],
        ),
    }
    Value::Object(body)
}

/// A `datetime-local` value read in the organisation's zone, as RFC 3339; what cannot be
/// read is passed on as it is, for the API to name.
fn utc(local: &str, zone: chrono_tz::Tz) -> String {
    NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| zone.from_local_datetime(&t).earliest())
        .map_or_else(|| local.to_string(), |t| t.to_utc().to_rfc3339())
}

/// A form without its session's CSRF token: refused, changing nothing.
pub fn csrf_refused(viewer: &Viewer) -> axum::response::Response {
    let tr = viewer.tr;
    let page = super::MessagePage {
        l: super::Layout::new(viewer, tr.t("csrf.title")),
        heading: tr.t("csrf.title"),
        text: tr.t("csrf.text"),
        back: Some(("/orders".into(), tr.t("csrf.back"))),
    };
    super::render_with(axum::http::StatusCode::FORBIDDEN, &page)
}
