//! The single writer: a thread of its own that owns one connection, takes queued jobs,
//! runs as many as have queued up (up to a limit) in one `BEGIN IMMEDIATE` transaction,
//! commits once and answers everybody. A job refused by its checks leaves nothing behind,
//! so the others go on; see [`commit_batch`].
//!
//! The writer runs its statements synchronously (rusqlite) on its own thread: each
//! statement is a call, not a round trip to a driver's thread, which is what most of a
//! write's time went to before. The readers stay on sqlx's pool; both use the one SQLite
//! library (`libsqlite3-sys`).
//!
//! The writer supervises itself: a panic while writing one batch fails only that batch's
//! callers; its connection is closed, which rolls the open transaction back, and the
//! writer opens a fresh one for the next batch.

use baoxiu_domain::CommitStats;
use baoxiu_domain::sla::Schedule;
use baoxiu_domain::{
    Account, ApiToken, Attempt, Notice, OrderId, Person, PersonId, Session, Station, StoreError,
    StoredResponse, Team, Tenant, TenantId, Timestamp, Upload, Write, WriteOutcome, idempotency_horizon,
};
use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OptionalExtension, params, params_from_iter};
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
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
    Asset(baoxiu_domain::AssetRecord),
    /// A new request (`decided: None`) or one decided over `decided` earlier decisions,
    /// with the book its last approval changed.
    Request {
        request: Box<baoxiu_domain::OrgRequest>,
        decided: Option<usize>,
        book: Option<Box<baoxiu_domain::Book>>,
    },
    /// Replaces an entry of the register; NotFound when there is none.
    AssetUpdate(baoxiu_domain::AssetRecord),
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
    /// A record another store exported that no other write makes as it stands.
    Import(Box<baoxiu_domain::archive::Record>),
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

/// Opens the writer's connection: the readers' settings, and a commit that is on disk
/// before it is acknowledged (`synchronous = FULL`).
pub(crate) fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -16000;",
    )?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// Starts the writer's thread. It stops once every sender is dropped, after finishing
/// what was queued.
pub(crate) fn start(
    path: PathBuf,
    conn: Connection,
    queue: mpsc::Receiver<Job>,
    stats: std::sync::Arc<CommitStats>,
    #[cfg(test)] faults: Faults,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("baoxiu-writer".into())
        .spawn(move || {
            run(
                &path,
                conn,
                queue,
                &stats,
                #[cfg(test)]
                faults,
            )
        })
        .map(|_| ())
}

fn run(
    path: &Path,
    conn: Connection,
    mut queue: mpsc::Receiver<Job>,
    stats: &CommitStats,
    #[cfg(test)] faults: Faults,
) {
    let mut conn = Some(conn);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.blocking_recv_many(&mut batch, MAX_BATCH) > 0 {
        let jobs = std::mem::replace(&mut batch, Vec::with_capacity(MAX_BATCH));
        let mut connection = match conn.take() {
            Some(c) => c,
            None => match connect(path) {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "the writer cannot reopen the database");
                    let why = StoreError::WriteFailed(format!("cannot reopen the database: {e}"));
                    for job in jobs {
                        let answer = job.failed(why.clone());
                        job.answer(answer);
                    }
                    // Give a sick disk a moment before the next batch tries again.
                    std::thread::sleep(Duration::from_millis(200));
                    continue;
                }
            },
        };
        #[cfg(test)]
        let inject = faults.swap(false, std::sync::atomic::Ordering::SeqCst);
        let started = std::time::Instant::now();
        let done = catch_unwind(AssertUnwindSafe(|| {
            #[cfg(test)]
            if inject {
                let _ = connection.execute_batch("BEGIN IMMEDIATE");
                panic!("injected fault: the writer panics in the middle of a batch");
            }
            commit_batch(&mut connection, &jobs)
        }));
        match done {
            Ok(answers) => {
                stats.record(jobs.len(), started.elapsed());
                conn = Some(connection);
                for (job, answer) in jobs.into_iter().zip(answers) {
                    job.answer(answer);
                }
            }
            // The connection, and with it the open transaction, is dropped: rolled back.
            Err(_) => {
                drop(connection);
                tracing::error!("a write batch failed inside the writer; it was rolled back");
                let why =
                    StoreError::WriteFailed("the batch holding this write failed and was rolled back".into());
                for job in jobs {
                    let answer = job.failed(why.clone());
                    job.answer(answer);
                }
            }
        }
    }
}

/// Why a job failed: refused before it wrote anything (the batch goes on), or broken
/// after it may have written part of itself (the whole batch is rolled back).
enum JobError {
    Refused(StoreError),
    Broken(StoreError),
}

impl From<rusqlite::Error> for JobError {
    fn from(e: rusqlite::Error) -> Self {
        JobError::Broken(backend(e))
    }
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Runs the batch in one transaction. A job's checks (idempotency key, version, unique
/// names) all happen before or in its first write statement, and SQLite undoes a failed
/// statement by itself, so a refused job leaves nothing behind without a savepoint; any
/// other failure rolls the whole batch back and fails every job in it.
fn commit_batch(conn: &mut Connection, batch: &[Job]) -> Vec<Answer> {
    let failed = |e: StoreError| batch.iter().map(|job| job.failed(e.clone())).collect();
    if conn.execute_batch("BEGIN IMMEDIATE").is_err() {
        // A transaction left open by a failed ROLLBACK holds nothing anyone was told was
        // written (its jobs were all failed): end it and try once more.
        let _ = conn.execute_batch("ROLLBACK");
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            return failed(backend(e));
        }
    }
    let mut answers = Vec::with_capacity(batch.len());
    for job in batch {
        let answer = match job {
            Job::Write(write, _) => apply_write(conn, write).map(|ok| Answer::Write(Ok(ok))),
            Job::Org(write, _) => apply_org(conn, write).map(|n| Answer::Count(Ok(n))),
            Job::Ping(at, _) => ping(conn, *at).map(|ok| Answer::Unit(Ok(ok))),
            Job::Expire(before, _) => expire(conn, *before).map(|n| Answer::Count(Ok(n))),
        };
        match answer {
            Ok(a) => answers.push(a),
            Err(JobError::Refused(e)) => answers.push(job.failed(e)),
            Err(JobError::Broken(e)) => {
                let _ = conn.execute_batch("ROLLBACK");
                return failed(e);
            }
        }
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        return failed(backend(e));
    }
    answers
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, JobError> {
    serde_json::to_string(value)
        .map_err(|e| JobError::Refused(StoreError::Backend(format!("cannot encode: {e}"))))
}

/// Runs one statement (prepared once per connection) and says how many rows it changed.
fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// Rows in one insert statement at most: far below SQLite's limit on bound values, and
/// few enough distinct statements for the statement cache.
const ROWS_PER_INSERT: usize = 64;

/// Inserts rows of `width` values, up to [`ROWS_PER_INSERT`] to a statement: `head` is
/// everything before `VALUES`. Each statement costs a call into SQLite; rows share one.
fn insert_rows(conn: &Connection, head: &str, width: usize, values: Vec<Value>) -> rusqlite::Result<()> {
    debug_assert_eq!(values.len() % width, 0, "whole rows");
    let row = format!("({})", vec!["?"; width].join(", "));
    for chunk in values.chunks(width * ROWS_PER_INSERT) {
        let rows = chunk.len() / width;
        let sql = format!("{head} VALUES {}", vec![row.as_str(); rows].join(", "));
        conn.prepare_cached(&sql)?.execute(params_from_iter(chunk))?;
    }
    Ok(())
}

fn text(s: impl ToString) -> Value {
    Value::Text(s.to_string())
}

fn apply_write(conn: &mut Connection, w: &Write) -> Result<WriteOutcome, JobError> {
    let tenant = w.tenant.to_string();
    if let Some(idem) = &w.idempotency {
        let seen = conn
            .prepare_cached(
                "SELECT fingerprint, status, body FROM idempotency
                 WHERE tenant_id = ?1 AND person_id = ?2 AND key = ?3 AND created_ms >= ?4",
            )?
            .query_row(
                params![
                    tenant,
                    idem.person.to_string(),
                    idem.key,
                    idempotency_horizon(idem.created_at).timestamp_millis()
                ],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        if let Some((fingerprint, status, body)) = seen {
            if fingerprint != idem.fingerprint {
                return Err(JobError::Refused(StoreError::IdempotencyKeyReused));
            }
            return Ok(WriteOutcome::Replayed(StoredResponse {
                status: status as u16,
                body,
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
    // The approvals inbox: whose decision a pending approval waits for.
    let approval_next = order
        .pending_approval()
        .and_then(|a| a.next())
        .map(|r| r.as_str());
    // B22: the outside firm's people see the orders given to it.
    let vendor = order.vendor.as_ref().map(|v| v.id.to_string());
    // Its search terms, its key and the counts per state are kept by triggers
    // (migration 4): one statement per order.
    let changed = if w.expected_version == 0 {
        let (terms, pairs) = crate::search::terms(&order.search_text());
        exec(
            conn,
            "INSERT INTO orders (tenant_id, id, version, state, template, station_id, assignee_id,
                                 reported_at, updated_at, search_text, search_pairs, doc, reporter_id,
                                 number, station_parent_id, cancel_pending, approval_next, vendor_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
             ON CONFLICT (tenant_id, id) DO NOTHING",
            params![
                tenant,
                id,
                order.version as i64,
                order.state.as_str(),
                template,
                station,
                assignee,
                reported_at,
                updated_at,
                terms,
                pairs,
                doc,
                order.created_by.as_ref().map(|p| p.id.to_string()),
                order.number().map(|n| n.as_str()),
                station_parent,
                order.cancellation_pending(),
                approval_next,
                vendor,
            ],
        )
        // The job's first write: a constraint failure here left nothing behind.
        .map_err(|e| {
            refused_if_constraint(e, |e| {
                if is_unique(&e) {
                    StoreError::Duplicate("order number".into())
                } else {
                    backend(e)
                }
            })
        })?
    } else {
        exec(
            conn,
            "UPDATE orders SET version = ?3, state = ?4, station_id = ?5, assignee_id = ?6,
                               updated_at = ?7, doc = ?8, station_parent_id = ?9, cancel_pending = ?10,
                               approval_next = ?12, vendor_id = ?13
             WHERE tenant_id = ?1 AND id = ?2 AND version = ?11",
            params![
                tenant,
                id,
                order.version as i64,
                order.state.as_str(),
                station,
                assignee,
                updated_at,
                doc,
                station_parent,
                order.cancellation_pending(),
                w.expected_version as i64,
                approval_next,
                vendor,
            ],
        )
        .map_err(|e| refused_if_constraint(e, backend))?
    };
    if changed != 1 {
        return Err(JobError::Refused(StoreError::VersionConflict));
    }

    let mut events = Vec::with_capacity(w.events.len() * 7);
    for (record, body) in w.events.iter().zip(bodies) {
        events.extend([
            text(&tenant),
            text(&id),
            Value::Integer(record.seq as i64),
            text(record.at.to_rfc3339()),
            text(record.actor.id),
            text(record.event.kind()),
            Value::Text(body),
        ]);
    }
    insert_rows(
        conn,
        "INSERT INTO events (tenant_id, order_id, seq, at, actor_id, kind, body)",
        7,
        events,
    )?;

    if let Some(idem) = &w.idempotency {
        // An expired record that the background sweep has not removed yet is replaced.
        exec(
            conn,
            "INSERT INTO idempotency (tenant_id, person_id, key, fingerprint, status, body, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (tenant_id, person_id, key) DO UPDATE SET
                 fingerprint = excluded.fingerprint, status = excluded.status,
                 body = excluded.body, created_ms = excluded.created_ms",
            params![
                tenant,
                idem.person.to_string(),
                idem.key,
                idem.fingerprint,
                idem.response.status as i64,
                idem.response.body,
                idem.created_at.timestamp_millis(),
            ],
        )?;
    }
    if let Some(schedule) = &w.schedule {
        // A new order has no timers or deadlines to replace.
        put_schedule(conn, &tenant, &id, schedule, w.expected_version != 0)?;
    }
    put_notices(conn, &w.notices)?;
    Ok(WriteOutcome::Committed)
}

/// Replaces the order's timers and deadlines (`replace`: the order may have some already).
/// Only the rows that change are written: a firing usually moves one timer, and every row
/// rewritten dirties a page of the due-time index somewhere else in the file.
fn put_schedule(
    conn: &Connection,
    tenant: &str,
    order: &str,
    schedule: &Schedule,
    replace: bool,
) -> Result<(), JobError> {
    let timers: HashMap<(&str, i64), i64> = schedule
        .timers
        .iter()
        .map(|t| ((t.clock.as_str(), i64::from(t.level)), t.at.timestamp_millis()))
        .collect();
    let deadlines: HashMap<&str, (&str, i64)> = schedule
        .deadlines
        .iter()
        .map(|d| (d.clock.as_str(), (d.state.as_str(), d.at.timestamp_millis())))
        .collect();
    let (mut had_timers, mut had_deadlines) = (HashMap::new(), HashMap::new());
    if replace {
        let mut select = conn.prepare_cached(
            "SELECT clock, level, due_ms FROM timers WHERE tenant_id = ?1 AND order_id = ?2",
        )?;
        let mut rows = select.query(params![tenant, order])?;
        while let Some(row) = rows.next()? {
            had_timers.insert(
                (row.get::<_, String>(0)?, row.get::<_, i64>(1)?),
                row.get::<_, i64>(2)?,
            );
        }
        let mut select = conn.prepare_cached(
            "SELECT clock, state, deadline_ms FROM deadlines WHERE tenant_id = ?1 AND order_id = ?2",
        )?;
        let mut rows = select.query(params![tenant, order])?;
        while let Some(row) = rows.next()? {
            had_deadlines.insert(
                row.get::<_, String>(0)?,
                (row.get::<_, String>(1)?, row.get::<_, i64>(2)?),
            );
        }
    }
    for (clock, level) in had_timers.keys() {
        if !timers.contains_key(&(clock.as_str(), *level)) {
            exec(
                conn,
                "DELETE FROM timers WHERE tenant_id = ?1 AND order_id = ?2 AND clock = ?3 AND level = ?4",
                params![tenant, order, clock, level],
            )?;
        }
    }
    for clock in had_deadlines.keys() {
        if !deadlines.contains_key(clock.as_str()) {
            exec(
                conn,
                "DELETE FROM deadlines WHERE tenant_id = ?1 AND order_id = ?2 AND clock = ?3",
                params![tenant, order, clock],
            )?;
        }
    }
    let mut rows = Vec::new();
    for (&(clock, level), &due) in &timers {
        if had_timers.get(&(clock.to_string(), level)) != Some(&due) {
            rows.extend([
                text(tenant),
                text(order),
                text(clock),
                Value::Integer(level),
                Value::Integer(due),
            ]);
        }
    }
    insert_rows(
        conn,
        "INSERT OR REPLACE INTO timers (tenant_id, order_id, clock, level, due_ms)",
        5,
        rows,
    )?;
    let mut rows = Vec::new();
    for (&clock, &(state, at)) in &deadlines {
        let same = had_deadlines
            .get(clock)
            .is_some_and(|(had_state, had_at)| had_state == state && *had_at == at);
        if !same {
            rows.extend([
                text(tenant),
                text(order),
                text(clock),
                text(state),
                Value::Integer(at),
            ]);
        }
    }
    insert_rows(
        conn,
        "INSERT OR REPLACE INTO deadlines (tenant_id, order_id, clock, state, deadline_ms)",
        5,
        rows,
    )?;
    Ok(())
}

/// The inbox holds a notice at once; the outbox keeps every other channel's until
/// delivered. One statement for each.
fn put_notices(conn: &Connection, notices: &[Notice]) -> Result<(), JobError> {
    let mut inbox = Vec::new();
    let mut outbox = Vec::new();
    for notice in notices {
        let body = json(notice)?;
        let created = notice.created_at.timestamp_millis();
        match (notice.channel, notice.person) {
            (baoxiu_domain::sla::NotifyChannel::Inbox, Some(person)) => inbox.extend([
                text(notice.tenant),
                text(person),
                text(notice.id),
                Value::Integer(created),
                Value::Text(body),
            ]),
            _ => outbox.extend([
                text(notice.id),
                text(notice.tenant),
                Value::Integer(created),
                text("pending"),
                Value::Integer(created),
                Value::Text(body),
            ]),
        }
    }
    insert_rows(
        conn,
        "INSERT OR IGNORE INTO inbox (tenant_id, person_id, id, created_ms, notice)",
        5,
        inbox,
    )?;
    insert_rows(
        conn,
        "INSERT OR IGNORE INTO outbox (id, tenant_id, created_ms, state, next_ms, notice)",
        6,
        outbox,
    )?;
    Ok(())
}

fn ping(conn: &Connection, at: Timestamp) -> Result<(), JobError> {
    exec(
        conn,
        "INSERT OR REPLACE INTO readiness (id, checked_ms) VALUES (1, ?1)",
        params![at.timestamp_millis()],
    )?;
    Ok(())
}

fn expire(conn: &Connection, before: Timestamp) -> Result<u64, JobError> {
    let done = exec(
        conn,
        "DELETE FROM idempotency WHERE (tenant_id, person_id, key) IN
             (SELECT tenant_id, person_id, key FROM idempotency WHERE created_ms < ?1 LIMIT ?2)",
        params![before.timestamp_millis(), EXPIRE_CHUNK as i64],
    )?;
    Ok(done as u64)
}

/// A19, B24: the request over the decisions it was decided on, and the book it changed over
/// the version it changed.
fn write_request(
    conn: &Connection,
    request: &baoxiu_domain::OrgRequest,
    decided: Option<usize>,
    book: Option<&baoxiu_domain::Book>,
) -> Result<u64, JobError> {
    let tenant = request.tenant.to_string();
    let doc = serde_json::to_string(request)
        .map_err(|e| JobError::Refused(StoreError::Malformed(e.to_string())))?;
    let next = request.approval.next().map(|r| r.as_str());
    let decisions = request.approval.decisions.len() as i64;
    let changed = match decided {
        None => exec(
            conn,
            "INSERT INTO org_requests (tenant_id, id, decisions, next_role, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![tenant, request.id.to_string(), decisions, next, doc],
        )
        .map_err(org_constraint)?,
        Some(before) => exec(
            conn,
            "UPDATE org_requests SET decisions = ?3, next_role = ?4, doc = ?5
                     WHERE tenant_id = ?1 AND id = ?2 AND decisions = ?6",
            params![
                tenant,
                request.id.to_string(),
                decisions,
                next,
                doc,
                before as i64
            ],
        )?,
    };
    if changed == 0 {
        return Err(JobError::Refused(StoreError::VersionConflict));
    }
    if let Some(book) = book {
        let (kind, version, doc) = match book {
            baoxiu_domain::Book::Coverage(b) => ("coverage", b.version, serde_json::to_string(b)),
            baoxiu_domain::Book::Prices(b) => ("prices", b.version, serde_json::to_string(b)),
        };
        let doc = doc.map_err(|e| JobError::Refused(StoreError::Malformed(e.to_string())))?;
        // The book is written over the version it was changed from: a second change
        // decided on the same old book loses, and the whole job with it.
        let written = exec(
                    conn,
                    "INSERT INTO org_books (tenant_id, kind, version, doc) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (tenant_id, kind) DO UPDATE SET version = excluded.version, doc = excluded.doc
                     WHERE org_books.version = excluded.version - 1",
                    params![tenant, kind, version as i64, doc],
                )?;
        if written == 0 {
            return Err(JobError::Refused(StoreError::VersionConflict));
        }
    }
    Ok(1)
}

/// Each organisation write is one statement, but a request's (a savepoint keeps it whole).
fn apply_org(conn: &Connection, write: &OrgWrite) -> Result<u64, JobError> {
    let result = match write {
        OrgWrite::Tenant(t) => exec(
            conn,
            "INSERT INTO tenants (id, slug, name, time_zone, templates) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                t.id.to_string(),
                t.slug,
                t.name,
                t.time_zone,
                crate::read::template_list(&t.templates)
            ],
        ),
        OrgWrite::Station(s) => exec(
            conn,
            "INSERT OR REPLACE INTO stations (tenant_id, id, name, parent_id) VALUES (?1, ?2, ?3, ?4)",
            params![
                s.tenant.to_string(),
                s.id.to_string(),
                s.name,
                s.parent.map(|p| p.to_string())
            ],
        ),
        // A code already in the register is a primary-key conflict: Duplicate.
        OrgWrite::Asset(a) => exec(
            conn,
            "INSERT INTO assets (tenant_id, code, doc, plan_due) VALUES (?1, ?2, ?3, ?4)",
            params![
                a.tenant.to_string(),
                a.code,
                serde_json::to_string(a).unwrap_or_default(),
                a.plan_due().map(|t| t.timestamp_millis())
            ],
        ),
        // Two guarded statements: a savepoint undoes the first when the second refuses.
        OrgWrite::Request {
            request,
            decided,
            book,
        } => {
            conn.execute_batch("SAVEPOINT request")?;
            let written = write_request(conn, request, *decided, book.as_deref());
            match &written {
                Err(JobError::Refused(_)) => conn.execute_batch("ROLLBACK TO request; RELEASE request")?,
                _ => conn.execute_batch("RELEASE request")?,
            }
            return written;
        }
        OrgWrite::AssetUpdate(a) => {
            let next = baoxiu_domain::AssetRecord {
                version: a.version + 1,
                ..a.clone()
            };
            let changed = exec(
                conn,
                "UPDATE assets SET doc = ?3, plan_due = ?4
                 WHERE tenant_id = ?1 AND code = ?2 AND coalesce(json_extract(doc, '$.version'), 0) = ?5",
                params![
                    a.tenant.to_string(),
                    a.code,
                    serde_json::to_string(&next).unwrap_or_default(),
                    a.plan_due().map(|t| t.timestamp_millis()),
                    a.version as i64
                ],
            )?;
            if changed == 0 {
                let exists = conn
                    .prepare_cached("SELECT 1 FROM assets WHERE tenant_id = ?1 AND code = ?2")?
                    .exists(params![a.tenant.to_string(), a.code])?;
                return Err(JobError::Refused(if exists {
                    StoreError::VersionConflict
                } else {
                    StoreError::NotFound("asset".into())
                }));
            }
            return Ok(changed as u64);
        }
        OrgWrite::Team(t) => exec(
            conn,
            "INSERT OR REPLACE INTO teams (tenant_id, id, station_id, name) VALUES (?1, ?2, ?3, ?4)",
            params![
                t.tenant.to_string(),
                t.id.to_string(),
                t.station.map(|s| s.to_string()),
                t.name
            ],
        ),
        OrgWrite::Person(p) => exec(
            conn,
            "INSERT OR REPLACE INTO people (tenant_id, id, name, role, station_id, team_id, phone, email)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                p.tenant.to_string(),
                p.id.to_string(),
                p.name,
                p.role.as_str(),
                p.station.map(|s| s.to_string()),
                p.team.map(|t| t.to_string()),
                p.phone,
                p.email
            ],
        ),
        OrgWrite::Token { digest, token } => exec(
            conn,
            "INSERT INTO tokens (digest, tenant_id, person_id, label, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                digest,
                token.tenant.to_string(),
                token.person.to_string(),
                token.label,
                token.created_at.timestamp_millis()
            ],
        ),
        OrgWrite::RevokeToken { tenant, id, at } => {
            // `id` is the start of the digest; a prefix that is not a token's id (too short,
            // a pattern) matches nothing.
            let exact = id.len() == crate::read::TOKEN_ID_LEN && id.bytes().all(|b| b.is_ascii_hexdigit());
            exec(
                conn,
                "UPDATE tokens SET revoked_ms = ?3
                 WHERE tenant_id = ?1 AND substr(digest, 1, ?4) = ?2 AND revoked_ms IS NULL AND ?5",
                params![
                    tenant.to_string(),
                    id,
                    at.timestamp_millis(),
                    crate::read::TOKEN_ID_LEN as i64,
                    exact
                ],
            )
        }
        OrgWrite::Account(a) => exec(
            conn,
            "INSERT INTO accounts (tenant_id, person_id, login, phone, password_hash, disabled)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (tenant_id, person_id) DO UPDATE SET login = excluded.login,
                 phone = excluded.phone, password_hash = excluded.password_hash,
                 disabled = excluded.disabled",
            params![
                a.tenant.to_string(),
                a.person.to_string(),
                a.login.as_str(),
                a.phone,
                a.password_hash,
                a.disabled
            ],
        ),
        OrgWrite::DisableAccount { tenant, person, at } => {
            let (tenant, person) = (tenant.to_string(), person.to_string());
            let disabled = exec(
                conn,
                "UPDATE accounts SET disabled = 1 WHERE tenant_id = ?1 AND person_id = ?2",
                params![tenant, person],
            )
            .map_err(|e| refused_if_constraint(e, backend))?;
            if disabled == 0 {
                return Err(JobError::Refused(StoreError::NotFound("account".into())));
            }
            exec(
                conn,
                "DELETE FROM sessions WHERE tenant_id = ?1 AND person_id = ?2",
                params![tenant, person],
            )?;
            exec(
                conn,
                "UPDATE tokens SET revoked_ms = ?3 WHERE tenant_id = ?1 AND person_id = ?2 AND revoked_ms IS NULL",
                params![tenant, person, at.timestamp_millis()],
            )?;
            return Ok(1);
        }
        OrgWrite::Session(s) => exec(
            conn,
            "INSERT INTO sessions (digest, tenant_id, person_id, csrf, created_ms, expires_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                s.digest,
                s.tenant.to_string(),
                s.person.to_string(),
                s.csrf,
                s.created_at.timestamp_millis(),
                s.expires_at.timestamp_millis()
            ],
        ),
        OrgWrite::Upload(tenant, upload) => {
            let meta = serde_json::to_string(&upload.attachment)
                .map_err(|e| JobError::Refused(StoreError::Backend(format!("cannot encode: {e}"))))?;
            exec(
                conn,
                "INSERT INTO uploads (tenant_id, id, person_id, created_ms, meta) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    tenant.to_string(),
                    upload.attachment.id.to_string(),
                    upload.by.to_string(),
                    upload.at.timestamp_millis(),
                    meta
                ],
            )
        }
        OrgWrite::Reschedule {
            tenant,
            order,
            version,
            schedule,
        } => {
            let (tenant, order) = (tenant.to_string(), order.to_string());
            let current: Option<i64> = conn
                .prepare_cached("SELECT version FROM orders WHERE tenant_id = ?1 AND id = ?2")?
                .query_row(params![tenant, order], |row| row.get(0))
                .optional()?;
            if current != Some(*version as i64) {
                return Ok(0);
            }
            put_schedule(conn, &tenant, &order, schedule, true)?;
            return Ok(1);
        }
        OrgWrite::MarkRead {
            tenant,
            person,
            notice,
            at,
        } => exec(
            conn,
            "UPDATE inbox SET read_ms = coalesce(read_ms, ?4) WHERE tenant_id = ?1 AND person_id = ?2 AND id = ?3",
            params![
                tenant.to_string(),
                person.to_string(),
                notice.to_string(),
                at.timestamp_millis()
            ],
        ),
        OrgWrite::Attempt { notice, at, attempt } => {
            let id = notice.to_string();
            let (outcome, error) = match attempt {
                Attempt::Delivered => ("delivered", None),
                Attempt::Retry { error, .. } => ("failed", Some(error)),
                Attempt::Dead { error } => ("dead", Some(error)),
            };
            exec(
                conn,
                "INSERT INTO delivery_log (tenant_id, outbox_id, seq, at_ms, outcome, error)
                 SELECT o.tenant_id, o.id,
                        1 + (SELECT count(*) FROM delivery_log l WHERE l.tenant_id = o.tenant_id AND l.outbox_id = o.id),
                        ?2, ?3, ?4
                 FROM outbox o WHERE o.id = ?1 AND o.state = 'pending'",
                params![id, at.timestamp_millis(), outcome, error],
            )?;
            let (state, next) = match attempt {
                Attempt::Delivered => ("delivered", None),
                Attempt::Retry { at, .. } => ("pending", Some(at.timestamp_millis())),
                Attempt::Dead { .. } => ("dead", None),
            };
            exec(
                conn,
                "UPDATE outbox SET state = ?2, attempts = attempts + 1, next_ms = ?3,
                     last_error = coalesce(?4, last_error),
                     delivered_ms = CASE WHEN ?2 = 'delivered' THEN ?5 ELSE delivered_ms END
                 WHERE id = ?1 AND state = 'pending'",
                params![id, state, next, error, at.timestamp_millis()],
            )
        }
        OrgWrite::Replay { tenant, notice, at } => exec(
            conn,
            "UPDATE outbox SET state = 'pending', attempts = 0, next_ms = ?3
             WHERE tenant_id = ?1 AND id = ?2 AND state = 'dead'",
            params![tenant.to_string(), notice.to_string(), at.timestamp_millis()],
        ),
        OrgWrite::ChannelSettings {
            tenant,
            channel,
            settings,
        } => match settings {
            Some(settings) => exec(
                conn,
                "INSERT OR REPLACE INTO channel_settings (tenant_id, channel, settings) VALUES (?1, ?2, ?3)",
                params![tenant.to_string(), channel, settings],
            ),
            None => exec(
                conn,
                "DELETE FROM channel_settings WHERE tenant_id = ?1 AND channel = ?2",
                params![tenant.to_string(), channel],
            ),
        },
        OrgWrite::CalendarYear { tenant, year, text } => exec(
            conn,
            "INSERT OR REPLACE INTO calendar_years (tenant_id, year, body) VALUES (?1, ?2, ?3)",
            params![tenant.to_string(), i64::from(*year), text],
        ),
        OrgWrite::WorkingWeek { tenant, text } => exec(
            conn,
            "INSERT OR REPLACE INTO working_weeks (tenant_id, body) VALUES (?1, ?2)",
            params![tenant.to_string(), text],
        ),
        OrgWrite::Import(record) => return import(conn, record),
        OrgWrite::DeleteSession(digest) => {
            exec(conn, "DELETE FROM sessions WHERE digest = ?1", params![digest])
        }
    };
    result.map(|n| n as u64).map_err(org_constraint)
}

/// Tokens, books, idempotency records, inbox and outbox rows as another store kept them.
fn import(conn: &Connection, record: &baoxiu_domain::archive::Record) -> Result<u64, JobError> {
    use baoxiu_domain::archive::Record;
    match record {
        Record::Token { digest, token } => {
            exec(
                conn,
                "INSERT INTO tokens (tenant_id, digest, person_id, label, created_ms, revoked_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    token.tenant.to_string(),
                    digest,
                    token.person.to_string(),
                    token.label,
                    token.created_at.timestamp_millis(),
                    token.revoked_at.map(|t| t.timestamp_millis())
                ],
            )
            .map_err(org_constraint)?;
        }
        Record::Book { tenant, book } => {
            let (kind, version, doc) = match book {
                baoxiu_domain::Book::Coverage(b) => ("coverage", b.version, json(b)?),
                baoxiu_domain::Book::Prices(b) => ("prices", b.version, json(b)?),
            };
            exec(
                conn,
                "INSERT OR REPLACE INTO org_books (tenant_id, kind, version, doc) VALUES (?1, ?2, ?3, ?4)",
                params![tenant.to_string(), kind, version as i64, doc],
            )
            .map_err(org_constraint)?;
        }
        Record::Idempotency { tenant, record } => {
            exec(
                conn,
                "INSERT OR REPLACE INTO idempotency (tenant_id, person_id, key, fingerprint, status, body, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    tenant.to_string(),
                    record.person.to_string(),
                    record.key,
                    record.fingerprint,
                    i64::from(record.response.status),
                    record.response.body,
                    record.created_at.timestamp_millis()
                ],
            )
            .map_err(org_constraint)?;
        }
        Record::Inbox { notice, read_at } => {
            let person = notice.person.ok_or_else(|| {
                JobError::Refused(StoreError::Malformed("an inbox notice names no person".into()))
            })?;
            exec(
                conn,
                "INSERT OR IGNORE INTO inbox (tenant_id, person_id, id, created_ms, read_ms, notice)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    notice.tenant.to_string(),
                    person.to_string(),
                    notice.id.to_string(),
                    notice.created_at.timestamp_millis(),
                    read_at.map(|t| t.timestamp_millis()),
                    json(notice)?
                ],
            )
            .map_err(org_constraint)?;
        }
        Record::Outbox { delivery, log } => {
            let n = &delivery.notice;
            exec(
                conn,
                "INSERT OR IGNORE INTO outbox (tenant_id, id, created_ms, state, attempts, next_ms, last_error,
                                               delivered_ms, notice)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    n.tenant.to_string(),
                    n.id.to_string(),
                    n.created_at.timestamp_millis(),
                    delivery.state.as_str(),
                    i64::from(delivery.attempts),
                    delivery.next_at.map(|t| t.timestamp_millis()),
                    delivery.last_error,
                    delivery.delivered_at.map(|t| t.timestamp_millis()),
                    json(n)?
                ],
            )
            .map_err(org_constraint)?;
            for (seq, line) in log.iter().enumerate() {
                exec(
                    conn,
                    "INSERT OR IGNORE INTO delivery_log (tenant_id, outbox_id, seq, at_ms, outcome, error)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        n.tenant.to_string(),
                        n.id.to_string(),
                        seq as i64 + 1,
                        line.at.timestamp_millis(),
                        line.outcome,
                        line.error
                    ],
                )
                .map_err(org_constraint)?;
            }
        }
        _ => {
            return Err(JobError::Refused(StoreError::Malformed(
                "this record is written through the store's own writes".into(),
            )));
        }
    }
    Ok(1)
}

/// A constraint an organisation write broke, as the store's error: a key taken is
/// Duplicate, a row referred to and missing NotFound.
fn org_constraint(e: rusqlite::Error) -> JobError {
    refused_if_constraint(e, |e| match constraint(&e) {
        Some((
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
            message,
        )) => StoreError::Duplicate(message),
        Some((rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY, message)) => StoreError::NotFound(message),
        _ => backend(e),
    })
}

/// The extended code and message of a constraint failure.
fn constraint(e: &rusqlite::Error) -> Option<(i32, String)> {
    match e {
        rusqlite::Error::SqliteFailure(failure, message)
            if failure.code == ErrorCode::ConstraintViolation =>
        {
            Some((
                failure.extended_code,
                message.clone().unwrap_or_else(|| failure.to_string()),
            ))
        }
        _ => None,
    }
}

fn is_unique(e: &rusqlite::Error) -> bool {
    matches!(
        constraint(e),
        Some((
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
            _
        ))
    )
}

/// A constraint failure (unique, foreign key, check) undoes only its own statement;
/// anything else (I/O, a full disk) may have ended the transaction, so the batch must be
/// rolled back.
fn refused_if_constraint(
    e: rusqlite::Error,
    to_store: impl FnOnce(rusqlite::Error) -> StoreError,
) -> JobError {
    if constraint(&e).is_some() {
        JobError::Refused(to_store(e))
    } else {
        JobError::Broken(to_store(e))
    }
}
