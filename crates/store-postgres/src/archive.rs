//! The database's contents as [`Record`]s, page by page, and the records no other write
//! makes as they stand (`baoxiu migrate-store`).

use crate::read::{self, corrupt, doc, millis};
use crate::{backend, constraint, json, ms};
use baoxiu_domain::archive::{LogLine, Part, Record, RecordPage};
use baoxiu_domain::sla::{ClockState, Deadline, Due};
use baoxiu_domain::{
    ApiToken, AttachmentId, Book, Delivery, DeliveryState, IdempotencyRecord, OrderId, PersonId, Session,
    StationId, StoreError, StoredResponse, Team, TeamId, TenantId,
};
use sqlx::Row;
use sqlx::postgres::PgPool;
use uuid::Uuid;

async fn tenants(pool: &PgPool) -> Result<Vec<TenantId>, StoreError> {
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM tenants ORDER BY id")
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    Ok(ids.into_iter().map(TenantId).collect())
}

/// The page's key parts: `tenant/id` or `tenant/person/key`, the first page before all.
struct Cursor<'a>(Vec<&'a str>);

impl Cursor<'_> {
    fn uuid(&self, i: usize) -> Result<Uuid, StoreError> {
        match self.0.get(i) {
            Some(s) => s
                .parse()
                .map_err(|e| StoreError::Malformed(format!("a page key: {e}"))),
            None => Ok(Uuid::nil()),
        }
    }

    fn text(&self, i: usize) -> String {
        self.0.get(i).copied().unwrap_or("").to_string()
    }
}

fn page_end(
    rows: &[sqlx::postgres::PgRow],
    limit: i64,
    key: impl Fn(&sqlx::postgres::PgRow) -> String,
) -> Option<String> {
    (rows.len() as i64 == limit)
        .then(|| rows.last().map(key))
        .flatten()
}

/// One page of `part` after the key `after` (the `next` of the page before).
pub async fn export(
    pool: &PgPool,
    part: Part,
    after: Option<&str>,
    limit: u32,
) -> Result<RecordPage, StoreError> {
    let limit = i64::from(limit.max(1));
    let after = Cursor(after.map(|a| a.splitn(3, '/').collect()).unwrap_or_default());
    let mut records = Vec::new();
    let mut next = None;
    let two = |r: &sqlx::postgres::PgRow| format!("{}/{}", r.get::<Uuid, _>(0), r.get::<Uuid, _>(1));
    match part {
        Part::Tenants => {
            for t in tenants(pool).await? {
                records.extend(read::tenant(pool, "id = $1", t.0).await?.map(Record::Tenant));
            }
        }
        Part::Stations => {
            for t in tenants(pool).await? {
                records.extend(
                    read::stations(pool, t, None)
                        .await?
                        .into_iter()
                        .map(Record::Station),
                );
            }
        }
        Part::People => {
            for t in tenants(pool).await? {
                records.extend(read::people(pool, t).await?.into_iter().map(Record::Person));
            }
        }
        Part::Accounts => {
            for t in tenants(pool).await? {
                records.extend(
                    read::accounts(pool, t, None)
                        .await?
                        .into_iter()
                        .map(Record::Account),
                );
            }
        }
        Part::Register => {
            for t in tenants(pool).await? {
                records.extend(read::assets(pool, t, None).await?.into_iter().map(Record::Asset));
            }
        }
        Part::Teams => {
            let rows: Vec<(Uuid, Uuid, Option<Uuid>, String)> =
                sqlx::query_as("SELECT tenant_id, id, station_id, name FROM teams ORDER BY tenant_id, id")
                    .fetch_all(pool)
                    .await
                    .map_err(backend)?;
            records.extend(rows.into_iter().map(|(tenant, id, station, name)| {
                Record::Team(Team {
                    tenant: TenantId(tenant),
                    id: TeamId(id),
                    station: station.map(StationId),
                    name,
                })
            }));
        }
        Part::Tokens => {
            let rows: Vec<(Uuid, String, Uuid, String, i64, Option<i64>)> = sqlx::query_as(
                "SELECT tenant_id, digest, person_id, label, created_ms, revoked_ms FROM tokens
                 ORDER BY tenant_id, digest COLLATE \"C\"",
            )
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for (tenant, digest, person, label, created, revoked) in rows {
                records.push(Record::Token {
                    token: ApiToken {
                        id: digest.chars().take(read::TOKEN_ID_LEN).collect(),
                        tenant: TenantId(tenant),
                        person: PersonId(person),
                        label,
                        created_at: millis(created)?,
                        revoked_at: revoked.map(millis).transpose()?,
                    },
                    digest,
                });
            }
        }
        Part::Sessions => {
            let rows: Vec<(Uuid, String, Uuid, String, i64, i64)> = sqlx::query_as(
                "SELECT tenant_id, digest, person_id, csrf, created_ms, expires_ms FROM sessions
                 ORDER BY tenant_id, digest COLLATE \"C\"",
            )
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for (tenant, digest, person, csrf, created, expires) in rows {
                records.push(Record::Session(Session {
                    tenant: TenantId(tenant),
                    digest,
                    person: PersonId(person),
                    csrf,
                    created_at: millis(created)?,
                    expires_at: millis(expires)?,
                }));
            }
        }
        Part::Requests => {
            let docs: Vec<String> = sqlx::query_scalar("SELECT doc FROM org_requests ORDER BY tenant_id, id")
                .fetch_all(pool)
                .await
                .map_err(backend)?;
            for d in docs {
                records.push(Record::Request(doc("request", &d)?));
            }
        }
        Part::Books => {
            let rows: Vec<(Uuid, String, String)> = sqlx::query_as(
                "SELECT tenant_id, kind, doc FROM org_books ORDER BY tenant_id, kind COLLATE \"C\"",
            )
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for (tenant, kind, d) in rows {
                let book = match kind.as_str() {
                    "coverage" => Book::Coverage(doc("coverage", &d)?),
                    "prices" => Book::Prices(doc("price list", &d)?),
                    other => return Err(corrupt("book kind", other)),
                };
                records.push(Record::Book {
                    tenant: TenantId(tenant),
                    book,
                });
            }
        }
        Part::Settings => {
            let rows: Vec<(Uuid, String, String)> = sqlx::query_as(
                "SELECT tenant_id, channel, settings FROM channel_settings ORDER BY tenant_id, channel COLLATE \"C\"",
            )
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            records.extend(
                rows.into_iter()
                    .map(|(tenant, channel, settings)| Record::ChannelSettings {
                        tenant: TenantId(tenant),
                        channel,
                        settings,
                    }),
            );
            let rows: Vec<(Uuid, i32, String)> =
                sqlx::query_as("SELECT tenant_id, year, body FROM calendar_years ORDER BY tenant_id, year")
                    .fetch_all(pool)
                    .await
                    .map_err(backend)?;
            records.extend(rows.into_iter().map(|(tenant, year, text)| Record::CalendarYear {
                tenant: TenantId(tenant),
                year,
                text,
            }));
            let rows: Vec<(Uuid, String)> =
                sqlx::query_as("SELECT tenant_id, body FROM working_weeks ORDER BY tenant_id")
                    .fetch_all(pool)
                    .await
                    .map_err(backend)?;
            records.extend(rows.into_iter().map(|(tenant, text)| Record::WorkingWeek {
                tenant: TenantId(tenant),
                text,
            }));
            // Organisation by organisation, each one's channels, years and week, as SQLite
            // lists them (the sort keeps each kind's order).
            records.sort_by_key(Record::tenant);
        }
        Part::Orders => {
            let rows = sqlx::query(
                "SELECT tenant_id, id, doc FROM orders WHERE (tenant_id, id) > ($1, $2) ORDER BY tenant_id, id LIMIT $3",
            )
            .bind(after.uuid(0)?)
            .bind(after.uuid(1)?)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                let (tenant, order): (Uuid, Uuid) = (r.get(0), r.get(1));
                let history = read::history(pool, TenantId(tenant), OrderId(order)).await?;
                let timers: Vec<(String, i16, i64)> = sqlx::query_as(
                    "SELECT clock, level, due_ms FROM timers WHERE tenant_id = $1 AND order_id = $2
                     ORDER BY clock COLLATE \"C\", level",
                )
                .bind(tenant)
                .bind(order)
                .fetch_all(pool)
                .await
                .map_err(backend)?;
                let deadlines: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT clock, state, deadline_ms FROM deadlines WHERE tenant_id = $1 AND order_id = $2
                     ORDER BY clock COLLATE \"C\"",
                )
                .bind(tenant)
                .bind(order)
                .fetch_all(pool)
                .await
                .map_err(backend)?;
                records.push(Record::Order {
                    order: Box::new(doc("order", r.get(2))?),
                    history,
                    timers: timers
                        .into_iter()
                        .map(|(clock, level, due)| {
                            Ok(Due {
                                clock,
                                level: u8::try_from(level).map_err(|e| corrupt("level", e))?,
                                at: millis(due)?,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                    deadlines: deadlines
                        .into_iter()
                        .map(|(clock, state, at)| {
                            Ok(Deadline {
                                clock,
                                state: ClockState::parse(&state)
                                    .ok_or_else(|| corrupt("clock state", &state))?,
                                at: millis(at)?,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                });
            }
            next = page_end(&rows, limit, two);
        }
        Part::Idempotency => {
            let rows = sqlx::query(
                "SELECT tenant_id, person_id, key, fingerprint, status, body, created_ms FROM idempotency
                 WHERE (tenant_id, person_id, key COLLATE \"C\") > ($1, $2, $3)
                 ORDER BY tenant_id, person_id, key COLLATE \"C\" LIMIT $4",
            )
            .bind(after.uuid(0)?)
            .bind(after.uuid(1)?)
            .bind(after.text(2))
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                records.push(Record::Idempotency {
                    tenant: TenantId(r.get(0)),
                    record: IdempotencyRecord {
                        person: PersonId(r.get(1)),
                        key: r.get(2),
                        fingerprint: r.get(3),
                        response: StoredResponse {
                            status: u16::try_from(r.get::<i32, _>(4)).map_err(|e| corrupt("status", e))?,
                            body: r.get(5),
                        },
                        created_at: millis(r.get(6))?,
                    },
                });
            }
            next = page_end(&rows, limit, |r| {
                format!(
                    "{}/{}/{}",
                    r.get::<Uuid, _>(0),
                    r.get::<Uuid, _>(1),
                    r.get::<String, _>(2)
                )
            });
        }
        Part::Inbox => {
            let rows = sqlx::query(
                "SELECT tenant_id, person_id, id, notice, read_ms FROM inbox
                 WHERE (tenant_id, person_id, id) > ($1, $2, $3) ORDER BY tenant_id, person_id, id LIMIT $4",
            )
            .bind(after.uuid(0)?)
            .bind(after.uuid(1)?)
            .bind(after.uuid(2)?)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                records.push(Record::Inbox {
                    notice: doc("notice", r.get(3))?,
                    read_at: r.get::<Option<i64>, _>(4).map(millis).transpose()?,
                });
            }
            next = page_end(&rows, limit, |r| {
                format!(
                    "{}/{}/{}",
                    r.get::<Uuid, _>(0),
                    r.get::<Uuid, _>(1),
                    r.get::<Uuid, _>(2)
                )
            });
        }
        Part::Outbox => {
            let rows = sqlx::query(
                "SELECT tenant_id, id, notice, state, attempts, next_ms, last_error, delivered_ms FROM outbox
                 WHERE (tenant_id, id) > ($1, $2) ORDER BY tenant_id, id LIMIT $3",
            )
            .bind(after.uuid(0)?)
            .bind(after.uuid(1)?)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                let log: Vec<(i64, String, Option<String>)> = sqlx::query_as(
                    "SELECT at_ms, outcome, error FROM delivery_log WHERE tenant_id = $1 AND outbox_id = $2 ORDER BY seq",
                )
                .bind(r.get::<Uuid, _>(0))
                .bind(r.get::<Uuid, _>(1))
                .fetch_all(pool)
                .await
                .map_err(backend)?;
                let state: String = r.get(3);
                records.push(Record::Outbox {
                    delivery: Delivery {
                        notice: doc("notice", r.get(2))?,
                        state: DeliveryState::parse(&state)
                            .ok_or_else(|| corrupt("delivery state", &state))?,
                        attempts: u32::try_from(r.get::<i32, _>(4)).map_err(|e| corrupt("attempts", e))?,
                        next_at: r.get::<Option<i64>, _>(5).map(millis).transpose()?,
                        last_error: r.get(6),
                        delivered_at: r.get::<Option<i64>, _>(7).map(millis).transpose()?,
                    },
                    log: log
                        .into_iter()
                        .map(|(at, outcome, error)| {
                            Ok(LogLine {
                                at: millis(at)?,
                                outcome,
                                error,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                });
            }
            next = page_end(&rows, limit, two);
        }
        Part::Uploads => {
            let rows = sqlx::query(
                "SELECT tenant_id, id, bytes FROM uploads WHERE (tenant_id, id) > ($1, $2) ORDER BY tenant_id, id LIMIT $3",
            )
            .bind(after.uuid(0)?)
            .bind(after.uuid(1)?)
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                let tenant = TenantId(r.get(0));
                let upload = read::upload(pool, tenant, AttachmentId(r.get(1)))
                    .await?
                    .ok_or_else(|| corrupt("upload", "gone while read"))?;
                records.push(Record::Upload {
                    tenant,
                    upload,
                    bytes: r.get(2),
                });
            }
            next = page_end(&rows, limit, two);
        }
    }
    Ok(RecordPage { records, next })
}

/// Tokens, books, idempotency records, inbox and outbox rows as another store kept them.
pub async fn import(pool: &PgPool, record: &Record) -> Result<(), StoreError> {
    let mut tx = pool.begin().await.map_err(backend)?;
    match record {
        Record::Token { digest, token } => {
            sqlx::query(
                "INSERT INTO tokens (tenant_id, digest, person_id, label, created_ms, revoked_ms)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(token.tenant.0)
            .bind(digest)
            .bind(token.person.0)
            .bind(&token.label)
            .bind(ms(token.created_at))
            .bind(token.revoked_at.map(ms))
            .execute(&mut *tx)
            .await
            .map_err(constraint)?;
        }
        Record::Book { tenant, book } => {
            let (kind, version, d) = match book {
                Book::Coverage(b) => ("coverage", b.version, json(b)?),
                Book::Prices(b) => ("prices", b.version, json(b)?),
            };
            sqlx::query(
                "INSERT INTO org_books (tenant_id, kind, version, doc) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, kind) DO UPDATE SET version = excluded.version, doc = excluded.doc",
            )
            .bind(tenant.0)
            .bind(kind)
            .bind(version as i64)
            .bind(d)
            .execute(&mut *tx)
            .await
            .map_err(constraint)?;
        }
        Record::Idempotency { tenant, record } => {
            sqlx::query(
                "INSERT INTO idempotency (tenant_id, person_id, key, fingerprint, status, body, created_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            )
            .bind(tenant.0)
            .bind(record.person.0)
            .bind(&record.key)
            .bind(&record.fingerprint)
            .bind(i32::from(record.response.status))
            .bind(&record.response.body)
            .bind(ms(record.created_at))
            .execute(&mut *tx)
            .await
            .map_err(constraint)?;
        }
        Record::Inbox { notice, read_at } => {
            let person = notice
                .person
                .ok_or_else(|| StoreError::Malformed("an inbox notice names no person".into()))?;
            sqlx::query(
                "INSERT INTO inbox (tenant_id, person_id, id, created_ms, read_ms, notice)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(notice.tenant.0)
            .bind(person.0)
            .bind(notice.id)
            .bind(ms(notice.created_at))
            .bind(read_at.map(ms))
            .bind(json(notice)?)
            .execute(&mut *tx)
            .await
            .map_err(constraint)?;
        }
        Record::Outbox { delivery, log } => {
            let n = &delivery.notice;
            sqlx::query(
                "INSERT INTO outbox (tenant_id, id, created_ms, state, attempts, next_ms, last_error, delivered_ms, notice)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            )
            .bind(n.tenant.0)
            .bind(n.id)
            .bind(ms(n.created_at))
            .bind(delivery.state.as_str())
            .bind(i32::try_from(delivery.attempts).unwrap_or(i32::MAX))
            .bind(delivery.next_at.map(ms))
            .bind(&delivery.last_error)
            .bind(delivery.delivered_at.map(ms))
            .bind(json(n)?)
            .execute(&mut *tx)
            .await
            .map_err(constraint)?;
            for (seq, line) in log.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO delivery_log (tenant_id, outbox_id, seq, at_ms, outcome, error)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(n.tenant.0)
                .bind(n.id)
                .bind(seq as i32 + 1)
                .bind(ms(line.at))
                .bind(&line.outcome)
                .bind(&line.error)
                .execute(&mut *tx)
                .await
                .map_err(constraint)?;
            }
        }
        _ => {
            return Err(StoreError::Malformed(
                "this record is written through the store's own writes".into(),
            ));
        }
    }
    tx.commit().await.map_err(backend)
}
