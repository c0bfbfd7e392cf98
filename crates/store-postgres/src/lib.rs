//! The baoxiu storage port ([`baoxiu_domain::Store`]) on PostgreSQL, for an organisation
//! that outgrows one machine: several stateless `baoxiu serve` on one database.
//!
//! - Every write is one transaction on a pooled connection; PostgreSQL's own commit is on
//!   disk before it answers (`synchronous_commit` as the server has it, `on` by default), and
//!   concurrent commits share a WAL flush. A refused write rolls back and leaves nothing.
//! - Versions guard orders as on SQLite: an update names the version it was decided on, and
//!   of two concurrent ones the second finds it gone. The writes of one idempotency key wait
//!   for each other (a transaction-scoped advisory lock), so a retry racing its original sees
//!   the original's answer.
//! - Nothing that decides correctness is kept in one process's memory: order numbers are
//!   counted in the database, photos are kept in it.

mod archive;
mod read;
mod scratch;
mod search;
mod write;

pub use scratch::ScratchDatabase;

use baoxiu_domain::sla::Schedule;
use baoxiu_domain::{
    Account, ApiToken, AttachmentId, Attempt, CommitStats, Delivery, DueTimer, EventRecord, InboxItem,
    OrderId, OrderNumber, OrderPage, OrderQuery, Overdue, OverdueQuery, Person, PersonId, Session, State,
    Station, StationId, Store, StoreError, StoredResponse, Team, Tenant, TenantId, Timestamp, Upload,
    WorkOrder, Write, WriteOutcome, idempotency_horizon,
};
use chrono::{Datelike, NaiveDate};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, SqlSafeStr, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

const MIGRATIONS: &[(i64, &str, &str)] = &[(1, "schema", include_str!("../migrations/0001_schema.sql"))];

/// Connections in the pool unless the address says otherwise (`?pool=N`).
const POOL: u32 = 32;

/// Idempotency records removed per statement, so a large sweep never holds locks long.
const EXPIRE_CHUNK: i64 = 2000;

/// The channel committed order writes are announced on, for the other servers' live pages.
const CHANNEL: &str = "baoxiu_orders";

/// Orders announced per notification: a payload stays far below PostgreSQL's 8,000 bytes.
const PER_NOTIFICATION: usize = 90;

/// A handle to the store; cheap to clone.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    stats: Arc<CommitStats>,
    /// This handle's server, so it can tell its own announcements from the others'.
    instance: Uuid,
    /// Orders whose write committed, to announce (see [`PgStore::listen`]).
    written: tokio::sync::mpsc::UnboundedSender<(Uuid, Uuid)>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot read the database address: {0}")]
    Address(sqlx::Error),
    #[error("cannot connect to the database {address}: {source}")]
    Connect { address: String, source: sqlx::Error },
    #[error("cannot migrate the database {address}: {source}")]
    Migrate {
        address: String,
        source: sqlx::migrate::MigrateError,
    },
}

/// The address without its password, for messages and logs.
pub fn shown(url: &str) -> String {
    match url.split_once('@') {
        Some((head, tail)) => match head.rsplit_once(':') {
            Some((user, _)) if user.contains("//") && !user.ends_with('/') => format!("{user}:***@{tail}"),
            _ => url.to_string(),
        },
        None => url.to_string(),
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/name`, `?pool=N` for the
    /// pool's size) and runs pending migrations. Several servers may open one database at
    /// once: migrations take a lock and run once.
    pub async fn open(url: &str) -> Result<PgStore, OpenError> {
        let address = shown(url);
        let (url, pool_size) = match url.split_once("pool=") {
            Some((_, rest)) => {
                let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let cleaned = url
                    .replace(&format!("?pool={n}&"), "?")
                    .replace(&format!("?pool={n}"), "")
                    .replace(&format!("&pool={n}"), "");
                (cleaned, n.parse().unwrap_or(POOL))
            }
            None => (url.to_string(), POOL),
        };
        let options = PgConnectOptions::from_str(&url).map_err(OpenError::Address)?;
        let pool = PgPoolOptions::new()
            .max_connections(pool_size.max(2))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|source| OpenError::Connect {
                address: address.clone(),
                source,
            })?;
        migrator()
            .run(&pool)
            .await
            .map_err(|source| OpenError::Migrate { address, source })?;
        let instance = Uuid::now_v7();
        let (written, announce) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(announce_writes(pool.clone(), instance, announce));
        Ok(PgStore {
            pool,
            stats: Arc::default(),
            instance,
            written,
        })
    }

    /// Orders other servers on this database wrote, as they commit: `(tenant, order)`. For
    /// the live pages, so a dispatch board open on this server sees another server's
    /// changes. Best effort, like the pages it serves: an announcement lost while the
    /// listening connection is re-established is not repeated (a page reloaded shows all).
    pub async fn listen(&self) -> Result<tokio::sync::mpsc::Receiver<(TenantId, OrderId)>, StoreError> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool)
            .await
            .map_err(backend)?;
        listener.listen(CHANNEL).await.map_err(backend)?;
        let (tx, rx) = tokio::sync::mpsc::channel(4096);
        let me = self.instance.to_string();
        tokio::spawn(async move {
            loop {
                let notification = match listener.recv().await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(error = %e, "listening for other servers' writes failed; trying again");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                let mut words = notification.payload().split(' ');
                if words.next() == Some(me.as_str()) {
                    continue;
                }
                for pair in words {
                    let Some((tenant, order)) = pair.split_once(':') else {
                        continue;
                    };
                    let (Ok(tenant), Ok(order)) = (tenant.parse(), order.parse()) else {
                        continue;
                    };
                    if tx.send((TenantId(tenant), OrderId(order))).await.is_err() {
                        return;
                    }
                }
            }
        });
        Ok(rx)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// What the database holds: the bytes of its tables and their indexes, and the orders in
    /// it, for the benchmark's bytes per order.
    pub async fn footprint(&self) -> Result<(u64, u64), StoreError> {
        let bytes: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
             WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(backend)?;
        let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM orders")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok((
            u64::try_from(bytes).unwrap_or(0),
            u64::try_from(orders).unwrap_or(0),
        ))
    }

    async fn begin(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(backend)
    }

    /// Commits, counting the commit in the operator's figures.
    async fn commit(&self, tx: Transaction<'static, Postgres>) -> Result<(), StoreError> {
        let started = Instant::now();
        tx.commit().await.map_err(backend)?;
        self.stats.record(1, started.elapsed());
        Ok(())
    }

    /// One statement in a transaction of its own; the rows it changed.
    async fn exec<'q>(
        &self,
        query: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let n = query.execute(&mut *tx).await.map_err(constraint)?.rows_affected();
        self.commit(tx).await?;
        Ok(n)
    }
}

/// Announces committed order writes on [`CHANNEL`], as many to a notification as have
/// queued up: `instance tenant:order tenant:order…`. A notification is sent outside the
/// writes' transactions, so they do not wait on PostgreSQL's lock that orders notifications.
async fn announce_writes(
    pool: PgPool,
    instance: Uuid,
    mut written: tokio::sync::mpsc::UnboundedReceiver<(Uuid, Uuid)>,
) {
    let mut batch = Vec::with_capacity(PER_NOTIFICATION);
    while written.recv_many(&mut batch, PER_NOTIFICATION).await > 0 {
        let mut payload = instance.to_string();
        for (tenant, order) in batch.drain(..) {
            payload.push_str(&format!(" {tenant}:{order}"));
        }
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&pool)
            .await
        {
            tracing::debug!(error = %e, "an announcement of written orders was not sent");
        }
    }
}

fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    (*name).into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// A constraint a write broke, as the store's error: a key taken is Duplicate, a row
/// referred to and missing NotFound.
fn constraint(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let what = db.constraint().unwrap_or(db.message()).to_string();
        match db.code().as_deref() {
            Some("23505") => return StoreError::Duplicate(what),
            Some("23503") => return StoreError::NotFound(what),
            _ => {}
        }
    }
    backend(e)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(format!("cannot encode: {e}")))
}

fn ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

/// A day as the order-number table keys it: 20261128.
fn day_key(day: NaiveDate) -> i32 {
    day.year() * 10_000 + day.month() as i32 * 100 + day.day() as i32
}

/// A19, B24: the request over the decisions it was decided on, and the book it changed over
/// the version it changed, in one transaction.
async fn write_request(
    tx: &mut Transaction<'static, Postgres>,
    request: &baoxiu_domain::OrgRequest,
    decided: Option<usize>,
    book: Option<&baoxiu_domain::Book>,
) -> Result<(), StoreError> {
    let tenant = request.tenant.0;
    let doc = serde_json::to_string(request).map_err(|e| StoreError::Malformed(e.to_string()))?;
    let next = request.approval.next().map(|r| r.as_str());
    let decisions = request.approval.decisions.len() as i32;
    let changed = match decided {
        None => sqlx::query(
            "INSERT INTO org_requests (tenant_id, id, decisions, next_role, doc) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(tenant)
        .bind(request.id.0)
        .bind(decisions)
        .bind(next)
        .bind(doc)
        .execute(&mut **tx)
        .await
        .map_err(constraint)?,
        Some(before) => sqlx::query(
            "UPDATE org_requests SET decisions = $3, next_role = $4, doc = $5
             WHERE tenant_id = $1 AND id = $2 AND decisions = $6",
        )
        .bind(tenant)
        .bind(request.id.0)
        .bind(decisions)
        .bind(next)
        .bind(doc)
        .bind(before as i32)
        .execute(&mut **tx)
        .await
        .map_err(backend)?,
    }
    .rows_affected();
    if changed == 0 {
        return Err(StoreError::VersionConflict);
    }
    if let Some(book) = book {
        let (kind, version, doc) = match book {
            baoxiu_domain::Book::Coverage(b) => ("coverage", b.version, serde_json::to_string(b)),
            baoxiu_domain::Book::Prices(b) => ("prices", b.version, serde_json::to_string(b)),
        };
        let doc = doc.map_err(|e| StoreError::Malformed(e.to_string()))?;
        // Written over the version it was changed from: a second change decided on the same
        // old book loses, and the whole request with it.
        let written = sqlx::query(
            "INSERT INTO org_books (tenant_id, kind, version, doc) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, kind) DO UPDATE SET version = excluded.version, doc = excluded.doc
             WHERE org_books.version = excluded.version - 1",
        )
        .bind(tenant)
        .bind(kind)
        .bind(version as i64)
        .bind(doc)
        .execute(&mut **tx)
        .await
        .map_err(backend)?
        .rows_affected();
        if written == 0 {
            return Err(StoreError::VersionConflict);
        }
    }
    Ok(())
}

impl Store for PgStore {
    async fn write(&self, write: Write) -> Result<WriteOutcome, StoreError> {
        write.check()?;
        let statement = write::order_statement(&write)?;
        let started = Instant::now();
        let written = match &write.idempotency {
            // One statement, one round trip: its own transaction.
            None => write::run(&self.pool, statement).await?,
            Some(idem) => {
                let mut tx = self.begin().await?;
                // Two writes under one key wait for each other: the second then sees the
                // first's record and answers with it. Dropped without a commit on a refusal:
                // rolled back, nothing kept.
                sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                    .bind(format!("{}/{}/{}", write.tenant, idem.person, idem.key))
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                let seen: Option<(String, i32, String)> = sqlx::query_as(
                    "SELECT fingerprint, status, body FROM idempotency
                     WHERE tenant_id = $1 AND person_id = $2 AND key = $3 AND created_ms >= $4",
                )
                .bind(write.tenant.0)
                .bind(idem.person.0)
                .bind(&idem.key)
                .bind(ms(idempotency_horizon(idem.created_at)))
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
                if let Some((fingerprint, status, body)) = seen {
                    if fingerprint != idem.fingerprint {
                        return Err(StoreError::IdempotencyKeyReused);
                    }
                    return Ok(WriteOutcome::Replayed(StoredResponse {
                        status: status as u16,
                        body,
                    }));
                }
                let written = write::run(&mut *tx, statement).await?;
                if written == 1 {
                    tx.commit().await.map_err(backend)?;
                }
                written
            }
        };
        if written != 1 {
            return Err(StoreError::VersionConflict);
        }
        self.stats.record(1, started.elapsed());
        let _ = self.written.send((write.tenant.0, write.order.id.0));
        Ok(WriteOutcome::Committed)
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
        let row: Option<(String, i32, String)> = sqlx::query_as(
            "SELECT fingerprint, status, body FROM idempotency
             WHERE tenant_id = $1 AND person_id = $2 AND key = $3 AND created_ms >= $4",
        )
        .bind(tenant.0)
        .bind(person.0)
        .bind(key)
        .bind(ms(idempotency_horizon(now)))
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.map(|(fingerprint, status, body)| {
            (
                fingerprint,
                StoredResponse {
                    status: status as u16,
                    body,
                },
            )
        }))
    }

    async fn expire_idempotency(&self, before: Timestamp) -> Result<u64, StoreError> {
        let mut removed = 0;
        loop {
            let n = self
                .exec(
                    sqlx::query(
                        "DELETE FROM idempotency WHERE (tenant_id, person_id, key) IN
                         (SELECT tenant_id, person_id, key FROM idempotency WHERE created_ms < $1 LIMIT $2)",
                    )
                    .bind(ms(before))
                    .bind(EXPIRE_CHUNK),
                )
                .await?;
            removed += n;
            if n < EXPIRE_CHUNK as u64 {
                return Ok(removed);
            }
        }
    }

    async fn check_ready(&self, now: Timestamp) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO readiness (id, checked_ms) VALUES (1, $1)
                 ON CONFLICT (id) DO UPDATE SET checked_ms = excluded.checked_ms",
            )
            .bind(ms(now)),
        )
        .await
        .map(|_| ())
    }

    async fn create_tenant(&self, t: &Tenant) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO tenants (id, slug, name, time_zone, templates) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(t.id.0)
            .bind(&t.slug)
            .bind(&t.name)
            .bind(&t.time_zone)
            .bind(read::template_list(&t.templates)),
        )
        .await
        .map(|_| ())
    }

    async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, StoreError> {
        read::tenant(&self.pool, "slug = $1", slug).await
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        read::tenant(&self.pool, "id = $1", id.0).await
    }

    async fn put_station(&self, s: &Station) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO stations (tenant_id, id, name, parent_id) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id",
            )
            .bind(s.tenant.0)
            .bind(s.id.0)
            .bind(&s.name)
            .bind(s.parent.map(|p| p.0)),
        )
        .await
        .map(|_| ())
    }

    async fn station(&self, tenant: TenantId, id: StationId) -> Result<Option<Station>, StoreError> {
        Ok(read::stations(&self.pool, tenant, Some(id)).await?.pop())
    }

    async fn put_team(&self, t: &Team) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO teams (tenant_id, id, station_id, name) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, id) DO UPDATE SET station_id = excluded.station_id, name = excluded.name",
            )
            .bind(t.tenant.0)
            .bind(t.id.0)
            .bind(t.station.map(|s| s.0))
            .bind(&t.name),
        )
        .await
        .map(|_| ())
    }

    async fn add_asset(&self, a: &baoxiu_domain::AssetRecord) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO assets (tenant_id, code, version, plan_due, doc) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(a.tenant.0)
            .bind(&a.code)
            .bind(a.version as i64)
            .bind(a.plan_due().map(ms))
            .bind(json(a)?),
        )
        .await
        .map(|_| ())
    }

    async fn stats(&self, now: Timestamp) -> Result<baoxiu_domain::StoreStats, StoreError> {
        let (due, late, pending, dead) = read::backlog(&self.pool, now).await?;
        Ok(baoxiu_domain::StoreStats {
            pool_connections: self.pool.size(),
            pool_idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            timers_due: due,
            timers_late: late,
            outbox_pending: pending,
            outbox_dead: dead,
            ..self.stats.stats()
        })
    }

    async fn put_request(
        &self,
        request: &baoxiu_domain::OrgRequest,
        decided: Option<usize>,
        book: Option<&baoxiu_domain::Book>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        write_request(&mut tx, request, decided, book).await?;
        self.commit(tx).await
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

    async fn put_asset(&self, a: &baoxiu_domain::AssetRecord) -> Result<(), StoreError> {
        let next = baoxiu_domain::AssetRecord {
            version: a.version + 1,
            ..a.clone()
        };
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE assets SET version = $3, plan_due = $4, doc = $5
             WHERE tenant_id = $1 AND code = $2 AND version = $6",
        )
        .bind(a.tenant.0)
        .bind(&a.code)
        .bind(next.version as i64)
        .bind(a.plan_due().map(ms))
        .bind(json(&next)?)
        .bind(a.version as i64)
        .execute(&mut *tx)
        .await
        .map_err(backend)?
        .rows_affected();
        if changed == 0 {
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM assets WHERE tenant_id = $1 AND code = $2")
                    .bind(a.tenant.0)
                    .bind(&a.code)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
            return Err(match exists {
                Some(_) => StoreError::VersionConflict,
                None => StoreError::NotFound("asset".into()),
            });
        }
        self.commit(tx).await
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

    async fn put_person(&self, p: &Person) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO people (tenant_id, id, name, role, station_id, team_id, phone, email)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, role = excluded.role,
                     station_id = excluded.station_id, team_id = excluded.team_id,
                     phone = excluded.phone, email = excluded.email",
            )
            .bind(p.tenant.0)
            .bind(p.id.0)
            .bind(&p.name)
            .bind(p.role.as_str())
            .bind(p.station.map(|s| s.0))
            .bind(p.team.map(|t| t.0))
            .bind(&p.phone)
            .bind(&p.email),
        )
        .await
        .map(|_| ())
    }

    async fn person(&self, tenant: TenantId, id: PersonId) -> Result<Option<Person>, StoreError> {
        read::person(&self.pool, tenant, id).await
    }

    async fn people(&self, tenant: TenantId) -> Result<Vec<Person>, StoreError> {
        read::people(&self.pool, tenant).await
    }

    async fn stations(&self, tenant: TenantId) -> Result<Vec<Station>, StoreError> {
        read::stations(&self.pool, tenant, None).await
    }

    async fn put_token(&self, digest: &str, token: &ApiToken) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO tokens (tenant_id, digest, person_id, label, created_ms) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token.tenant.0)
            .bind(digest)
            .bind(token.person.0)
            .bind(&token.label)
            .bind(ms(token.created_at)),
        )
        .await
        .map(|_| ())
    }

    async fn person_by_token(&self, digest: &str) -> Result<Option<Person>, StoreError> {
        read::person_by_token(&self.pool, digest).await
    }

    async fn tokens(&self, tenant: TenantId) -> Result<Vec<ApiToken>, StoreError> {
        read::tokens(&self.pool, tenant).await
    }

    async fn revoke_token(&self, tenant: TenantId, id: &str, at: Timestamp) -> Result<bool, StoreError> {
        // `id` is the start of the digest; anything but a token's id (too short, a pattern)
        // matches nothing.
        if id.len() != read::TOKEN_ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(false);
        }
        let n = self
            .exec(
                sqlx::query(
                    "UPDATE tokens SET revoked_ms = $3
                     WHERE tenant_id = $1 AND substr(digest, 1, $4) = $2 AND revoked_ms IS NULL",
                )
                .bind(tenant.0)
                .bind(id)
                .bind(ms(at))
                .bind(read::TOKEN_ID_LEN as i32),
            )
            .await?;
        Ok(n > 0)
    }

    async fn put_account(&self, a: &Account) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO accounts (tenant_id, person_id, login, phone, password_hash, disabled)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (tenant_id, person_id) DO UPDATE SET login = excluded.login,
                     phone = excluded.phone, password_hash = excluded.password_hash,
                     disabled = excluded.disabled",
            )
            .bind(a.tenant.0)
            .bind(a.person.0)
            .bind(a.login.as_str())
            .bind(&a.phone)
            .bind(&a.password_hash)
            .bind(a.disabled),
        )
        .await
        .map(|_| ())
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<Account>, StoreError> {
        read::account_by_login(&self.pool, login).await
    }

    async fn account(&self, tenant: TenantId, person: PersonId) -> Result<Option<Account>, StoreError> {
        Ok(read::accounts(&self.pool, tenant, Some(person)).await?.pop())
    }

    async fn accounts(&self, tenant: TenantId) -> Result<Vec<Account>, StoreError> {
        read::accounts(&self.pool, tenant, None).await
    }

    async fn disable_account(
        &self,
        tenant: TenantId,
        person: PersonId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let disabled =
            sqlx::query("UPDATE accounts SET disabled = true WHERE tenant_id = $1 AND person_id = $2")
                .bind(tenant.0)
                .bind(person.0)
                .execute(&mut *tx)
                .await
                .map_err(backend)?
                .rows_affected();
        if disabled == 0 {
            return Err(StoreError::NotFound("account".into()));
        }
        sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND person_id = $2")
            .bind(tenant.0)
            .bind(person.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query(
            "UPDATE tokens SET revoked_ms = $3 WHERE tenant_id = $1 AND person_id = $2 AND revoked_ms IS NULL",
        )
        .bind(tenant.0)
        .bind(person.0)
        .bind(ms(at))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        self.commit(tx).await
    }

    async fn put_session(&self, s: &Session) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO sessions (tenant_id, digest, person_id, csrf, created_ms, expires_ms)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(s.tenant.0)
            .bind(&s.digest)
            .bind(s.person.0)
            .bind(&s.csrf)
            .bind(ms(s.created_at))
            .bind(ms(s.expires_at)),
        )
        .await
        .map(|_| ())
    }

    async fn session(&self, digest: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
        read::session(&self.pool, digest, now).await
    }

    async fn delete_session(&self, digest: &str) -> Result<(), StoreError> {
        self.exec(sqlx::query("DELETE FROM sessions WHERE digest = $1").bind(digest))
            .await
            .map(|_| ())
    }

    async fn reserve_order_number(
        &self,
        tenant: TenantId,
        day: NaiveDate,
    ) -> Result<OrderNumber, StoreError> {
        // Counted in the database, so every server behind the balancer counts one sequence,
        // in one statement. Its commit does not wait for the disk: an order carrying the
        // number is committed after it, and that commit makes every earlier one durable with
        // it. So the row is locked only for the moment of the count, not a disk sync.
        let relaxed = "(SELECT set_config('synchronous_commit', 'off', true)) AS relaxed";
        let counted: Option<i32> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "UPDATE order_numbers SET last = last + 1 FROM {relaxed}
             WHERE tenant_id = $1 AND day = $2 RETURNING last"
        )))
        .bind(tenant.0)
        .bind(day_key(day))
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let last = match counted {
            Some(last) => last,
            // The day's first number: after the highest an order of that day already carries
            // (an order written with its number, an import).
            None => {
                let prefix = day.format("%Y%m%d").to_string();
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO order_numbers (tenant_id, day, last)
                     SELECT $1, $2, 1 + coalesce(max(split_part(number, '-', 2)::integer), 0) FROM orders, {relaxed}
                     WHERE tenant_id = $1 AND number COLLATE \"C\" >= $3 AND number COLLATE \"C\" < $4
                       AND split_part(number, '-', 2) ~ '^[0-9]{{1,9}}$'
                     ON CONFLICT (tenant_id, day) DO UPDATE SET last = order_numbers.last + 1
                     RETURNING last"
                )))
                .bind(tenant.0)
                .bind(day_key(day))
                .bind(format!("{prefix}-"))
                .bind(format!("{prefix}."))
                .fetch_one(&self.pool)
                .await
                .map_err(backend)?
            }
        };
        let last = u32::try_from(last).map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(OrderNumber::new(day, last))
    }

    async fn put_upload(&self, tenant: TenantId, upload: &Upload, bytes: &[u8]) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO uploads (tenant_id, id, person_id, created_ms, meta, bytes) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(tenant.0)
            .bind(upload.attachment.id.0)
            .bind(upload.by.0)
            .bind(ms(upload.at))
            .bind(json(&upload.attachment)?)
            .bind(bytes),
        )
        .await
        .map(|_| ())
    }

    async fn upload(&self, tenant: TenantId, id: AttachmentId) -> Result<Option<Upload>, StoreError> {
        read::upload(&self.pool, tenant, id).await
    }

    async fn file(&self, tenant: TenantId, id: AttachmentId) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT bytes FROM uploads WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn count_by_state(
        &self,
        tenant: TenantId,
        query: &OrderQuery,
    ) -> Result<Option<Vec<(State, u64)>>, StoreError> {
        read::count_by_state(&self.pool, tenant, query).await
    }

    async fn due_timers(&self, now: Timestamp, limit: u32) -> Result<Vec<DueTimer>, StoreError> {
        read::due_timers(&self.pool, now, limit).await
    }

    async fn take_due_timers(
        &self,
        now: Timestamp,
        until: Timestamp,
        limit: u32,
    ) -> Result<Vec<DueTimer>, StoreError> {
        let mut tx = self.begin().await?;
        // Rows another server is taking right now are skipped, not waited for.
        let rows: Vec<(Uuid, Uuid, String, i16, i64)> = sqlx::query_as(
            "WITH taken AS (
                 SELECT tenant_id, order_id, clock, level FROM timers
                 WHERE due_ms <= $1 AND (leased_ms IS NULL OR leased_ms <= $1)
                 ORDER BY due_ms LIMIT $3 FOR UPDATE SKIP LOCKED)
             UPDATE timers t SET leased_ms = $2 FROM taken
             WHERE t.tenant_id = taken.tenant_id AND t.order_id = taken.order_id
               AND t.clock = taken.clock AND t.level = taken.level
             RETURNING t.tenant_id, t.order_id, t.clock, t.level, t.due_ms",
        )
        .bind(ms(now))
        .bind(ms(until))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        self.commit(tx).await?;
        let mut due = read::due_timer_rows(rows)?;
        due.sort_by_key(|t| t.at);
        Ok(due)
    }

    async fn release_timers(&self, tenant: TenantId, order: OrderId) -> Result<(), StoreError> {
        self.exec(
            sqlx::query("UPDATE timers SET leased_ms = NULL WHERE tenant_id = $1 AND order_id = $2 AND leased_ms IS NOT NULL")
                .bind(tenant.0)
                .bind(order.0),
        )
        .await
        .map(|_| ())
    }

    async fn reschedule(
        &self,
        tenant: TenantId,
        order: OrderId,
        version: u64,
        schedule: &Schedule,
    ) -> Result<bool, StoreError> {
        // Written only over the version the schedule was computed for: the order's row is
        // locked while its timers change, so a write of the order waits.
        let mut sql = sqlx::QueryBuilder::new("WITH o AS (SELECT 1 FROM orders WHERE tenant_id = ");
        sql.push_bind(tenant.0)
            .push(" AND id = ")
            .push_bind(order.0)
            .push(" AND version = ")
            .push_bind(version as i64)
            .push(" FOR UPDATE)");
        write::push_parts(
            &mut sql,
            &write::Parts {
                tenant: tenant.0,
                order: order.0,
                schedule: Some(schedule),
                replace: true,
                notices: &[],
                idempotency: None,
            },
        )?;
        sql.push(" SELECT ").push(write::finish(true));
        let started = Instant::now();
        let written = write::run(&self.pool, sql).await?;
        self.stats.record(1, started.elapsed());
        Ok(written == 1)
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
        notice: Uuid,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let n = self
            .exec(
                sqlx::query(
                    "UPDATE inbox SET read_ms = coalesce(read_ms, $4)
                     WHERE tenant_id = $1 AND person_id = $2 AND id = $3",
                )
                .bind(tenant.0)
                .bind(person.0)
                .bind(notice)
                .bind(ms(at)),
            )
            .await?;
        Ok(n > 0)
    }

    async fn deliveries_due(&self, now: Timestamp, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        read::deliveries_due(&self.pool, now, limit).await
    }

    async fn take_deliveries(
        &self,
        now: Timestamp,
        until: Timestamp,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let mut tx = self.begin().await?;
        let sql = format!(
            "WITH taken AS (
                 SELECT tenant_id, id FROM outbox
                 WHERE state = 'pending' AND next_ms <= $1 AND (leased_ms IS NULL OR leased_ms <= $1)
                 ORDER BY next_ms LIMIT $3 FOR UPDATE SKIP LOCKED)
             UPDATE outbox o SET leased_ms = $2 FROM taken
             WHERE o.tenant_id = taken.tenant_id AND o.id = taken.id
             RETURNING {}",
            read::DELIVERY_COLUMNS
                .split(", ")
                .map(|c| format!("o.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ms(now))
            .bind(ms(until))
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await
            .map_err(backend)?;
        self.commit(tx).await?;
        let mut due = rows
            .iter()
            .map(read::delivery_row)
            .collect::<Result<Vec<_>, _>>()?;
        due.sort_by_key(|d| d.next_at);
        Ok(due)
    }

    async fn record_attempt(&self, notice: Uuid, at: Timestamp, attempt: &Attempt) -> Result<(), StoreError> {
        let (outcome, error) = match attempt {
            Attempt::Delivered => ("delivered", None),
            Attempt::Retry { error, .. } => ("failed", Some(error)),
            Attempt::Dead { error } => ("dead", Some(error)),
        };
        let (state, next) = match attempt {
            Attempt::Delivered => ("delivered", None),
            Attempt::Retry { at, .. } => ("pending", Some(ms(*at))),
            Attempt::Dead { .. } => ("dead", None),
        };
        let mut tx = self.begin().await?;
        // The row is locked first, so two attempts recorded at once number themselves apart.
        let updated: Option<(Uuid, i32)> = sqlx::query_as(
            "UPDATE outbox SET state = $2, attempts = attempts + 1, next_ms = $3, leased_ms = NULL,
                 last_error = coalesce($4, last_error),
                 delivered_ms = CASE WHEN $2 = 'delivered' THEN $5 ELSE delivered_ms END
             WHERE id = $1 AND state = 'pending' RETURNING tenant_id, attempts",
        )
        .bind(notice)
        .bind(state)
        .bind(next)
        .bind(error)
        .bind(ms(at))
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        if let Some((tenant, _)) = updated {
            sqlx::query(
                "INSERT INTO delivery_log (tenant_id, outbox_id, seq, at_ms, outcome, error)
                 SELECT $1, $2, 1 + count(*), $3, $4, $5 FROM delivery_log WHERE tenant_id = $1 AND outbox_id = $2",
            )
            .bind(tenant)
            .bind(notice)
            .bind(ms(at))
            .bind(outcome)
            .bind(error)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        self.commit(tx).await
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
        notice: Uuid,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let n = self
            .exec(
                sqlx::query(
                    "UPDATE outbox SET state = 'pending', attempts = 0, next_ms = $3, leased_ms = NULL
                     WHERE tenant_id = $1 AND id = $2 AND state = 'dead'",
                )
                .bind(tenant.0)
                .bind(notice)
                .bind(ms(at)),
            )
            .await?;
        Ok(n > 0)
    }

    async fn channel_settings(&self, tenant: TenantId) -> Result<Vec<(String, String)>, StoreError> {
        sqlx::query_as("SELECT channel, settings FROM channel_settings WHERE tenant_id = $1 ORDER BY channel COLLATE \"C\"")
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)
    }

    async fn put_channel_settings(
        &self,
        tenant: TenantId,
        channel: &str,
        settings: Option<&str>,
    ) -> Result<(), StoreError> {
        let query = match settings {
            Some(settings) => sqlx::query(
                "INSERT INTO channel_settings (tenant_id, channel, settings) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant_id, channel) DO UPDATE SET settings = excluded.settings",
            )
            .bind(tenant.0)
            .bind(channel)
            .bind(settings),
            None => sqlx::query("DELETE FROM channel_settings WHERE tenant_id = $1 AND channel = $2")
                .bind(tenant.0)
                .bind(channel),
        };
        self.exec(query).await.map(|_| ())
    }

    async fn calendar_years(&self, tenant: TenantId) -> Result<Vec<(i32, String)>, StoreError> {
        sqlx::query_as("SELECT year, body FROM calendar_years WHERE tenant_id = $1 ORDER BY year")
            .bind(tenant.0)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)
    }

    async fn put_calendar_year(&self, tenant: TenantId, year: i32, text: &str) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO calendar_years (tenant_id, year, body) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant_id, year) DO UPDATE SET body = excluded.body",
            )
            .bind(tenant.0)
            .bind(year)
            .bind(text),
        )
        .await
        .map(|_| ())
    }

    async fn working_week(&self, tenant: TenantId) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT body FROM working_weeks WHERE tenant_id = $1")
            .bind(tenant.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)
    }

    async fn put_working_week(&self, tenant: TenantId, text: &str) -> Result<(), StoreError> {
        self.exec(
            sqlx::query(
                "INSERT INTO working_weeks (tenant_id, body) VALUES ($1, $2)
                 ON CONFLICT (tenant_id) DO UPDATE SET body = excluded.body",
            )
            .bind(tenant.0)
            .bind(text),
        )
        .await
        .map(|_| ())
    }

    async fn export(
        &self,
        part: baoxiu_domain::archive::Part,
        after: Option<&str>,
        limit: u32,
    ) -> Result<baoxiu_domain::archive::RecordPage, StoreError> {
        archive::export(&self.pool, part, after, limit).await
    }

    async fn import(&self, records: Vec<baoxiu_domain::archive::Record>) -> Result<(), StoreError> {
        for record in records {
            if !baoxiu_domain::archive::import_through(self, &record).await? {
                archive::import(&self.pool, &record).await?;
            }
        }
        Ok(())
    }
}
