//! Commands: what someone asks to happen to an existing work order. References to other
//! records (a station, a technician) arrive already looked up, so the domain can check
//! them without I/O.

use crate::Timestamp;
use crate::attachment::Attachment;
use crate::ids::AttachmentId;
use crate::org::{PersonRef, StationRef};
use crate::values::{
    CancelReason, CommitmentKind, ContactOutcome, FieldError, PhoneSolution, Priority, Satisfaction,
    VerificationCode, text,
};
use serde::{Deserialize, Serialize};

/// One command against a work order.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// The desk dispatches the order to a station (A01: head stations only).
    Dispatch {
        station: StationRef,
    },
    /// A head station hands the order to one of its sub-sites (A01).
    HandOver {
        sub_site: StationRef,
    },
    /// Assign a named technician (B02 escalation, B04, a coordinator's choice).
    Assign {
        technician: PersonRef,
    },
    /// A technician claims a pooled order (抢单, B02).
    Claim,
    /// The station coordinator or the assigned technician accepts the order (A02).
    Accept,
    /// A contact attempt with a typed outcome (A05).
    Contact {
        outcome: ContactOutcome,
        note: Option<String>,
    },
    /// Commit a service time: writes the next of T31, T32, T33 (A04).
    Commit {
        at: Timestamp,
        kind: CommitmentKind,
        reason: Option<String>,
    },
    /// Parts are needed and requested (A09).
    RequestParts {
        parts: Vec<PartLine>,
        note: Option<String>,
    },
    /// Requested parts arrived.
    PartsReceived {
        note: Option<String>,
    },
    /// The technician is at the customer's: with the customer's code (B01), or verified by
    /// the desk over the phone when no code can be had (B03).
    Arrive {
        code: Option<VerificationCode>,
        desk_note: Option<String>,
        /// D03: the staff member who took the technician into a guest area.
        escort: Option<String>,
    },
    /// Work begins.
    Start,
    /// Fixed, and the customer signed (A13, A14).
    Resolve {
        signature: Option<Signature>,
        summary: String,
        /// E07: the crew's report, where the template resolves with one instead of a
        /// customer's signature.
        report: Option<crate::intake::CrewReport>,
    },
    /// Solved over the phone: software or other problem (A07).
    ResolveByPhone {
        solution: PhoneSolution,
        note: Option<String>,
    },
    /// The desk's callback (A15, B07); an unreached customer leaves the order resolved.
    Callback {
        reached: bool,
        satisfaction: Option<Satisfaction>,
        note: Option<String>,
        /// E08: the questions, where the template asks them of a reached customer.
        answers: Option<crate::values::CallbackAnswers>,
    },
    /// Close the file.
    Archive,
    /// Ask for cancellation with a reason (A17).
    RequestCancel {
        reason: CancelReason,
        note: String,
    },
    ApproveCancel {
        note: Option<String>,
    },
    RejectCancel {
        note: String,
    },
    /// Keep a checked, uploaded file with the order (a photo of the fault or the work).
    Attach {
        attachment: Attachment,
    },
    /// Take a file off the order, saying why; the history keeps the trace.
    RemoveAttachment {
        id: AttachmentId,
        reason: String,
    },
    /// Change the order's urgency, saying why; clocks timed by priority follow.
    Reprioritize {
        priority: Priority,
        reason: String,
    },
    /// A18: the desk urges a special customer's order (催上门单: ministries, the press, key
    /// accounts); the station must tell the region within half a working day.
    Urge {
        note: String,
    },
    /// A18: the station tells the region about a special customer's order.
    ReportToRegion {
        note: String,
    },
    /// B19: the repair is complex; a technical review is due within 30 minutes and the
    /// owner is to hear the plan within 24 hours.
    MarkComplex {
        note: String,
    },
    /// B19: the technical review of a complex repair, with its plan.
    ReviewComplex {
        plan: String,
    },
    /// E01: the desk checks the customer's account; arrears end the call.
    CheckAccount {
        account: String,
        status: crate::values::AccountStatus,
        note: Option<String>,
    },
    /// E02, E03: the desk tells an internal fault from a grid fault, or finds an outage.
    Triage {
        finding: crate::intake::Finding,
    },
    /// E05: once the crew confirmed the dispatch, the desk phones the customer to apologise.
    Apologise {
        note: Option<String>,
    },
    /// E07: the crew sets off.
    Depart,
    /// D01, D02: the signed slip that follows a phone report.
    FileSlip {
        signed_by: crate::slip::Staff,
    },
    /// D07: the engineering supervisor's instruction to the duty foreman.
    Instruct {
        note: String,
    },
    /// C13: the supervisor is at an important job in person.
    Attend {
        note: Option<String>,
    },
    /// Ask for an approval (D03: a shut-off or noisy work); the template names the chain.
    RequestApproval {
        kind: crate::values::ApprovalKind,
        note: String,
        /// The approvers, in order, as the organisation configured them for this kind
        /// ([`crate::TemplateSpec::chain`]); empty where it has no such approval.
        chain: Vec<crate::role::Role>,
    },
    /// The next approver in the chain approves the pending approval.
    Approve {
        note: Option<String>,
    },
    /// The next approver rejects it: it ends, nothing else changes.
    Reject {
        note: String,
    },
    /// D05: not fixable now; the department head and the engineering manager are told.
    ReportUnfixable {
        note: String,
    },
    /// C04: the fault confirmed, its complexity rated.
    RateComplexity {
        level: crate::values::Complexity,
        note: Option<String>,
    },
    /// Parts: service support ships the requested parts under a parts order number (A11).
    ShipParts {
        order_no: String,
    },
    /// Parts: the received parts are fitted.
    FitParts {
        note: Option<String>,
    },
    /// C11: the using department refuses received parts that are not up to standard; the
    /// same parts are requested again.
    RefuseParts {
        reason: String,
    },
    /// A13: the old parts go back to service support.
    ReturnOldParts {
        note: Option<String>,
    },
    /// A13: service support has the old parts back.
    OldPartsReceived {
        note: Option<String>,
    },
    /// B18: the charges told to the customer before work starts (labour, the company's
    /// materials with name, spec, model, quantity and unit price); a new quote replaces the
    /// last and needs accepting again.
    ///
    /// B24: where the organisation has a price list in force, a line naming a list item is
    /// charged at the list's price and a line off the list is priced by the supervisor.
    Quote {
        lines: Vec<crate::money::ChargeLine>,
        /// The organisation's price list, as the caller looked it up (like an approval's
        /// chain); `None` where it has none.
        prices: Option<crate::request::PriceList>,
    },
    /// B18: the customer accepts the charges (and so confirms the company's materials).
    AcceptQuote {
        signer: String,
    },
    /// B18: materials the owner brought, inspected and recorded.
    RecordOwnerMaterial {
        description: String,
    },
    /// B18: the money handed to finance: exactly the accepted total.
    HandToFinance {
        amount: crate::money::Fen,
    },
    /// B22, C05: give the order to an outside firm (where the template approves
    /// outsourcing, once approved).
    Outsource {
        vendor: StationRef,
    },
    /// B22: a penalty on the outside firm, in money.
    RecordPenalty {
        kind: crate::values::PenaltyKind,
        amount: crate::money::Fen,
        note: String,
    },
}

/// Command names as they appear in URLs (`POST /api/v1/orders/{id}/{name}`) and in the
/// permission table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CommandName {
    Dispatch,
    HandOver,
    Assign,
    Claim,
    Accept,
    Contact,
    Commit,
    RequestParts,
    PartsReceived,
    Arrive,
    Start,
    Resolve,
    ResolveByPhone,
    Callback,
    Archive,
    RequestCancel,
    ApproveCancel,
    RejectCancel,
    Attach,
    RemoveAttachment,
    Reprioritize,
    Urge,
    ReportToRegion,
    MarkComplex,
    ReviewComplex,
    CheckAccount,
    Triage,
    Apologise,
    Depart,
    FileSlip,
    Instruct,
    Attend,
    RequestApproval,
    Approve,
    Reject,
    ReportUnfixable,
    RateComplexity,
    ShipParts,
    FitParts,
    RefuseParts,
    ReturnOldParts,
    OldPartsReceived,
    Quote,
    AcceptQuote,
    RecordOwnerMaterial,
    HandToFinance,
    Outsource,
    RecordPenalty,
}

impl CommandName {
    pub const ALL: [CommandName; 48] = [
        CommandName::Dispatch,
        CommandName::HandOver,
        CommandName::Assign,
        CommandName::Claim,
        CommandName::Accept,
        CommandName::Contact,
        CommandName::Commit,
        CommandName::RequestParts,
        CommandName::PartsReceived,
        CommandName::Arrive,
        CommandName::Start,
        CommandName::Resolve,
        CommandName::ResolveByPhone,
        CommandName::Callback,
        CommandName::Archive,
        CommandName::RequestCancel,
        CommandName::ApproveCancel,
        CommandName::RejectCancel,
        CommandName::Attach,
        CommandName::RemoveAttachment,
        CommandName::Reprioritize,
        CommandName::Urge,
        CommandName::ReportToRegion,
        CommandName::MarkComplex,
        CommandName::ReviewComplex,
        CommandName::CheckAccount,
        CommandName::Triage,
        CommandName::Apologise,
        CommandName::Depart,
        CommandName::FileSlip,
        CommandName::Instruct,
        CommandName::Attend,
        CommandName::RequestApproval,
        CommandName::Approve,
        CommandName::Reject,
        CommandName::ReportUnfixable,
        CommandName::RateComplexity,
        CommandName::ShipParts,
        CommandName::FitParts,
        CommandName::RefuseParts,
        CommandName::ReturnOldParts,
        CommandName::OldPartsReceived,
        CommandName::Quote,
        CommandName::AcceptQuote,
        CommandName::RecordOwnerMaterial,
        CommandName::HandToFinance,
        CommandName::Outsource,
        CommandName::RecordPenalty,
    ];

    /// Steps only some templates have: a template lists the ones it has (`rules.steps`).
    pub const OPTIONAL: [CommandName; 22] = [
        CommandName::Urge,
        CommandName::ReportToRegion,
        CommandName::MarkComplex,
        CommandName::ReviewComplex,
        CommandName::CheckAccount,
        CommandName::Triage,
        CommandName::Apologise,
        CommandName::Depart,
        CommandName::FileSlip,
        CommandName::Instruct,
        CommandName::Attend,
        CommandName::RequestApproval,
        CommandName::Approve,
        CommandName::Reject,
        CommandName::ReportUnfixable,
        CommandName::RateComplexity,
        CommandName::Quote,
        CommandName::AcceptQuote,
        CommandName::RecordOwnerMaterial,
        CommandName::HandToFinance,
        CommandName::Outsource,
        CommandName::RecordPenalty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommandName::Dispatch => "dispatch",
            CommandName::HandOver => "hand-over",
            CommandName::Assign => "assign",
            CommandName::Claim => "claim",
            CommandName::Accept => "accept",
            CommandName::Contact => "contact",
            CommandName::Commit => "commit",
            CommandName::RequestParts => "request-parts",
            CommandName::PartsReceived => "parts-received",
            CommandName::Arrive => "arrive",
            CommandName::Start => "start",
            CommandName::Resolve => "resolve",
            CommandName::ResolveByPhone => "resolve-by-phone",
            CommandName::Callback => "callback",
            CommandName::Archive => "archive",
            CommandName::RequestCancel => "request-cancel",
            CommandName::ApproveCancel => "approve-cancel",
            CommandName::RejectCancel => "reject-cancel",
            CommandName::Attach => "attach",
            CommandName::RemoveAttachment => "remove-attachment",
            CommandName::Reprioritize => "reprioritize",
            CommandName::Urge => "urge",
            CommandName::ReportToRegion => "report-to-region",
            CommandName::MarkComplex => "mark-complex",
            CommandName::ReviewComplex => "review-complex",
            CommandName::CheckAccount => "check-account",
            CommandName::Triage => "triage",
            CommandName::Apologise => "apologise",
            CommandName::Depart => "depart",
            CommandName::FileSlip => "file-slip",
            CommandName::Instruct => "instruct",
            CommandName::Attend => "attend",
            CommandName::RequestApproval => "request-approval",
            CommandName::Approve => "approve",
            CommandName::Reject => "reject",
            CommandName::ReportUnfixable => "report-unfixable",
            CommandName::RateComplexity => "rate-complexity",
            CommandName::ShipParts => "ship-parts",
            CommandName::FitParts => "fit-parts",
            CommandName::RefuseParts => "refuse-parts",
            CommandName::ReturnOldParts => "return-old-parts",
            CommandName::OldPartsReceived => "old-parts-received",
            CommandName::Quote => "quote",
            CommandName::AcceptQuote => "accept-quote",
            CommandName::RecordOwnerMaterial => "record-owner-material",
            CommandName::HandToFinance => "hand-to-finance",
            CommandName::Outsource => "outsource",
            CommandName::RecordPenalty => "record-penalty",
        }
    }

    pub fn parse(s: &str) -> Option<CommandName> {
        CommandName::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl Command {
    pub fn name(&self) -> CommandName {
        match self {
            Command::Dispatch { .. } => CommandName::Dispatch,
            Command::HandOver { .. } => CommandName::HandOver,
            Command::Assign { .. } => CommandName::Assign,
            Command::Claim => CommandName::Claim,
            Command::Accept => CommandName::Accept,
            Command::Contact { .. } => CommandName::Contact,
            Command::Commit { .. } => CommandName::Commit,
            Command::RequestParts { .. } => CommandName::RequestParts,
            Command::PartsReceived { .. } => CommandName::PartsReceived,
            Command::Arrive { .. } => CommandName::Arrive,
            Command::Start => CommandName::Start,
            Command::Resolve { .. } => CommandName::Resolve,
            Command::ResolveByPhone { .. } => CommandName::ResolveByPhone,
            Command::Callback { .. } => CommandName::Callback,
            Command::Archive => CommandName::Archive,
            Command::RequestCancel { .. } => CommandName::RequestCancel,
            Command::ApproveCancel { .. } => CommandName::ApproveCancel,
            Command::RejectCancel { .. } => CommandName::RejectCancel,
            Command::Attach { .. } => CommandName::Attach,
            Command::RemoveAttachment { .. } => CommandName::RemoveAttachment,
            Command::Reprioritize { .. } => CommandName::Reprioritize,
            Command::Urge { .. } => CommandName::Urge,
            Command::ReportToRegion { .. } => CommandName::ReportToRegion,
            Command::MarkComplex { .. } => CommandName::MarkComplex,
            Command::ReviewComplex { .. } => CommandName::ReviewComplex,
            Command::CheckAccount { .. } => CommandName::CheckAccount,
            Command::Triage { .. } => CommandName::Triage,
            Command::Apologise { .. } => CommandName::Apologise,
            Command::Depart => CommandName::Depart,
            Command::FileSlip { .. } => CommandName::FileSlip,
            Command::Instruct { .. } => CommandName::Instruct,
            Command::Attend { .. } => CommandName::Attend,
            Command::RequestApproval { .. } => CommandName::RequestApproval,
            Command::Approve { .. } => CommandName::Approve,
            Command::Reject { .. } => CommandName::Reject,
            Command::ReportUnfixable { .. } => CommandName::ReportUnfixable,
            Command::RateComplexity { .. } => CommandName::RateComplexity,
            Command::ShipParts { .. } => CommandName::ShipParts,
            Command::FitParts { .. } => CommandName::FitParts,
            Command::RefuseParts { .. } => CommandName::RefuseParts,
            Command::ReturnOldParts { .. } => CommandName::ReturnOldParts,
            Command::OldPartsReceived { .. } => CommandName::OldPartsReceived,
            Command::Quote { .. } => CommandName::Quote,
            Command::AcceptQuote { .. } => CommandName::AcceptQuote,
            Command::RecordOwnerMaterial { .. } => CommandName::RecordOwnerMaterial,
            Command::HandToFinance { .. } => CommandName::HandToFinance,
            Command::Outsource { .. } => CommandName::Outsource,
            Command::RecordPenalty { .. } => CommandName::RecordPenalty,
        }
    }
}

/// One line of a parts request (备件申请).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartLine {
    /// The part code (备件编码).
    pub code: String,
    pub name: String,
    pub quantity: u32,
}

impl PartLine {
    pub fn parse(index: usize, code: &str, name: &str, quantity: u32) -> Result<Self, FieldError> {
        let at = |f: &str| format!("parts[{index}].{f}");
        if quantity == 0 {
            return Err(FieldError::new(at("quantity"), "must be at least 1"));
        }
        Ok(PartLine {
            code: text(&at("code"), code, 64)?,
            name: text(&at("name"), name, 100)?,
            quantity,
        })
    }
}

/// The customer's signature confirming the repair is complete (A14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signature {
    /// Who signed, as written on the slip.
    pub signer: String,
    /// D06: the signer's position, where the template asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<crate::values::Position>,
    /// The signature image as a data URL (`data:image/png;base64,…`); attachments come later.
    pub image: String,
}

impl Signature {
    pub fn parse(signer: &str, image: &str) -> Result<Self, FieldError> {
        let signer = text("signature.signer", signer, 50)?;
        let image = image.trim();
        if !image.starts_with("data:image/") || !image.contains(";base64,") {
            return Err(FieldError::new(
                "signature.image",
                "must be a data URL of an image (data:image/png;base64,…)",
            ));
        }
        if image.len() > 512 * 1024 {
            return Err(FieldError::new("signature.image", "must be at most 512 KiB"));
        }
        Ok(Signature {
            signer,
            position: None,
            image: image.to_string(),
        })
    }
}
