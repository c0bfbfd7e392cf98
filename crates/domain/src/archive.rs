//! Everything a store holds, as records a backend writes out and another reads in: how
//! `baoxiu migrate-store` moves organisations between an SQLite file and PostgreSQL. What a
//! backend derives from these (search terms, counts per state, order numbers' counters) it
//! derives again as it reads them in.

use crate::Timestamp;
use crate::account::{Account, ApiToken, Session};
use crate::attachment::Upload;
use crate::event::EventRecord;
use crate::ids::TenantId;
use crate::notify::{Delivery, Notice};
use crate::order::WorkOrder;
use crate::org::{Person, Station, Team, Tenant};
use crate::register::AssetRecord;
use crate::request::{Book, OrgRequest};
use crate::sla::{Deadline, Due};
use crate::store::IdempotencyRecord;

/// The kinds of record, in the order they are moved: what a record refers to comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Tenants,
    Stations,
    Teams,
    People,
    Accounts,
    Tokens,
    Sessions,
    Register,
    Requests,
    Books,
    Settings,
    Orders,
    Idempotency,
    Inbox,
    Outbox,
    Uploads,
}

impl Part {
    pub const ALL: [Part; 16] = [
        Part::Tenants,
        Part::Stations,
        Part::Teams,
        Part::People,
        Part::Accounts,
        Part::Tokens,
        Part::Sessions,
        Part::Register,
        Part::Requests,
        Part::Books,
        Part::Settings,
        Part::Orders,
        Part::Idempotency,
        Part::Inbox,
        Part::Outbox,
        Part::Uploads,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Tenants => "organisations",
            Part::Stations => "stations",
            Part::Teams => "teams",
            Part::People => "people",
            Part::Accounts => "accounts",
            Part::Tokens => "API tokens",
            Part::Sessions => "sessions",
            Part::Register => "register entries",
            Part::Requests => "organisation requests",
            Part::Books => "coverage and price books",
            Part::Settings => "channel settings and calendars",
            Part::Orders => "orders",
            Part::Idempotency => "idempotency records",
            Part::Inbox => "inbox notices",
            Part::Outbox => "outbox messages",
            Part::Uploads => "photos",
        }
    }
}

/// One attempt at delivering an outbox message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: Timestamp,
    /// `delivered`, `failed` or `dead`.
    pub outcome: String,
    pub error: Option<String>,
}

/// One row of what a store holds, with what belongs to it.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Tenant(Tenant),
    Station(Station),
    Team(Team),
    Person(Person),
    Account(Account),
    Token {
        digest: String,
        token: ApiToken,
    },
    Session(Session),
    Asset(AssetRecord),
    Request(OrgRequest),
    Book {
        tenant: TenantId,
        book: Book,
    },
    ChannelSettings {
        tenant: TenantId,
        channel: String,
        settings: String,
    },
    CalendarYear {
        tenant: TenantId,
        year: i32,
        text: String,
    },
    WorkingWeek {
        tenant: TenantId,
        text: String,
    },
    /// An order with its whole history and its timers and deadlines as kept.
    Order {
        order: Box<WorkOrder>,
        history: Vec<EventRecord>,
        timers: Vec<Due>,
        deadlines: Vec<Deadline>,
    },
    Idempotency {
        tenant: TenantId,
        record: IdempotencyRecord,
    },
    Inbox {
        notice: Notice,
        read_at: Option<Timestamp>,
    },
    Outbox {
        delivery: Delivery,
        log: Vec<LogLine>,
    },
    Upload {
        tenant: TenantId,
        upload: Upload,
        bytes: Vec<u8>,
    },
}

/// A page of records of one part, and where the next page starts (`None`: the last).
#[derive(Debug, Clone, Default)]
pub struct RecordPage {
    pub records: Vec<Record>,
    pub next: Option<String>,
}

/// Writes `record` through the port, as the product writes it; `false` for the kinds the
/// port has no write for as they stand (a token with its revocation, books, idempotency
/// records, inbox and outbox rows),
/// which each backend writes itself.
pub async fn import_through<S: crate::Store>(store: &S, record: &Record) -> Result<bool, crate::StoreError> {
    match record {
        Record::Tenant(t) => store.create_tenant(t).await?,
        Record::Station(s) => store.put_station(s).await?,
        Record::Team(t) => store.put_team(t).await?,
        Record::Person(p) => store.put_person(p).await?,
        Record::Account(a) => store.put_account(a).await?,
        Record::Session(s) => store.put_session(s).await?,
        Record::Asset(a) => store.add_asset(a).await?,
        Record::Request(r) => store.put_request(r, None, None).await?,
        Record::ChannelSettings {
            tenant,
            channel,
            settings,
        } => {
            store
                .put_channel_settings(*tenant, channel, Some(settings))
                .await?
        }
        Record::CalendarYear { tenant, year, text } => store.put_calendar_year(*tenant, *year, text).await?,
        Record::WorkingWeek { tenant, text } => store.put_working_week(*tenant, text).await?,
        Record::Order {
            order,
            history,
            timers,
            deadlines,
        } => {
            let written = store
                .write(crate::Write {
                    tenant: order.tenant,
                    order: (**order).clone(),
                    expected_version: 0,
                    events: history.clone(),
                    idempotency: None,
                    schedule: Some(crate::sla::Schedule {
                        timers: timers.clone(),
                        deadlines: deadlines.clone(),
                        problems: Vec::new(),
                    }),
                    notices: Vec::new(),
                })
                .await?;
            if written != crate::WriteOutcome::Committed {
                return Err(crate::StoreError::VersionConflict);
            }
        }
        Record::Upload {
            tenant,
            upload,
            bytes,
        } => store.put_upload(*tenant, upload, bytes).await?,
        Record::Token { .. }
        | Record::Book { .. }
        | Record::Idempotency { .. }
        | Record::Inbox { .. }
        | Record::Outbox { .. } => {
            return Ok(false);
        }
    }
    Ok(true)
}

impl Record {
    /// The organisation the record belongs to.
    pub fn tenant(&self) -> TenantId {
        match self {
            Record::Tenant(t) => t.id,
            Record::Station(s) => s.tenant,
            Record::Team(t) => t.tenant,
            Record::Person(p) => p.tenant,
            Record::Account(a) => a.tenant,
            Record::Token { token, .. } => token.tenant,
            Record::Session(s) => s.tenant,
            Record::Asset(a) => a.tenant,
            Record::Request(r) => r.tenant,
            Record::Order { order, .. } => order.tenant,
            Record::Inbox { notice, .. } => notice.tenant,
            Record::Outbox { delivery, .. } => delivery.notice.tenant,
            Record::Book { tenant, .. }
            | Record::ChannelSettings { tenant, .. }
            | Record::CalendarYear { tenant, .. }
            | Record::WorkingWeek { tenant, .. }
            | Record::Idempotency { tenant, .. }
            | Record::Upload { tenant, .. } => *tenant,
        }
    }
}
