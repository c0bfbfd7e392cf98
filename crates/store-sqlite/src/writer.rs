//! The single writer: takes queued jobs, runs as many as have queued up (up to a limit) in
//! one `BEGIN IMMEDIATE` transaction, commits once and answers everybody. A job refused by
//! its checks leaves nothing behind, so the others go on; see [`commit_batch`].
//!
//! The writer supervises itself: each batch runs in a task of its own, so a panic while
//! writing one batch fails only that batch's callers (their transaction dies with its
//! connection, which rolls it back). The writer then opens a fresh connection and goes on
//! with the next batch.

use crate::backend;
use baoxiu_domain::sla::Schedule;
use baoxiu_domain::{
    Account, ApiToken, Attempt, Notice, OrderId, Person, PersonId, Session, Station, StoreError,
    StoredResponse, Team, Tenant, TenantId, Timestamp, Upload, Write, WriteOutcome, idempotency_horizon,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, QueryBuilder, Row, Sqlite};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// Most jobs in one transaction: bounds the latency a large batch adds to its first job.
const MAX_BATCH: usize = 256;

pub(crate) enum Job {
    Write(Box<Write>, oneshot::Sender<Result<WriteOutcome, StoreError>>),
    /// Answered with the rows the write touched.
    Org(OrgWrite, oneshot::Sender<Result<u64, StoreError>>),
    /// The readiness check: rewrites one row, answered after the commit.
    Ping(Timestamp, oneshot::Sender<Result<(), StoreError>>),
    /// Removes up to [`EXPIRE_CHUNK`] idempotency records made before the time.
    Expire(Timestamp, oneshot::Sender<Result<u64, StoreError>>),
}

/// Idempotency records removed per batch, so a large sweep never stalls other writes long.
pub(crate) const EXPIRE_CHUNK: u64 = 2000;

pub(crate) enum OrgWrite {
    Tenant(Tenant),
    Station(Station),
    Team(Team),
    Person(Person),
    Token {
        digest: String,
        token: ApiToken,
    },
    RevokeToken {
        tenant: TenantId,
        id: String,
        at: Timestamp,
    },
    Account(Account),
    DisableAccount {
        tenant: TenantId,
        person: PersonId,
        at: Timestamp,
    },
    Session(Session),
    DeleteSession(String),
    Upload(TenantId, Upload),
    /// Replaces an order's timers and deadlines if it is still at the version.
    Reschedule {
        tenant: TenantId,
        order: OrderId,
        version: u64,
        schedule: Schedule,
    },
    MarkRead {
        tenant: TenantId,
        person: PersonId,
        notice: Uuid,
        at: Timestamp,
    },
    Attempt {
        notice: Uuid,
        at: Timestamp,
        attempt: Attempt,
    },
    Replay {
        tenant: TenantId,
        notice: Uuid,
        at: Timestamp,
    },
    ChannelSettings {
        tenant: TenantId,
        channel: String,
        settings: Option<String>,
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
}

enum Answer {
    Write(Result<WriteOutcome, StoreError>),
    Unit(Result<(), StoreError>),
    Count(Result<u64, StoreError>),
}

impl Job {
    fn answer(self, answer: Answer) {
        // A caller that gave up waiting is not an error.
        match (self, answer) {
            (Job::Write(_, reply), Answer::Write(a)) => drop(reply.send(a)),
            (Job::Ping(_, reply), Answer::Unit(a)) => drop(reply.send(a)),
            (Job::Org(_, reply) | Job::Expire(_, reply), Answer::Count(a)) => drop(reply.send(a)),
            _ => unreachable!("answers are produced in job order and kind"),
        }
    }

    fn failed(&self, e: StoreError) -> Answer {
        match self {
            Job::Write(..) => Answer::Write(Err(e)),
            Job::Ping(..) => Answer::Unit(Err(e)),
            Job::Org(..) | Job::Expire(..) => Answer::Count(Err(e)),
        }
    }
}

/// A switch a test flips to make the next batch panic inside the writer.
#[cfg(test)]
pub(crate) type Faults = std::sync::Arc<std::sync::atomic::AtomicBool>;

pub(crate) async fn run(
    options: SqliteConnectOptions,
    conn: SqliteConnection,
    mut queue: mpsc::Receiver<Job>,
    #[cfg(test)] faults: Faults,
) {
    let mut conn = Some(conn);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let jobs = std::mem::replace(&mut batch, Vec::with_capacity(MAX_BATCH));
        let mut connection = match conn.take() {
            Some(c) => c,
            None => match options.connect().await {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "the writer cannot reopen the database");
                    let why = StoreError::WriteFailed(format!("cannot reopen the database: {e}"));
                    for job in jobs {
                        let answer = job.failed(why.clone());
                        job.answer(answer);
                    }
                    // Give a sick disk a moment before the next batch tries again.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
        };
        #[cfg(test)]
        let inject = faults.swap(false, std::sync::atomic::Ordering::SeqCst);
        let task = tokio::spawn(async move {
            #[cfg(test)]
            if inject {
                let _ = sqlx::query("BEGIN IMMEDIATE").execute(&mut connection).await;
                panic!("injected fault: the writer panics in the middle of a batch");
            }
            let answers = commit_batch(&mut connection, &jobs).await;
            (connection, jobs, answers)
        });
        match task.await {
            Ok((connection, jobs, answers)) => {
                conn = Some(connection);
                for (job, answer) in jobs.into_iter().zip(answers) {
                    job.answer(answer);
                }
            }
            // The batch's reply channels went with the task: its callers hear that the
            // write failed. Its connection, and with it the open transaction, is gone.
            Err(e) => {
                tracing::error!(error = %e, "a write batch failed inside the writer; it was rolled back")
            }
        }
    }
    if let Some(c) = conn {
        let _ = c.close().await;
    }
}

/// Why a job failed: refused before it wrote anything (the batch goes on), or broken
/// after it may have written part of itself (the whole batch is rolled back).
enum JobError {
    Refused(StoreError),
    Broken(StoreError),
}

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> Self {
        JobError::Broken(backend(e))
    }
}

/// Runs the batch in one transaction. A job's checks (idempotency key, version, unique
/// names) all happen before or in its first write statement, and SQLite undoes a failed
/// statement by itself, so a refused job leaves nothing behind without a savepoint; any
/// other failure rolls the whole batch back and fails every job in it.
async fn commit_batch(conn: &mut SqliteConnection, batch: &[Job]) -> Vec<Answer> {
    let failed = |e: StoreError| batch.iter().map(|job| job.failed(e.clone())).collect();
    if sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.is_err() {
        // A transaction left open by a failed ROLLBACK holds nothing anyone was told was
        // written (its jobs were all failed): end it and try once more.
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await {
            return failed(backend(e));
        }
    }
    let mut answers = Vec::with_capacity(batch.len());
    for job in batch {
        let answer = match job {
            Job::Write(write, _) => apply_write(conn, write).await.map(|ok| Answer::Write(Ok(ok))),
            Job::Org(write, _) => apply_org(conn, write).await.map(|n| Answer::Count(Ok(n))),
            Job::Ping(at, _) => ping(conn, *at).await.map(|ok| Answer::Unit(Ok(ok))),
            Job::Expire(before, _) => expire(conn, *before).await.map(|n| Answer::Count(Ok(n))),
        };
        match answer {
            Ok(a) => answers.push(a),
            Err(JobError::Refused(e)) => answers.push(job.failed(e)),
            Err(JobError::Broken(e)) => {
                let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                return failed(e);
            }
        }
    }
    if let Err(e) = sqlx::query("COMMIT").execute(&mut *conn).await {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        return failed(backend(e));
    }
    answers
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, JobError> {
    serde_json::to_string(value)
        .map_err(|e| JobError::Refused(StoreError::Backend(format!("cannot encode: {e}"))))
}

async fn apply_write(conn: &mut SqliteConnection, w: &Write) -> Result<WriteOutcome, JobError> {
    let tenant = w.tenant.to_string();
    if let Some(idem) = &w.idempotency {
        let seen = sqlx::query(
            "SELECT fingerprint, status, body FROM idempotency
             WHERE tenant_id = ?1 AND person_id = ?2 AND key = ?3 AND created_ms >= ?4",
        )
        .bind(&tenant)
        .bind(idem.person.to_string())
        .bind(&idem.key)
        .bind(idempotency_horizon(idem.created_at).timestamp_millis())
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = seen {
            let fingerprint: String = row.get(0);
            if fingerprint != idem.fingerprint {
                return Err(JobError::Refused(StoreError::IdempotencyKeyReused));
            }
            let status: i64 = row.get(1);
            return Ok(WriteOutcome::Replayed(StoredResponse {
                status: status as u16,
                body: row.get(2),
            }));
        }
    }

    let order = &w.order;
    let id = order.id.to_string();
    // Everything is encoded before the first statement, so an encoding failure leaves
    // nothing behind.
    let doc = json(order)?;
    let bodies = w.events.iter().map(json).collect::<Result<Vec<_>, _>>()?;
    let reported_at = order
        .timeline
        .reported_at
        .map(|t| t.to_rfc3339())
        .unwrap_or_default();
    let updated_at = order.updated_at.map(|t| t.to_rfc3339()).unwrap_or_default();
    let station = order.station.as_ref().map(|s| s.id.to_string());
    let station_parent = order.station.as_ref().and_then(|s| s.head).map(|h| h.to_string());
    let assignee = order.assignee.as_ref().map(|p| p.id.to_string());
    let template = order.details.template.as_str();
    // Its search terms, its key and the counts per state are kept by triggers
    // (migration 4): one statement per order.
    let changed = if w.expected_version == 0 {
        let (terms, pairs) = crate::search::terms(&order.search_text());
        sqlx::query(
            "INSERT INTO orders (tenant_id, id, version, state, template, station_id, assignee_id,
                                 reported_at, updated_at, search_text, search_pairs, doc, reporter_id,
                                 number, station_parent_id, cancel_pending)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (tenant_id, id) DO NOTHING",
        )
        .bind(&tenant)
        .bind(&id)
        .bind(order.version as i64)
        .bind(order.state.as_str())
        .bind(template)
        .bind(&station)
        .bind(&assignee)
        .bind(&reported_at)
        .bind(&updated_at)
        .bind(terms)
        .bind(pairs)
        .bind(&doc)
        .bind(order.created_by.as_ref().map(|p| p.id.to_string()))
        .bind(order.number().map(|n| n.as_str()))
        .bind(&station_parent)
        .bind(order.cancellation_pending())
        .execute(&mut *conn)
        .await
        // The job's first write: a constraint failure here left nothing behind.
        .map_err(|e| {
            refused_if_constraint(e, |e| match e.as_database_error() {
                Some(d) if d.is_unique_violation() => StoreError::Duplicate("order number".into()),
                _ => backend(e),
            })
        })?
    } else {
        sqlx::query(
            "UPDATE orders SET version = ?3, state = ?4, station_id = ?5, assignee_id = ?6,
                               updated_at = ?7, doc = ?8, station_parent_id = ?9, cancel_pending = ?10
             WHERE tenant_id = ?1 AND id = ?2 AND version = ?11",
        )
        .bind(&tenant)
        .bind(&id)
        .bind(order.version as i64)
        .bind(order.state.as_str())
        .bind(&station)
        .bind(&assignee)
        .bind(&updated_at)
        .bind(&doc)
        .bind(&station_parent)
        .bind(order.cancellation_pending())
        .bind(w.expected_version as i64)
        .execute(&mut *conn)
        .await
        .map_err(|e| refused_if_constraint(e, backend))?
    };
    if changed.rows_affected() != 1 {
        return Err(JobError::Refused(StoreError::VersionConflict));
    }

    // Several rows go in one statement: each statement is a round trip to the driver's
    // thread, and those round trips, not the disk, are most of a write's time.
    if !w.events.is_empty() {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO events (tenant_id, order_id, seq, at, actor_id, kind, body) ",
        );
        insert.push_values(w.events.iter().zip(bodies), |mut row, (record, body)| {
            row.push_bind(tenant.clone())
                .push_bind(id.clone())
                .push_bind(record.seq as i64)
                .push_bind(record.at.to_rfc3339())
                .push_bind(record.actor.id.to_string())
                .push_bind(record.event.kind())
                .push_bind(body);
        });
        insert.build().execute(&mut *conn).await?;
    }

    if let Some(idem) = &w.idempotency {
        // An expired record that the background sweep has not removed yet is replaced.
        sqlx::query(
            "INSERT INTO idempotency (tenant_id, person_id, key, fingerprint, status, body, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (tenant_id, person_id, key) DO UPDATE SET
                 fingerprint = excluded.fingerprint, status = excluded.status,
                 body = excluded.body, created_ms = excluded.created_ms",
        )
        .bind(&tenant)
        .bind(idem.person.to_string())
        .bind(&idem.key)
        .bind(&idem.fingerprint)
        .bind(idem.response.status as i64)
        .bind(&idem.response.body)
        .bind(idem.created_at.timestamp_millis())
        .execute(&mut *conn)
        .await?;
    }
    if let Some(schedule) = &w.schedule {
        // A new order has no timers or deadlines to replace.
        put_schedule(conn, &tenant, &id, schedule, w.expected_version != 0).await?;
    }
    put_notices(conn, &w.notices).await?;
    Ok(WriteOutcome::Committed)
}

/// Replaces the order's timers and deadlines (`replace`: the order may have some already).
async fn put_schedule(
    conn: &mut SqliteConnection,
    tenant: &str,
    order: &str,
    schedule: &Schedule,
    replace: bool,
) -> Result<(), JobError> {
    for table in ["timers", "deadlines"].into_iter().filter(|_| replace) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE tenant_id = ?1 AND order_id = ?2"
        )))
        .bind(tenant)
        .bind(order)
        .execute(&mut *conn)
        .await?;
    }
    if !schedule.timers.is_empty() {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT OR REPLACE INTO timers (tenant_id, order_id, clock, level, due_ms) ",
        );
        insert.push_values(&schedule.timers, |mut row, timer| {
            row.push_bind(tenant.to_string())
                .push_bind(order.to_string())
                .push_bind(timer.clock.clone())
                .push_bind(i64::from(timer.level))
                .push_bind(timer.at.timestamp_millis());
        });
        insert.build().execute(&mut *conn).await?;
    }
    if !schedule.deadlines.is_empty() {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT OR REPLACE INTO deadlines (tenant_id, order_id, clock, state, deadline_ms) ",
        );
        insert.push_values(&schedule.deadlines, |mut row, deadline| {
            row.push_bind(tenant.to_string())
                .push_bind(order.to_string())
                .push_bind(deadline.clock.clone())
                .push_bind(deadline.state.as_str())
                .push_bind(deadline.at.timestamp_millis());
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The inbox holds a notice at once; the outbox keeps every other channel's until
/// delivered. One statement for each.
async fn put_notices(conn: &mut SqliteConnection, notices: &[Notice]) -> Result<(), JobError> {
    let mut inbox = Vec::new();
    let mut outbox = Vec::new();
    for notice in notices {
        let body = json(notice)?;
        match (notice.channel, notice.person) {
            (baoxiu_domain::sla::NotifyChannel::Inbox, Some(person)) => inbox.push((notice, person, body)),
            _ => outbox.push((notice, body)),
        }
    }
    if !inbox.is_empty() {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT OR IGNORE INTO inbox (tenant_id, person_id, id, created_ms, notice) ",
        );
        insert.push_values(inbox, |mut row, (notice, person, body)| {
            row.push_bind(notice.tenant.to_string())
                .push_bind(person.to_string())
                .push_bind(notice.id.to_string())
                .push_bind(notice.created_at.timestamp_millis())
                .push_bind(body);
        });
        insert.build().execute(&mut *conn).await?;
    }
    if !outbox.is_empty() {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT OR IGNORE INTO outbox (id, tenant_id, created_ms, state, next_ms, notice) ",
        );
        insert.push_values(outbox, |mut row, (notice, body)| {
            let created = notice.created_at.timestamp_millis();
            row.push_bind(notice.id.to_string())
                .push_bind(notice.tenant.to_string())
                .push_bind(created)
                .push_bind("pending")
                .push_bind(created)
                .push_bind(body);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn ping(conn: &mut SqliteConnection, at: Timestamp) -> Result<(), JobError> {
    sqlx::query("INSERT OR REPLACE INTO readiness (id, checked_ms) VALUES (1, ?1)")
        .bind(at.timestamp_millis())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn expire(conn: &mut SqliteConnection, before: Timestamp) -> Result<u64, JobError> {
    let done = sqlx::query(
        "DELETE FROM idempotency WHERE (tenant_id, person_id, key) IN
             (SELECT tenant_id, person_id, key FROM idempotency WHERE created_ms < ?1 LIMIT ?2)",
    )
    .bind(before.timestamp_millis())
    .bind(EXPIRE_CHUNK as i64)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Each organisation write is one statement.
async fn apply_org(conn: &mut SqliteConnection, write: &OrgWrite) -> Result<u64, JobError> {
    let result = match write {
        OrgWrite::Tenant(t) => {
            sqlx::query("INSERT INTO tenants (id, slug, name, time_zone, templates) VALUES (?1, ?2, ?3, ?4, ?5)")
                .bind(t.id.to_string())
                .bind(&t.slug)
                .bind(&t.name)
                .bind(&t.time_zone)
                .bind(crate::read::template_list(&t.templates))
                .execute(&mut *conn)
                .await
        }
        OrgWrite::Station(s) => {
            sqlx::query("INSERT OR REPLACE INTO stations (tenant_id, id, name, parent_id) VALUES (?1, ?2, ?3, ?4)")
                .bind(s.tenant.to_string())
                .bind(s.id.to_string())
                .bind(&s.name)
                .bind(s.parent.map(|p| p.to_string()))
                .execute(&mut *conn)
                .await
        }
        OrgWrite::Team(t) => {
            sqlx::query("INSERT OR REPLACE INTO teams (tenant_id, id, station_id, name) VALUES (?1, ?2, ?3, ?4)")
                .bind(t.tenant.to_string())
                .bind(t.id.to_string())
                .bind(t.station.map(|s| s.to_string()))
                .bind(&t.name)
                .execute(&mut *conn)
                .await
        }
        OrgWrite::Person(p) => {
            sqlx::query(
                "INSERT OR REPLACE INTO people (tenant_id, id, name, role, station_id, team_id, phone, email)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .bind(p.tenant.to_string())
            .bind(p.id.to_string())
            .bind(&p.name)
            .bind(p.role.as_str())
            .bind(p.station.map(|s| s.to_string()))
            .bind(p.team.map(|t| t.to_string()))
            .bind(&p.phone)
            .bind(&p.email)
            .execute(&mut *conn)
            .await
        }
        OrgWrite::Token { digest, token } => {
            sqlx::query(
                "INSERT INTO tokens (digest, tenant_id, person_id, label, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(digest)
            .bind(token.tenant.to_string())
            .bind(token.person.to_string())
            .bind(&token.label)
            .bind(token.created_at.timestamp_millis())
            .execute(&mut *conn)
            .await
        }
        OrgWrite::RevokeToken { tenant, id, at } => {
            // `id` is the start of the digest; a prefix that is not a token's id (too short,
            // a pattern) matches nothing.
            let exact = id.len() == crate::read::TOKEN_ID_LEN && id.bytes().all(|b| b.is_ascii_hexdigit());
            sqlx::query(
                "UPDATE tokens SET revoked_ms = ?3
                 WHERE tenant_id = ?1 AND substr(digest, 1, ?4) = ?2 AND revoked_ms IS NULL AND ?5",
            )
            .bind(tenant.to_string())
            .bind(id)
            .bind(at.timestamp_millis())
            .bind(crate::read::TOKEN_ID_LEN as i64)
            .bind(exact)
            .execute(&mut *conn)
            .await
        }
        OrgWrite::Account(a) => {
            sqlx::query(
                "INSERT INTO accounts (tenant_id, person_id, login, phone, password_hash, disabled)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (tenant_id, person_id) DO UPDATE SET login = excluded.login,
                     phone = excluded.phone, password_hash = excluded.password_hash,
                     disabled = excluded.disabled",
            )
            .bind(a.tenant.to_string())
            .bind(a.person.to_string())
            .bind(a.login.as_str())
            .bind(&a.phone)
            .bind(&a.password_hash)
            .bind(a.disabled)
            .execute(&mut *conn)
            .await
        }
        OrgWrite::DisableAccount { tenant, person, at } => {
            let (tenant, person) = (tenant.to_string(), person.to_string());
            let disabled = sqlx::query("UPDATE accounts SET disabled = 1 WHERE tenant_id = ?1 AND person_id = ?2")
                .bind(&tenant)
                .bind(&person)
                .execute(&mut *conn)
                .await
                .map_err(|e| refused_if_constraint(e, backend))?;
            if disabled.rows_affected() == 0 {
                return Err(JobError::Refused(StoreError::NotFound("account".into())));
            }
            sqlx::query("DELETE FROM sessions WHERE tenant_id = ?1 AND person_id = ?2")
                .bind(&tenant)
                .bind(&person)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "UPDATE tokens SET revoked_ms = ?3 WHERE tenant_id = ?1 AND person_id = ?2 AND revoked_ms IS NULL",
            )
            .bind(&tenant)
            .bind(&person)
            .bind(at.timestamp_millis())
            .execute(&mut *conn)
            .await?;
            return Ok(1);
        }
        OrgWrite::Session(s) => {
            sqlx::query(
                "INSERT INTO sessions (digest, tenant_id, person_id, csrf, created_ms, expires_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(&s.digest)
            .bind(s.tenant.to_string())
            .bind(s.person.to_string())
            .bind(&s.csrf)
            .bind(s.created_at.timestamp_millis())
            .bind(s.expires_at.timestamp_millis())
            .execute(&mut *conn)
            .await
        }
        OrgWrite::Upload(tenant, upload) => {
            let meta = serde_json::to_string(&upload.attachment)
                .map_err(|e| JobError::Refused(StoreError::Backend(format!("cannot encode: {e}"))))?;
            sqlx::query(
                "INSERT INTO uploads (tenant_id, id, person_id, created_ms, meta) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(tenant.to_string())
            .bind(upload.attachment.id.to_string())
            .bind(upload.by.to_string())
            .bind(upload.at.timestamp_millis())
            .bind(meta)
            .execute(&mut *conn)
            .await
        }
        OrgWrite::Reschedule {
            tenant,
            order,
            version,
            schedule,
        } => {
            let (tenant, order) = (tenant.to_string(), order.to_string());
            let current: Option<i64> = sqlx::query_scalar("SELECT version FROM orders WHERE tenant_id = ?1 AND id = ?2")
                .bind(&tenant)
                .bind(&order)
                .fetch_optional(&mut *conn)
                .await?;
            if current != Some(*version as i64) {
                return Ok(0);
            }
            put_schedule(conn, &tenant, &order, schedule, true).await?;
            return Ok(1);
        }
        OrgWrite::MarkRead {
            tenant,
            person,
            notice,
            at,
        } => {
            sqlx::query(
                "UPDATE inbox SET read_ms = coalesce(read_ms, ?4) WHERE tenant_id = ?1 AND person_id = ?2 AND id = ?3",
            )
            .bind(tenant.to_string())
            .bind(person.to_string())
            .bind(notice.to_string())
            .bind(at.timestamp_millis())
            .execute(&mut *conn)
            .await
        }
        OrgWrite::Attempt { notice, at, attempt } => {
            let id = notice.to_string();
            let (outcome, error) = match attempt {
                Attempt::Delivered => ("delivered", None),
                Attempt::Retry { error, .. } => ("failed", Some(error)),
                Attempt::Dead { error } => ("dead", Some(error)),
            };
            sqlx::query("INSERT INTO delivery_log (outbox_id, at_ms, outcome, error) VALUES (?1, ?2, ?3, ?4)")
                .bind(&id)
                .bind(at.timestamp_millis())
                .bind(outcome)
                .bind(error)
                .execute(&mut *conn)
                .await?;
            let (state, next) = match attempt {
                Attempt::Delivered => ("delivered", None),
                Attempt::Retry { at, .. } => ("pending", Some(at.timestamp_millis())),
                Attempt::Dead { .. } => ("dead", None),
            };
            sqlx::query(
                "UPDATE outbox SET state = ?2, attempts = attempts + 1, next_ms = ?3,
                     last_error = coalesce(?4, last_error),
                     delivered_ms = CASE WHEN ?2 = 'delivered' THEN ?5 ELSE delivered_ms END
                 WHERE id = ?1",
            )
            .bind(&id)
            .bind(state)
            .bind(next)
            .bind(error)
            .bind(at.timestamp_millis())
            .execute(&mut *conn)
            .await
        }
        OrgWrite::Replay { tenant, notice, at } => {
            sqlx::query(
                "UPDATE outbox SET state = 'pending', attempts = 0, next_ms = ?3
                 WHERE tenant_id = ?1 AND id = ?2 AND state = 'dead'",
            )
            .bind(tenant.to_string())
            .bind(notice.to_string())
            .bind(at.timestamp_millis())
            .execute(&mut *conn)
            .await
        }
        OrgWrite::ChannelSettings {
            tenant,
            channel,
            settings,
        } => match settings {
            Some(settings) => {
                sqlx::query("INSERT OR REPLACE INTO channel_settings (tenant_id, channel, settings) VALUES (?1, ?2, ?3)")
                    .bind(tenant.to_string())
                    .bind(channel)
                    .bind(settings)
                    .execute(&mut *conn)
                    .await
            }
            None => {
                sqlx::query("DELETE FROM channel_settings WHERE tenant_id = ?1 AND channel = ?2")
                    .bind(tenant.to_string())
                    .bind(channel)
                    .execute(&mut *conn)
                    .await
            }
        },
        OrgWrite::CalendarYear { tenant, year, text } => {
            sqlx::query("INSERT OR REPLACE INTO calendar_years (tenant_id, year, body) VALUES (?1, ?2, ?3)")
                .bind(tenant.to_string())
                .bind(i64::from(*year))
                .bind(text)
                .execute(&mut *conn)
                .await
        }
        OrgWrite::WorkingWeek { tenant, text } => {
            sqlx::query("INSERT OR REPLACE INTO working_weeks (tenant_id, body) VALUES (?1, ?2)")
                .bind(tenant.to_string())
                .bind(text)
                .execute(&mut *conn)
                .await
        }
        OrgWrite::DeleteSession(digest) => {
            sqlx::query("DELETE FROM sessions WHERE digest = ?1")
                .bind(digest)
                .execute(&mut *conn)
                .await
        }
    };
    result.map(|r| r.rows_affected()).map_err(|e| {
        refused_if_constraint(e, |e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => StoreError::Duplicate(d.message().to_string()),
            Some(d) if d.is_foreign_key_violation() => StoreError::NotFound(d.message().to_string()),
            _ => backend(e),
        })
    })
}

/// A constraint failure undoes only its own statement; anything else (I/O, a full disk)
/// may have ended the transaction, so the batch must be rolled back.
fn refused_if_constraint(e: sqlx::Error, to_store: impl FnOnce(sqlx::Error) -> StoreError) -> JobError {
    let constraint = e
        .as_database_error()
        .is_some_and(|d| d.is_unique_violation() || d.is_foreign_key_violation() || d.is_check_violation());
    if constraint {
        JobError::Refused(to_store(e))
    } else {
        JobError::Broken(to_store(e))
    }
}
