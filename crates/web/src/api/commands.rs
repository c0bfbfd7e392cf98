//! `POST /api/v1/orders/{id}/{command}`: one endpoint per state-machine command. Each
//! parses its own body into a domain [`Command`]; the service does the rest.

use super::orders::{idempotency, lookup_person, lookup_station, order_id, respond};
use crate::App;
use crate::auth::Caller;
use crate::body::RawBody;
use crate::error::{ApiError, ApiResult};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use baoxiu_domain::{
    CancelReason, Command, CommandName, CommitmentKind, ContactOutcome, CrewReport, FieldError, Finding,
    PartLine, PhoneSolution, Satisfaction, Signature, Store, VerificationCode, optional_text, text,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub fn router<S: Store>() -> Router<App<S>> {
    let mut router = Router::new();
    for name in CommandName::ALL {
        let handler = move |app, caller, Path(id): Path<String>, headers, query, body| {
            handle::<S>(app, caller, id, name, headers, query, body)
        };
        router = router.route(&format!("/api/v1/orders/{{id}}/{}", name.as_str()), post(handler));
    }
    router.route("/api/v1/orders/{id}/{command}", post(unknown))
}

async fn unknown(Path((_, command)): Path<(String, String)>) -> ApiError {
    let known: Vec<_> = CommandName::ALL.iter().map(|c| c.as_str()).collect();
    ApiError::UnknownCommand(command, known.join(", "))
}

/// Every command endpoint: parse the body for this command, then run it.
async fn handle<S: Store>(
    State(app): State<App<S>>,
    Caller(caller, tenant): Caller,
    id: String,
    name: CommandName,
    headers: HeaderMap,
    Query(params): Query<std::collections::HashMap<String, String>>,
    RawBody(raw): RawBody,
) -> ApiResult<Response> {
    let id = order_id(&id)?;
    let params = OnBehalf::parse(&params)?;
    let raw = &raw;
    let mut path = format!("/api/v1/orders/{id}/{}", name.as_str());
    if let Some(subject) = params.on_behalf_of {
        path.push_str(&format!("?on_behalf_of={subject}"));
    }
    let idem = idempotency(&headers, &path, raw)?;
    let on_behalf = match params.on_behalf_of {
        None => None,
        Some(subject) => Some(lookup_person(&app, &caller, subject, "on_behalf_of").await?),
    };
    let if_match = match headers.get("if-match") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|v| v.trim().trim_matches('"').parse::<u64>().ok())
                .ok_or_else(|| FieldError::new("If-Match", "must be the order's version number"))?,
        ),
    };
    let command = parse_command(&app, &caller, name, raw).await?;
    let who = crate::service::Who {
        caller: &caller,
        tenant: &tenant,
        on_behalf: on_behalf.as_ref(),
    };
    app.run_command(who, id, &command, if_match, idem.as_ref())
        .await
        .map(respond)
}

/// X10: `?on_behalf_of=<person id>` records the step for that person (a coordinator for the
/// order's technician).
pub struct OnBehalf {
    on_behalf_of: Option<Uuid>,
}

impl OnBehalf {
    fn parse(params: &std::collections::HashMap<String, String>) -> ApiResult<OnBehalf> {
        let mut on_behalf_of = None;
        for (key, value) in params {
            match key.as_str() {
                "on_behalf_of" => {
                    on_behalf_of = Some(
                        value
                            .parse()
                            .map_err(|_| FieldError::new("on_behalf_of", "must be a person's id"))?,
                    )
                }
                other => return Err(FieldError::new(other, "unknown parameter").into()),
            }
        }
        Ok(OnBehalf { on_behalf_of })
    }
}

pub(crate) async fn parse_command<S: Store>(
    app: &App<S>,
    caller: &baoxiu_domain::Person,
    name: CommandName,
    raw: &[u8],
) -> ApiResult<Command> {
    use crate::body::parse;
    let note = |n: Option<String>| optional_text("note", n.as_deref(), 1000);
    Ok(match name {
        CommandName::Dispatch | CommandName::HandOver => {
            let b: StationBody = parse(raw)?;
            let station = lookup_station(app, caller, b.station_id).await?;
            if name == CommandName::Dispatch {
                Command::Dispatch { station }
            } else {
                Command::HandOver { sub_site: station }
            }
        }
        CommandName::Assign => {
            let b: AssignBody = parse(raw)?;
            let technician = lookup_person(app, caller, b.technician_id, "technician_id").await?;
            Command::Assign {
                technician: technician.to_ref(),
            }
        }
        CommandName::Claim => parse::<Empty>(raw).map(|_| Command::Claim)?,
        CommandName::Accept => parse::<Empty>(raw).map(|_| Command::Accept)?,
        CommandName::Start => parse::<Empty>(raw).map(|_| Command::Start)?,
        CommandName::Archive => parse::<Empty>(raw).map(|_| Command::Archive)?,
        CommandName::Contact => {
            let b: ContactBody = parse(raw)?;
            Command::Contact {
                outcome: b.outcome,
                note: note(b.note)?,
            }
        }
        CommandName::Commit => {
            let b: CommitBody = parse(raw)?;
            Command::Commit {
                at: b.at,
                kind: b.kind,
                reason: optional_text("reason", b.reason.as_deref(), 500)?,
            }
        }
        CommandName::RequestParts => {
            let b: PartsBody = parse(raw)?;
            if b.parts.is_empty() {
                return Err(FieldError::new("parts", "must list at least one part").into());
            }
            let parts = b
                .parts
                .iter()
                .enumerate()
                .map(|(i, p)| PartLine::parse(i, &p.code, &p.name, p.quantity))
                .collect::<Result<_, _>>()?;
            Command::RequestParts {
                parts,
                note: note(b.note)?,
            }
        }
        CommandName::PartsReceived => {
            let b: NoteBody = parse(raw)?;
            Command::PartsReceived { note: note(b.note)? }
        }
        CommandName::Arrive => {
            let b: ArriveBody = parse(raw)?;
            Command::Arrive {
                code: b
                    .code
                    .as_deref()
                    .map(|c| VerificationCode::parse("code", c))
                    .transpose()?,
                desk_note: optional_text("desk_note", b.desk_note.as_deref(), 500)?,
                escort: optional_text("escort", b.escort.as_deref(), 50)?,
            }
        }
        CommandName::Resolve => {
            let b: ResolveBody = parse(raw)?;
            Command::Resolve {
                signature: b
                    .signature
                    .map(|s| {
                        Signature::parse(&s.signer, &s.image).map(|mut signature| {
                            signature.position = s.position;
                            signature
                        })
                    })
                    .transpose()?,
                summary: text("summary", &b.summary, 2000)?,
                report: b
                    .report
                    .map(|r| CrewReport::parse(&r.cause, r.restored_at, &r.crew, &r.result))
                    .transpose()?,
            }
        }
        CommandName::CheckAccount => {
            let b: AccountBody = parse(raw)?;
            Command::CheckAccount {
                account: text("account", &b.account, 32)?,
                status: b.status,
                note: note(b.note)?,
            }
        }
        CommandName::Triage => {
            let b: TriageBody = parse(raw)?;
            let said = b.guidance.as_deref().or(b.notice.as_deref());
            Command::Triage {
                finding: Finding::parse(
                    &b.finding,
                    b.fault.as_deref(),
                    b.zone.as_deref(),
                    b.cause.as_deref(),
                    b.paid_service,
                    said,
                )?,
            }
        }
        CommandName::Apologise => {
            let b: NoteBody = parse(raw)?;
            Command::Apologise { note: note(b.note)? }
        }
        CommandName::Depart => parse::<Empty>(raw).map(|_| Command::Depart)?,
        CommandName::Attend => {
            let b: NoteBody = parse(raw)?;
            Command::Attend { note: note(b.note)? }
        }
        CommandName::Outsource => {
            let b: VendorBody = parse(raw)?;
            Command::Outsource {
                vendor: lookup_station(app, caller, b.vendor_id).await?,
            }
        }
        CommandName::RecordPenalty => {
            let b: PenaltyBody = parse(raw)?;
            Command::RecordPenalty {
                kind: b.kind,
                amount: baoxiu_domain::Fen::parse_yuan("amount", &b.amount)?,
                note: text("note", &b.note, 500)?,
            }
        }
        CommandName::Quote => {
            let b: QuoteBody = parse(raw)?;
            if b.lines.is_empty() {
                return Err(FieldError::new("lines", "must list at least one line").into());
            }
            let mut lines = Vec::new();
            for (i, l) in b.lines.iter().enumerate() {
                let price = baoxiu_domain::Fen::parse_yuan(&format!("lines[{i}].unit_price"), &l.unit_price)?;
                lines.push(
                    baoxiu_domain::ChargeLine::parse(
                        i,
                        &l.name,
                        l.spec.as_deref(),
                        l.model.as_deref(),
                        l.quantity,
                        price,
                    )?
                    .on_list(l.item.as_deref()),
                );
            }
            Command::Quote { lines, prices: None }
        }
        CommandName::AcceptQuote => {
            let b: SignerBody = parse(raw)?;
            Command::AcceptQuote {
                signer: text("signer", &b.signer, 50)?,
            }
        }
        CommandName::RecordOwnerMaterial => {
            let b: MaterialBody = parse(raw)?;
            Command::RecordOwnerMaterial {
                description: text("description", &b.description, 500)?,
            }
        }
        CommandName::HandToFinance => {
            let b: AmountBody = parse(raw)?;
            Command::HandToFinance {
                amount: baoxiu_domain::Fen::parse_yuan("amount", &b.amount)?,
            }
        }
        CommandName::ShipParts => {
            let b: ShipBody = parse(raw)?;
            Command::ShipParts {
                order_no: text("order_no", &b.order_no, 64)?,
            }
        }
        CommandName::RefuseParts => {
            let b: ReasonBody = parse(raw)?;
            Command::RefuseParts {
                reason: text("reason", &b.reason, 500)?,
            }
        }
        CommandName::FitParts | CommandName::ReturnOldParts | CommandName::OldPartsReceived => {
            let b: NoteBody = parse(raw)?;
            let note = note(b.note)?;
            match name {
                CommandName::FitParts => Command::FitParts { note },
                CommandName::ReturnOldParts => Command::ReturnOldParts { note },
                _ => Command::OldPartsReceived { note },
            }
        }
        CommandName::RateComplexity => {
            let b: ComplexityBody = parse(raw)?;
            Command::RateComplexity {
                level: b.level,
                note: note(b.note)?,
            }
        }
        CommandName::FileSlip => {
            let b: FileSlipBody = parse(raw)?;
            Command::FileSlip {
                signed_by: baoxiu_domain::Staff::parse("signed_by", &b.signed_by.name, b.signed_by.position)?,
            }
        }
        CommandName::Instruct | CommandName::ReportUnfixable | CommandName::Reject => {
            let b: RequiredNoteBody = parse(raw)?;
            let note = text("note", &b.note, 1000)?;
            match name {
                CommandName::Instruct => Command::Instruct { note },
                CommandName::Reject => Command::Reject { note },
                _ => Command::ReportUnfixable { note },
            }
        }
        CommandName::RequestApproval => {
            let b: ApprovalBody = parse(raw)?;
            // The chain is the organisation's: the service fills it in once it knows the
            // order's template.
            Command::RequestApproval {
                kind: b.kind,
                note: text("note", &b.note, 1000)?,
                chain: Vec::new(),
            }
        }
        CommandName::Approve => {
            let b: NoteBody = parse(raw)?;
            Command::Approve { note: note(b.note)? }
        }
        CommandName::ResolveByPhone => {
            let b: PhoneBody = parse(raw)?;
            Command::ResolveByPhone {
                solution: b.solution,
                note: note(b.note)?,
            }
        }
        CommandName::Callback => {
            let b: CallbackBody = parse(raw)?;
            let rating = |field: &str, n: u8| {
                Satisfaction::new(n).map_err(|e| FieldError::new(format!("answers.{field}"), e.message))
            };
            let answers = match b.answers {
                Some(a) => Some(baoxiu_domain::CallbackAnswers {
                    quality: rating("quality", a.quality)?,
                    attitude: rating("attitude", a.attitude)?,
                    restoration: rating("restoration", a.restoration)?,
                }),
                None => None,
            };
            Command::Callback {
                reached: b.reached,
                satisfaction: b.satisfaction.map(Satisfaction::new).transpose()?,
                note: note(b.note)?,
                answers,
            }
        }
        CommandName::RequestCancel => {
            let b: CancelBody = parse(raw)?;
            Command::RequestCancel {
                reason: b.reason,
                note: text("note", &b.note, 1000)?,
            }
        }
        CommandName::ApproveCancel => {
            let b: NoteBody = parse(raw)?;
            Command::ApproveCancel { note: note(b.note)? }
        }
        CommandName::RejectCancel => {
            let b: RequiredNoteBody = parse(raw)?;
            Command::RejectCancel {
                note: text("note", &b.note, 1000)?,
            }
        }
        CommandName::Attach => {
            let b: AttachBody = parse(raw)?;
            let attachment = app
                .own_upload(caller, baoxiu_domain::AttachmentId(b.upload_id))
                .await?;
            Command::Attach { attachment }
        }
        CommandName::Urge | CommandName::ReportToRegion | CommandName::MarkComplex => {
            let b: RequiredNoteBody = parse(raw)?;
            let note = text("note", &b.note, 1000)?;
            match name {
                CommandName::Urge => Command::Urge { note },
                CommandName::ReportToRegion => Command::ReportToRegion { note },
                _ => Command::MarkComplex { note },
            }
        }
        CommandName::ReviewComplex => {
            let b: PlanBody = parse(raw)?;
            Command::ReviewComplex {
                plan: text("plan", &b.plan, 2000)?,
            }
        }
        CommandName::Reprioritize => {
            let b: ReprioritizeBody = parse(raw)?;
            Command::Reprioritize {
                priority: b.priority,
                reason: text("reason", &b.reason, 500)?,
            }
        }
        CommandName::RemoveAttachment => {
            let b: RemoveAttachmentBody = parse(raw)?;
            Command::RemoveAttachment {
                id: baoxiu_domain::AttachmentId(b.attachment_id),
                reason: text("reason", &b.reason, 500)?,
            }
        }
    })
}

/// No fields.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StationBody {
    pub station_id: Uuid,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub technician_id: Uuid,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    pub outcome: ContactOutcome,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitBody {
    /// The service time agreed with the customer (RFC 3339).
    pub at: DateTime<Utc>,
    #[serde(default = "customer_request")]
    pub kind: CommitmentKind,
    /// Required for T32 and T33: why the time moved (A11: name the parts order and code).
    pub reason: Option<String>,
}

fn customer_request() -> CommitmentKind {
    CommitmentKind::CustomerRequest
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartInput {
    pub code: String,
    pub name: String,
    pub quantity: u32,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartsBody {
    pub parts: Vec<PartInput>,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// The plan the review settled on (told to the owner within 24 hours, B19).
    pub plan: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReprioritizeBody {
    pub priority: baoxiu_domain::Priority,
    /// Why the priority changes (kept in the history).
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredNoteBody {
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArriveBody {
    /// The customer's six-digit code (technicians).
    pub code: Option<String>,
    /// How the desk verified the arrival by phone (desk agents, B03).
    pub desk_note: Option<String>,
    /// D03 (hotel): who took the technician into the guest area.
    pub escort: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureInput {
    pub signer: String,
    /// `data:image/png;base64,…`
    pub image: String,
    /// D06 (hotel): the signer's position: foreman or above.
    pub position: Option<baoxiu_domain::Position>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    /// The customer's signature (A14): required unless the template resolves with the
    /// crew's report.
    pub signature: Option<SignatureInput>,
    pub summary: String,
    /// E07: the crew's report (utility): required there instead of a signature. C10
    /// (equipment): the completion record (cause, when, who, method), with the signature.
    pub report: Option<CrewReportInput>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrewReportInput {
    /// 故障原因.
    pub cause: String,
    /// 恢复供电时间 (RFC 3339).
    pub restored_at: DateTime<Utc>,
    /// 处理人.
    pub crew: String,
    /// 抢修结果.
    pub result: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorBody {
    /// The outside firm (a station of the organisation whose people are vendors).
    pub vendor_id: Uuid,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PenaltyBody {
    /// late, poor_service, not_done (B22).
    pub kind: baoxiu_domain::PenaltyKind,
    /// Yuan.
    pub amount: String,
    pub note: String,
}

/// One line of the charges; amounts in yuan as text (`"12.50"`), kept exactly in fen.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChargeInput {
    pub name: String,
    pub spec: Option<String>,
    pub model: Option<String>,
    pub quantity: u32,
    /// Yuan, at most two decimals.
    pub unit_price: String,
    /// B24: the price-list item charged, by its code (the line is then at the list's price);
    /// leave out for a line off the list, which the supervisor prices.
    pub item: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteBody {
    pub lines: Vec<ChargeInput>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignerBody {
    /// The customer who accepted.
    pub signer: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialBody {
    /// The owner's material and how it was found on inspection.
    pub description: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountBody {
    /// Yuan, exactly the accepted total.
    pub amount: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipBody {
    /// The parts order number (备件订单号) the parts go out under.
    pub order_no: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why (kept in the history).
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplexityBody {
    /// low (repaired on the spot), medium or high (a maintenance plan is approved first).
    pub level: baoxiu_domain::Complexity,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSlipBody {
    /// Who signed the slip: a supervisor or above (D01).
    pub signed_by: crate::dto::StaffInput,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalBody {
    /// What needs approving (D03: shut_off_water, shut_off_power, shut_off_gas, noisy_work).
    pub kind: baoxiu_domain::ApprovalKind,
    /// What and why, for the approvers.
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountBody {
    /// The customer's account number (户号).
    pub account: String,
    /// `paid`, or `arrears`: cut off for arrears, which ends the call (E01).
    pub status: baoxiu_domain::AccountStatus,
    pub note: Option<String>,
}

/// E02, E03: `finding` is `grid` (with `fault` and `zone`), `internal` (with `cause`,
/// `guidance` and `paid_service`) or `outage` (with `notice`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageBody {
    pub finding: String,
    /// Grid: line, transformer, cable, meter_box, other.
    pub fault: Option<String>,
    /// Grid: city, rural, remote (E06's arrival target).
    pub zone: Option<String>,
    /// Internal: breaker, switch, fuse, prepaid_meter, overload.
    pub cause: Option<String>,
    /// Internal: the customer asked for the repair service, told first that it is paid.
    #[serde(default)]
    pub paid_service: bool,
    /// Internal: what the customer was guided to check.
    pub guidance: Option<String>,
    /// Outage: the outage the customer was told of (and apologised to for).
    pub notice: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneBody {
    pub solution: PhoneSolution,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackBody {
    pub reached: bool,
    /// 1–5.
    pub satisfaction: Option<u8>,
    /// Required when the customer was not reached (why).
    pub note: Option<String>,
    /// E08 (utility): the repair's quality, the crew's attitude and the restoration time,
    /// each 1–5; required of a reached customer there.
    pub answers: Option<AnswersInput>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersInput {
    pub quality: u8,
    pub attitude: u8,
    pub restoration: u8,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub reason: CancelReason,
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachBody {
    /// The id `POST /api/v1/uploads` answered with; only its sender may attach it.
    pub upload_id: Uuid,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveAttachmentBody {
    pub attachment_id: Uuid,
    /// Why the file is taken off the order (kept in the history).
    pub reason: String,
}

/// Adds one path per command to the OpenAPI document, from the same list that builds the
/// router, so the two cannot disagree.
pub struct CommandPaths;

/// The request body schema and a description of each command.
fn describe(name: CommandName) -> (&'static str, &'static str) {
    use CommandName::*;
    match name {
        Dispatch => ("StationBody", "Desk: dispatch to a head station (A01)."),
        HandOver => (
            "StationBody",
            "Head station: hand over to one of its sub-sites (A01).",
        ),
        Assign => (
            "AssignBody",
            "Assign a technician (B02 escalation, B04, coordinator).",
        ),
        Claim => (
            "Empty",
            "Technician: claim a pooled order (抢单); exactly one claim wins (B02).",
        ),
        Accept => ("Empty", "Coordinator or assigned technician: accept (A02)."),
        Contact => ("ContactBody", "Record a contact attempt with its outcome (A05)."),
        Commit => (
            "CommitBody",
            "Commit a service time: writes T31, T32, T33, at most three (A04).",
        ),
        RequestParts => ("PartsBody", "Request parts; the order waits for them (A09)."),
        PartsReceived => ("NoteBody", "The requested parts arrived."),
        Arrive => (
            "ArriveBody",
            "Arrive with the customer's code (B01) or desk verification (B03).",
        ),
        Start => ("Empty", "Start work on site."),
        Resolve => ("ResolveBody", "Resolved, with the customer's signature (A14)."),
        ResolveByPhone => ("PhoneBody", "Solved by phone; can never be cancelled (A07)."),
        Callback => ("CallbackBody", "Desk: call the customer back (A15, B07)."),
        Archive => ("Empty", "Archive a called-back order."),
        RequestCancel => ("CancelBody", "Request cancellation with a reason (A17)."),
        ApproveCancel => ("NoteBody", "Approver: approve the pending cancellation (A17)."),
        RejectCancel => ("RequiredNoteBody", "Approver: reject the pending cancellation."),
        Attach => ("AttachBody", "Keep an uploaded photo with the order."),
        Urge => (
            "RequiredNoteBody",
            "Desk: urge a special customer's order (催上门单); the station must tell the region within half a working day (A18).",
        ),
        ReportToRegion => (
            "RequiredNoteBody",
            "Station: tell the region about a special customer's order (A18).",
        ),
        MarkComplex => (
            "RequiredNoteBody",
            "The repair is complex: a technical review is due within 30 minutes (B19).",
        ),
        CheckAccount => (
            "AccountBody",
            "Desk: the account check; arrears end the call at intake, never dispatched (E01).",
        ),
        Triage => (
            "TriageBody",
            "Desk: an internal fault (guided, or the paid service), a grid fault (with its area) or an outage (E02, E03).",
        ),
        Apologise => (
            "NoteBody",
            "Desk: the apology call once the crew confirmed the dispatch (E05).",
        ),
        Depart => ("Empty", "Crew: set off for the site (E07)."),
        Outsource => (
            "VendorBody",
            "Give the order to an outside firm, whose people then see and work it (B22; C05 once approved).",
        ),
        RecordPenalty => (
            "PenaltyBody",
            "Supervisor: a penalty on the outside firm: late, poor service or not done (B22).",
        ),
        Quote => (
            "QuoteBody",
            "Tell the customer the charges before work starts: labour and the company's materials (B18).",
        ),
        AcceptQuote => (
            "SignerBody",
            "The customer accepts the charges; work may start (B18).",
        ),
        RecordOwnerMaterial => (
            "MaterialBody",
            "Record the owner's own material, inspected (B18).",
        ),
        HandToFinance => (
            "AmountBody",
            "Hand the money to finance: exactly the accepted total (B18).",
        ),
        ShipParts => (
            "ShipBody",
            "Service support: ship the requested parts under a parts order number (A11).",
        ),
        FitParts => ("NoteBody", "Technician: the received parts are fitted."),
        RefuseParts => (
            "ReasonBody",
            "The using department refuses received parts that are not up to standard; the same parts are requested again (C11).",
        ),
        ReturnOldParts => ("NoteBody", "Send the old parts back (A13)."),
        OldPartsReceived => ("NoteBody", "Service support: the old parts are back (A13)."),
        RateComplexity => (
            "ComplexityBody",
            "Rate the confirmed fault's complexity; above low, the maintenance plan is approved before work starts (C04).",
        ),
        FileSlip => (
            "FileSlipBody",
            "Duty room: file the signed slip that follows a phone report (D01, D02).",
        ),
        Attend => (
            "NoteBody",
            "Supervisor: at an important job in person; a job rated high is finished only after (C13).",
        ),
        Instruct => (
            "RequiredNoteBody",
            "Engineering supervisor: instruct the duty foreman, who then dispatches (D07).",
        ),
        RequestApproval => (
            "ApprovalBody",
            "Ask for an approval; the template's chain decides, in order (D03: shut-offs, noisy work).",
        ),
        Approve => (
            "NoteBody",
            "The next approver in the chain approves; the last approval takes effect.",
        ),
        Reject => (
            "RequiredNoteBody",
            "The next approver in the chain rejects, saying why; nothing else changes.",
        ),
        ReportUnfixable => (
            "RequiredNoteBody",
            "Not fixable now: the department head and the engineering manager are told (D05).",
        ),
        ReviewComplex => (
            "PlanBody",
            "Team lead or supervisor: the technical review and its plan (B19).",
        ),
        Reprioritize => (
            "ReprioritizeBody",
            "Desk or supervisor: change the priority; the clocks that depend on it recompute (X01).",
        ),
        RemoveAttachment => (
            "RemoveAttachmentBody",
            "Take a photo off the order, saying why (the history keeps the trace).",
        ),
    }
}

impl utoipa::Modify for CommandPaths {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem};
        use utoipa::openapi::request_body::RequestBodyBuilder;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, Ref, Required, ResponseBuilder};
        let json = |schema: &str| {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(schema)))
                .build()
        };
        let error = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content("application/json", json("ErrorBody"))
        };
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let header = |name: &str, what: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(what))
                .schema(Some(text()))
                .build()
        };
        for name in CommandName::ALL {
            let (body, summary) = describe(name);
            let operation = OperationBuilder::new()
                .tag("commands")
                .operation_id(Some(name.as_str().replace('-', "_")))
                .summary(Some(summary))
                .parameter(
                    ParameterBuilder::new()
                        .name("id")
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .description(Some("Order id"))
                        .schema(Some(text()))
                        .build(),
                )
                .parameter(header("Idempotency-Key", "Makes a retry safe"))
                .parameter(
                    ParameterBuilder::new()
                        .name("on_behalf_of")
                        .parameter_in(ParameterIn::Query)
                        .required(Required::False)
                        .description(Some(
                            "Record the step for this person: a station's coordinator for the order's technician (X10)",
                        ))
                        .schema(Some(text()))
                        .build(),
                )
                .parameter(header(
                    "If-Match",
                    "Fail with 409 unless the order is at this version",
                ))
                .request_body(Some(
                    RequestBodyBuilder::new()
                        .content("application/json", json(body))
                        .build(),
                ))
                .response(
                    "200",
                    ResponseBuilder::new()
                        .description("The order after the command")
                        .content("application/json", json("OrderView")),
                )
                .response("400", error("Not JSON"))
                .response("401", error("No valid token"))
                .response("403", error("Not allowed for this role or person"))
                .response("404", error("No such order"))
                .response(
                    "409",
                    error("Not allowed in this state, a lost claim, or a version conflict"),
                )
                .response("422", error("A field is invalid (named in `error.field`)"))
                .build();
            openapi.paths.paths.insert(
                format!("/api/v1/orders/{{id}}/{}", name.as_str()),
                PathItem::new(HttpMethod::Post, operation),
            );
        }
    }
}
