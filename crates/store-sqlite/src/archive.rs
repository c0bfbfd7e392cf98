//! The file's contents as [`Record`]s, page by page (`baoxiu migrate-store`).

use crate::backend;
use crate::read::{self, corrupt, millis, parse_id as id};
use baoxiu_domain::archive::{LogLine, Part, Record, RecordPage};
use baoxiu_domain::sla::{ClockState, Deadline, Due};
use baoxiu_domain::{ApiToken, Book, IdempotencyRecord, Session, StoreError, StoredResponse, Team, TenantId};
use sqlx::Row;
use sqlx::sqlite::SqlitePool;
use std::path::Path;

fn json<T: serde::de::DeserializeOwned>(what: &str, doc: &str) -> Result<T, StoreError> {
    serde_json::from_str(doc).map_err(|e| corrupt(what, e))
}

/// Every organisation's id.
async fn tenants(pool: &SqlitePool) -> Result<Vec<TenantId>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM tenants ORDER BY id")
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    ids.iter().map(|i| id("tenant id", i)).collect()
}

/// One page of `part` after the key `after` (the `next` of the page before).
pub async fn export(
    pool: &SqlitePool,
    files: &Path,
    part: Part,
    after: Option<&str>,
    limit: u32,
) -> Result<RecordPage, StoreError> {
    let limit = i64::from(limit.max(1));
    // The key of the last row of the page before, its parts apart: `tenant/id`,
    // `tenant/person/key`. Compared as a row, so each page is read from the key's index.
    let after: Vec<&str> = after.map(|a| a.splitn(3, '/').collect()).unwrap_or_default();
    let key = |i: usize| after.get(i).copied().unwrap_or("");
    let mut records = Vec::new();
    // Parts small enough to move at once come whole; the others by key.
    let mut next = None;
    match part {
        Part::Tenants => {
            for t in tenants(pool).await? {
                records.extend(read::tenant(pool, t).await?.map(Record::Tenant));
            }
        }
        Part::Stations => {
            for t in tenants(pool).await? {
                records.extend(read::stations(pool, t).await?.into_iter().map(Record::Station));
            }
        }
        Part::People => {
            for t in tenants(pool).await? {
                records.extend(read::people(pool, t).await?.into_iter().map(Record::Person));
            }
        }
        Part::Accounts => {
            for t in tenants(pool).await? {
                records.extend(read::accounts(pool, t).await?.into_iter().map(Record::Account));
            }
        }
        Part::Register => {
            for t in tenants(pool).await? {
                records.extend(read::assets(pool, t, None).await?.into_iter().map(Record::Asset));
            }
        }
        Part::Teams => {
            let rows =
                sqlx::query("SELECT tenant_id, id, station_id, name FROM teams ORDER BY tenant_id, id")
                    .fetch_all(pool)
                    .await
                    .map_err(backend)?;
            for r in rows {
                let station: Option<String> = r.get(2);
                records.push(Record::Team(Team {
                    tenant: id("team tenant", r.get(0))?,
                    id: id("team id", r.get(1))?,
                    station: station.map(|s| id("team station", &s)).transpose()?,
                    name: r.get(3),
                }));
            }
        }
        Part::Tokens => {
            let rows = sqlx::query(
                "SELECT tenant_id, digest, person_id, label, created_ms, revoked_ms FROM tokens ORDER BY tenant_id, digest",
            )
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in rows {
                let digest: String = r.get(1);
                records.push(Record::Token {
                    token: ApiToken {
                        id: digest.chars().take(read::TOKEN_ID_LEN).collect(),
                        tenant: id("token tenant", r.get(0))?,
                        person: id("token person", r.get(2))?,
                        label: r.get(3),
                        created_at: millis(r.get(4))?,
                        revoked_at: r.get::<Option<i64>, _>(5).map(millis).transpose()?,
                    },
                    digest,
                });
            }
        }
        Part::Sessions => {
            let rows = sqlx::query(
                "SELECT tenant_id, digest, person_id, csrf, created_ms, expires_ms FROM sessions ORDER BY tenant_id, digest",
            )
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in rows {
                records.push(Record::Session(Session {
                    tenant: id("session tenant", r.get(0))?,
                    digest: r.get(1),
                    person: id("session person", r.get(2))?,
                    csrf: r.get(3),
                    created_at: millis(r.get(4))?,
                    expires_at: millis(r.get(5))?,
                }));
            }
        }
        Part::Requests => {
            let docs: Vec<String> = sqlx::query_scalar("SELECT doc FROM org_requests ORDER BY tenant_id, id")
                .fetch_all(pool)
                .await
                .map_err(backend)?;
            for doc in docs {
                records.push(Record::Request(json("request", &doc)?));
            }
        }
        Part::Books => {
            let rows = sqlx::query("SELECT tenant_id, kind, doc FROM org_books ORDER BY tenant_id, kind")
                .fetch_all(pool)
                .await
                .map_err(backend)?;
            for r in rows {
                let (kind, doc): (String, String) = (r.get(1), r.get(2));
                let book = match kind.as_str() {
                    "coverage" => Book::Coverage(json("coverage", &doc)?),
                    "prices" => Book::Prices(json("price list", &doc)?),
                    other => return Err(corrupt("book kind", other)),
                };
                records.push(Record::Book {
                    tenant: id("book tenant", r.get(0))?,
                    book,
                });
            }
        }
        Part::Settings => {
            for t in tenants(pool).await? {
                for (channel, settings) in read::channel_settings(pool, t).await? {
                    records.push(Record::ChannelSettings {
                        tenant: t,
                        channel,
                        settings,
                    });
                }
                for (year, text) in read::calendar_years(pool, t).await? {
                    records.push(Record::CalendarYear {
                        tenant: t,
                        year,
                        text,
                    });
                }
                if let Some(text) = read::working_week(pool, t).await? {
                    records.push(Record::WorkingWeek { tenant: t, text });
                }
            }
        }
        Part::Orders => {
            let rows = sqlx::query(
                "SELECT tenant_id || '/' || id, tenant_id, id, doc FROM orders
                 WHERE (tenant_id, id) > (?1, ?2) ORDER BY tenant_id, id LIMIT ?3",
            )
            .bind(key(0))
            .bind(key(1))
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                let (tenant, order): (String, String) = (r.get(1), r.get(2));
                let history: Vec<String> = sqlx::query_scalar(
                    "SELECT body FROM events WHERE tenant_id = ?1 AND order_id = ?2 ORDER BY seq",
                )
                .bind(&tenant)
                .bind(&order)
                .fetch_all(pool)
                .await
                .map_err(backend)?;
                let timers = sqlx::query(
                    "SELECT clock, level, due_ms FROM timers WHERE tenant_id = ?1 AND order_id = ?2
                     ORDER BY clock, level",
                )
                .bind(&tenant)
                .bind(&order)
                .fetch_all(pool)
                .await
                .map_err(backend)?;
                let deadlines = sqlx::query(
                    "SELECT clock, state, deadline_ms FROM deadlines WHERE tenant_id = ?1 AND order_id = ?2 ORDER BY clock",
                )
                .bind(&tenant)
                .bind(&order)
                .fetch_all(pool)
                .await
                .map_err(backend)?;
                records.push(Record::Order {
                    order: Box::new(json("order", r.get(3))?),
                    history: history
                        .iter()
                        .map(|b| json("event", b))
                        .collect::<Result<_, _>>()?,
                    timers: timers
                        .iter()
                        .map(|t| {
                            Ok(Due {
                                clock: t.get(0),
                                level: u8::try_from(t.get::<i64, _>(1)).map_err(|e| corrupt("level", e))?,
                                at: millis(t.get(2))?,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                    deadlines: deadlines
                        .iter()
                        .map(|d| {
                            let state: String = d.get(1);
                            Ok(Deadline {
                                clock: d.get(0),
                                state: ClockState::parse(&state)
                                    .ok_or_else(|| corrupt("clock state", &state))?,
                                at: millis(d.get(2))?,
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                });
            }
            next = page_end(&rows, limit);
        }
        Part::Idempotency => {
            let rows = sqlx::query(
                "SELECT tenant_id || '/' || person_id || '/' || key, tenant_id, person_id, key, fingerprint,
                        status, body, created_ms FROM idempotency
                 WHERE (tenant_id, person_id, key) > (?1, ?2, ?3) ORDER BY tenant_id, person_id, key LIMIT ?4",
            )
            .bind(key(0))
            .bind(key(1))
            .bind(key(2))
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                records.push(Record::Idempotency {
                    tenant: id("idempotency tenant", r.get(1))?,
                    record: IdempotencyRecord {
                        person: id("idempotency person", r.get(2))?,
                        key: r.get(3),
                        fingerprint: r.get(4),
                        response: StoredResponse {
                            status: u16::try_from(r.get::<i64, _>(5)).map_err(|e| corrupt("status", e))?,
                            body: r.get(6),
                        },
                        created_at: millis(r.get(7))?,
                    },
                });
            }
            next = page_end(&rows, limit);
        }
        Part::Inbox => {
            let rows = sqlx::query(
                "SELECT tenant_id || '/' || person_id || '/' || id, notice, read_ms FROM inbox
                 WHERE (tenant_id, person_id, id) > (?1, ?2, ?3) ORDER BY tenant_id, person_id, id LIMIT ?4",
            )
            .bind(key(0))
            .bind(key(1))
            .bind(key(2))
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                records.push(Record::Inbox {
                    notice: json("notice", r.get(1))?,
                    read_at: r.get::<Option<i64>, _>(2).map(millis).transpose()?,
                });
            }
            next = page_end(&rows, limit);
        }
        Part::Outbox => {
            let rows = sqlx::query(
                "SELECT tenant_id || '/' || id, notice, state, attempts, next_ms, last_error, delivered_ms, tenant_id, id
                 FROM outbox WHERE (tenant_id, id) > (?1, ?2) ORDER BY tenant_id, id LIMIT ?3",
            )
            .bind(key(0))
            .bind(key(1))
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                let state: String = r.get(2);
                let log = sqlx::query(
                    "SELECT at_ms, outcome, error FROM delivery_log WHERE tenant_id = ?1 AND outbox_id = ?2 ORDER BY seq",
                )
                .bind(r.get::<String, _>(7))
                .bind(r.get::<String, _>(8))
                .fetch_all(pool)
                .await
                .map_err(backend)?;
                records.push(Record::Outbox {
                    delivery: baoxiu_domain::Delivery {
                        notice: json("notice", r.get(1))?,
                        state: baoxiu_domain::DeliveryState::parse(&state)
                            .ok_or_else(|| corrupt("delivery state", &state))?,
                        attempts: u32::try_from(r.get::<i64, _>(3)).map_err(|e| corrupt("attempts", e))?,
                        next_at: r.get::<Option<i64>, _>(4).map(millis).transpose()?,
                        last_error: r.get(5),
                        delivered_at: r.get::<Option<i64>, _>(6).map(millis).transpose()?,
                    },
                    log: log
                        .iter()
                        .map(|l| {
                            Ok(LogLine {
                                at: millis(l.get(0))?,
                                outcome: l.get(1),
                                error: l.get(2),
                            })
                        })
                        .collect::<Result<_, StoreError>>()?,
                });
            }
            next = page_end(&rows, limit);
        }
        Part::Uploads => {
            let rows = sqlx::query(
                "SELECT tenant_id || '/' || id, tenant_id, id FROM uploads
                 WHERE (tenant_id, id) > (?1, ?2) ORDER BY tenant_id, id LIMIT ?3",
            )
            .bind(key(0))
            .bind(key(1))
            .bind(limit)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
            for r in &rows {
                let tenant: TenantId = id("upload tenant", r.get(1))?;
                let upload_id = id("upload id", r.get(2))?;
                let upload = read::upload(pool, tenant, upload_id)
                    .await?
                    .ok_or_else(|| corrupt("upload", "gone while read"))?;
                let bytes = crate::files::read(files, tenant, upload_id)
                    .await?
                    .ok_or_else(|| {
                        StoreError::Backend(format!(
                            "the photo {upload_id} is listed but its file is missing"
                        ))
                    })?;
                records.push(Record::Upload {
                    tenant,
                    upload,
                    bytes,
                });
            }
            next = page_end(&rows, limit);
        }
    }
    Ok(RecordPage { records, next })
}

/// The key of a full page's last row: where the next page starts.
fn page_end(rows: &[sqlx::sqlite::SqliteRow], limit: i64) -> Option<String> {
    (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.get::<String, _>(0)))
        .flatten()
}
