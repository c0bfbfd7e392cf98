//! The work order (工单) and how events build it.

use crate::Timestamp;
use crate::attachment::{AttachedFile, Removal};
use crate::command::Command;
use crate::command::{PartLine, Signature};
use crate::decide::Permission;
use crate::event::{Event, EventRecord};
use crate::ids::{OrderId, PersonId, TenantId};
use crate::org::{Actor, PersonRef, StationRef, Tenant};
use crate::refusal::Refusal;
use crate::role::Role;
use crate::state::State;
use crate::template::{InitialRoute, Template};
use crate::values::{
    Asset, CancelReason, Channel, CommitmentKind, ContactOutcome, Customer, Kind, Location, OrderNumber,
    PhoneSolution, Priority, Satisfaction, ServiceMode, VerificationCode,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A04: T3 may be written at most three times (T31, T32, T33).
pub const MAX_COMMITMENTS: usize = 3;
/// B01: wrong verification codes allowed before arrival by code is locked (B03 remains).
pub const MAX_CODE_ATTEMPTS: u8 = 5;

/// A validated new order, as the create command carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOrder {
    pub kind: Kind,
    pub channel: Channel,
    pub template: Template,
    pub category: Option<String>,
    pub priority: Priority,
    pub service_mode: ServiceMode,
    pub customer: Customer,
    pub location: Location,
    pub description: String,
    pub asset: Option<Asset>,
    /// Dispatch straight to a station (A01) …
    pub station: Option<StationRef>,
    /// … or to the technician the customer asked for (B04).
    pub technician: Option<PersonRef>,
    /// D01–D04: the hotel's slip, where the template takes reports with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slip: Option<crate::slip::Slip>,
    /// The number people read out (X09), given when the order is created. Orders created
    /// before numbers existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<OrderNumber>,
}

/// The timestamps the service levels are measured on (SPEC "Timeline").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timeline {
    /// T1: reported.
    pub reported_at: Option<DateTime<Utc>>,
    /// T2: first contact with the customer.
    pub first_contact_at: Option<DateTime<Utc>>,
    /// T31, T32, T33 in order: at most three (A04).
    pub commitments: Vec<Commitment>,
    /// Every arrival on site; more than one means multiple visits.
    pub arrivals: Vec<DateTime<Utc>>,
    /// T4: resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    pub called_back_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    /// E07: every time the crew set off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departures: Vec<DateTime<Utc>>,
    /// E05: when the desk apologised to the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apologised_at: Option<DateTime<Utc>>,
    /// C13: when the supervisor came to the job in person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor_attended_at: Option<DateTime<Utc>>,
    /// D07: when the supervisor last instructed the duty foreman.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructed_at: Option<DateTime<Utc>>,
    /// E01–E03: when the call ended at intake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// One written service time (T3x).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commitment {
    /// 1, 2 or 3.
    pub slot: u8,
    /// The committed service time.
    pub at: DateTime<Utc>,
    pub kind: CommitmentKind,
    pub reason: Option<String>,
    /// When it was written.
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactAttempt {
    pub at: DateTime<Utc>,
    pub by: PersonId,
    pub outcome: ContactOutcome,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartsRequest {
    pub requested_at: DateTime<Utc>,
    pub parts: Vec<PartLine>,
    pub note: Option<String>,
    /// The parts order number it was shipped under (A11: a late parts recommitment names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipped_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted_at: Option<DateTime<Utc>>,
    /// C11: refused as not up to standard, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// A13: the old parts sent back, and received by service support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_returned_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_received_at: Option<DateTime<Utc>>,
}

impl PartsRequest {
    /// Received, and neither fitted nor refused: what can be fitted or refused now.
    pub fn on_hand(&self) -> bool {
        self.received_at.is_some() && self.fitted_at.is_none() && self.refused.is_none()
    }
}

/// The customer's code and how many wrong ones were entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub code: VerificationCode,
    pub failed_attempts: u8,
}

impl Verification {
    pub fn locked(&self) -> bool {
        self.failed_attempts >= MAX_CODE_ATTEMPTS
    }
}

/// How an order was resolved: on site with the customer's signature (A14), or by phone
/// (A07), which needs no visit and so no signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Resolution {
    OnSite {
        signature: Signature,
        summary: String,
        /// C10: the completion record (cause, when, who, method), where the template asks.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        report: Option<crate::intake::CrewReport>,
    },
    /// "Within commitment", reason "software problem, solved by phone" or "other problem,
    /// solved by phone" (A07).
    Phone {
        solution: PhoneSolution,
        note: Option<String>,
    },
    /// E07: the crew's report to the hotline, where the template resolves with one.
    Crew {
        report: crate::intake::CrewReport,
        summary: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackRecord {
    pub at: DateTime<Utc>,
    pub by: PersonId,
    pub reached: bool,
    pub satisfaction: Option<Satisfaction>,
    pub note: Option<String>,
    /// E08: quality, attitude and restoration time, where asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<crate::values::CallbackAnswers>,
}

/// A cancellation request: pending until approved (then the order is cancelled) or
/// rejected (then it is cleared).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cancellation {
    pub reason: CancelReason,
    pub note: String,
    pub requested_by: PersonId,
    pub requested_at: DateTime<Utc>,
    pub approved_by: Option<PersonId>,
}

/// A work order: the fold of its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkOrder {
    pub id: OrderId,
    pub tenant: TenantId,
    /// The number of events applied; a write names the version it read (optimistic
    /// concurrency).
    pub version: u64,
    pub state: State,
    /// What was reported, as created.
    pub details: NewOrder,
    pub station: Option<StationRef>,
    pub assignee: Option<PersonRef>,
    pub created_by: Option<PersonRef>,
    pub timeline: Timeline,
    pub contacts: Vec<ContactAttempt>,
    pub parts_requests: Vec<PartsRequest>,
    pub verification: Verification,
    pub resolution: Option<Resolution>,
    pub callbacks: Vec<CallbackRecord>,
    pub cancellation: Option<Cancellation>,
    /// Photos kept with the order, removed ones included (with why).
    #[serde(default)]
    pub attachments: Vec<AttachedFile>,
    /// Approvals asked for on the order, decided or not (D03).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<crate::approval::Approval>,
    /// C04: the confirmed fault's complexity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity: Option<crate::values::Complexity>,
    /// B22, C05: the outside firm the order was given to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<StationRef>,
    /// B22: penalties on the outside firm: what for, how much, why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub penalties: Vec<(crate::values::PenaltyKind, crate::money::Fen, String)>,
    /// B18: the charges of paid work.
    #[serde(default, skip_serializing_if = "crate::money::Charges::is_empty")]
    pub charges: crate::money::Charges,
    /// What the hotline found at intake (E01–E03).
    #[serde(default, skip_serializing_if = "crate::intake::Intake::is_empty")]
    pub intake: crate::intake::Intake,
    /// The logs of the template's clocks on this order, derived from its events by
    /// [`crate::sla::follow`] when they are written (the fold of the events alone does not
    /// know the template's clocks, so [`WorkOrder::replay`] leaves them empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clocks: Vec<crate::sla::ClockLog>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// Station staff (a coordinator or team lead of a station) record orders as their station's.
fn records_for_own_station(by: &PersonRef) -> bool {
    matches!(by.role, Role::Coordinator | Role::TeamLead) && by.station.is_some()
}

impl NewOrder {
    /// The service mode of an order whose report names none: a station's own order is a
    /// carry-in order where the template says so (A16); any other is on-site.
    pub fn default_service_mode(template: Template, by: &PersonRef) -> ServiceMode {
        if records_for_own_station(by) && template.rules().station_orders_are_carry_in {
            ServiceMode::CarryIn
        } else {
            ServiceMode::OnSite
        }
    }
}

/// Events that cannot rebuild an order (not starting with `created`, gaps in `seq`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot replay order history: {0}")]
pub struct ReplayError(pub String);

impl WorkOrder {
    /// Opens a new order as `actor` asks, in `tenant`. The order is created where it
    /// belongs before anyone routes it: the claim pool or the desk's queue, or the station
    /// that records it itself (A16) or whose pool it waits in (B02). A station to dispatch
    /// to and a technician named at create are then the `dispatch` and `assign` commands,
    /// decided with every check they make ([`Role::may_at_create`] says who may ask), so
    /// creating an order never does what the commands refuse. Returns the order and its
    /// events: `created`, then `dispatched` and `assigned` if asked for.
    pub fn open(
        id: OrderId,
        tenant: &Tenant,
        new: NewOrder,
        code: VerificationCode,
        actor: &PersonRef,
        now: Timestamp,
    ) -> Result<(WorkOrder, Vec<EventRecord>), Refusal> {
        if !actor.role.may_create() {
            return Err(Refusal::NotPermittedToCreate { role: actor.role });
        }
        if !tenant.offers(new.template) {
            return Err(Refusal::TemplateNotOffered {
                offered: tenant.templates.clone(),
            });
        }
        let rules = new.template.rules();
        // D01–D04: a hotel report comes with its slip, from someone who may report.
        let mut new = new;
        match (&new.slip, rules.slips) {
            (None, true) => return Err(Refusal::Missing { field: "slip" }),
            (Some(_), false) => return Err(Refusal::NoSlips),
            (Some(slip), true) => {
                slip.check(new.channel)?;
                // D04: a special emergency is an emergency.
                if slip.special.is_some() {
                    new.priority = Priority::Emergency;
                }
            }
            (None, false) => {}
        }
        let pooled = rules.initial_route == InitialRoute::Pool && new.kind == Kind::Repair;
        // B13: a fault found on self-inspection by anyone below the supervisor waits for the
        // supervisor's approval before the pool (the template's chain).
        let inspection_chain = new
            .template
            .spec()
            .chain(crate::values::ApprovalKind::SelfInspection)
            .filter(|_| new.channel == Channel::SelfInspection && actor.role != Role::Supervisor)
            .map(<[Role]>::to_vec);
        let station_staff = records_for_own_station(actor);
        let own =
            |s: &StationRef| actor.station == Some(s.id) || s.head.is_some_and(|h| actor.station == Some(h));
        let mut base = new.clone();
        base.technician = None;
        // Where the order is born, and the station it is then dispatched to, if any.
        let dispatch_to = match new.station.clone() {
            // B02: a repair reported for a project waits in that project's pool; station
            // staff report only for their own.
            Some(project) if pooled => {
                if station_staff && !own(&project) {
                    return Err(Refusal::OtherStation);
                }
                None
            }
            // A16: the station records the order itself; it is that station's carry-in order.
            Some(station) if station_staff && rules.station_orders_are_carry_in => {
                if !own(&station) {
                    return Err(Refusal::OtherStation);
                }
                if new.service_mode != ServiceMode::CarryIn {
                    return Err(Refusal::StationOrderIsCarryIn);
                }
                None
            }
            Some(station) => {
                base.station = None;
                Some(station)
            }
            None => None,
        };
        let held = inspection_chain.is_some();
        let (mut order, created) = WorkOrder::create(id, tenant.id, base, code, actor, now);
        let mut records = vec![created];
        let by = Actor {
            person: actor.clone(),
        };
        if let Some(chain) = inspection_chain {
            // Born waiting for the approval, not in the pool (`apply`).
            let asked = Event::ApprovalRequested {
                kind: crate::values::ApprovalKind::SelfInspection,
                chain,
                note: new.description.clone(),
            };
            records.push(order.record(&by, now, asked));
        }
        let routing = [
            dispatch_to.map(|station| Command::Dispatch { station }),
            new.technician.map(|technician| Command::Assign { technician }),
        ];
        for command in routing.into_iter().flatten().filter(|_| !held) {
            let events = order
                .decide_with(&by, now, &command, Permission::AtCreate)
                .map_err(|refused| refused.refusal)?;
            records.extend(events.into_iter().map(|e| order.record(&by, now, e)));
        }
        Ok((order, records))
    }

    /// The order as its first event creates it, unchecked: [`WorkOrder::open`] checks.
    fn create(
        id: OrderId,
        tenant: TenantId,
        new: NewOrder,
        code: VerificationCode,
        actor: &PersonRef,
        now: Timestamp,
    ) -> (WorkOrder, EventRecord) {
        let order = WorkOrder::from_created(tenant, id, now, actor, &new, &code);
        let record = EventRecord {
            order: id,
            seq: 1,
            at: now,
            actor: actor.clone(),
            recorded_by: None,
            event: Event::Created {
                order: Box::new(new),
                code,
            },
        };
        (order, record)
    }

    fn from_created(
        tenant: TenantId,
        id: OrderId,
        at: DateTime<Utc>,
        actor: &PersonRef,
        new: &NewOrder,
        code: &VerificationCode,
    ) -> WorkOrder {
        let details = new.clone();
        // Only repairs are claimed from a pool; matters and complaints go to the responsible
        // supervisor, who assigns their own staff (B09, B15).
        let pooled =
            details.template.rules().initial_route == InitialRoute::Pool && details.kind == Kind::Repair;
        let state = match (&details.technician, &details.station) {
            (Some(_), _) => State::Assigned,
            // A pooled order created for a project waits in that project's pool (B02);
            // otherwise naming a station dispatches to it (A01).
            (None, Some(_)) if pooled => State::Pool,
            (None, Some(_)) => State::Assigned,
            (None, None) if pooled => State::Pool,
            (None, None) => State::AwaitingDispatch,
        };
        let (station, assignee) = (details.station.clone(), details.technician.clone());
        WorkOrder {
            id,
            tenant,
            version: 1,
            state,
            details,
            station,
            assignee,
            created_by: Some(actor.clone()),
            timeline: Timeline {
                reported_at: Some(at),
                ..Timeline::default()
            },
            contacts: Vec::new(),
            parts_requests: Vec::new(),
            verification: Verification {
                code: code.clone(),
                failed_attempts: 0,
            },
            resolution: None,
            callbacks: Vec::new(),
            cancellation: None,
            attachments: Vec::new(),
            intake: Default::default(),
            approvals: Vec::new(),
            complexity: None,
            charges: Default::default(),
            vendor: None,
            penalties: Vec::new(),
            clocks: Vec::new(),
            updated_at: Some(at),
        }
    }

    /// Rebuilds an order from its whole history.
    pub fn replay(tenant: TenantId, records: &[EventRecord]) -> Result<WorkOrder, ReplayError> {
        let (first, rest) = records
            .split_first()
            .ok_or_else(|| ReplayError("no events".into()))?;
        if first.seq != 1 {
            return Err(ReplayError("the first event must have seq 1".into()));
        }
        let Event::Created { order: new, code } = &first.event else {
            return Err(ReplayError("the first event must be `created`".into()));
        };
        let mut order = WorkOrder::from_created(tenant, first.order, first.at, &first.actor, new, code);
        for record in rest {
            if record.order != order.id || record.seq != order.version + 1 {
                return Err(ReplayError(format!(
                    "event seq {} does not follow version {}",
                    record.seq, order.version
                )));
            }
            order.apply(record);
        }
        Ok(order)
    }

    /// Applies one event. Infallible: events record what was already decided.
    pub fn apply(&mut self, record: &EventRecord) {
        let at = record.at;
        match &record.event {
            Event::Created { order, code } => {
                *self = WorkOrder::from_created(self.tenant, record.order, at, &record.actor, order, code);
                return;
            }
            Event::Dispatched { station } => {
                self.station = Some(station.clone());
                self.state = State::Assigned;
            }
            Event::HandedOver { sub_site } => {
                // The sub-site takes the order as it was dispatched: it accepts and assigns
                // its own technician.
                self.station = Some(sub_site.clone());
                self.assignee = None;
                self.state = State::Assigned;
            }
            Event::Assigned { technician } => {
                self.assignee = Some(technician.clone());
                if matches!(self.state, State::AwaitingDispatch | State::Pool) {
                    self.state = State::Assigned;
                }
            }
            Event::Claimed { technician } => {
                self.assignee = Some(technician.clone());
                self.state = State::Accepted;
            }
            Event::Accepted => self.state = State::Accepted,
            Event::ContactAttempted { outcome, note } => {
                let rules = self.details.template.rules();
                if *outcome == ContactOutcome::Reached
                    && !rules.t2_on_first_commitment
                    && self.timeline.first_contact_at.is_none()
                {
                    self.timeline.first_contact_at = Some(at);
                }
                self.contacts.push(ContactAttempt {
                    at,
                    by: record.actor.id,
                    outcome: *outcome,
                    note: note.clone(),
                });
            }
            Event::Committed {
                slot,
                at: service_at,
                kind,
                reason,
            } => {
                let rules = self.details.template.rules();
                // A04: writing T31 sets T2 to that moment (after_sales); elsewhere T31 only
                // fills T2 when no contact was recorded before.
                if *slot == 1 && (rules.t2_on_first_commitment || self.timeline.first_contact_at.is_none()) {
                    self.timeline.first_contact_at = Some(at);
                }
                self.timeline.commitments.push(Commitment {
                    slot: *slot,
                    at: *service_at,
                    kind: *kind,
                    reason: reason.clone(),
                    recorded_at: at,
                });
                // A carry-in order's T3 is the agreed pick-up time (A04 amended): agreeing it
                // while the machine is on the bench is not another visit.
                let carry_in = self.details.service_mode == ServiceMode::CarryIn;
                self.state = match self.state {
                    State::Accepted | State::Scheduled => State::Scheduled,
                    State::OnSite | State::InProgress if !carry_in => State::MultipleVisits,
                    other => other,
                };
            }
            Event::PartsRequested { parts, note } => {
                self.parts_requests.push(PartsRequest {
                    requested_at: at,
                    parts: parts.clone(),
                    note: note.clone(),
                    order_no: None,
                    shipped_at: None,
                    received_at: None,
                    fitted_at: None,
                    refused: None,
                    old_returned_at: None,
                    old_received_at: None,
                });
                self.state = State::WaitingForParts;
            }
            Event::PartsReceived { .. } => {
                for request in &mut self.parts_requests {
                    request.received_at.get_or_insert(at);
                }
                // A13: once someone has been on site and it is still not fixed, every
                // further visit is one of several.
                self.state = if !self.timeline.arrivals.is_empty() {
                    State::MultipleVisits
                } else if self.timeline.commitments.is_empty() {
                    State::Accepted
                } else {
                    State::Scheduled
                };
            }
            Event::CodeRejected { failed_attempts } => {
                self.verification.failed_attempts = *failed_attempts;
            }
            Event::Arrived { .. } => {
                self.timeline.arrivals.push(at);
                self.state = State::OnSite;
            }
            Event::WorkStarted => self.state = State::InProgress,
            Event::Resolved { resolution } => {
                self.resolution = Some(resolution.clone());
                self.timeline.resolved_at = Some(at);
                if matches!(resolution, Resolution::Phone { .. }) && self.timeline.first_contact_at.is_none()
                {
                    self.timeline.first_contact_at = Some(at);
                }
                self.state = State::Resolved;
            }
            Event::CallbackRecorded {
                reached,
                satisfaction,
                note,
                answers,
            } => {
                self.callbacks.push(CallbackRecord {
                    at,
                    by: record.actor.id,
                    reached: *reached,
                    satisfaction: *satisfaction,
                    note: note.clone(),
                    answers: *answers,
                });
                // E08 (amended): where the template says so, an unreachable callback ends with
                // its termination reason.
                if *reached || self.details.template.rules().unreached_callback_ends {
                    self.timeline.called_back_at = Some(at);
                    self.state = State::CalledBack;
                }
            }
            Event::Archived => {
                self.timeline.archived_at = Some(at);
                self.state = State::Archived;
            }
            Event::CancellationRequested { reason, note } => {
                self.cancellation = Some(Cancellation {
                    reason: *reason,
                    note: note.clone(),
                    requested_by: record.actor.id,
                    requested_at: at,
                    approved_by: None,
                });
            }
            Event::CancellationApproved { .. } => {
                if let Some(c) = &mut self.cancellation {
                    c.approved_by = Some(record.actor.id);
                }
                self.timeline.cancelled_at = Some(at);
                self.state = State::Cancelled;
            }
            Event::CancellationRejected { .. } => self.cancellation = None,
            Event::AttachmentAdded { attachment } => self.attachments.push(AttachedFile {
                attachment: attachment.clone(),
                added_at: at,
                added_by: record.actor.id,
                removed: None,
            }),
            Event::Reprioritized { priority, .. } => self.details.priority = *priority,
            Event::AccountChecked { account, status, .. } => {
                self.intake.account = Some(account.clone());
                self.intake.status = Some(*status);
                self.close_if_call_ended(at);
            }
            Event::Triaged { finding } => {
                self.intake.finding = Some(finding.clone());
                self.close_if_call_ended(at);
            }
            Event::Apologised { .. } => {
                self.timeline.apologised_at.get_or_insert(at);
            }
            Event::Departed => self.timeline.departures.push(at),
            Event::SlipFiled { signed_by } => {
                if let Some(slip) = &mut self.details.slip {
                    slip.signed_by = Some(signed_by.clone());
                }
            }
            Event::Instructed { .. } => self.timeline.instructed_at = Some(at),
            Event::SupervisorAttended { .. } => self.timeline.supervisor_attended_at = Some(at),
            Event::ApprovalRequested { kind, chain, note } => {
                self.approvals.push(crate::approval::Approval {
                    kind: *kind,
                    note: note.clone(),
                    requested_by: record.actor.id,
                    requested_at: at,
                    chain: chain.clone(),
                    decisions: Vec::new(),
                });
                // B13: a self-inspection order waits for its approval outside the pool.
                if *kind == crate::values::ApprovalKind::SelfInspection && self.state == State::Pool {
                    self.state = State::AwaitingDispatch;
                }
            }
            Event::ApprovalDecided { approve, reason } => {
                if let Some(pending) = self.approvals.iter_mut().find(|a| a.pending()) {
                    pending.decisions.push(crate::approval::ApprovalDecision {
                        by: record.actor.id,
                        role: record.actor.role,
                        approve: *approve,
                        reason: reason.clone(),
                        at,
                    });
                    // B13: the last approval puts a self-inspection order in the pool.
                    let kind = pending.kind;
                    if pending.approved()
                        && kind == crate::values::ApprovalKind::SelfInspection
                        && self.state == State::AwaitingDispatch
                    {
                        self.state = State::Pool;
                    }
                }
            }
            Event::ReportedUnfixable { .. } => {}
            Event::ComplexityRated { level, .. } => self.complexity = Some(*level),
            Event::Quoted { lines } => {
                self.charges.lines = lines.clone();
                self.charges.quoted_at = Some(at);
                self.charges.quoted_by = Some(record.actor.id);
                self.charges.accepted_at = None;
            }
            Event::QuoteAccepted { .. } => self.charges.accepted_at = Some(at),
            Event::OwnerMaterialRecorded { description } => {
                self.charges.owner_materials.push(description.clone());
            }
            Event::HandedToFinance { amount } => self.charges.handed_to_finance = Some((at, *amount)),
            Event::Outsourced { vendor } => self.vendor = Some(vendor.clone()),
            Event::PenaltyRecorded { kind, amount, note } => {
                self.penalties.push((*kind, *amount, note.clone()))
            }
            Event::PartsShipped { order_no } => {
                if let Some(request) = self
                    .parts_requests
                    .iter_mut()
                    .rev()
                    .find(|r| r.received_at.is_none())
                {
                    request.order_no = Some(order_no.clone());
                    request.shipped_at = Some(at);
                }
            }
            Event::PartsFitted { .. } => {
                for request in self.parts_requests.iter_mut().filter(|r| r.on_hand()) {
                    request.fitted_at = Some(at);
                }
            }
            Event::PartsRefused { reason } => {
                if let Some(refused) = self.parts_requests.iter_mut().rev().find(|r| r.on_hand()) {
                    refused.refused = Some(reason.clone());
                    let again = PartsRequest {
                        requested_at: at,
                        parts: refused.parts.clone(),
                        note: Some(reason.clone()),
                        order_no: None,
                        shipped_at: None,
                        received_at: None,
                        fitted_at: None,
                        refused: None,
                        old_returned_at: None,
                        old_received_at: None,
                    };
                    self.parts_requests.push(again);
                }
                self.state = State::WaitingForParts;
            }
            Event::OldPartsReturned { .. } => {
                for request in self.parts_requests.iter_mut() {
                    if request.fitted_at.is_some() && request.old_returned_at.is_none() {
                        request.old_returned_at = Some(at);
                    }
                }
            }
            Event::OldPartsReceived { .. } => {
                for request in self.parts_requests.iter_mut() {
                    if request.old_returned_at.is_some() && request.old_received_at.is_none() {
                        request.old_received_at = Some(at);
                    }
                }
            }
            // Escalation decisions live in the clock logs (`sla::follow`); urging, reporting
            // to the region and the complex-repair review are timed there too.
            Event::Escalated { .. }
            | Event::EscalationSkipped { .. }
            | Event::EscalationHeld { .. }
            | Event::Urged { .. }
            | Event::ReportedToRegion { .. }
            | Event::MarkedComplex { .. }
            | Event::ComplexReviewed { .. } => {}
            Event::AttachmentRemoved { id, reason } => {
                if let Some(file) = self.attachments.iter_mut().find(|f| f.attachment.id == *id) {
                    file.removed = Some(Removal {
                        at,
                        by: record.actor.id,
                        reason: reason.clone(),
                    });
                }
            }
        }
        self.version = record.seq;
        self.updated_at = Some(at);
    }

    /// C09: the tag on the equipment, for an equipment order: waiting for repair until
    /// someone is at it, under repair while they are, in service once repaired (the operator
    /// accepted it by signing) or when the order is withdrawn.
    pub fn equipment_tag(&self) -> Option<crate::values::EquipmentTag> {
        use crate::values::EquipmentTag as Tag;
        (self.details.template == Template::Equipment).then_some(match self.state {
            State::OnSite | State::InProgress => Tag::UnderRepair,
            State::Resolved | State::CalledBack | State::Archived | State::Cancelled | State::Closed => {
                Tag::InService
            }
            _ => Tag::WaitingForRepair,
        })
    }

    /// The approval waiting for a decision, if any (one at a time per order).
    pub fn pending_approval(&self) -> Option<&crate::approval::Approval> {
        self.approvals.iter().find(|a| a.pending())
    }

    /// Whether an approval of `kind` was given in full (its effect: D03, the shut-off may
    /// happen).
    pub fn approved(&self, kind: crate::values::ApprovalKind) -> bool {
        self.approvals.iter().any(|a| a.kind == kind && a.approved())
    }

    /// E01–E03: the call ended at intake; nothing is dispatched.
    fn close_if_call_ended(&mut self, at: DateTime<Utc>) {
        if self.intake.ends_call() {
            self.timeline.closed_at = Some(at);
            self.state = State::Closed;
        }
    }

    /// A cancellation request waits for its approver.
    pub fn cancellation_pending(&self) -> bool {
        self.state != State::Cancelled && self.cancellation.is_some()
    }

    /// B01: the arrival asks for the customer's code. Not where the template asks none (a
    /// power crew, E07) nor for a carry-in machine already at the station (A16).
    pub fn asks_code(&self) -> bool {
        self.details.template.rules().arrival_code_required
            && self.details.service_mode == ServiceMode::OnSite
    }

    /// A07: solved by phone; such an order can never be cancelled.
    pub fn solved_by_phone(&self) -> bool {
        matches!(self.resolution, Some(Resolution::Phone { .. }))
    }

    /// The service time currently committed (the latest T3x).
    pub fn current_commitment(&self) -> Option<&Commitment> {
        self.timeline.commitments.last()
    }

    /// The files on the order that were not removed.
    pub fn photos(&self) -> impl Iterator<Item = &AttachedFile> {
        self.attachments.iter().filter(|f| f.removed.is_none())
    }

    /// The number people read out (X09), if it has one.
    pub fn number(&self) -> Option<&OrderNumber> {
        self.details.number.as_ref()
    }

    /// Free text the list's `text` filter searches.
    pub fn search_text(&self) -> String {
        let d = &self.details;
        let mut s = format!(
            "{} {} {} {}",
            d.description,
            d.customer.name,
            d.customer.phone.as_str(),
            d.location.address
        );
        if let Some(number) = &d.number {
            s.push(' ');
            s.push_str(number.as_str());
        }
        for part in [&d.location.building, &d.location.room, &d.category]
            .into_iter()
            .flatten()
        {
            s.push(' ');
            s.push_str(part);
        }
        if let Some(asset) = &d.asset {
            s.push(' ');
            s.push_str(&asset.serial);
        }
        s
    }
}
