//! The baoxiu domain: work orders, their state machine, commands, events, roles and the
//! storage port. Nothing here performs I/O or reads a clock: time (`now`) and randomness
//! (order ids, verification codes) are passed in, so every rule can be tested exactly.
//!
//! The shape of a command's life:
//! 1. the caller parses input into a [`Command`] (or a [`NewOrder`] for a create),
//! 2. [`WorkOrder::decide`] checks it against the order's state and the [`Actor`]'s role
//!    and returns the [`Event`]s it causes, or a typed [`Refusal`],
//! 3. the events are applied ([`WorkOrder::apply`]) and written through the [`Store`] port
//!    in one transaction guarded by the order's version.

mod account;
mod approval;
pub mod archive;
mod attachment;
pub mod calendar;
mod command;
mod decide;
mod event;
mod ids;
mod intake;
mod money;
pub mod notify;
mod order;
mod org;
mod refusal;
mod register;
mod request;
mod role;
pub mod search;
pub mod sla;
mod slip;
mod state;
mod store;
mod template;
mod values;
mod visibility;
mod worklog;

pub use account::{Account, ApiToken, Login, Session};
pub use approval::{Approval, ApprovalDecision};
pub use attachment::{AttachedFile, Attachment, ImageType, MAX_ATTACHMENT_BYTES, Removal, Upload};
pub use calendar::{Calendar, CalendarError};
pub use command::{Command, CommandName, PartLine, Signature};
pub use decide::Refused;
pub use event::{ArrivalCheck, Event, EventRecord};
pub use ids::{AttachmentId, OrderId, PersonId, RequestId, StationId, TeamId, TenantId};
pub use intake::{CrewReport, Finding, Intake};
pub use money::{ChargeLine, Charges, Fen, total};
pub use notify::{Attempt, Delivery, DeliveryState, InboxItem, Notice};
pub use order::{
    CallbackRecord, Cancellation, Commitment, ContactAttempt, MAX_CODE_ATTEMPTS, MAX_COMMITMENTS, NewOrder,
    PartsRequest, ReplayError, Resolution, Timeline, Verification, WorkOrder,
};
pub use org::{Actor, Person, PersonRef, Station, StationRef, Team, Tenant};
pub use refusal::Refusal;
pub use register::{AssetRecord, MaintenancePlan, PlanSpec, may_plan};
pub use request::{
    Book, Change, CoverageBook, OrgRequest, PriceItem, PriceList, RequestError, StationCoverage,
    may_ask_coverage, may_ask_prices,
};
pub use role::Role;
pub use slip::{Slip, Staff};
pub use state::State;
pub use store::{
    COMMIT_BUCKETS, CommitStats, DueTimer, IDEMPOTENCY_LIFETIME_HOURS, IdempotencyRecord, OrderPage,
    OrderQuery, Overdue, OverdueQuery, Store, StoreError, StoreStats, StoredResponse, Write, WriteOutcome,
    idempotency_horizon,
};
pub use template::{InitialRoute, Template, TemplateError, TemplateRules, TemplateSpec};
pub use values::{
    AccountStatus, ApprovalKind, Area, Asset, CallbackAnswers, CancelReason, Channel, CommitmentKind,
    Complexity, ContactOutcome, Customer, EquipmentTag, FieldError, GridFault, InternalCause, Kind, Location,
    OrderNumber, PenaltyKind, Phone, PhoneSolution, Position, Priority, Satisfaction, ServiceMode,
    SpecialCase, VerificationCode, Zone, optional_text, text,
};
pub use visibility::Visibility;
pub use worklog::{WorkLog, reads_work_log};

/// Every timestamp in baoxiu is UTC; the organisation's time zone is for display only.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
