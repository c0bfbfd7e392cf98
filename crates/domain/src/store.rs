//! The storage port. Every backend (SQLite today, PostgreSQL next) implements [`Store`] and
//! must pass the same scenario suite. Every call is scoped by tenant: no method reads or
//! writes across organisations.

use crate::Timestamp;
use crate::account::{Account, ApiToken, Session};
use crate::attachment::Upload;
use crate::event::EventRecord;
use crate::ids::AttachmentId;
use crate::ids::{OrderId, PersonId, StationId, TenantId};
use crate::notify::{Attempt, Delivery, InboxItem, Notice};
use crate::order::WorkOrder;
use crate::org::{Person, Station, Team, Tenant};
use crate::sla::Schedule;
use crate::state::State;
use crate::template::Template;
use crate::values::OrderNumber;
use crate::visibility::Visibility;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

/// How long the first response to an idempotent request answers its retries: 24 hours.
/// After that the key may be used afresh, and [`Store::expire_idempotency`] removes the
/// record.
pub const IDEMPOTENCY_LIFETIME_HOURS: i64 = 24;

/// The moment before which an idempotency record made by `now` has expired.
pub fn idempotency_horizon(now: Timestamp) -> Timestamp {
    now - chrono::Duration::hours(IDEMPOTENCY_LIFETIME_HOURS)
}

/// One command's effect, written atomically.
#[derive(Debug, Clone)]
pub struct Write {
    pub tenant: TenantId,
    /// The order after the events; it becomes the order's read row.
    pub order: WorkOrder,
    /// The version the command was decided on: 0 for a create.
    pub expected_version: u64,
    /// The new events, `seq` continuing from `expected_version`.
    pub events: Vec<EventRecord>,
    /// Remember this response under an idempotency key, in the same transaction.
    pub idempotency: Option<IdempotencyRecord>,
    /// The order's timers and deadlines after the events, replacing what was kept (X02).
    /// `None` leaves them as they are.
    pub schedule: Option<Schedule>,
    /// Notices the events cause: the inbox holds them at once, the outbox delivers the rest.
    pub notices: Vec<Notice>,
}

impl Write {
    /// Checks that the write is well formed before any backend touches it: at least one
    /// event; the events belong to this order and continue its history from
    /// `expected_version` without a gap; the order's version is the last event's; tenants
    /// agree. A backend refuses a malformed write as [`StoreError::Malformed`], writing nothing.
    pub fn check(&self) -> Result<(), StoreError> {
        let bad = |why: &str| Err(StoreError::Malformed(why.to_string()));
        if self.order.tenant != self.tenant {
            return bad("the order belongs to another tenant");
        }
        if self.events.is_empty() {
            return bad("a write carries at least one event");
        }
        for (i, record) in self.events.iter().enumerate() {
            if record.order != self.order.id {
                return bad("an event belongs to another order");
            }
            if record.seq != self.expected_version + 1 + i as u64 {
                return bad("the events do not continue the order's history");
            }
        }
        if self.order.version != self.expected_version + self.events.len() as u64 {
            return bad("the order's version is not its last event's");
        }
        Ok(())
    }
}

/// The first response to an idempotent request, kept so a retry gets the same answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub person: PersonId,
    pub key: String,
    /// A digest of the request (method, path, body): the same key with another request is
    /// refused.
    pub fingerprint: String,
    pub response: StoredResponse,
    /// When the request was first answered; the record lives [`IDEMPOTENCY_LIFETIME_HOURS`].
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Committed and durable.
    Committed,
    /// The idempotency key was already used for the same request: nothing was written;
    /// here is the first response.
    Replayed(StoredResponse),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The order changed since it was read (or, for a create, the id exists).
    #[error("the order was changed by someone else")]
    VersionConflict,
    /// The idempotency key was used before for a different request.
    #[error("the idempotency key was already used for a different request")]
    IdempotencyKeyReused,
    /// The write breaks the contract of [`Write::check`]; nothing was written.
    #[error("malformed write: {0}")]
    Malformed(String),
    /// A row with this natural key exists (a tenant slug, a station id…).
    #[error("already exists: {0}")]
    Duplicate(String),
    /// A referenced row is missing or belongs to another tenant.
    #[error("not found: {0}")]
    NotFound(String),
    /// The backend failed; the message is for logs, not for users.
    #[error("storage failure: {0}")]
    Backend(String),
    /// The write failed inside the store and was rolled back: nothing of it was kept, and
    /// the store goes on serving. Retrying is safe.
    #[error("the write failed inside the store and was rolled back: {0}")]
    WriteFailed(String),
}

/// A level of a clock due on an order: a row of the timer table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueTimer {
    pub tenant: TenantId,
    pub order: OrderId,
    pub clock: String,
    pub level: u8,
    pub at: Timestamp,
}

/// Orders whose clock ran past its deadline and is still running or waiting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverdueQuery {
    /// One clock (`b12_unfinished`), or every clock.
    pub clock: Option<String>,
    pub visibility: Visibility,
    pub limit: u32,
}

/// An order late on a clock.
#[derive(Debug, Clone)]
pub struct Overdue {
    pub order: WorkOrder,
    pub clock: String,
    pub deadline: Timestamp,
}

/// What an operator watches of the store (`GET /metrics`): its write batches and their
/// commit time, its read pool, and the background work waiting.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoreStats {
    /// Batches committed (each one transaction, one disk sync) and the writes in them.
    pub write_batches: u64,
    pub write_jobs: u64,
    /// Commit time per batch: `(upper bound in seconds, batches in this bucket)`, each
    /// bucket counting those above the bound before it, the last bound infinite; and the
    /// sum of all, in seconds.
    pub commit_buckets: Vec<(f64, u64)>,
    pub commit_seconds: f64,
    /// Read connections open, and idle among them.
    pub pool_connections: u32,
    pub pool_idle: u32,
    /// Timers due by now and not yet fired; those due over a minute ago.
    pub timers_due: u64,
    pub timers_late: u64,
    /// Notices waiting to be delivered, and those given up.
    pub outbox_pending: u64,
    pub outbox_dead: u64,
}

/// The upper bounds of the commit-time buckets, in seconds.
pub const COMMIT_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024,
];

/// What a backend's writes have done: transactions committed, the writes in them and how
/// long each commit took, for [`StoreStats`].
#[derive(Debug, Default)]
pub struct CommitStats {
    pub batches: AtomicU64,
    pub jobs: AtomicU64,
    pub nanos: AtomicU64,
    /// Per bucket of [`COMMIT_BUCKETS`], and one past the last.
    pub buckets: [AtomicU64; 13],
}

impl CommitStats {
    /// One transaction of `jobs` writes, committed in `took`.
    pub fn record(&self, jobs: usize, took: std::time::Duration) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.jobs.fetch_add(jobs as u64, Ordering::Relaxed);
        self.nanos.fetch_add(
            u64::try_from(took.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        let seconds = took.as_secs_f64();
        let at = COMMIT_BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(COMMIT_BUCKETS.len());
        self.buckets[at].fetch_add(1, Ordering::Relaxed);
    }

    /// `(upper bound, batches above the bound before and at most this one)`, the last bound
    /// infinite.
    pub fn buckets(&self) -> Vec<(f64, u64)> {
        COMMIT_BUCKETS
            .iter()
            .copied()
            .chain([f64::INFINITY])
            .zip(&self.buckets)
            .map(|(bound, n)| (bound, n.load(Ordering::Relaxed)))
            .collect()
    }

    /// The figures of [`StoreStats`] these make (the rest left at zero).
    pub fn stats(&self) -> StoreStats {
        StoreStats {
            write_batches: self.batches.load(Ordering::Relaxed),
            write_jobs: self.jobs.load(Ordering::Relaxed),
            commit_buckets: self.buckets(),
            commit_seconds: self.nanos.load(Ordering::Relaxed) as f64 / 1e9,
            ..StoreStats::default()
        }
    }
}

/// Filters and a page position for listing orders, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderQuery {
    pub state: Option<State>,
    pub template: Option<Template>,
    pub station: Option<StationId>,
    pub assignee: Option<PersonId>,
    /// Only what the person listing may see (X06): [`Visibility::of`] the caller.
    pub visibility: Visibility,
    /// Matches description, customer name and phone, address, asset serial, order number.
    pub text: Option<String>,
    /// Only orders whose cancellation request waits for a decision (the approver's inbox).
    pub cancellation_pending: bool,
    /// Only orders whose pending approval waits for this role's decision (the approvals
    /// inbox).
    pub approval_for: Option<crate::role::Role>,
    /// Only orders reported before the span's end that were open at its start or changed
    /// within or after it: every order the span's work log (C12) can hold, and a few more
    /// that [`crate::WorkLog::of`] leaves out.
    pub active_between: Option<(Timestamp, Timestamp)>,
    /// Continue after this order (the `next` of the previous page).
    pub after: Option<OrderId>,
    pub limit: u32,
}

impl OrderQuery {
    /// Whether a backend counts this query's orders per state row by row: lists of one
    /// person's or one firm's orders, and the inboxes, are small. The others read the counts
    /// each backend keeps per (template, station, state).
    pub fn counted_row_by_row(&self) -> bool {
        self.assignee.is_some()
            || self.cancellation_pending
            || self.approval_for.is_some()
            || matches!(
                self.visibility,
                Visibility::ReportedBy(_)
                    | Visibility::Technician { .. }
                    | Visibility::Vendor(_)
                    | Visibility::Nothing
            )
    }
}

#[derive(Debug, Clone)]
pub struct OrderPage {
    pub orders: Vec<WorkOrder>,
    /// Pass as `after` for the next page; `None` on the last page.
    pub next: Option<OrderId>,
}

/// The storage contract. Implementations MUST:
/// - write a [`Write`]'s schedule (replacing the order's timers and deadlines) and its
///   notices in the same transaction as its events;
/// - scope every read and write by the tenant given;
/// - make [`Store::write`] atomic: the events, the read row and the idempotency record are
///   committed together or not at all, and `Ok` is returned only once they are durable;
/// - return [`StoreError::VersionConflict`] when the order's stored version is not
///   `expected_version` (for a create: when the id exists), writing nothing;
/// - check an idempotency key before the version: a key stored less than
///   [`IDEMPOTENCY_LIFETIME_HOURS`] before the new record's `created_at` with the same
///   fingerprint returns [`WriteOutcome::Replayed`] (the stored response byte for byte),
///   with another fingerprint [`StoreError::IdempotencyKeyReused`], and in both cases
///   writes nothing; an older record is replaced;
/// - survive a failure inside one write (even a panic) by failing that write's batch with
///   [`StoreError::WriteFailed`] and serving the next writes.
pub trait Store: Clone + Send + Sync + 'static {
    fn write(&self, write: Write) -> impl Future<Output = Result<WriteOutcome, StoreError>> + Send;

    fn order(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> impl Future<Output = Result<Option<WorkOrder>, StoreError>> + Send;

    /// The order's events in order; empty if there is no such order in this tenant.
    fn history(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> impl Future<Output = Result<Vec<EventRecord>, StoreError>> + Send;

    fn list(
        &self,
        tenant: TenantId,
        query: &OrderQuery,
    ) -> impl Future<Output = Result<OrderPage, StoreError>> + Send;

    /// The fingerprint and first response stored under this key, if it has not expired at
    /// `now`.
    fn idempotent_response(
        &self,
        tenant: TenantId,
        person: PersonId,
        key: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<(String, StoredResponse)>, StoreError>> + Send;

    /// Removes idempotency records made before `before`; returns how many.
    fn expire_idempotency(&self, before: Timestamp) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Commits a small write through the same path as every other write: `Ok` means the
    /// store can take writes now (the server's readiness check).
    fn check_ready(&self, now: Timestamp) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Creates the tenant; [`StoreError::Duplicate`] if the id or slug exists.
    fn create_tenant(&self, tenant: &Tenant) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn tenant_by_slug(&self, slug: &str) -> impl Future<Output = Result<Option<Tenant>, StoreError>> + Send;
    fn tenant(&self, id: TenantId) -> impl Future<Output = Result<Option<Tenant>, StoreError>> + Send;

    /// Inserts or replaces the station.
    fn put_station(&self, station: &Station) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn station(
        &self,
        tenant: TenantId,
        id: StationId,
    ) -> impl Future<Output = Result<Option<Station>, StoreError>> + Send;
    fn put_team(&self, team: &Team) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Adds an entry to the register; a code already in the organisation's register is
    /// [`StoreError::Duplicate`], writing nothing.
    fn add_asset(
        &self,
        asset: &crate::register::AssetRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The store's figures for the operator at `now`.
    fn stats(&self, now: Timestamp) -> impl Future<Output = Result<StoreStats, StoreError>> + Send;
    /// A19, B24: writes a request to change the organisation: a new one (`decided` is
    /// `None`; an id taken is [`StoreError::Duplicate`]) or one decided over `decided`
    /// earlier decisions (another decision in between is [`StoreError::VersionConflict`]),
    /// with the book its last approval changed, written only over the version it was
    /// changed from (else VersionConflict). All or nothing.
    fn put_request(
        &self,
        request: &crate::request::OrgRequest,
        decided: Option<usize>,
        book: Option<&crate::request::Book>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn request(
        &self,
        tenant: TenantId,
        id: crate::ids::RequestId,
    ) -> impl Future<Output = Result<Option<crate::request::OrgRequest>, StoreError>> + Send;
    /// The organisation's requests, newest first; only those waiting for `next`'s
    /// decision when given.
    fn requests(
        &self,
        tenant: TenantId,
        next: Option<crate::role::Role>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<crate::request::OrgRequest>, StoreError>> + Send;
    /// A19: the stations' coverage in force (empty until a change is approved).
    fn coverage(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<crate::request::CoverageBook, StoreError>> + Send;
    /// B24: the price list in force (empty until one is approved).
    fn price_list(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<crate::request::PriceList, StoreError>> + Send;
    /// Replaces an entry of the register (its plans changed), read at `asset.version`: the
    /// entry stored becomes the next version. [`StoreError::VersionConflict`] when it changed
    /// since (nothing written); [`StoreError::NotFound`] when the organisation has no entry
    /// with its code.
    fn put_asset(
        &self,
        asset: &crate::register::AssetRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// C12: entries of every organisation with a maintenance plan due by `now`, the longest
    /// due first, at most `limit`.
    fn assets_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<crate::register::AssetRecord>, StoreError>> + Send;
    /// The organisation's register, by code.
    fn assets(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Vec<crate::register::AssetRecord>, StoreError>> + Send;
    fn asset(
        &self,
        tenant: TenantId,
        code: &str,
    ) -> impl Future<Output = Result<Option<crate::register::AssetRecord>, StoreError>> + Send;

    /// Inserts or replaces the person.
    fn put_person(&self, person: &Person) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn person(
        &self,
        tenant: TenantId,
        id: PersonId,
    ) -> impl Future<Output = Result<Option<Person>, StoreError>> + Send;
    fn people(&self, tenant: TenantId) -> impl Future<Output = Result<Vec<Person>, StoreError>> + Send;

    /// Every station of the organisation, head stations first, by name.
    fn stations(&self, tenant: TenantId) -> impl Future<Output = Result<Vec<Station>, StoreError>> + Send;

    /// Stores an API token by its digest (the token itself is never stored). `token.id`
    /// is the start of the digest.
    fn put_token(
        &self,
        digest: &str,
        token: &ApiToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The person a token belongs to; `None` for an unknown or revoked token.
    fn person_by_token(
        &self,
        digest: &str,
    ) -> impl Future<Output = Result<Option<Person>, StoreError>> + Send;
    /// The organisation's tokens, newest first, revoked ones included.
    fn tokens(&self, tenant: TenantId) -> impl Future<Output = Result<Vec<ApiToken>, StoreError>> + Send;
    /// Revokes the token at `at`; `false` if the organisation has no such live token.
    fn revoke_token(
        &self,
        tenant: TenantId,
        id: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Inserts or replaces the person's account; [`StoreError::Duplicate`] when another
    /// person has the login name or the phone.
    fn put_account(&self, account: &Account) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The account whose login name or phone is `login` (case-insensitive login).
    fn account_by_login(
        &self,
        login: &str,
    ) -> impl Future<Output = Result<Option<Account>, StoreError>> + Send;
    fn account(
        &self,
        tenant: TenantId,
        person: PersonId,
    ) -> impl Future<Output = Result<Option<Account>, StoreError>> + Send;
    fn accounts(&self, tenant: TenantId) -> impl Future<Output = Result<Vec<Account>, StoreError>> + Send;
    /// Disables the account, ends its sessions and revokes its tokens, in one transaction.
    fn disable_account(
        &self,
        tenant: TenantId,
        person: PersonId,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn put_session(&self, session: &Session) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The session with this digest if it has not expired at `now`.
    fn session(
        &self,
        digest: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<Session>, StoreError>> + Send;
    fn delete_session(&self, digest: &str) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The next order number of `day` in the organisation (X09): one more than the highest
    /// given that day. Numbers are given once; one given to a create that then fails is
    /// not given again (a gap, like a voided paper slip).
    fn reserve_order_number(
        &self,
        tenant: TenantId,
        day: chrono::NaiveDate,
    ) -> impl Future<Output = Result<OrderNumber, StoreError>> + Send;

    /// Keeps an uploaded, checked file: its bytes first (durably), then its record. The
    /// bytes are found again by [`Store::file`] under the upload's id.
    fn put_upload(
        &self,
        tenant: TenantId,
        upload: &Upload,
        bytes: &[u8],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn upload(
        &self,
        tenant: TenantId,
        id: AttachmentId,
    ) -> impl Future<Output = Result<Option<Upload>, StoreError>> + Send;
    /// The bytes of an uploaded file, if the organisation has it.
    fn file(
        &self,
        tenant: TenantId,
        id: AttachmentId,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;

    /// How many orders the query would find in each state, ignoring its state, cursor and
    /// limit; `None` when counting would cost too much (a text search).
    fn count_by_state(
        &self,
        tenant: TenantId,
        query: &OrderQuery,
    ) -> impl Future<Output = Result<Option<Vec<(State, u64)>>, StoreError>> + Send;

    /// Timers due by `now`, earliest first, across organisations (the background step).
    fn due_timers(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DueTimer>, StoreError>> + Send;

    /// Takes the timers due by `now` for this server until `until`, earliest first: those
    /// [`Store::due_timers`] lists, less those another server holds. Servers sharing one
    /// database each take different timers; a timer taken is offered again once its lease
    /// ends (its server stopped before deciding it) or the order's timers are rewritten. A
    /// backend one server uses at a time (an SQLite file) hands out what `due_timers` does.
    fn take_due_timers(
        &self,
        now: Timestamp,
        until: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DueTimer>, StoreError>> + Send {
        let _ = until;
        self.due_timers(now, limit)
    }

    /// Gives back the order's timers this server took and could not decide (see
    /// [`Store::take_due_timers`]), so the next step, here or on another server, takes them
    /// again. Nothing to do where timers are not taken.
    fn release_timers(
        &self,
        tenant: TenantId,
        order: OrderId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let _ = (tenant, order);
        std::future::ready(Ok(()))
    }

    /// Replaces the order's timers and deadlines if it is still at `version` (a template
    /// changed under a timer, so the timer moved); `false` if the order moved on.
    fn reschedule(
        &self,
        tenant: TenantId,
        order: OrderId,
        version: u64,
        schedule: &Schedule,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Orders at or past a clock's deadline at `now` whose clock still runs or waits, most late
    /// first.
    fn overdue(
        &self,
        tenant: TenantId,
        query: &OverdueQuery,
        now: Timestamp,
    ) -> impl Future<Output = Result<Vec<Overdue>, StoreError>> + Send;

    /// The person's inbox, newest first.
    fn inbox(
        &self,
        tenant: TenantId,
        person: PersonId,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<InboxItem>, StoreError>> + Send;

    /// Marks a notice of the person's inbox read at `at`; `false` if they have no such notice.
    fn mark_read(
        &self,
        tenant: TenantId,
        person: PersonId,
        notice: uuid::Uuid,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Outbox messages to try now: pending and due by `now`, oldest first.
    fn deliveries_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// Takes the outbox messages to try now for this server until `until`: those
    /// [`Store::deliveries_due`] lists, less those another server holds, so a message goes
    /// out from one server at a time. One taken is offered again once its lease ends (its
    /// server stopped before recording an attempt); recording an attempt frees it. A backend
    /// one server uses at a time hands out what `deliveries_due` does.
    fn take_deliveries(
        &self,
        now: Timestamp,
        until: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send {
        let _ = until;
        self.deliveries_due(now, limit)
    }

    /// Records one attempt at delivering a message, in its log and its state; nothing for a
    /// message no longer pending (another server's attempt delivered it or gave it up).
    fn record_attempt(
        &self,
        notice: uuid::Uuid,
        at: Timestamp,
        attempt: &Attempt,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The organisation's outbox messages, newest first; only the dead-letter list if `dead`.
    fn deliveries(
        &self,
        tenant: TenantId,
        dead: bool,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// Puts a dead message back in the outbox to be tried at `at`; `false` if the
    /// organisation has no such dead message.
    fn replay_delivery(
        &self,
        tenant: TenantId,
        notice: uuid::Uuid,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The organisation's settings of a channel (webhook, robot), as JSON text.
    fn channel_settings(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Vec<(String, String)>, StoreError>> + Send;
    fn put_channel_settings(
        &self,
        tenant: TenantId,
        channel: &str,
        settings: Option<&str>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The organisation's working week, as its file's text; `None`: the mainland office week.
    fn working_week(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
    fn put_working_week(
        &self,
        tenant: TenantId,
        text: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The years an admin added to the organisation's calendar, as their files' text.
    fn calendar_years(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Vec<(i32, String)>, StoreError>> + Send;
    fn put_calendar_year(
        &self,
        tenant: TenantId,
        year: i32,
        text: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// One page of what the store holds of `part`, after the key `after` (the `next` of the
    /// page before), for moving it to another store (`baoxiu migrate-store`).
    fn export(
        &self,
        part: crate::archive::Part,
        after: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<crate::archive::RecordPage, StoreError>> + Send;

    /// Writes what another store exported, part by part in the order of
    /// [`crate::archive::Part::ALL`]; what it derives (search, counts) it derives again.
    fn import(
        &self,
        records: Vec<crate::archive::Record>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
