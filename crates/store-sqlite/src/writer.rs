//! The single writer: takes queued jobs, runs as many as have queued up (up to a limit) in
//! one `BEGIN IMMEDIATE` transaction, each inside a savepoint so that one refused write
//! does not undo the others, then commits once and answers everybody.

use crate::backend;
use baoxiu_domain::{Person, PersonId, Station, StoreError, Team, Tenant, TenantId, Write, WriteOutcome, StoredResponse};
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
    Token { digest: String, tenant: TenantId, person: PersonId },
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
    if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await {
        return failed(backend(e));
    }
    let mut answers = Vec::with_capacity(batch.len());
    for job in batch {
        if let Err(e) = sqlx::query("SAVEPOINT job").execute(&mut *conn).await {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            return failed(backend(e));
        }
        let (answer, ok) = match job {
            Job::Write(write, _) => {
                let r = apply_write(conn, write).await;
                let ok = r.is_ok();
                (Answer::Write(r), ok)
            }
            Job::Org(write, _) => {
                let r = apply_org(conn, write).await;
                let ok = r.is_ok();
                (Answer::Org(r), ok)
            }
        };
        let end = if ok { "RELEASE job" } else { "ROLLBACK TO job; RELEASE job" };
        if let Err(e) = sqlx::raw_sql(end).execute(&mut *conn).await {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            return failed(backend(e));
        }
        answers.push(answer);
    }
    if let Err(e) = sqlx::query("COMMIT").execute(&mut *conn).await {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        return failed(backend(e));
    }
    answers
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(format!("cannot encode: {e}")))
}

async fn apply_write(conn: &mut SqliteConnection, w: &Write) -> Result<WriteOutcome, StoreError> {
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
        .await
        .map_err(backend)?;
        if let Some(row) = seen {
            let fingerprint: String = row.get(0);
            if fingerprint != idem.fingerprint {
                return Err(StoreError::IdempotencyKeyReused);
            }
            let status: i64 = row.get(1);
            return Ok(WriteOutcome::Replayed(StoredResponse { status: status as u16, body: row.get(2) }));
        }
    }

    let order = &w.order;
    let id = order.id.to_string();
    let doc = json(order)?;
    let reported_at = order.timeline.reported_at.map(|t| t.to_rfc3339()).unwrap_or_default();
    let updated_at = order.updated_at.map(|t| t.to_rfc3339()).unwrap_or_default();
    let station = order.station.as_ref().map(|s| s.id.to_string());
    let assignee = order.assignee.as_ref().map(|p| p.id.to_string());
    let changed = if w.expected_version == 0 {
        sqlx::query(
            "INSERT INTO orders (tenant_id, id, version, state, template, station_id, assignee_id,
                                 reported_at, updated_at, search_text, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
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
    .map_err(backend)?;
    if changed.rows_affected() != 1 {
        return Err(StoreError::VersionConflict);
    }

    for record in &w.events {
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
        .bind(json(record)?)
        .execute(&mut *conn)
        .await
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => StoreError::VersionConflict,
            _ => backend(e),
        })?;
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
        .await
        .map_err(backend)?;
    }
    Ok(WriteOutcome::Committed)
}

async fn apply_org(conn: &mut SqliteConnection, write: &OrgWrite) -> Result<(), StoreError> {
    let result = match write {
        OrgWrite::Tenant(t) => {
            sqlx::query("INSERT INTO tenants (id, slug, name, time_zone) VALUES (?1, ?2, ?3, ?4)")
                .bind(t.id.to_string())
                .bind(&t.slug)
                .bind(&t.name)
                .bind(&t.time_zone)
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
        OrgWrite::Token { digest, tenant, person } => {
            sqlx::query("INSERT INTO tokens (digest, tenant_id, person_id) VALUES (?1, ?2, ?3)")
                .bind(digest)
                .bind(tenant.to_string())
                .bind(person.to_string())
                .execute(&mut *conn)
                .await
        }
    };
    result.map(|_| ()).map_err(|e| match e.as_database_error() {
        Some(d) if d.is_unique_violation() => StoreError::Duplicate(d.message().to_string()),
        Some(d) if d.is_foreign_key_violation() => StoreError::NotFound(d.message().to_string()),
        _ => backend(e),
    })
}
