//! Reads, on the pool. Every query is scoped by tenant.

use crate::backend;
use baoxiu_domain::{
    Account, ApiToken, AttachmentId, Delivery, DeliveryState, DueTimer, EventRecord, InboxItem, Login,
    Notice, OrderId, OrderNumber, OrderPage, OrderQuery, Overdue, OverdueQuery, Person, PersonId, Role,
    Session, State, Station, StationId, StoreError, StoredResponse, Template, Tenant, TenantId, Timestamp,
    Upload, Visibility, WorkOrder, idempotency_horizon,
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{AssertSqlSafe, Row};
use std::str::FromStr;

/// The largest page a list returns, whatever was asked.
pub const MAX_PAGE: u32 = 200;

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("stored {what} cannot be read: {e}"))
}

pub(crate) fn parse_id<T: FromStr>(what: &str, s: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| corrupt(what, e))
}

fn optional_id<T: FromStr>(what: &str, s: Option<String>) -> Result<Option<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    s.map(|s| parse_id(what, &s)).transpose()
}

fn order_doc(doc: &str) -> Result<WorkOrder, StoreError> {
    serde_json::from_str(doc).map_err(|e| corrupt("order", e))
}

pub async fn order(
    pool: &SqlitePool,
    tenant: TenantId,
    id: OrderId,
) -> Result<Option<WorkOrder>, StoreError> {
    let row = sqlx::query("SELECT doc FROM orders WHERE tenant_id = ?1 AND id = ?2")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(|r| order_doc(r.get(0))).transpose()
}

pub async fn history(
    pool: &SqlitePool,
    tenant: TenantId,
    id: OrderId,
) -> Result<Vec<EventRecord>, StoreError> {
    let rows = sqlx::query("SELECT body FROM events WHERE tenant_id = ?1 AND order_id = ?2 ORDER BY seq")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter()
        .map(|r| serde_json::from_str(r.get(0)).map_err(|e| corrupt("event", e)))
        .collect()
}

/// The WHERE clause of a list or a count: fixed fragments, values always bound.
struct Filter {
    sql: String,
    binds: Vec<String>,
}

impl Filter {
    fn new(tenant: TenantId) -> Filter {
        Filter {
            sql: String::from(" WHERE o.tenant_id = ?"),
            binds: vec![tenant.to_string()],
        }
    }

    fn and(&mut self, fragment: &str, values: &[String]) {
        self.sql.push_str(fragment);
        self.binds.extend_from_slice(values);
    }

    /// Everything but the state, the text and the cursor.
    fn scope(&mut self, q: &OrderQuery) {
        if let Some(template) = q.template {
            self.and(" AND o.template = ?", &[template.as_str().into()]);
        }
        if let Some(station) = q.station {
            self.and(" AND o.station_id = ?", &[station.to_string()]);
        }
        if let Some(assignee) = q.assignee {
            self.and(" AND o.assignee_id = ?", &[assignee.to_string()]);
        }
        if q.cancellation_pending {
            self.and(" AND o.cancel_pending = 1", &[]);
        }
        if let Some(role) = q.approval_for {
            self.and(" AND o.approval_next = ?", &[role.as_str().into()]);
        }
        if let Some((start, end)) = q.active_between {
            let open = State::ALL
                .iter()
                .filter(|s| s.is_open())
                .map(|s| format!("'{}'", s.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            self.and(
                &format!(" AND o.reported_at < ? AND (o.updated_at >= ? OR o.state IN ({open}))"),
                &[end.to_rfc3339(), start.to_rfc3339()],
            );
        }
        match &q.visibility {
            Visibility::All => {}
            Visibility::ReportedBy(person) => self.and(" AND o.reporter_id = ?", &[person.to_string()]),
            Visibility::Technician { person, station } => {
                let station = station.map(|s| s.to_string()).unwrap_or_default();
                self.and(
                    " AND (o.assignee_id = ? OR (o.state = 'pool' AND (o.station_id IS NULL
                       OR o.station_id = ? OR o.station_parent_id = ?)))",
                    &[person.to_string(), station.clone(), station],
                );
            }
            Visibility::Station(station) => {
                let station = station.to_string();
                self.and(
                    " AND (o.station_id = ? OR o.station_parent_id = ?)",
                    &[station.clone(), station],
                );
            }
            Visibility::Vendor(firm) => self.and(" AND o.vendor_id = ?", &[firm.to_string()]),
            Visibility::Nothing => self.and(" AND 0", &[]),
        }
    }
}

pub async fn list(pool: &SqlitePool, tenant: TenantId, q: &OrderQuery) -> Result<OrderPage, StoreError> {
    let limit = q.limit.clamp(1, MAX_PAGE);
    let mut filter = Filter::new(tenant);
    filter.scope(q);
    if let Some(state) = q.state {
        filter.and(" AND o.state = ?", &[state.as_str().into()]);
    }
    let search = q.text.as_deref().map(crate::search::query);
    let sql = match search {
        // Searched text that holds nothing searchable finds nothing.
        Some(None) => {
            return Ok(OrderPage {
                orders: Vec::new(),
                next: None,
            });
        }
        // The full-text index yields keys newest first; the join keeps the tenant's and
        // the filters'. A cursor continues below the key of the last order shown.
        Some(Some(expression)) => {
            // CROSS JOIN keeps the full-text index the outer loop: its matches come newest
            // first and the loop stops at the page's end; the filters are checked per match.
            let mut sql = String::from(
                "SELECT o.doc FROM order_search s
                 CROSS JOIN order_keys k ON k.key = s.rowid
                 CROSS JOIN orders o ON o.tenant_id = k.tenant_id AND o.id = k.order_id",
            );
            sql.push_str(&filter.sql);
            sql.push_str(" AND s.order_search MATCH ?");
            filter.binds.push(expression);
            if let Some(after) = q.after {
                sql.push_str(
                    " AND s.rowid < (SELECT key FROM order_keys WHERE tenant_id = ? AND order_id = ?)",
                );
                filter.binds.extend([tenant.to_string(), after.to_string()]);
            }
            sql.push_str(" ORDER BY s.rowid DESC LIMIT ?");
            sql
        }
        None => {
            let mut sql = String::from("SELECT o.doc FROM orders o");
            sql.push_str(&filter.sql);
            if let Some(after) = q.after {
                sql.push_str(" AND o.id < ?");
                filter.binds.push(after.to_string());
            }
            sql.push_str(" ORDER BY o.id DESC LIMIT ?");
            sql
        }
    };
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in filter.binds {
        query = query.bind(value);
    }
    // One more than asked tells whether another page exists.
    let rows = query
        .bind(limit as i64 + 1)
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    let mut orders = rows
        .iter()
        .map(|r| order_doc(r.get(0)))
        .collect::<Result<Vec<_>, _>>()?;
    let next = if orders.len() > limit as usize {
        orders.truncate(limit as usize);
        orders.last().map(|o| o.id)
    } else {
        None
    };
    Ok(OrderPage { orders, next })
}

pub async fn count_by_state(
    pool: &SqlitePool,
    tenant: TenantId,
    q: &OrderQuery,
) -> Result<Option<Vec<(State, u64)>>, StoreError> {
    if q.text.is_some() {
        return Ok(None);
    }
    // Lists of one person's orders are small: count them. Wider lists read the counts
    // kept per (template, station, state).
    let live = q.counted_row_by_row();
    let (sql, binds) = if live {
        let mut filter = Filter::new(tenant);
        filter.scope(q);
        (
            format!(
                "SELECT o.state, COUNT(*) FROM orders o{} GROUP BY o.state",
                filter.sql
            ),
            filter.binds,
        )
    } else {
        let mut sql = String::from("SELECT state, SUM(n) FROM state_counts WHERE tenant_id = ?");
        let mut binds = vec![tenant.to_string()];
        if let Some(template) = q.template {
            sql.push_str(" AND template = ?");
            binds.push(template.as_str().into());
        }
        if let Some(station) = q.station {
            sql.push_str(" AND station_id = ?");
            binds.push(station.to_string());
        }
        if let Visibility::Station(station) = &q.visibility {
            sql.push_str(
                " AND station_id IN (SELECT id FROM stations WHERE tenant_id = ? AND (id = ? OR parent_id = ?))",
            );
            binds.extend([tenant.to_string(), station.to_string(), station.to_string()]);
        }
        sql.push_str(" GROUP BY state");
        (sql, binds)
    };
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in binds {
        query = query.bind(value);
    }
    let rows = query.fetch_all(pool).await.map_err(backend)?;
    let mut counts = Vec::new();
    for row in rows {
        let state: String = row.get(0);
        let n: i64 = row.get(1);
        let state = State::parse(&state).ok_or_else(|| corrupt("state", &state))?;
        if n > 0 {
            counts.push((state, n as u64));
        }
    }
    Ok(Some(counts))
}

/// The highest place given on `day` (0 if none).
pub async fn last_number(pool: &SqlitePool, tenant: TenantId, day: NaiveDate) -> Result<u32, StoreError> {
    let prefix = day.format("%Y%m%d").to_string();
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT number FROM orders WHERE tenant_id = ?1 AND number >= ?2 AND number < ?3")
            .bind(tenant.to_string())
            .bind(format!("{prefix}-"))
            .bind(format!("{prefix}."))
            .fetch_all(pool)
            .await
            .map_err(backend)?;
    Ok(rows
        .iter()
        .filter_map(|n| OrderNumber::parse(n))
        .map(|n| n.parts().1)
        .max()
        .unwrap_or(0))
}

pub async fn idempotent_response(
    pool: &SqlitePool,
    tenant: TenantId,
    person: PersonId,
    key: &str,
    now: Timestamp,
) -> Result<Option<(String, StoredResponse)>, StoreError> {
    let row = sqlx::query(
        "SELECT fingerprint, status, body FROM idempotency
         WHERE tenant_id = ?1 AND person_id = ?2 AND key = ?3 AND created_ms >= ?4",
    )
    .bind(tenant.to_string())
    .bind(person.to_string())
    .bind(key)
    .bind(idempotency_horizon(now).timestamp_millis())
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    Ok(row.map(|r| {
        let status: i64 = r.get(1);
        (
            r.get(0),
            StoredResponse {
                status: status as u16,
                body: r.get(2),
            },
        )
    }))
}

/// How a tenant's templates are stored: `after_sales,property`.
pub fn template_list(templates: &[Template]) -> String {
    templates.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")
}

fn tenant_row(r: &SqliteRow) -> Result<Tenant, StoreError> {
    let templates: String = r.get(4);
    Ok(Tenant {
        id: parse_id("tenant id", r.get(0))?,
        slug: r.get(1),
        name: r.get(2),
        time_zone: r.get(3),
        templates: Template::parse_list(&templates).map_err(|e| corrupt("templates", e))?,
    })
}

pub async fn tenant_by_slug(pool: &SqlitePool, slug: &str) -> Result<Option<Tenant>, StoreError> {
    let row = sqlx::query("SELECT id, slug, name, time_zone, templates FROM tenants WHERE slug = ?1")
        .bind(slug)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(tenant_row).transpose()
}

pub async fn tenant(pool: &SqlitePool, id: TenantId) -> Result<Option<Tenant>, StoreError> {
    let row = sqlx::query("SELECT id, slug, name, time_zone, templates FROM tenants WHERE id = ?1")
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(tenant_row).transpose()
}

pub async fn station(
    pool: &SqlitePool,
    tenant: TenantId,
    id: StationId,
) -> Result<Option<Station>, StoreError> {
    let row = sqlx::query("SELECT id, name, parent_id FROM stations WHERE tenant_id = ?1 AND id = ?2")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(|r| {
        Ok(Station {
            id: parse_id("station id", r.get(0))?,
            tenant,
            name: r.get(1),
            parent: optional_id("station parent", r.get(2))?,
        })
    })
    .transpose()
}

const PERSON_COLUMNS: &str = "p.tenant_id, p.id, p.name, p.role, p.station_id, p.team_id, p.phone, p.email";

fn person_row(r: &SqliteRow) -> Result<Person, StoreError> {
    let role: String = r.get(3);
    Ok(Person {
        tenant: parse_id("person tenant", r.get(0))?,
        id: parse_id("person id", r.get(1))?,
        name: r.get(2),
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        station: optional_id("person station", r.get(4))?,
        team: optional_id("person team", r.get(5))?,
        phone: r.get(6),
        email: r.get(7),
    })
}

pub async fn person(pool: &SqlitePool, tenant: TenantId, id: PersonId) -> Result<Option<Person>, StoreError> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.tenant_id = ?1 AND p.id = ?2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(person_row).transpose()
}

pub async fn people(pool: &SqlitePool, tenant: TenantId) -> Result<Vec<Person>, StoreError> {
    let sql =
        format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.tenant_id = ?1 ORDER BY p.role, p.name, p.id");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.to_string())
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter().map(person_row).collect()
}

pub async fn person_by_token(pool: &SqlitePool, digest: &str) -> Result<Option<Person>, StoreError> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM tokens t
         JOIN people p ON p.tenant_id = t.tenant_id AND p.id = t.person_id
         WHERE t.digest = ?1 AND t.revoked_ms IS NULL"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(digest)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(person_row).transpose()
}

/// Characters of the digest that name a token.
pub const TOKEN_ID_LEN: usize = 12;

pub(crate) fn millis(ms: i64) -> Result<Timestamp, StoreError> {
    DateTime::<Utc>::from_timestamp_millis(ms).ok_or_else(|| corrupt("time", ms))
}

pub async fn stations(pool: &SqlitePool, tenant: TenantId) -> Result<Vec<Station>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name, parent_id FROM stations WHERE tenant_id = ?1 ORDER BY parent_id IS NOT NULL, name, id",
    )
    .bind(tenant.to_string())
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter()
        .map(|r| {
            Ok(Station {
                id: parse_id("station id", r.get(0))?,
                tenant,
                name: r.get(1),
                parent: optional_id("station parent", r.get(2))?,
            })
        })
        .collect()
}

/// The background work waiting at `now`: timers due, timers due over a minute ago, notices
/// pending and notices given up.
pub async fn backlog(pool: &SqlitePool, now: Timestamp) -> Result<(u64, u64, u64, u64), StoreError> {
    let now_ms = now.timestamp_millis();
    let row = sqlx::query(
        "SELECT (SELECT count(*) FROM timers WHERE due_ms <= ?1),
                (SELECT count(*) FROM timers WHERE due_ms <= ?2),
                (SELECT count(*) FROM outbox WHERE state = 'pending'),
                (SELECT count(*) FROM outbox WHERE state = 'dead')",
    )
    .bind(now_ms)
    .bind(now_ms - 60_000)
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    let n = |i: usize| u64::try_from(row.get::<i64, _>(i)).unwrap_or(0);
    Ok((n(0), n(1), n(2), n(3)))
}

/// One request to change the organisation.
pub async fn request(
    pool: &SqlitePool,
    tenant: TenantId,
    id: baoxiu_domain::RequestId,
) -> Result<Option<baoxiu_domain::OrgRequest>, StoreError> {
    let row = sqlx::query("SELECT doc FROM org_requests WHERE tenant_id = ?1 AND id = ?2")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(|r| doc_of::<baoxiu_domain::OrgRequest>("request", r.get(0)))
        .transpose()
}

/// The organisation's requests, newest first; only those waiting for `next` when given.
pub async fn requests(
    pool: &SqlitePool,
    tenant: TenantId,
    next: Option<Role>,
    limit: u32,
) -> Result<Vec<baoxiu_domain::OrgRequest>, StoreError> {
    let rows = sqlx::query(
        "SELECT doc FROM org_requests WHERE tenant_id = ?1 AND (?2 IS NULL OR next_role = ?2)
         ORDER BY id DESC LIMIT ?3",
    )
    .bind(tenant.to_string())
    .bind(next.map(|r| r.as_str()))
    .bind(i64::from(limit.clamp(1, MAX_PAGE)))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter().map(|r| doc_of("request", r.get(0))).collect()
}

/// One of the organisation's books (`coverage`, `prices`), if it has been written.
pub async fn book<T: serde::de::DeserializeOwned>(
    pool: &SqlitePool,
    tenant: TenantId,
    kind: &str,
) -> Result<Option<T>, StoreError> {
    let row = sqlx::query("SELECT doc FROM org_books WHERE tenant_id = ?1 AND kind = ?2")
        .bind(tenant.to_string())
        .bind(kind)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(|r| doc_of(kind, r.get(0))).transpose()
}

fn doc_of<T: serde::de::DeserializeOwned>(what: &str, doc: String) -> Result<T, StoreError> {
    serde_json::from_str(&doc).map_err(|e| StoreError::Backend(format!("a {what} that does not read: {e}")))
}

/// Entries of every organisation's register with a maintenance plan due by `now`, the
/// longest due first.
pub async fn assets_due(
    pool: &SqlitePool,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<baoxiu_domain::AssetRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT doc FROM assets WHERE plan_due IS NOT NULL AND plan_due <= ?1 ORDER BY plan_due LIMIT ?2",
    )
    .bind(now.timestamp_millis())
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter().map(|r| asset_doc(r.get(0))).collect()
}

fn asset_doc(doc: String) -> Result<baoxiu_domain::AssetRecord, StoreError> {
    serde_json::from_str(&doc).map_err(|e| StoreError::Backend(format!("an asset that does not read: {e}")))
}

/// The register, by code; or the one entry with `code`.
pub async fn assets(
    pool: &SqlitePool,
    tenant: TenantId,
    code: Option<&str>,
) -> Result<Vec<baoxiu_domain::AssetRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT doc FROM assets WHERE tenant_id = ?1 AND (?2 IS NULL OR code = ?2) ORDER BY code",
    )
    .bind(tenant.to_string())
    .bind(code)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter().map(|r| asset_doc(r.get(0))).collect()
}

pub async fn tokens(pool: &SqlitePool, tenant: TenantId) -> Result<Vec<ApiToken>, StoreError> {
    let rows = sqlx::query(
        "SELECT substr(digest, 1, ?2), person_id, label, created_ms, revoked_ms FROM tokens
         WHERE tenant_id = ?1 ORDER BY created_ms DESC, digest",
    )
    .bind(tenant.to_string())
    .bind(TOKEN_ID_LEN as i64)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter()
        .map(|r| {
            Ok(ApiToken {
                id: r.get(0),
                tenant,
                person: parse_id("token person", r.get(1))?,
                label: r.get(2),
                created_at: millis(r.get(3))?,
                revoked_at: r.get::<Option<i64>, _>(4).map(millis).transpose()?,
            })
        })
        .collect()
}

const ACCOUNT_COLUMNS: &str = "tenant_id, person_id, login, phone, password_hash, disabled";

fn account_row(r: &SqliteRow) -> Result<Account, StoreError> {
    let login: String = r.get(2);
    Ok(Account {
        tenant: parse_id("account tenant", r.get(0))?,
        person: parse_id("account person", r.get(1))?,
        login: Login::parse("login", &login).map_err(|e| corrupt("login", e))?,
        phone: r.get(3),
        password_hash: r.get(4),
        disabled: r.get(5),
    })
}

pub async fn account_by_login(pool: &SqlitePool, login: &str) -> Result<Option<Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = ?1 OR phone = ?2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(login.trim().to_lowercase())
        .bind(login.trim())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(account_row).transpose()
}

pub async fn account(
    pool: &SqlitePool,
    tenant: TenantId,
    person: PersonId,
) -> Result<Option<Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = ?1 AND person_id = ?2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.to_string())
        .bind(person.to_string())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(account_row).transpose()
}

pub async fn accounts(pool: &SqlitePool, tenant: TenantId) -> Result<Vec<Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = ?1 ORDER BY login");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.to_string())
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter().map(account_row).collect()
}

pub async fn session(pool: &SqlitePool, digest: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
    let row = sqlx::query(
        "SELECT tenant_id, person_id, csrf, created_ms, expires_ms FROM sessions
         WHERE digest = ?1 AND expires_ms > ?2",
    )
    .bind(digest)
    .bind(now.timestamp_millis())
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.map(|r| {
        Ok(Session {
            digest: digest.to_string(),
            tenant: parse_id("session tenant", r.get(0))?,
            person: parse_id("session person", r.get(1))?,
            csrf: r.get(2),
            created_at: millis(r.get(3))?,
            expires_at: millis(r.get(4))?,
        })
    })
    .transpose()
}

pub async fn upload(
    pool: &SqlitePool,
    tenant: TenantId,
    id: AttachmentId,
) -> Result<Option<Upload>, StoreError> {
    let row = sqlx::query("SELECT person_id, created_ms, meta FROM uploads WHERE tenant_id = ?1 AND id = ?2")
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(|r| {
        Ok(Upload {
            by: parse_id("upload person", r.get(0))?,
            at: millis(r.get(1))?,
            attachment: serde_json::from_str(r.get(2)).map_err(|e| corrupt("upload", e))?,
        })
    })
    .transpose()
}

pub async fn due_timers(pool: &SqlitePool, now: Timestamp, limit: u32) -> Result<Vec<DueTimer>, StoreError> {
    let rows = sqlx::query(
        "SELECT tenant_id, order_id, clock, level, due_ms FROM timers WHERE due_ms <= ?1 ORDER BY due_ms LIMIT ?2",
    )
    .bind(now.timestamp_millis())
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter()
        .map(|r| {
            let level: i64 = r.get(3);
            Ok(DueTimer {
                tenant: parse_id("timer tenant", r.get(0))?,
                order: parse_id("timer order", r.get(1))?,
                clock: r.get(2),
                level: u8::try_from(level).map_err(|e| corrupt("timer level", e))?,
                at: millis(r.get(4))?,
            })
        })
        .collect()
}

pub async fn overdue(
    pool: &SqlitePool,
    tenant: TenantId,
    q: &OverdueQuery,
    now: Timestamp,
) -> Result<Vec<Overdue>, StoreError> {
    let mut filter = Filter::new(tenant);
    filter.scope(&OrderQuery {
        visibility: q.visibility.clone(),
        ..OrderQuery::default()
    });
    if let Some(clock) = &q.clock {
        filter.and(" AND d.clock = ?", std::slice::from_ref(clock));
    }
    let sql = format!(
        "SELECT o.doc, d.clock, d.deadline_ms FROM deadlines d
         JOIN orders o ON o.tenant_id = d.tenant_id AND o.id = d.order_id
         {} AND d.tenant_id = ? AND d.state IN ('running', 'paused') AND d.deadline_ms <= ?
         ORDER BY d.deadline_ms LIMIT ?",
        filter.sql
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for bind in &filter.binds {
        query = query.bind(bind);
    }
    let rows = query
        .bind(tenant.to_string())
        .bind(now.timestamp_millis())
        .bind(i64::from(q.limit.clamp(1, MAX_PAGE)))
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter()
        .map(|r| {
            Ok(Overdue {
                order: order_doc(r.get(0))?,
                clock: r.get(1),
                deadline: millis(r.get(2))?,
            })
        })
        .collect()
}

fn notice_doc(doc: &str) -> Result<Notice, StoreError> {
    serde_json::from_str(doc).map_err(|e| corrupt("notice", e))
}

pub async fn inbox(
    pool: &SqlitePool,
    tenant: TenantId,
    person: PersonId,
    limit: u32,
) -> Result<Vec<InboxItem>, StoreError> {
    let rows = sqlx::query(
        "SELECT notice, read_ms IS NOT NULL FROM inbox WHERE tenant_id = ?1 AND person_id = ?2
         ORDER BY created_ms DESC, id DESC LIMIT ?3",
    )
    .bind(tenant.to_string())
    .bind(person.to_string())
    .bind(i64::from(limit.clamp(1, MAX_PAGE)))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter()
        .map(|r| {
            Ok(InboxItem {
                notice: notice_doc(r.get(0))?,
                read: r.get(1),
            })
        })
        .collect()
}

const DELIVERY_COLUMNS: &str = "notice, state, attempts, next_ms, last_error, delivered_ms";

fn delivery_row(r: &SqliteRow) -> Result<Delivery, StoreError> {
    let state: String = r.get(1);
    let attempts: i64 = r.get(2);
    Ok(Delivery {
        notice: notice_doc(r.get(0))?,
        state: DeliveryState::parse(&state).ok_or_else(|| corrupt("delivery state", &state))?,
        attempts: u32::try_from(attempts).map_err(|e| corrupt("attempts", e))?,
        next_at: r.get::<Option<i64>, _>(3).map(millis).transpose()?,
        last_error: r.get(4),
        delivered_at: r.get::<Option<i64>, _>(5).map(millis).transpose()?,
    })
}

pub async fn deliveries_due(
    pool: &SqlitePool,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<Delivery>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM outbox WHERE state = 'pending' AND next_ms <= ?1 ORDER BY next_ms LIMIT ?2"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now.timestamp_millis())
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter().map(delivery_row).collect()
}

pub async fn deliveries(
    pool: &SqlitePool,
    tenant: TenantId,
    dead: bool,
    limit: u32,
) -> Result<Vec<Delivery>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM outbox WHERE tenant_id = ?1 AND (?2 = 0 OR state = 'dead')
         ORDER BY created_ms DESC LIMIT ?3"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant.to_string())
        .bind(dead)
        .bind(i64::from(limit.clamp(1, MAX_PAGE)))
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter().map(delivery_row).collect()
}

pub async fn channel_settings(
    pool: &SqlitePool,
    tenant: TenantId,
) -> Result<Vec<(String, String)>, StoreError> {
    let rows =
        sqlx::query("SELECT channel, settings FROM channel_settings WHERE tenant_id = ?1 ORDER BY channel")
            .bind(tenant.to_string())
            .fetch_all(pool)
            .await
            .map_err(backend)?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub async fn calendar_years(pool: &SqlitePool, tenant: TenantId) -> Result<Vec<(i32, String)>, StoreError> {
    let rows = sqlx::query("SELECT year, body FROM calendar_years WHERE tenant_id = ?1 ORDER BY year")
        .bind(tenant.to_string())
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter()
        .map(|r| {
            let year: i64 = r.get(0);
            Ok((
                i32::try_from(year).map_err(|e| corrupt("calendar year", e))?,
                r.get(1),
            ))
        })
        .collect()
}

pub async fn working_week(pool: &SqlitePool, tenant: TenantId) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar("SELECT body FROM working_weeks WHERE tenant_id = ?1")
        .bind(tenant.to_string())
        .fetch_optional(pool)
        .await
        .map_err(backend)
}
