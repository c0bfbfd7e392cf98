//! The state machine: every command is checked here against the order's state, the actor's
//! role and data scope, and turned into events. Nothing is changed by deciding.
//!
//! The checks come in two parts. [`WorkOrder::check`] needs only the command's name: who,
//! which orders, which states. The pages ask it which buttons to show
//! ([`WorkOrder::commands_for`]), so they never repeat a rule. [`WorkOrder::decide`] runs
//! it and then the checks that need the command's input (a code, a signature, a time).

use crate::Timestamp;
use crate::command::{Command, CommandName};
use crate::event::{ArrivalCheck, Event, EventRecord};
use crate::order::{MAX_CODE_ATTEMPTS, MAX_COMMITMENTS, Resolution, WorkOrder};
use crate::org::{Actor, PersonRef};
use crate::refusal::Refusal;
use crate::role::Role;
use crate::state::State;
use crate::values::{Area, CancelReason, ContactOutcome};

/// A refused command. It changes nothing, with one exception that must be recorded anyway:
/// a wrong verification code is counted (`counted`), or the attempt limit could not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub refusal: Refusal,
    pub counted: Option<Box<Event>>,
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Self {
        Refused {
            refusal,
            counted: None,
        }
    }
}

/// Which row of the permission table applies: the commands' own, or what a create may do
/// at once ([`Role::may_at_create`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Permission {
    Command,
    AtCreate,
}

/// Work is owed and someone has it: accepted and not yet resolved.
const TAKEN: &[State] = &[
    State::Accepted,
    State::Scheduled,
    State::OnSite,
    State::InProgress,
    State::WaitingForParts,
    State::MultipleVisits,
];

/// Given to a station or a person, and not yet resolved.
const DISPATCHED: &[State] = &[
    State::Assigned,
    State::Accepted,
    State::Scheduled,
    State::OnSite,
    State::InProgress,
    State::WaitingForParts,
    State::MultipleVisits,
];

/// Any open order ([`State::is_open`]).
const OPEN: &[State] = &[
    State::AwaitingDispatch,
    State::Pool,
    State::Assigned,
    State::Accepted,
    State::Scheduled,
    State::OnSite,
    State::InProgress,
    State::WaitingForParts,
    State::MultipleVisits,
];

/// Open, resolved or called back: until the file is closed.
const UNTIL_FILED: &[State] = &[
    State::AwaitingDispatch,
    State::Pool,
    State::Assigned,
    State::Accepted,
    State::Scheduled,
    State::OnSite,
    State::InProgress,
    State::WaitingForParts,
    State::MultipleVisits,
    State::Resolved,
    State::CalledBack,
];

/// The states in which a command may run, when that is a plain list.
fn allowed_states(name: CommandName) -> &'static [State] {
    use CommandName as C;
    use State::*;
    match name {
        C::Dispatch => &[AwaitingDispatch, Pool],
        C::HandOver => &[Assigned, Accepted],
        C::Assign => &[
            AwaitingDispatch,
            Pool,
            Assigned,
            Accepted,
            Scheduled,
            WaitingForParts,
            MultipleVisits,
        ],
        C::Claim => &[Pool],
        C::Accept => &[Assigned],
        C::Commit => TAKEN,
        C::RequestParts => &[Accepted, Scheduled, OnSite, InProgress, MultipleVisits],
        C::PartsReceived => &[WaitingForParts],
        C::Arrive => &[Accepted, Scheduled, MultipleVisits],
        C::Start => &[OnSite],
        C::Resolve => &[OnSite, InProgress],
        C::ResolveByPhone => &[Accepted, Scheduled],
        C::Callback => &[Resolved],
        // E09: a call that ended at intake is checked and archived too; where the template
        // has no callback, a resolved order is (`check_archive`).
        C::Archive => &[Resolved, CalledBack, Closed],
        C::CheckAccount | C::Triage => &[AwaitingDispatch],
        C::Apologise => &[
            Assigned,
            Accepted,
            Scheduled,
            OnSite,
            InProgress,
            WaitingForParts,
            MultipleVisits,
            Resolved,
        ],
        C::Depart => &[Accepted, Scheduled, MultipleVisits],
        // C13: while the work is on site.
        C::Attend => &[OnSite, InProgress, WaitingForParts, MultipleVisits],
        // D01, D02: the slip may follow until the file is closed.
        C::FileSlip => &[
            AwaitingDispatch,
            Assigned,
            Accepted,
            Scheduled,
            OnSite,
            InProgress,
            WaitingForParts,
            MultipleVisits,
            Resolved,
            CalledBack,
        ],
        C::Instruct => &[
            AwaitingDispatch,
            Assigned,
            Accepted,
            Scheduled,
            WaitingForParts,
            MultipleVisits,
        ],
        C::RequestApproval | C::Approve | C::Reject => &[
            AwaitingDispatch,
            Assigned,
            Accepted,
            Scheduled,
            OnSite,
            InProgress,
            WaitingForParts,
            MultipleVisits,
        ],
        C::RateComplexity => &[Accepted, Scheduled, OnSite, MultipleVisits],
        C::ShipParts => &[WaitingForParts],
        C::Quote | C::AcceptQuote | C::RecordOwnerMaterial => &[Accepted, Scheduled, OnSite, MultipleVisits],
        C::HandToFinance => &[Resolved, CalledBack],
        C::Outsource => DISPATCHED,
        C::RecordPenalty => &[
            Assigned,
            Accepted,
            Scheduled,
            OnSite,
            InProgress,
            WaitingForParts,
            MultipleVisits,
            Resolved,
            CalledBack,
            Archived,
        ],
        C::FitParts | C::RefuseParts => &[OnSite, InProgress, MultipleVisits],
        C::ReturnOldParts | C::OldPartsReceived => {
            &[OnSite, InProgress, MultipleVisits, Resolved, CalledBack]
        }
        C::ReportUnfixable => TAKEN,
        // Any open order; the cancellation decisions depend on a pending request instead.
        C::Contact | C::RequestCancel => OPEN,
        C::ApproveCancel | C::RejectCancel => &State::ALL,
        C::Reprioritize | C::Urge | C::ReportToRegion => OPEN,
        C::MarkComplex | C::ReviewComplex => TAKEN,
        // Photos are kept until the file is closed.
        C::Attach | C::RemoveAttachment => UNTIL_FILED,
    }
}

impl WorkOrder {
    /// May `actor` run the command `name` on this order now, whatever its input? Checks
    /// the permission table, data scope and state; [`WorkOrder::decide`] checks the rest.
    pub fn check(&self, actor: &Actor, name: CommandName) -> Result<(), Refusal> {
        self.check_with(actor, name, Permission::Command)
    }

    /// The commands `actor` may run on this order now: what the pages offer as buttons.
    pub fn commands_for(&self, actor: &Actor) -> Vec<CommandName> {
        CommandName::ALL
            .into_iter()
            .filter(|name| self.check(actor, *name).is_ok())
            .collect()
    }

    pub(crate) fn check_with(
        &self,
        actor: &Actor,
        name: CommandName,
        permission: Permission,
    ) -> Result<(), Refusal> {
        let role = actor.role();
        let template = self.details.template;
        let permitted = match permission {
            Permission::Command => role.may(name),
            Permission::AtCreate => role.may_at_create(template, name),
        };
        if !permitted {
            return Err(Refusal::NotPermitted { role, command: name });
        }
        if CommandName::OPTIONAL.contains(&name) && !template.rules().steps.contains(&name) {
            return Err(Refusal::NotInTemplate { command: name });
        }
        // A07 is the template's: a utility job is closed by the crew's report from the site
        // (E07), a hotel job by the using department's signature (D06).
        if name == CommandName::ResolveByPhone && !template.rules().resolve_by_phone {
            return Err(Refusal::NotInTemplate { command: name });
        }
        // Equipment and hotel have no callback step: resolved, then archived.
        if name == CommandName::Callback && !template.rules().callback {
            return Err(Refusal::NotInTemplate { command: name });
        }
        if name == CommandName::RequestCancel && self.solved_by_phone() {
            return Err(Refusal::SolvedByPhone);
        }
        let about_cancellation = matches!(
            name,
            CommandName::Contact | CommandName::ApproveCancel | CommandName::RejectCancel
        );
        if self.cancellation_pending() && !about_cancellation {
            return Err(Refusal::CancellationPending);
        }
        self.check_scope(actor, name)?;
        let decides_cancellation = matches!(name, CommandName::ApproveCancel | CommandName::RejectCancel);
        if decides_cancellation && !template.rules().cancel_approvers.contains(&role) {
            return Err(Refusal::NotPermitted { role, command: name });
        }
        if name == CommandName::Resolve {
            // A14 (amended): who signs off depends on where the job was.
            let reinspected = template.rules().public_area_reinspection
                && self.details.location.area == Some(Area::PublicArea);
            match (reinspected, role) {
                (true, Role::DeskAgent) | (false, Role::Technician | Role::Coordinator | Role::Vendor) => {}
                (true, _) => return Err(Refusal::ReinspectionSignOff),
                (false, _) => return Err(Refusal::NotPermitted { role, command: name }),
            }
        }
        let state = self.state;
        if !allowed_states(name).contains(&state) {
            return Err(match name {
                CommandName::Claim if self.assignee.is_some() => Refusal::AlreadyClaimed,
                _ => Refusal::InvalidState { state, command: name },
            });
        }
        match name {
            CommandName::ApproveCancel | CommandName::RejectCancel => self.pending_request().map(|_| ()),
            // B13: an order found on self-inspection waits for its approval before anyone
            // takes it.
            CommandName::Dispatch | CommandName::Assign | CommandName::Claim
                if self
                    .pending_approval()
                    .is_some_and(|a| a.kind == crate::values::ApprovalKind::SelfInspection) =>
            {
                Err(Refusal::ApprovalPending)
            }
            // B13: a rejected self-inspection order is never taken either.
            CommandName::Dispatch | CommandName::Assign | CommandName::Claim
                if self
                    .approvals
                    .iter()
                    .any(|a| a.kind == crate::values::ApprovalKind::SelfInspection)
                    && !self.approved(crate::values::ApprovalKind::SelfInspection) =>
            {
                Err(Refusal::NotApproved)
            }
            CommandName::Dispatch => self.check_intake(),
            CommandName::CheckAccount if self.intake.status.is_some() => {
                Err(Refusal::AlreadyRecorded { command: name })
            }
            // A finding may be put right while the order waits for dispatch (a wrong area, a
            // guided customer who now asks for the paid service); a call that ended is closed.
            // E01 before E02: an account cut off for arrears needs no fault found.
            CommandName::Triage if self.intake.status != Some(crate::values::AccountStatus::Paid) => {
                Err(Refusal::AccountFirst)
            }
            CommandName::Apologise if self.timeline.apologised_at.is_some() => {
                Err(Refusal::AlreadyRecorded { command: name })
            }
            // E05: the apology follows the duty lead's dispatch of the crew.
            CommandName::Apologise if self.assignee.is_none() => Err(Refusal::CrewNotDispatched),
            CommandName::Archive => self.check_archive(role),
            // C05: where the template approves outsourcing, the order goes out once approved.
            CommandName::Outsource
                if template
                    .spec()
                    .chain(crate::values::ApprovalKind::Outsourcing)
                    .is_some()
                    && !self.approved(crate::values::ApprovalKind::Outsourcing) =>
            {
                Err(Refusal::OutsourcingNotApproved)
            }
            CommandName::RecordPenalty if self.vendor.is_none() => Err(Refusal::NotOutsourced),
            // B18: paid work waits for the customer's acceptance of the charges.
            CommandName::Start | CommandName::Resolve if self.charges.awaiting_acceptance() => {
                Err(Refusal::ChargesNotAccepted)
            }
            CommandName::AcceptQuote if !self.charges.awaiting_acceptance() => Err(Refusal::NoCharges),
            // B18: the customer accepts; whoever told the charges does not accept them too.
            CommandName::AcceptQuote if self.charges.quoted_by == Some(actor.id()) => {
                Err(Refusal::SelfApproval)
            }
            CommandName::HandToFinance
                if self.charges.accepted_at.is_none() || self.charges.handed_to_finance.is_some() =>
            {
                Err(Refusal::NoCharges)
            }
            // B24: settled on the service slip the customer signed, never on a phone call.
            CommandName::HandToFinance
                if matches!(self.resolution, Some(crate::order::Resolution::Phone { .. })) =>
            {
                Err(Refusal::SignatureRequired)
            }
            CommandName::ShipParts
                if !self
                    .parts_requests
                    .iter()
                    .any(|r| r.received_at.is_none() && r.shipped_at.is_none()) =>
            {
                Err(Refusal::NoPartsHere)
            }
            CommandName::FitParts | CommandName::RefuseParts
                if !self.parts_requests.iter().any(|r| r.on_hand()) =>
            {
                Err(Refusal::NoPartsHere)
            }
            CommandName::ReturnOldParts
                if !self
                    .parts_requests
                    .iter()
                    .any(|r| r.fitted_at.is_some() && r.old_returned_at.is_none()) =>
            {
                Err(Refusal::NoPartsHere)
            }
            CommandName::OldPartsReceived
                if !self
                    .parts_requests
                    .iter()
                    .any(|r| r.old_returned_at.is_some() && r.old_received_at.is_none()) =>
            {
                Err(Refusal::NoPartsHere)
            }
            // C04: rated once, when the fault is confirmed; a rating never lowers itself past
            // the plan it called for.
            CommandName::RateComplexity if self.complexity.is_some() => {
                Err(Refusal::AlreadyRecorded { command: name })
            }
            // C04: the fault is rated, and a complex one's plan approved, before work starts.
            // D07: the duty foreman dispatches on the supervisor's instruction, or the
            // supervisor does; nobody else.
            CommandName::Assign
                if template.rules().assign_on_instruction
                    && !matches!(role, Role::TeamLead | Role::Supervisor) =>
            {
                Err(Refusal::NotPermitted { role, command: name })
            }
            CommandName::Assign
                if role == Role::TeamLead
                    && template.rules().assign_on_instruction
                    && self.timeline.instructed_at.is_none() =>
            {
                Err(Refusal::AwaitingInstruction)
            }
            CommandName::FileSlip if self.details.slip.as_ref().is_some_and(|s| s.signed_by.is_some()) => {
                Err(Refusal::AlreadyRecorded { command: name })
            }
            // One approval at a time; the work it is about waits for it (D03).
            CommandName::RequestApproval | CommandName::Start | CommandName::Resolve
                if self.pending_approval().is_some() =>
            {
                Err(Refusal::ApprovalPending)
            }
            // C04: rated, and a complex repair's plan approved, before work starts or ends;
            // C13: an important job (rated high) ends with the supervisor there in person.
            CommandName::Start | CommandName::Resolve if template.rules().complexity_rating => {
                self.check_plan()?;
                let important = self.complexity == Some(crate::values::Complexity::High);
                if name == CommandName::Resolve && important && self.timeline.supervisor_attended_at.is_none()
                {
                    return Err(Refusal::SupervisorAbsent);
                }
                Ok(())
            }
            CommandName::Attend if self.timeline.supervisor_attended_at.is_some() => {
                Err(Refusal::AlreadyRecorded {
                    command: CommandName::Attend,
                })
            }
            CommandName::Approve | CommandName::Reject => self.check_approver(actor),
            CommandName::Claim => self.check_station(&actor.person),
            CommandName::Arrive if self.assignee.is_none() => Err(Refusal::NotAssignee),
            _ => Ok(()),
        }
    }

    /// Decides `command` issued by `actor` at `now`: the events it causes, or why not.
    pub fn decide(&self, actor: &Actor, now: Timestamp, command: &Command) -> Result<Vec<Event>, Refused> {
        self.decide_with(actor, now, command, Permission::Command)
    }

    pub(crate) fn decide_with(
        &self,
        actor: &Actor,
        now: Timestamp,
        command: &Command,
        permission: Permission,
    ) -> Result<Vec<Event>, Refused> {
        self.check_with(actor, command.name(), permission)?;
        let event = match command {
            Command::Dispatch { station } => {
                if station.head.is_some() {
                    return Err(Refusal::SubSiteDispatch.into());
                }
                Event::Dispatched {
                    station: station.clone(),
                }
            }
            Command::HandOver { sub_site } => {
                // The head station hands over to its own sub-sites, also from one sub-site to
                // another.
                let head = self.station.as_ref().map(|s| s.head.unwrap_or(s.id));
                if head.is_none() || sub_site.head != head {
                    return Err(Refusal::NotASubSite.into());
                }
                Event::HandedOver {
                    sub_site: sub_site.clone(),
                }
            }
            Command::Assign { technician } => {
                if technician.role != Role::Technician {
                    return Err(Refusal::NotATechnician(technician.name.clone()).into());
                }
                if self.station.is_none() && self.details.template.rules().dispatch_to_station_first {
                    return Err(Refusal::NotDispatched.into());
                }
                self.check_station(technician)?;
                Event::Assigned {
                    technician: technician.clone(),
                }
            }
            Command::Claim => Event::Claimed {
                technician: actor.person.clone(),
            },
            Command::Accept => Event::Accepted,
            Command::Contact { outcome, note } => {
                // A05 (amended): "unreachable" only once enough time has passed since T1.
                if let (ContactOutcome::Unreachable, Some(minutes), Some(reported)) = (
                    outcome,
                    self.details.template.rules().unreachable_after_minutes,
                    self.timeline.reported_at,
                ) && now - reported < chrono::Duration::minutes(i64::from(minutes))
                {
                    return Err(Refusal::UnreachableTooEarly { minutes }.into());
                }
                Event::ContactAttempted {
                    outcome: *outcome,
                    note: note.clone(),
                }
            }
            Command::Commit { at, kind, reason } => {
                let written = self.timeline.commitments.len();
                if written >= MAX_COMMITMENTS {
                    return Err(Refusal::CommitmentLimit.into());
                }
                if *at < now {
                    return Err(Refusal::CommitmentInPast.into());
                }
                // A04 (amended): every T3 write carries its type and a reason.
                let Some(reason) = reason else {
                    return Err(Refusal::Missing { field: "reason" }.into());
                };
                Event::Committed {
                    slot: written as u8 + 1,
                    at: *at,
                    kind: *kind,
                    reason: Some(reason.clone()),
                }
            }
            Command::RequestParts { parts, note } => Event::PartsRequested {
                parts: parts.clone(),
                note: note.clone(),
            },
            Command::PartsReceived { note } => Event::PartsReceived { note: note.clone() },
            Command::Arrive {
                code,
                desk_note,
                escort,
            } => {
                // D03: guest areas are entered only with staff.
                // C13: the machine's operator stays on site; the arrival names them.
                let rules = self.details.template.rules();
                let guest_area = self.details.slip.as_ref().is_some_and(|s| s.guest_area);
                if (guest_area && rules.escort_in_guest_areas) || rules.operator_on_site {
                    let Some(escort) = escort.clone() else {
                        return Err(Refusal::Missing { field: "escort" }.into());
                    };
                    Event::Arrived {
                        check: ArrivalCheck::Escorted { escort },
                    }
                } else {
                    self.decide_arrival(actor, code.as_ref(), desk_note.as_deref())?
                }
            }
            Command::Start => Event::WorkStarted,
            Command::Resolve {
                report: crew_report,
                summary,
                ..
            } if self.details.template.rules().resolve_with_crew_report => {
                // E07: the crew's report replaces the customer's signature.
                let Some(report) = crew_report else {
                    return Err(Refusal::Missing { field: "report" }.into());
                };
                let reported = self.timeline.reported_at.unwrap_or(now);
                if report.restored_at > now || report.restored_at < reported {
                    return Err(Refusal::RestorationOutOfRange.into());
                }
                Event::Resolved {
                    resolution: Resolution::Crew {
                        report: report.clone(),
                        summary: summary.clone(),
                    },
                }
            }
            Command::Resolve {
                signature,
                summary,
                report: crew_report,
            } => {
                let Some(signature) = signature
                    .as_ref()
                    .filter(|s| !s.signer.trim().is_empty() && !s.image.trim().is_empty())
                else {
                    return Err(Refusal::SignatureRequired.into());
                };
                // D06: the using department's foreman or above signs.
                if let Some(lowest) = self.details.template.rules().signoff_position
                    && !signature.position.is_some_and(|p| p.at_least(lowest))
                {
                    return Err(Refusal::SignOffPosition.into());
                }
                // C10: the completion record, where the template asks for one.
                let rules = self.details.template.rules();
                let completion = match (rules.completion_report, crew_report) {
                    (true, None) => return Err(Refusal::Missing { field: "report" }.into()),
                    (true, Some(report)) => {
                        let reported = self.timeline.reported_at.unwrap_or(now);
                        if report.restored_at > now || report.restored_at < reported {
                            return Err(Refusal::RestorationOutOfRange.into());
                        }
                        Some(report.clone())
                    }
                    (false, _) => None,
                };
                Event::Resolved {
                    resolution: Resolution::OnSite {
                        signature: signature.clone(),
                        summary: summary.clone(),
                        report: completion,
                    },
                }
            }
            Command::ResolveByPhone { solution, note } => Event::Resolved {
                resolution: Resolution::Phone {
                    solution: *solution,
                    note: note.clone(),
                },
            },
            Command::Callback {
                reached,
                satisfaction,
                note,
                answers,
            } => {
                if !reached && note.is_none() {
                    return Err(Refusal::Missing { field: "note" }.into());
                }
                // E08: a reached customer is asked about quality, attitude and restoration
                // time, and how satisfied they are, where the template asks.
                if *reached && self.details.template.rules().callback_questions {
                    if satisfaction.is_none() {
                        return Err(Refusal::Missing {
                            field: "satisfaction",
                        }
                        .into());
                    }
                    if answers.is_none() {
                        return Err(Refusal::Missing { field: "answers" }.into());
                    }
                }
                Event::CallbackRecorded {
                    reached: *reached,
                    satisfaction: *satisfaction,
                    note: note.clone(),
                    answers: if *reached { *answers } else { None },
                }
            }
            Command::Archive => Event::Archived,
            Command::RequestCancel { reason, note } => {
                // A05: an unreachable customer's order may be cancelled only once the clock
                // of the contact attempts has opened it (five working days).
                if *reason == CancelReason::CustomerUnreachable && !self.opened("cancel_unreachable") {
                    return Err(Refusal::NotYetCancellable.into());
                }
                // A12: where the template has the special-situation report, a refused plan
                // is cancelled only once the region approved it.
                let reports = self
                    .details
                    .template
                    .spec()
                    .chain(crate::values::ApprovalKind::SpecialSituation)
                    .is_some();
                if *reason == CancelReason::PlanRefused
                    && reports
                    && !self.approved(crate::values::ApprovalKind::SpecialSituation)
                {
                    return Err(Refusal::ReportFirst.into());
                }
                Event::CancellationRequested {
                    reason: *reason,
                    note: note.clone(),
                }
            }
            Command::ApproveCancel { note } => {
                if self.pending_request()?.requested_by == actor.id() {
                    return Err(Refusal::SelfApproval.into());
                }
                Event::CancellationApproved { note: note.clone() }
            }
            Command::RejectCancel { note } => Event::CancellationRejected { note: note.clone() },
            Command::Urge { note } => Event::Urged { note: note.clone() },
            Command::ReportToRegion { note } => Event::ReportedToRegion { note: note.clone() },
            Command::MarkComplex { note } => Event::MarkedComplex { note: note.clone() },
            Command::ReviewComplex { plan } => Event::ComplexReviewed { plan: plan.clone() },
            Command::CheckAccount {
                account,
                status,
                note,
            } => Event::AccountChecked {
                account: account.clone(),
                status: *status,
                note: note.clone(),
            },
            Command::Triage { finding } => Event::Triaged {
                finding: finding.clone(),
            },
            Command::Apologise { note } => Event::Apologised { note: note.clone() },
            Command::Depart => Event::Departed,
            Command::Attend { note } => Event::SupervisorAttended { note: note.clone() },
            Command::FileSlip { signed_by } => {
                if !signed_by.position.at_least(crate::slip::SLIP_SIGNER) {
                    return Err(Refusal::SlipSigner.into());
                }
                Event::SlipFiled {
                    signed_by: signed_by.clone(),
                }
            }
            Command::Instruct { note } => Event::Instructed { note: note.clone() },
            Command::RequestApproval { kind, note, chain } => {
                // The organisation's chain, as the caller looked it up; approvers are staff
                // above the work.
                crate::approval::Approval::check_chain(chain)?;
                Event::ApprovalRequested {
                    kind: *kind,
                    chain: chain.clone(),
                    note: note.clone(),
                }
            }
            Command::Approve { note } => Event::ApprovalDecided {
                approve: true,
                reason: note.clone(),
            },
            Command::Reject { note } => Event::ApprovalDecided {
                approve: false,
                reason: Some(note.clone()),
            },
            Command::ReportUnfixable { note } => Event::ReportedUnfixable { note: note.clone() },
            Command::RateComplexity { level, note } => Event::ComplexityRated {
                level: *level,
                note: note.clone(),
            },
            Command::Outsource { vendor } => Event::Outsourced {
                vendor: vendor.clone(),
            },
            Command::RecordPenalty { kind, amount, note } => Event::PenaltyRecorded {
                kind: *kind,
                amount: *amount,
                note: note.clone(),
            },
            Command::Quote { lines, prices } => {
                if lines.is_empty() || crate::money::total(lines).is_none() {
                    return Err(Refusal::Missing { field: "lines" }.into());
                }
                check_prices(lines, prices.as_ref(), actor)?;
                // B24: a list item is charged under the list's name, whatever was typed.
                let lines = lines
                    .iter()
                    .map(|line| {
                        let listed = line.item.as_deref().and_then(|code| prices.as_ref()?.item(code));
                        match listed {
                            Some(item) => crate::money::ChargeLine {
                                name: item.name.clone(),
                                ..line.clone()
                            },
                            None => line.clone(),
                        }
                    })
                    .collect();
                Event::Quoted { lines }
            }
            Command::AcceptQuote { signer } => Event::QuoteAccepted {
                signer: signer.clone(),
            },
            Command::RecordOwnerMaterial { description } => Event::OwnerMaterialRecorded {
                description: description.clone(),
            },
            Command::HandToFinance { amount } => {
                let total = self.charges.total();
                if *amount != total {
                    return Err(Refusal::AmountMismatch { total }.into());
                }
                Event::HandedToFinance { amount: *amount }
            }
            Command::ShipParts { order_no } => Event::PartsShipped {
                order_no: order_no.clone(),
            },
            Command::FitParts { note } => Event::PartsFitted { note: note.clone() },
            Command::RefuseParts { reason } => Event::PartsRefused {
                reason: reason.clone(),
            },
            Command::ReturnOldParts { note } => Event::OldPartsReturned { note: note.clone() },
            Command::OldPartsReceived { note } => Event::OldPartsReceived { note: note.clone() },
            Command::Reprioritize { priority, reason } => Event::Reprioritized {
                priority: *priority,
                reason: reason.clone(),
            },
            Command::Attach { attachment } => Event::AttachmentAdded {
                attachment: attachment.clone(),
            },
            Command::RemoveAttachment { id, reason } => {
                if !self.photos().any(|f| f.attachment.id == *id) {
                    return Err(Refusal::NoSuchAttachment.into());
                }
                Event::AttachmentRemoved {
                    id: *id,
                    reason: reason.clone(),
                }
            }
        };
        Ok(vec![event])
    }

    /// Decides, then applies: returns the new records (already applied to `self`).
    pub fn execute(
        &mut self,
        actor: &Actor,
        now: Timestamp,
        command: &Command,
    ) -> Result<Vec<EventRecord>, Refused> {
        let events = self.decide(actor, now, command)?;
        Ok(events.into_iter().map(|e| self.record(actor, now, e)).collect())
    }

    /// Wraps an event in its envelope as the next step of this order and applies it.
    pub fn record(&mut self, actor: &Actor, now: Timestamp, event: Event) -> EventRecord {
        self.record_by(actor, None, now, event)
    }

    /// [`WorkOrder::record`], noting who recorded the step when it was not the actor (X10).
    pub fn record_by(
        &mut self,
        actor: &Actor,
        recorder: Option<&Actor>,
        now: Timestamp,
        event: Event,
    ) -> EventRecord {
        let record = EventRecord {
            order: self.id,
            seq: self.version + 1,
            at: now,
            actor: actor.person.clone(),
            recorded_by: recorder.map(|r| r.person.clone()),
            event,
        };
        self.apply(&record);
        record
    }

    /// X10 (A02 amended): may `recorder` record the command `name` for `subject`? A
    /// station's coordinator or team lead records steps for the technician the order is
    /// assigned to, where the template allows it; the step itself is checked as the
    /// technician's own, so recording for someone never does more than they may.
    pub fn check_for(&self, recorder: &Actor, subject: &Actor, name: CommandName) -> Result<(), Refusal> {
        let staff = matches!(recorder.role(), Role::Coordinator | Role::TeamLead)
            && recorder.person.station.is_some();
        let theirs = self.assignee.as_ref().is_some_and(|a| a.id == subject.id());
        if !self.details.template.rules().station_records_for_technician
            || !staff
            || subject.role() != Role::Technician
            || !theirs
            || name == CommandName::Claim
        {
            return Err(Refusal::NotRecorder);
        }
        if self.station.is_none() {
            return Err(Refusal::OtherStation);
        }
        self.check_station(&recorder.person)?;
        self.check(subject, name)
    }

    /// The commands `recorder` may record for the order's technician (X10).
    pub fn commands_recordable(&self, recorder: &Actor) -> Vec<CommandName> {
        let Some(subject) = self.assignee.clone() else {
            return Vec::new();
        };
        let subject = Actor { person: subject };
        CommandName::ALL
            .into_iter()
            .filter(|name| self.check_for(recorder, &subject, *name).is_ok())
            .collect()
    }

    /// Decides `command` as `subject`'s step recorded by `recorder` and applies it (X10).
    pub fn execute_for(
        &mut self,
        recorder: &Actor,
        subject: &Actor,
        now: Timestamp,
        command: &Command,
    ) -> Result<Vec<EventRecord>, Refused> {
        self.check_for(recorder, subject, command.name())?;
        let events = self.decide(subject, now, command)?;
        Ok(events
            .into_iter()
            .map(|e| self.record_by(subject, Some(recorder), now, e))
            .collect())
    }

    /// Whether a template clock's escalation opened `what` (A05: `cancel_unreachable`).
    /// Where the template's clocks open nothing of the kind, nothing waits for it.
    fn opened(&self, what: &str) -> bool {
        let gated = self
            .details
            .template
            .spec()
            .clocks
            .iter()
            .any(|c| c.ladder.iter().any(|l| l.opens.as_deref() == Some(what)));
        !gated || self.clocks.iter().any(|log| log.opened(what))
    }

    /// E01–E04: where the template checks calls at intake, a crew is sent only once the
    /// account is paid and the fault needs one.
    fn check_intake(&self) -> Result<(), Refusal> {
        let steps = &self.details.template.rules().steps;
        let checks = steps.contains(&CommandName::CheckAccount) || steps.contains(&CommandName::Triage);
        if checks && !self.intake.ready_to_dispatch() {
            return Err(Refusal::IntakeIncomplete);
        }
        Ok(())
    }

    /// Archiving: where there is a callback, only once called back; a hotel's file only
    /// with its signed slip (D01, D06).
    fn check_archive(&self, role: Role) -> Result<(), Refusal> {
        let rules = self.details.template.rules();
        if rules.archived_by_supervisor && role != Role::Supervisor {
            return Err(Refusal::SupervisorArchives);
        }
        if self.state == State::Resolved && rules.callback {
            return Err(Refusal::InvalidState {
                state: self.state,
                command: CommandName::Archive,
            });
        }
        if rules.slips && self.details.slip.as_ref().is_none_or(|s| s.signed_by.is_none()) {
            return Err(Refusal::SlipUnsigned);
        }
        Ok(())
    }

    /// C04: rated, and above low with its maintenance plan approved.
    fn check_plan(&self) -> Result<(), Refusal> {
        match self.complexity {
            None => Err(Refusal::ComplexityFirst),
            Some(crate::values::Complexity::Low) => Ok(()),
            Some(_) if self.approved(crate::values::ApprovalKind::MaintenancePlan) => Ok(()),
            Some(_) => Err(Refusal::PlanNotApproved),
        }
    }

    /// The pending approval's next step is `actor`'s role, and nobody decides their own
    /// request.
    fn check_approver(&self, actor: &Actor) -> Result<(), Refusal> {
        self.pending_approval()
            .ok_or(Refusal::NoApprovalPending)?
            .check_decider(actor)
    }

    fn pending_request(&self) -> Result<&crate::order::Cancellation, Refusal> {
        match &self.cancellation {
            Some(c) if self.state != State::Cancelled => Ok(c),
            _ => Err(Refusal::NoCancellationPending),
        }
    }

    fn decide_arrival(
        &self,
        actor: &Actor,
        code: Option<&crate::values::VerificationCode>,
        desk_note: Option<&str>,
    ) -> Result<Event, Refused> {
        if actor.role() == Role::DeskAgent {
            // B03: the technician has no code and calls the desk, which verifies.
            return match desk_note {
                Some(note) => Ok(Event::Arrived {
                    check: ArrivalCheck::Desk {
                        note: note.to_string(),
                    },
                }),
                None => Err(Refusal::DeskNoteRequired.into()),
            };
        }
        // A carry-in order's machine is at the station: nobody calls at the customer's.
        if !self.asks_code() {
            return Ok(Event::Arrived {
                check: ArrivalCheck::Unchecked,
            });
        }
        if self.verification.locked() {
            return Err(Refusal::CodeLocked.into());
        }
        let Some(code) = code else {
            return Err(Refusal::CodeRequired.into());
        };
        if *code == self.verification.code {
            return Ok(Event::Arrived {
                check: ArrivalCheck::Code,
            });
        }
        let failed_attempts = self.verification.failed_attempts + 1;
        Err(Refused {
            refusal: Refusal::WrongCode {
                remaining: MAX_CODE_ATTEMPTS - failed_attempts,
            },
            counted: Some(Box::new(Event::CodeRejected { failed_attempts })),
        })
    }

    /// Data scope: technicians act only on their own orders (claiming excepted); station
    /// staff only on orders of their station or its sub-sites; handing over between
    /// sub-sites is the head station's (A01).
    fn check_scope(&self, actor: &Actor, command: CommandName) -> Result<(), Refusal> {
        match actor.role() {
            Role::Technician if command != CommandName::Claim => match &self.assignee {
                Some(a) if a.id == actor.id() => Ok(()),
                _ => Err(Refusal::NotAssignee),
            },
            Role::Customer => match &self.created_by {
                Some(reporter) if reporter.id == actor.id() => Ok(()),
                _ => Err(Refusal::NotReporter),
            },
            // B22: an outside firm's people work only the orders given to their firm.
            Role::Vendor => match (&self.vendor, actor.person.station) {
                (Some(vendor), Some(firm)) if vendor.id == firm => Ok(()),
                _ => Err(Refusal::NotYourFirm),
            },
            Role::Coordinator | Role::TeamLead => {
                // An order no station has taken yet is the desk's or a supervisor's.
                let Some(station) = &self.station else {
                    return Err(Refusal::OtherStation);
                };
                let head = station.head.unwrap_or(station.id);
                if command == CommandName::HandOver && actor.person.station != Some(head) {
                    return Err(Refusal::OtherStation);
                }
                self.check_station(&actor.person)
            }
            _ => Ok(()),
        }
    }

    /// An order of a station is touched only by that station's people (or, for a head
    /// station, its sub-sites'); a person of no station may not touch it.
    pub(crate) fn check_station(&self, person: &PersonRef) -> Result<(), Refusal> {
        match (&self.station, person.station) {
            (Some(order_station), Some(theirs))
                if order_station.id == theirs || order_station.head == Some(theirs) =>
            {
                Ok(())
            }
            (Some(_), _) => Err(Refusal::OtherStation),
            (None, _) => Ok(()),
        }
    }
}

/// B24: with a price list in force, each line names a list item at the list's price, or is
/// off the list and priced by the supervisor. Without one, a line cannot name an item.
fn check_prices(
    lines: &[crate::money::ChargeLine],
    prices: Option<&crate::request::PriceList>,
    actor: &Actor,
) -> Result<(), Refusal> {
    let list = prices.filter(|p| p.in_force());
    for line in lines {
        match (&line.item, list) {
            (Some(code), Some(list)) => match list.item(code) {
                Some(item) if item.price == line.unit_price => {}
                _ => return Err(Refusal::NotListPrice),
            },
            (Some(_), None) => return Err(Refusal::NotListPrice),
            (None, Some(_)) if actor.role() != Role::Supervisor => return Err(Refusal::OffPriceList),
            (None, _) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_state_lists_agree_with_the_states() {
        let open: Vec<State> = State::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(OPEN, &open[..]);
        assert!(TAKEN.iter().all(|s| DISPATCHED.contains(s) && OPEN.contains(s)));
        assert!(OPEN.iter().all(|s| UNTIL_FILED.contains(s)));
    }
}
