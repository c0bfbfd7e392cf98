//! The state machine: every command is checked here against the order's state, the actor's
//! role and data scope, and turned into events. Nothing is changed by deciding.

use crate::Timestamp;
use crate::command::{Command, CommandName};
use crate::event::{ArrivalCheck, Event, EventRecord};
use crate::order::{MAX_CODE_ATTEMPTS, MAX_COMMITMENTS, Resolution, WorkOrder};
use crate::org::{Actor, PersonRef};
use crate::refusal::Refusal;
use crate::role::Role;
use crate::state::State;

/// A refused command. It changes nothing, with one exception that must be recorded anyway:
/// a wrong verification code is counted (`counted`), or the attempt limit could not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub refusal: Refusal,
    pub counted: Option<Event>,
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Self {
        Refused {
            refusal,
            counted: None,
        }
    }
}

impl WorkOrder {
    /// Decides `command` issued by `actor` at `now`: the events it causes, or why not.
    pub fn decide(&self, actor: &Actor, now: Timestamp, command: &Command) -> Result<Vec<Event>, Refused> {
        let name = command.name();
        let role = actor.role();
        if !role.may(name) {
            return Err(Refusal::NotPermitted { role, command: name }.into());
        }
        if name == CommandName::RequestCancel && self.solved_by_phone() {
            return Err(Refusal::SolvedByPhone.into());
        }
        let about_cancellation = matches!(
            name,
            CommandName::Contact | CommandName::ApproveCancel | CommandName::RejectCancel
        );
        if self.cancellation_pending() && !about_cancellation {
            return Err(Refusal::CancellationPending.into());
        }
        self.check_scope(actor, name)?;
        let decides_cancellation = matches!(name, CommandName::ApproveCancel | CommandName::RejectCancel);
        if decides_cancellation && !self.details.template.rules().cancel_approvers.contains(&role) {
            return Err(Refusal::NotPermitted { role, command: name }.into());
        }
        let state = self.state;
        let in_state = |allowed: &[State]| -> Result<(), Refusal> {
            if allowed.contains(&state) {
                Ok(())
            } else {
                Err(Refusal::InvalidState { state, command: name })
            }
        };
        use State::*;
        let event = match command {
            Command::Dispatch { station } => {
                in_state(&[AwaitingDispatch, Pool])?;
                if station.head.is_some() {
                    return Err(Refusal::SubSiteDispatch.into());
                }
                Event::Dispatched {
                    station: station.clone(),
                }
            }
            Command::HandOver { sub_site } => {
                in_state(&[Assigned, Accepted])?;
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
                in_state(&[
                    AwaitingDispatch,
                    Pool,
                    Assigned,
                    Accepted,
                    Scheduled,
                    WaitingForParts,
                    MultipleVisits,
                ])?;
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
            Command::Claim => {
                if state != Pool {
                    return Err(if self.assignee.is_some() {
                        Refusal::AlreadyClaimed
                    } else {
                        Refusal::InvalidState { state, command: name }
                    }
                    .into());
                }
                self.check_station(&actor.person)?;
                Event::Claimed {
                    technician: actor.person.clone(),
                }
            }
            Command::Accept => {
                in_state(&[Assigned])?;
                Event::Accepted
            }
            Command::Contact { outcome, note } => {
                if !state.is_open() {
                    return Err(Refusal::InvalidState { state, command: name }.into());
                }
                Event::ContactAttempted {
                    outcome: *outcome,
                    note: note.clone(),
                }
            }
            Command::Commit { at, kind, reason } => {
                in_state(&[
                    Accepted,
                    Scheduled,
                    WaitingForParts,
                    MultipleVisits,
                    OnSite,
                    InProgress,
                ])?;
                let written = self.timeline.commitments.len();
                if written >= MAX_COMMITMENTS {
                    return Err(Refusal::CommitmentLimit.into());
                }
                if *at < now {
                    return Err(Refusal::CommitmentInPast.into());
                }
                if written > 0 && reason.is_none() {
                    return Err(Refusal::Missing { field: "reason" }.into());
                }
                Event::Committed {
                    slot: written as u8 + 1,
                    at: *at,
                    kind: *kind,
                    reason: reason.clone(),
                }
            }
            Command::RequestParts { parts, note } => {
                in_state(&[Accepted, Scheduled, OnSite, InProgress, MultipleVisits])?;
                Event::PartsRequested {
                    parts: parts.clone(),
                    note: note.clone(),
                }
            }
            Command::PartsReceived { note } => {
                in_state(&[WaitingForParts])?;
                Event::PartsReceived { note: note.clone() }
            }
            Command::Arrive { code, desk_note } => {
                in_state(&[Accepted, Scheduled, MultipleVisits])?;
                self.decide_arrival(actor, code.as_ref(), desk_note.as_deref())?
            }
            Command::Start => {
                in_state(&[OnSite])?;
                Event::WorkStarted
            }
            Command::Resolve { signature, summary } => {
                in_state(&[OnSite, InProgress])?;
                let Some(signature) = signature
                    .as_ref()
                    .filter(|s| !s.signer.trim().is_empty() && !s.image.trim().is_empty())
                else {
                    return Err(Refusal::SignatureRequired.into());
                };
                Event::Resolved {
                    resolution: Resolution::OnSite {
                        signature: signature.clone(),
                        summary: summary.clone(),
                    },
                }
            }
            Command::ResolveByPhone { solution, note } => {
                in_state(&[Accepted, Scheduled])?;
                Event::Resolved {
                    resolution: Resolution::Phone {
                        solution: *solution,
                        note: note.clone(),
                    },
                }
            }
            Command::Callback {
                reached,
                satisfaction,
                note,
            } => {
                in_state(&[Resolved])?;
                if !reached && note.is_none() {
                    return Err(Refusal::Missing { field: "note" }.into());
                }
                Event::CallbackRecorded {
                    reached: *reached,
                    satisfaction: *satisfaction,
                    note: note.clone(),
                }
            }
            Command::Archive => {
                in_state(&[CalledBack])?;
                Event::Archived
            }
            Command::RequestCancel { reason, note } => {
                if !state.is_open() {
                    return Err(Refusal::InvalidState { state, command: name }.into());
                }
                Event::CancellationRequested {
                    reason: *reason,
                    note: note.clone(),
                }
            }
            Command::ApproveCancel { note } => {
                let request = self.pending_request()?;
                if request.requested_by == actor.id() {
                    return Err(Refusal::SelfApproval.into());
                }
                Event::CancellationApproved { note: note.clone() }
            }
            Command::RejectCancel { note } => {
                self.pending_request()?;
                Event::CancellationRejected { note: note.clone() }
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
        let record = EventRecord {
            order: self.id,
            seq: self.version + 1,
            at: now,
            actor: actor.person.clone(),
            event,
        };
        self.apply(&record);
        record
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
        if self.assignee.is_none() {
            return Err(Refusal::NotAssignee.into());
        }
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
        if !self.details.template.rules().arrival_code_required {
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
            counted: Some(Event::CodeRejected { failed_attempts }),
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
    fn check_station(&self, person: &PersonRef) -> Result<(), Refusal> {
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
