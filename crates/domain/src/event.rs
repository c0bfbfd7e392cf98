//! Events: what happened to a work order. An order is exactly the fold of its events
//! ([`crate::WorkOrder::replay`]); the read row a store keeps is a cache of that fold.

use crate::attachment::Attachment;
use crate::command::PartLine;
use crate::ids::{AttachmentId, OrderId};
use crate::order::{NewOrder, Resolution};
use crate::org::{PersonRef, StationRef};
use crate::role::Role;
use crate::sla::{NotifyChannel, SkipReason};
use crate::values::Priority;
use crate::values::{CancelReason, CommitmentKind, ContactOutcome, Satisfaction, VerificationCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One event with its envelope: which order, which step, when, who.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRecord {
    pub order: OrderId,
    /// 1 for the creation; the order's version after this event.
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// Whose step this is.
    pub actor: PersonRef,
    /// Who recorded it, when someone recorded it for the actor (X10: a coordinator for the
    /// station's technician).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<PersonRef>,
    pub event: Event,
}

/// How an arrival was verified (B01, B03).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum ArrivalCheck {
    /// The technician entered the customer's code.
    Code,
    /// The template asks for no code.
    Unchecked,
    /// No code could be had; the desk verified by phone and noted how.
    Desk { note: String },
    /// D03: a member of staff took the technician into the guest area.
    Escorted { escort: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Created {
        #[serde(flatten)]
        order: Box<NewOrder>,
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        code: VerificationCode,
    },
    Dispatched {
        station: StationRef,
    },
    HandedOver {
        sub_site: StationRef,
    },
    Assigned {
        technician: PersonRef,
    },
    Claimed {
        technician: PersonRef,
    },
    Accepted,
    ContactAttempted {
        outcome: ContactOutcome,
        note: Option<String>,
    },
    /// `slot` 1, 2, 3 for T31, T32, T33.
    Committed {
        slot: u8,
        at: DateTime<Utc>,
        kind: CommitmentKind,
        reason: Option<String>,
    },
    PartsRequested {
        parts: Vec<PartLine>,
        note: Option<String>,
    },
    PartsReceived {
        note: Option<String>,
    },
    /// A wrong code was entered; counted even though the arrival is refused, or the
    /// attempt limit could not hold.
    CodeRejected {
        failed_attempts: u8,
    },
    Arrived {
        check: ArrivalCheck,
    },
    WorkStarted,
    Resolved {
        resolution: Resolution,
    },
    CallbackRecorded {
        reached: bool,
        satisfaction: Option<Satisfaction>,
        note: Option<String>,
        /// E08: quality, attitude and restoration time, where asked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answers: Option<crate::values::CallbackAnswers>,
    },
    Archived,
    CancellationRequested {
        reason: CancelReason,
        note: String,
    },
    CancellationApproved {
        note: Option<String>,
    },
    CancellationRejected {
        note: String,
    },
    AttachmentAdded {
        attachment: Attachment,
    },
    AttachmentRemoved {
        id: AttachmentId,
        reason: String,
    },
    /// The priority changed; clocks whose target depends on it recompute their deadline.
    Reprioritized {
        priority: Priority,
        reason: String,
    },
    /// A18: the desk urged a special customer's order.
    Urged {
        note: String,
    },
    /// A18: the station told the region.
    ReportedToRegion {
        note: String,
    },
    /// B19: the repair was found complex.
    MarkedComplex {
        note: String,
    },
    /// B19: the technical review, with its plan.
    ComplexReviewed {
        plan: String,
    },
    /// E01: the account was checked.
    AccountChecked {
        account: String,
        status: crate::values::AccountStatus,
        note: Option<String>,
    },
    /// E02, E03: what the fault was found to be.
    Triaged {
        #[serde(flatten)]
        finding: crate::intake::Finding,
    },
    /// E05: the desk apologised to the customer once the dispatch was confirmed.
    Apologised {
        note: Option<String>,
    },
    /// E07: the crew set off.
    Departed,
    /// D01, D02: the signed slip arrived after a phone report.
    SlipFiled {
        signed_by: crate::slip::Staff,
    },
    /// D07: the supervisor's instruction.
    Instructed {
        note: String,
    },
    /// C13: the supervisor came to the job in person.
    SupervisorAttended {
        note: Option<String>,
    },
    /// An approval was asked for; its chain as the template said at the time.
    ApprovalRequested {
        kind: crate::values::ApprovalKind,
        chain: Vec<Role>,
        note: String,
    },
    /// The next step of the pending approval decided.
    ApprovalDecided {
        approve: bool,
        reason: Option<String>,
    },
    /// D05: not fixable now.
    ReportedUnfixable {
        note: String,
    },
    /// C04: the confirmed fault's complexity.
    ComplexityRated {
        level: crate::values::Complexity,
        note: Option<String>,
    },
    /// The open parts request was shipped under this parts order number.
    PartsShipped {
        order_no: String,
    },
    /// The received parts were fitted.
    PartsFitted {
        note: Option<String>,
    },
    /// C11: the received parts were refused as not up to standard; the same parts are
    /// requested again and the order waits for them.
    PartsRefused {
        reason: String,
    },
    /// A13: the old parts were sent back.
    OldPartsReturned {
        note: Option<String>,
    },
    /// A13: service support has the old parts.
    OldPartsReceived {
        note: Option<String>,
    },
    /// B18: the charges told to the customer.
    Quoted {
        lines: Vec<crate::money::ChargeLine>,
    },
    /// B18: the customer accepted them.
    QuoteAccepted {
        signer: String,
    },
    /// B18: the owner's material, inspected.
    OwnerMaterialRecorded {
        description: String,
    },
    /// B18: the money went to finance.
    HandedToFinance {
        amount: crate::money::Fen,
    },
    /// B22, C05: the order went to an outside firm.
    Outsourced {
        vendor: StationRef,
    },
    /// B22: a penalty on the outside firm.
    PenaltyRecorded {
        kind: crate::values::PenaltyKind,
        amount: crate::money::Fen,
        note: String,
    },
    /// A level of a clock's ladder fired: these roles are told by these channels (X03).
    Escalated {
        clock: String,
        level: u8,
        /// How long after its time the level fired (after a restart, say).
        late_by_seconds: i64,
        tell: Vec<Role>,
        channels: Vec<NotifyChannel>,
        /// What the firing allows, if anything (A05: `cancel_unreachable`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opens: Option<String>,
    },
    /// A level did not fire, for good, and why (the clock was met, the order closed).
    EscalationSkipped {
        clock: String,
        level: u8,
        reason: SkipReason,
    },
    /// A level came due while its clock waited (paused); it fires once the clock runs again
    /// and its deadline passes.
    EscalationHeld {
        clock: String,
        level: u8,
    },
}

impl Event {
    /// A decision of the service-level clocks (X03): shown to those who see service levels.
    pub fn is_escalation(&self) -> bool {
        matches!(
            self,
            Event::Escalated { .. } | Event::EscalationSkipped { .. } | Event::EscalationHeld { .. }
        )
    }

    /// The event's type as a short name (the `type` tag), stored beside the body.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Created { .. } => "created",
            Event::Dispatched { .. } => "dispatched",
            Event::HandedOver { .. } => "handed_over",
            Event::Assigned { .. } => "assigned",
            Event::Claimed { .. } => "claimed",
            Event::Accepted => "accepted",
            Event::ContactAttempted { .. } => "contact_attempted",
            Event::Committed { .. } => "committed",
            Event::PartsRequested { .. } => "parts_requested",
            Event::PartsReceived { .. } => "parts_received",
            Event::CodeRejected { .. } => "code_rejected",
            Event::Arrived { .. } => "arrived",
            Event::WorkStarted => "work_started",
            Event::Resolved { .. } => "resolved",
            Event::CallbackRecorded { .. } => "callback_recorded",
            Event::Archived => "archived",
            Event::CancellationRequested { .. } => "cancellation_requested",
            Event::CancellationApproved { .. } => "cancellation_approved",
            Event::CancellationRejected { .. } => "cancellation_rejected",
            Event::AttachmentAdded { .. } => "attachment_added",
            Event::AttachmentRemoved { .. } => "attachment_removed",
            Event::Reprioritized { .. } => "reprioritized",
            Event::Urged { .. } => "urged",
            Event::ReportedToRegion { .. } => "reported_to_region",
            Event::MarkedComplex { .. } => "marked_complex",
            Event::ComplexReviewed { .. } => "complex_reviewed",
            Event::AccountChecked { .. } => "account_checked",
            Event::Triaged { .. } => "triaged",
            Event::Apologised { .. } => "apologised",
            Event::Departed => "departed",
            Event::SlipFiled { .. } => "slip_filed",
            Event::Instructed { .. } => "instructed",
            Event::SupervisorAttended { .. } => "supervisor_attended",
            Event::ApprovalRequested { .. } => "approval_requested",
            Event::ApprovalDecided { .. } => "approval_decided",
            Event::ReportedUnfixable { .. } => "reported_unfixable",
            Event::ComplexityRated { .. } => "complexity_rated",
            Event::PartsShipped { .. } => "parts_shipped",
            Event::PartsFitted { .. } => "parts_fitted",
            Event::PartsRefused { .. } => "parts_refused",
            Event::OldPartsReturned { .. } => "old_parts_returned",
            Event::OldPartsReceived { .. } => "old_parts_received",
            Event::Quoted { .. } => "quoted",
            Event::QuoteAccepted { .. } => "quote_accepted",
            Event::OwnerMaterialRecorded { .. } => "owner_material_recorded",
            Event::HandedToFinance { .. } => "handed_to_finance",
            Event::Outsourced { .. } => "outsourced",
            Event::PenaltyRecorded { .. } => "penalty_recorded",
            Event::Escalated { .. } => "escalated",
            Event::EscalationSkipped { .. } => "escalation_skipped",
            Event::EscalationHeld { .. } => "escalation_held",
        }
    }
}
