//! The baoxiu storage port ([`baoxiu_domain::Store`]) on one embedded SQLite file.
//!
//! - WAL mode, `synchronous = FULL`: a write is acknowledged only after its commit is on
//!   disk, so it survives a crash of the process or the machine.
//! - Reads go through a small pool of connections (WAL lets them run beside the writer).
//! - All writes go through one writer thread that owns one connection and commits whatever
//!   has queued up in one transaction (group commit). One writer means no `database is
//!   locked` under concurrency; batching means one disk sync serves many clients. A write
//!   refused by its checks (version, idempotency key) leaves nothing behind and the batch
//!   goes on; any other failure rolls the whole batch back and fails every write in it.

mod archive;
mod files;
mod read;
mod search;
mod writer;

use baoxiu_domain::sla::Schedule;
use baoxiu_domain::{
    Account, ApiToken, AttachmentId, Attempt, Delivery, DueTimer, EventRecord, InboxItem, OrderId,
    OrderNumber, OrderPage, OrderQuery, Overdue, OverdueQuery, Person, PersonId, Session, State, Station,
    StationId, Store, StoreError, StoredResponse, Team, Tenant, TenantId, Timestamp, Upload, WorkOrder,
    Write, WriteOutcome,
};
use chrono::NaiveDate;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, SqlSafeStr};
use sqlx::{Connection, Row};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use writer::{Job, OrgWrite};

/// Migrations are embedded in the binary and run when the store opens.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "reporter", include_str!("../migrations/0002_reporter.sql")),
    (
        3,
        "templates_idempotency_readiness",
        include_str!("../migrations/0003_templates_idempotency_readiness.sql"),
    ),
    (
        4,
        "numbers_accounts_search",
        include_str!("../migrations/0004_numbers_accounts_search.sql"),
    ),
    (5, "uploads", include_str!("../migrations/0005_uploads.sql")),
    (
        6,
        "clocks_outbox",
        include_str!("../migrations/0006_clocks_outbox.sql"),
    ),
    (
        7,
        "working_week",
        include_str!("../migrations/0007_working_week.sql"),
    ),
    (8, "approvals", include_str!("../migrations/0008_approvals.sql")),
    (9, "vendors", include_str!("../migrations/0009_vendors.sql")),
    (10, "register", include_str!("../migrations/0010_register.sql")),
    (
        11,
        "maintenance_plans",
        include_str!("../migrations/0011_maintenance_plans.sql"),
    ),
    (
        12,
        "org_requests",
        include_str!("../migrations/0012_org_requests.sql"),
    ),
    (
        13,
        "orders_inline",
        include_str!("../migrations/0013_orders_inline.sql"),
    ),
    (
        14,
        "tenant_keys",
        include_str!("../migrations/0014_tenant_keys.sql"),
    ),
];

/// Writes waiting in the queue before callers wait for room.
const QUEUE: usize = 4096;

/// A handle to the store; cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    jobs: mpsc::Sender<Job>,
    /// The last order number given per organisation and day. The writer is the file's only
    /// writer, so once read from the file a counter stays exact.
    numbers: Arc<Mutex<HashMap<(TenantId, NaiveDate), u32>>>,
    /// The folder the files (photos) live in, one subfolder per organisation.
    files: Arc<PathBuf>,
    /// What the writer has done, for the operator's metrics.
    stats: Arc<baoxiu_domain::CommitStats>,
    #[cfg(test)]
    faults: writer::Faults,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the database {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("cannot open the database {path} for writing: {reason}")]
    Writer { path: String, reason: String },
    #[error("cannot migrate the database {path}: {source}")]
    Migrate {
        path: String,
        source: sqlx::migrate::MigrateError,
    },
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, runs pending migrations and starts
    /// the writer task; files are kept in the folder beside it (`FILE-files`). Must be
    /// called inside a Tokio runtime.
    pub async fn open(path: impl AsRef<Path>) -> Result<SqliteStore, OpenError> {
        let path = path.as_ref();
        let mut files = path.as_os_str().to_owned();
        files.push("-files");
        SqliteStore::open_with_files(path, PathBuf::from(files)).await
    }

    /// [`SqliteStore::open`] with the files in `files`.
    pub async fn open_with_files(path: impl AsRef<Path>, files: PathBuf) -> Result<SqliteStore, OpenError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let open_err = |source| OpenError::Open {
            path: shown.clone(),
            source,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-16000");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await
            .map_err(open_err)?;
        migrator().run(&pool).await.map_err(|source| OpenError::Migrate {
            path: shown.clone(),
            source,
        })?;
        backfill_search(&pool, &options).await.map_err(open_err)?;
        let conn = writer::connect(path).map_err(|e| OpenError::Writer {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let (jobs, queue) = mpsc::channel(QUEUE);
        #[cfg(test)]
        let faults = writer::Faults::default();
        let stats = Arc::new(baoxiu_domain::CommitStats::default());
        writer::start(
            path.to_path_buf(),
            conn,
            queue,
            stats.clone(),
            #[cfg(test)]
            faults.clone(),
        )
        .map_err(|e| OpenError::Writer {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        Ok(SqliteStore {
            pool,
            jobs,
            numbers: Arc::default(),
            files: Arc::new(files),
            stats,
            #[cfg(test)]
            faults,
        })
    }

    /// What the file holds: the bytes its pages use (after moving the write-ahead log into
    /// the file) and the orders in it, for the benchmark's bytes per order.
    pub async fn footprint(&self) -> Result<(u64, u64), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        let pragma = |name: &'static str| async move {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("PRAGMA {name}")))
                .fetch_one(&self.pool)
                .await
                .map_err(backend)
        };
        let used = pragma("page_count").await? - pragma("freelist_count").await?;
        let bytes = used * pragma("page_size").await?;
        let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM orders")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok((
            u64::try_from(bytes).unwrap_or(0),
            u64::try_from(orders).unwrap_or(0),
        ))
    }

    /// Closes the read pool. The writer stops once every handle is dropped, after finishing
    /// what was queued.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn submit<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Job,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(job(reply))
            .await
            .map_err(|_| StoreError::Backend("the writer has stopped".into()))?;
        // The writer drops a batch's replies only when that batch failed inside it.
        answer.await.map_err(|_| {
            StoreError::WriteFailed("the batch holding this write failed and was rolled back".into())
        })?
    }

    fn lock_numbers(&self) -> std::sync::MutexGuard<'_, HashMap<(TenantId, NaiveDate), u32>> {
        self.numbers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn org(&self, write: OrgWrite) -> Result<(), StoreError> {
        self.submit(|reply| Job::Org(write, reply)).await.map(|_| ())
    }
}

/// Indexes the orders written before search existed (migration 4 leaves a note when there
/// are any). Runs once, before the writer starts, in one transaction.
async fn backfill_search(pool: &SqlitePool, options: &SqliteConnectOptions) -> Result<(), sqlx::Error> {
    let pending: Option<String> = sqlx::query_scalar(
        "SELECT value FROM store_meta WHERE key = 'search_backfill' AND value = 'pending'",
    )
    .fetch_optional(pool)
    .await?;
    if pending.is_none() {
        return Ok(());
    }
    let mut conn = options.connect().await?;
    let mut tx = conn.begin().await?;
    let rows = sqlx::query(
        "SELECT o.tenant_id, o.id, o.doc FROM orders o
         WHERE NOT EXISTS (SELECT 1 FROM order_keys k WHERE k.tenant_id = o.tenant_id AND k.order_id = o.id)
         ORDER BY o.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for row in rows {
        let (tenant, id, doc): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let Ok(order) = serde_json::from_str::<WorkOrder>(&doc) else {
            continue;
        };
        let key: i64 =
            sqlx::query_scalar("INSERT INTO order_keys (tenant_id, order_id) VALUES (?1, ?2) RETURNING key")
                .bind(&tenant)
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
        let (terms, pairs) = search::terms(&order.search_text());
        sqlx::query("INSERT INTO order_search (rowid, terms, pairs) VALUES (?1, ?2, ?3)")
            .bind(key)
            .bind(terms)
            .bind(pairs)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE store_meta SET value = 'done' WHERE key = 'search_backfill'")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    conn.close().await
}

fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, name, sql)| {
                // A migration that rebuilds a table manages its own transaction, with
                // foreign keys off while the table is swapped.
                let no_tx = sql.starts_with("-- no-transaction");
                Migration::new(
                    *version,
                    (*name).into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    no_tx,
                )
            })
            .collect(),
    )
}

pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl Store for SqliteStore {
    async fn write(&self, write: Write) -> Result<WriteOutcome, StoreError> {
        // Refused here, a malformed write never reaches a batch, so it cannot fail others.
        write.check()?;
        self.submit(|reply| Job::Write(Box::new(write), reply)).await
    }

    async fn order(&self, tenant: TenantId, id: OrderId) -> Result<Option<WorkOrder>, StoreError> {
        read::order(&self.pool, tenant, id).await
    }

    async fn history(&self, tenant: TenantId, id: OrderId) -> Result<Vec<EventRecord>, StoreError> {
        read::history(&self.pool, tenant, id).await
    }

    async fn list(&self, tenant: TenantId, query: &OrderQuery) -> Result<OrderPage, StoreError> {
        read::list(&self.pool, tenant, query).await
    }

    async fn idempotent_response(
        &self,
        tenant: TenantId,
        person: PersonId,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<(String, StoredResponse)>, StoreError> {
        read::idempotent_response(&self.pool, tenant, person, key, now).await
    }

    async fn expire_idempotency(&self, before: Timestamp) -> Result<u64, StoreError> {
        let mut removed = 0;
        loop {
            let n = self.submit(|reply| Job::Expire(before, reply)).await?;
            removed += n;
            if n < writer::EXPIRE_CHUNK {
                return Ok(removed);
            }
        }
    }

    async fn check_ready(&self, now: Timestamp) -> Result<(), StoreError> {
        self.submit(|reply| Job::Ping(now, reply)).await
    }

    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        self.org(OrgWrite::Tenant(tenant.clone())).await
    }

    async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, StoreError> {
        read::tenant_by_slug(&self.pool, slug).await
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        read::tenant(&self.pool, id).await
    }

    async fn put_station(&self, station: &Station) -> Result<(), StoreError> {
        self.org(OrgWrite::Station(station.clone())).await
    }

    async fn station(&self, tenant: TenantId, id: StationId) -> Result<Option<Station>, StoreError> {
        read::station(&self.pool, tenant, id).await
    }

    async fn put_team(&self, team: &Team) -> Result<(), StoreError> {
        self.org(OrgWrite::Team(team.clone())).await
    }

    async fn add_asset(&self, asset: &baoxiu_domain::AssetRecord) -> Result<(), StoreError> {
        self.org(OrgWrite::Asset(asset.clone())).await
    }

    async fn stats(&self, now: Timestamp) -> Result<baoxiu_domain::StoreStats, StoreError> {
        let backlog = read::backlog(&self.pool, now).await?;
        Ok(baoxiu_domain::StoreStats {
            pool_connections: self.pool.size(),
            pool_idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            timers_due: backlog.0,
            timers_late: backlog.1,
            outbox_pending: backlog.2,
            outbox_dead: backlog.3,
            ..self.stats.stats()
        })
    }

    async fn put_request(
        &self,
        request: &baoxiu_domain::OrgRequest,
        decided: Option<usize>,
        book: Option<&baoxiu_domain::Book>,
    ) -> Result<(), StoreError> {
        self.org(OrgWrite::Request {
            request: Box::new(request.clone()),
            decided,
            book: book.cloned().map(Box::new),
        })
        .await
    }

    async fn request(
        &self,
        tenant: TenantId,
        id: baoxiu_domain::RequestId,
    ) -> Result<Option<baoxiu_domain::OrgRequest>, StoreError> {
        read::request(&self.pool, tenant, id).await
    }

    async fn requests(
        &self,
        tenant: TenantId,
        next: Option<baoxiu_domain::Role>,
        limit: u32,
    ) -> Result<Vec<baoxiu_domain::OrgRequest>, StoreError> {
        read::requests(&self.pool, tenant, next, limit).await
    }

    async fn coverage(&self, tenant: TenantId) -> Result<baoxiu_domain::CoverageBook, StoreError> {
        Ok(read::book(&self.pool, tenant, "coverage")
            .await?
            .unwrap_or_default())
    }

    async fn price_list(&self, tenant: TenantId) -> Result<baoxiu_domain::PriceList, StoreError> {
        Ok(read::book(&self.pool, tenant, "prices")
            .await?
            .unwrap_or_default())
    }

    async fn put_asset(&self, asset: &baoxiu_domain::AssetRecord) -> Result<(), StoreError> {
        self.org(OrgWrite::AssetUpdate(asset.clone())).await
    }

    async fn assets_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<baoxiu_domain::AssetRecord>, StoreError> {
        read::assets_due(&self.pool, now, limit).await
    }

    async fn assets(&self, tenant: TenantId) -> Result<Vec<baoxiu_domain::AssetRecord>, StoreError> {
        read::assets(&self.pool, tenant, None).await
    }

    async fn asset(
        &self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Option<baoxiu_domain::AssetRecord>, StoreError> {
        Ok(read::assets(&self.pool, tenant, Some(code)).await?.pop())
    }

    async fn put_person(&self, person: &Person) -> Result<(), StoreError> {
        self.org(OrgWrite::Person(person.clone())).await
    }

    async fn person(&self, tenant: TenantId, id: PersonId) -> Result<Option<Person>, StoreError> {
        read::person(&self.pool, tenant, id).await
    }

    async fn people(&self, tenant: TenantId) -> Result<Vec<Person>, StoreError> {
        read::people(&self.pool, tenant).await
    }

    async fn stations(&self, tenant: TenantId) -> Result<Vec<Station>, StoreError> {
        read::stations(&self.pool, tenant).await
    }

    async fn put_token(&self, digest: &str, token: &ApiToken) -> Result<(), StoreError> {
        self.org(OrgWrite::Token {
            digest: digest.to_string(),
            token: token.clone(),
        })
        .await
    }

    async fn tokens(&self, tenant: TenantId) -> Result<Vec<ApiToken>, StoreError> {
        read::tokens(&self.pool, tenant).await
    }

    async fn revoke_token(&self, tenant: TenantId, id: &str, at: Timestamp) -> Result<bool, StoreError> {
        let write = OrgWrite::RevokeToken {
            tenant,
            id: id.to_string(),
            at,
        };
        Ok(self.submit(|reply| Job::Org(write, reply)).await? > 0)
    }

    async fn put_account(&self, account: &Account) -> Result<(), StoreError> {
        self.org(OrgWrite::Account(account.clone())).await
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<Account>, StoreError> {
        read::account_by_login(&self.pool, login).await
    }

    async fn account(&self, tenant: TenantId, person: PersonId) -> Result<Option<Account>, StoreError> {
        read::account(&self.pool, tenant, person).await
    }

    async fn accounts(&self, tenant: TenantId) -> Result<Vec<Account>, StoreError> {
        read::accounts(&self.pool, tenant).await
    }

    async fn disable_account(
        &self,
        tenant: TenantId,
        person: PersonId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.org(OrgWrite::DisableAccount { tenant, person, at }).await
    }

    async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        self.org(OrgWrite::Session(session.clone())).await
    }

    async fn session(&self, digest: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
        read::session(&self.pool, digest, now).await
    }

    async fn delete_session(&self, digest: &str) -> Result<(), StoreError> {
        self.org(OrgWrite::DeleteSession(digest.to_string())).await
    }

    async fn reserve_order_number(
        &self,
        tenant: TenantId,
        day: NaiveDate,
    ) -> Result<OrderNumber, StoreError> {
        let known = self.lock_numbers().get(&(tenant, day)).copied();
        if known.is_none() {
            let last = read::last_number(&self.pool, tenant, day).await?;
            self.lock_numbers().entry((tenant, day)).or_insert(last);
        }
        let mut numbers = self.lock_numbers();
        let last = numbers.entry((tenant, day)).or_insert(0);
        *last += 1;
        Ok(OrderNumber::new(day, *last))
    }

    async fn put_upload(&self, tenant: TenantId, upload: &Upload, bytes: &[u8]) -> Result<(), StoreError> {
        files::write(&self.files, tenant, upload.attachment.id, bytes).await?;
        self.org(OrgWrite::Upload(tenant, upload.clone())).await
    }

    async fn upload(&self, tenant: TenantId, id: AttachmentId) -> Result<Option<Upload>, StoreError> {
        read::upload(&self.pool, tenant, id).await
    }

    async fn file(&self, tenant: TenantId, id: AttachmentId) -> Result<Option<Vec<u8>>, StoreError> {
        files::read(&self.files, tenant, id).await
    }

    async fn count_by_state(
        &self,
        tenant: TenantId,
        query: &OrderQuery,
    ) -> Result<Option<Vec<(State, u64)>>, StoreError> {
        read::count_by_state(&self.pool, tenant, query).await
    }

    async fn person_by_token(&self, digest: &str) -> Result<Option<Person>, StoreError> {
        read::person_by_token(&self.pool, digest).await
    }

    async fn due_timers(&self, now: Timestamp, limit: u32) -> Result<Vec<DueTimer>, StoreError> {
        read::due_timers(&self.pool, now, limit).await
    }

    async fn reschedule(
        &self,
        tenant: TenantId,
        order: OrderId,
        version: u64,
        schedule: &Schedule,
    ) -> Result<bool, StoreError> {
        let write = OrgWrite::Reschedule {
            tenant,
            order,
            version,
            schedule: schedule.clone(),
        };
        Ok(self.submit(|reply| Job::Org(write, reply)).await? > 0)
    }

    async fn overdue(
        &self,
        tenant: TenantId,
        query: &OverdueQuery,
        now: Timestamp,
    ) -> Result<Vec<Overdue>, StoreError> {
        read::overdue(&self.pool, tenant, query, now).await
    }

    async fn inbox(
        &self,
        tenant: TenantId,
        person: PersonId,
        limit: u32,
    ) -> Result<Vec<InboxItem>, StoreError> {
        read::inbox(&self.pool, tenant, person, limit).await
    }

    async fn mark_read(
        &self,
        tenant: TenantId,
        person: PersonId,
        notice: uuid::Uuid,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let write = OrgWrite::MarkRead {
            tenant,
            person,
            notice,
            at,
        };
        Ok(self.submit(|reply| Job::Org(write, reply)).await? > 0)
    }

    async fn deliveries_due(&self, now: Timestamp, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        read::deliveries_due(&self.pool, now, limit).await
    }

    async fn record_attempt(
        &self,
        notice: uuid::Uuid,
        at: Timestamp,
        attempt: &Attempt,
    ) -> Result<(), StoreError> {
        self.org(OrgWrite::Attempt {
            notice,
            at,
            attempt: attempt.clone(),
        })
        .await
    }

    async fn deliveries(
        &self,
        tenant: TenantId,
        dead: bool,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        read::deliveries(&self.pool, tenant, dead, limit).await
    }

    async fn replay_delivery(
        &self,
        tenant: TenantId,
        notice: uuid::Uuid,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let write = OrgWrite::Replay { tenant, notice, at };
        Ok(self.submit(|reply| Job::Org(write, reply)).await? > 0)
    }

    async fn channel_settings(&self, tenant: TenantId) -> Result<Vec<(String, String)>, StoreError> {
        read::channel_settings(&self.pool, tenant).await
    }

    async fn put_channel_settings(
        &self,
        tenant: TenantId,
        channel: &str,
        settings: Option<&str>,
    ) -> Result<(), StoreError> {
        self.org(OrgWrite::ChannelSettings {
            tenant,
            channel: channel.to_string(),
            settings: settings.map(str::to_string),
        })
        .await
    }

    async fn calendar_years(&self, tenant: TenantId) -> Result<Vec<(i32, String)>, StoreError> {
        read::calendar_years(&self.pool, tenant).await
    }

    async fn working_week(&self, tenant: TenantId) -> Result<Option<String>, StoreError> {
        read::working_week(&self.pool, tenant).await
    }

    async fn put_working_week(&self, tenant: TenantId, text: &str) -> Result<(), StoreError> {
        self.org(OrgWrite::WorkingWeek {
            tenant,
            text: text.to_string(),
        })
        .await
    }

    async fn put_calendar_year(&self, tenant: TenantId, year: i32, text: &str) -> Result<(), StoreError> {
        self.org(OrgWrite::CalendarYear {
            tenant,
            year,
            text: text.to_string(),
        })
        .await
    }

    async fn export(
        &self,
        part: baoxiu_domain::archive::Part,
        after: Option<&str>,
        limit: u32,
    ) -> Result<baoxiu_domain::archive::RecordPage, StoreError> {
        archive::export(&self.pool, &self.files, part, after, limit).await
    }

    async fn import(&self, records: Vec<baoxiu_domain::archive::Record>) -> Result<(), StoreError> {
        for record in records {
            if !baoxiu_domain::archive::import_through(self, &record).await? {
                self.org(OrgWrite::Import(Box::new(record))).await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    /// A migration that keeps its own transaction is recorded only after it commits: a
    /// crash in between runs it again at the next open. Each must then run cleanly twice.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn migrations_outside_a_transaction_run_twice_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twice.sqlite3");
        let store = SqliteStore::open(&path).await.unwrap();
        let tenant = Tenant {
            id: TenantId(uuid::Uuid::now_v7()),
            slug: "twice".into(),
            name: "两次".into(),
            time_zone: "Asia/Shanghai".into(),
            templates: baoxiu_domain::Template::ALL.to_vec(),
        };
        store.create_tenant(&tenant).await.unwrap();
        store.close().await;
        drop(store);
        let options = SqliteConnectOptions::new().filename(&path);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        for (_, _, sql) in MIGRATIONS
            .iter()
            .filter(|(_, _, sql)| sql.starts_with("-- no-transaction"))
        {
            sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
        let store = SqliteStore::open(&path).await.unwrap();
        assert_eq!(store.tenant_by_slug("twice").await.unwrap(), Some(tenant));
    }

    /// Migration 13 rebuilds the orders table: an order written before it is read back the
    /// same, still found by search and counted; the events still refer to it; an order
    /// written after it is indexed and its terms leave the row.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn orders_written_before_the_rebuild_are_kept_found_and_counted() {
        use baoxiu_domain::{OrderQuery, PersonRef, Role, VerificationCode, WorkOrder, Write};
        use baoxiu_store_tests::fixtures::new_order;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("upgrade.sqlite3");
        // The file as migration 12 left it, with one order written as the writer wrote it.
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let mut before = migrator();
        before.migrations = std::borrow::Cow::Owned(
            before
                .migrations
                .iter()
                .filter(|m| m.version <= 12)
                .cloned()
                .collect(),
        );
        before.run(&pool).await.unwrap();
        let tenant = Tenant {
            id: TenantId(uuid::Uuid::now_v7()),
            slug: "before".into(),
            name: "升级之前".into(),
            time_zone: "Asia/Shanghai".into(),
            templates: vec![baoxiu_domain::Template::Property],
        };
        sqlx::query("INSERT INTO tenants (id, slug, name, time_zone, templates) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(tenant.id.to_string())
            .bind(&tenant.slug)
            .bind(&tenant.name)
            .bind(&tenant.time_zone)
            .bind(read::template_list(&tenant.templates))
            .execute(&pool)
            .await
            .unwrap();
        let desk = PersonRef {
            id: PersonId(uuid::Uuid::now_v7()),
            name: "李娜".into(),
            role: Role::DeskAgent,
            station: None,
        };
        let now = chrono::Utc::now();
        let code = VerificationCode::from_number(42);
        let (old, events) = WorkOrder::open(
            OrderId(uuid::Uuid::now_v7()),
            &tenant,
            new_order("卫生间漏水，楼下天花板有水渍"),
            code.clone(),
            &desk,
            now,
        )
        .unwrap();
        let (terms, pairs) = search::terms(&old.search_text());
        sqlx::query(
            "INSERT INTO orders (tenant_id, id, version, state, template, reported_at, updated_at,
                                 search_text, search_pairs, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9)",
        )
        .bind(tenant.id.to_string())
        .bind(old.id.to_string())
        .bind(old.version as i64)
        .bind(old.state.as_str())
        .bind(old.details.template.as_str())
        .bind(now.to_rfc3339())
        .bind(terms)
        .bind(pairs)
        .bind(serde_json::to_string(&old).unwrap())
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO events (tenant_id, order_id, seq, at, actor_id, kind, body) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)",
        )
        .bind(tenant.id.to_string())
        .bind(old.id.to_string())
        .bind(now.to_rfc3339())
        .bind(desk.id.to_string())
        .bind(events[0].event.kind())
        .bind(serde_json::to_string(&events[0]).unwrap())
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;

        let store = SqliteStore::open(&path).await.unwrap();
        assert_eq!(store.order(tenant.id, old.id).await.unwrap(), Some(old.clone()));
        let found = |text: &str| {
            let store = store.clone();
            let query = OrderQuery {
                text: Some(text.into()),
                limit: 10,
                ..OrderQuery::default()
            };
            async move {
                let page = store.list(tenant.id, &query).await.unwrap();
                page.orders.into_iter().map(|o| o.id).collect::<Vec<_>>()
            }
        };
        assert_eq!(found("漏水").await, [old.id]);
        let counts = store
            .count_by_state(tenant.id, &OrderQuery::default())
            .await
            .unwrap();
        assert_eq!(counts, Some(vec![(old.state, 1)]));
        let rebuilt: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = 'orders'")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert!(!rebuilt.contains("WITHOUT ROWID"), "{rebuilt}");
        let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_all(&store.pool)
            .await
            .unwrap();
        assert!(broken.is_empty(), "{broken:?}");

        // Written after: indexed, and its terms are not kept in the row.
        let (new, events) = WorkOrder::open(
            OrderId(uuid::Uuid::now_v7()),
            &tenant,
            new_order("空调不制冷"),
            code,
            &desk,
            now,
        )
        .unwrap();
        store
            .write(Write {
                tenant: tenant.id,
                order: new.clone(),
                expected_version: 0,
                events,
                idempotency: None,
                schedule: None,
                notices: Vec::new(),
            })
            .await
            .unwrap();
        assert_eq!(found("空调").await, [new.id]);
        let kept: Vec<(String, String)> = sqlx::query_as("SELECT search_text, search_pairs FROM orders")
            .fetch_all(&store.pool)
            .await
            .unwrap();
        assert!(kept.iter().all(|(t, p)| t.is_empty() && p.is_empty()), "{kept:?}");
        let counts = store
            .count_by_state(tenant.id, &OrderQuery::default())
            .await
            .unwrap();
        assert_eq!(counts, Some(vec![(old.state, 2)]));
    }

    /// Found from outside: a panic in the writer stopped every write until a restart.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panic_in_one_batch_fails_that_batch_and_the_next_write_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("panic.sqlite3")).await.unwrap();
        let tenant = Tenant {
            id: TenantId(uuid::Uuid::now_v7()),
            slug: "after-panic".into(),
            name: "重启之后".into(),
            time_zone: "Asia/Shanghai".into(),
            templates: baoxiu_domain::Template::ALL.to_vec(),
        };
        store.faults.store(true, Ordering::SeqCst);
        let failed = store.create_tenant(&tenant).await;
        assert!(
            matches!(failed, Err(StoreError::WriteFailed(_))),
            "the batch that panicked fails with a clear error: {failed:?}"
        );
        assert_eq!(
            store.tenant_by_slug("after-panic").await.unwrap(),
            None,
            "and wrote nothing"
        );
        assert_eq!(
            store.check_ready(chrono::Utc::now()).await,
            Ok(()),
            "the writer came back"
        );
        store.create_tenant(&tenant).await.unwrap();
        assert_eq!(store.tenant_by_slug("after-panic").await.unwrap(), Some(tenant));
    }
}
