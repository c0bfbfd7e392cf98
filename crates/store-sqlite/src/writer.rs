//! The single writer: takes queued jobs, runs as many as have queued up (up to a limit) in
//! one `BEGIN IMMEDIATE` transaction, commits once and answers everybody. A job refused by
//! its checks leaves nothing behind, so the others go on; see [`commit_batch`].

use crate::backend;
use baoxiu_domain::{
    Person, PersonId, Station, StoreError, StoredResponse, Team, Tenant, TenantId, Write, WriteOutcome,
};
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Row};
use tokio::sync::{mpsc, oneshot};

/// Most jobs in one transaction: bounds the latency a large batch adds to its first job.
const MAX_BATCH: usize = 256;

pub(crate) enum Job {
    Write(Box<Write>, oneshot::Sender<Result<WriteOutcome, StoreError>>),
    Org(OrgWrite, oneshot::Sender<Result<(), StoreError>>),
}

pub(crate) enum OrgWrite {
    Tenant(Tenant),
    Station(Station),
    Team(Team),
    Person(Person),
    Token {
        digest: String,
        tenant: TenantId,
        person: PersonId,
    },
}

enum Answer {
    Write(Result<WriteOutcome, StoreError>),
    Org(Result<(), StoreError>),
}

pub(crate) async fn run(mut conn: SqliteConnection, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let answers = commit_batch(&mut conn, &batch).await;
        for (job, answer) in batch.drain(..).zip(answers) {
            // A caller that gave up waiting is not an error.
            match (job, answer) {
                (Job::Write(_, reply), Answer::Write(a)) => drop(reply.send(a)),
                (Job::Org(_, reply), Answer::Org(a)) => drop(reply.send(a)),
                _ => unreachable!("answers are produced in job order and kind"),
            }
        }
    }
    let _ = conn.close().await;
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
    let failed = |e: StoreError| {
        batch
            .iter()
            .map(|job| match job {
                Job::Write(..) => Answer::Write(Err(e.clone())),
                Job::Org(..) => Answer::Org(Err(e.clone())),
            })
            .collect()
    };
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
            Job::Org(write, _) => apply_org(conn, write).await.map(|ok| Answer::Org(Ok(ok))),
        };
        match answer {
            Ok(a) => answers.push(a),
            Err(JobError::Refused(e)) => answers.push(match job {
                Job::Write(..) => Answer::Write(Err(e)),
                Job::Org(..) => Answer::Org(Err(e)),
            }),
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
             WHERE tenant_id = ?1 AND person_id = ?2 AND key = ?3",
        )
        .bind(&tenant)
        .bind(idem.person.to_string())
        .bind(&idem.key)
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
    let assignee = order.assignee.as_ref().map(|p| p.id.to_string());
    let changed = if w.expected_version == 0 {
        sqlx::query(
            "INSERT INTO orders (tenant_id, id, version, state, template, station_id, assignee_id,
                                 reported_at, updated_at, search_text, doc, reporter_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT DO NOTHING",
        )
        .bind(&tenant)
        .bind(&id)
        .bind(order.version as i64)
        .bind(order.state.as_str())
        .bind(order.details.template.as_str())
        .bind(&station)
        .bind(&assignee)
        .bind(&reported_at)
        .bind(&updated_at)
        .bind(order.search_text().to_lowercase())
        .bind(&doc)
        .bind(order.created_by.as_ref().map(|p| p.id.to_string()))
        .execute(&mut *conn)
        .await
    } else {
        sqlx::query(
            "UPDATE orders SET version = ?3, state = ?4, station_id = ?5, assignee_id = ?6,
                               updated_at = ?7, doc = ?8
             WHERE tenant_id = ?1 AND id = ?2 AND version = ?9",
        )
        .bind(&tenant)
        .bind(&id)
        .bind(order.version as i64)
        .bind(order.state.as_str())
        .bind(&station)
        .bind(&assignee)
        .bind(&updated_at)
        .bind(&doc)
        .bind(w.expected_version as i64)
        .execute(&mut *conn)
        .await
    }
    // The job's first write: a constraint failure here left nothing behind.
    .map_err(|e| refused_if_constraint(e, backend))?;
    if changed.rows_affected() != 1 {
        return Err(JobError::Refused(StoreError::VersionConflict));
    }

    for (record, body) in w.events.iter().zip(&bodies) {
        sqlx::query(
            "INSERT INTO events (tenant_id, order_id, seq, at, actor_id, kind, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(&tenant)
        .bind(&id)
        .bind(record.seq as i64)
        .bind(record.at.to_rfc3339())
        .bind(record.actor.id.to_string())
        .bind(record.event.kind())
        .bind(body)
        .execute(&mut *conn)
        .await?;
    }

    if let Some(idem) = &w.idempotency {
        sqlx::query(
            "INSERT INTO idempotency (tenant_id, person_id, key, fingerprint, status, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&tenant)
        .bind(idem.person.to_string())
        .bind(&idem.key)
        .bind(&idem.fingerprint)
        .bind(idem.response.status as i64)
        .bind(&idem.response.body)
        .execute(&mut *conn)
        .await?;
    }
    Ok(WriteOutcome::Committed)
}

/// Each organisation write is one statement.
async fn apply_org(conn: &mut SqliteConnection, write: &OrgWrite) -> Result<(), JobError> {
    let result =
        match write {
            OrgWrite::Tenant(t) => {
                sqlx::query("INSERT INTO tenants (id, slug, name, time_zone) VALUES (?1, ?2, ?3, ?4)")
                    .bind(t.id.to_string())
                    .bind(&t.slug)
                    .bind(&t.name)
                    .bind(&t.time_zone)
                    .execute(&mut *conn)
                    .await
            }
            OrgWrite::Station(s) => sqlx::query(
                "INSERT OR REPLACE INTO stations (tenant_id, id, name, parent_id) VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(s.tenant.to_string())
            .bind(s.id.to_string())
            .bind(&s.name)
            .bind(s.parent.map(|p| p.to_string()))
            .execute(&mut *conn)
            .await,
            OrgWrite::Team(t) => {
                sqlx::query(
                    "INSERT OR REPLACE INTO teams (tenant_id, id, station_id, name) VALUES (?1, ?2, ?3, ?4)",
                )
                .bind(t.tenant.to_string())
                .bind(t.id.to_string())
                .bind(t.station.map(|s| s.to_string()))
                .bind(&t.name)
                .execute(&mut *conn)
                .await
            }
            OrgWrite::Person(p) => {
                sqlx::query(
                    "INSERT OR REPLACE INTO people (tenant_id, id, name, role, station_id, team_id, phone)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .bind(p.tenant.to_string())
                .bind(p.id.to_string())
                .bind(&p.name)
                .bind(p.role.as_str())
                .bind(p.station.map(|s| s.to_string()))
                .bind(p.team.map(|t| t.to_string()))
                .bind(&p.phone)
                .execute(&mut *conn)
                .await
            }
            OrgWrite::Token {
                digest,
                tenant,
                person,
            } => {
                sqlx::query("INSERT INTO tokens (digest, tenant_id, person_id) VALUES (?1, ?2, ?3)")
                    .bind(digest)
                    .bind(tenant.to_string())
                    .bind(person.to_string())
                    .execute(&mut *conn)
                    .await
            }
        };
    result.map(|_| ()).map_err(|e| {
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
