//! Reads, on the pool. Every query is scoped by tenant.

use crate::backend;
use baoxiu_domain::{
    Account, ApiToken, AttachmentId, Delivery, DeliveryState, DueTimer, EventRecord, InboxItem, Login,
    Notice, OrderId, OrderPage, OrderQuery, Overdue, OverdueQuery, Person, PersonId, Role, Session, State,
    Station, StationId, StoreError, Template, Tenant, TenantId, Timestamp, Upload, Visibility, WorkOrder,
};
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

/// The largest page a list returns, whatever was asked.
pub const MAX_PAGE: u32 = 200;

/// Characters of the digest that name a token.
pub const TOKEN_ID_LEN: usize = 12;

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("stored {what} cannot be read: {e}"))
}

pub(crate) fn doc<T: serde::de::DeserializeOwned>(what: &str, doc: &str) -> Result<T, StoreError> {
    serde_json::from_str(doc).map_err(|e| corrupt(what, e))
}

pub(crate) fn millis(ms: i64) -> Result<Timestamp, StoreError> {
    DateTime::<Utc>::from_timestamp_millis(ms).ok_or_else(|| corrupt("time", ms))
}

pub async fn order(pool: &PgPool, tenant: TenantId, id: OrderId) -> Result<Option<WorkOrder>, StoreError> {
    let row: Option<String> = sqlx::query_scalar("SELECT doc FROM orders WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(|d| doc("order", &d)).transpose()
}

pub async fn history(pool: &PgPool, tenant: TenantId, id: OrderId) -> Result<Vec<EventRecord>, StoreError> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT body FROM events WHERE tenant_id = $1 AND order_id = $2 ORDER BY seq")
            .bind(tenant.0)
            .bind(id.0)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
    rows.iter().map(|b| doc("event", b)).collect()
}

/// Everything of a query but the state, the text and the cursor, after `WHERE o.tenant_id = …`.
fn scope(sql: &mut QueryBuilder<Postgres>, q: &OrderQuery) {
    if let Some(template) = q.template {
        sql.push(" AND o.template = ").push_bind(template.as_str());
    }
    if let Some(station) = q.station {
        sql.push(" AND o.station_id = ").push_bind(station.0);
    }
    if let Some(assignee) = q.assignee {
        sql.push(" AND o.assignee_id = ").push_bind(assignee.0);
    }
    if q.cancellation_pending {
        sql.push(" AND o.cancel_pending");
    }
    if let Some(role) = q.approval_for {
        sql.push(" AND o.approval_next = ").push_bind(role.as_str());
    }
    if let Some((start, end)) = q.active_between {
        let open: Vec<&str> = State::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect();
        sql.push(" AND o.reported_ms < ")
            .push_bind(end.timestamp_millis())
            .push(" AND (o.updated_ms >= ")
            .push_bind(start.timestamp_millis())
            .push(" OR o.state = ANY(")
            .push_bind(open)
            .push("))");
    }
    match &q.visibility {
        Visibility::All => {}
        Visibility::ReportedBy(person) => {
            sql.push(" AND o.reporter_id = ").push_bind(person.0);
        }
        Visibility::Technician { person, station } => {
            let station = station.map(|s| s.0);
            sql.push(" AND (o.assignee_id = ")
                .push_bind(person.0)
                .push(" OR (o.state = 'pool' AND (o.station_id IS NULL OR o.station_id = ")
                .push_bind(station)
                .push(" OR o.station_parent_id = ")
                .push_bind(station)
                .push(")))");
        }
        Visibility::Station(station) => {
            sql.push(" AND (o.station_id = ")
                .push_bind(station.0)
                .push(" OR o.station_parent_id = ")
                .push_bind(station.0)
                .push(")");
        }
        Visibility::Vendor(firm) => {
            sql.push(" AND o.vendor_id = ").push_bind(firm.0);
        }
        Visibility::Nothing => {
            sql.push(" AND false");
        }
    }
}

pub async fn list(pool: &PgPool, tenant: TenantId, q: &OrderQuery) -> Result<OrderPage, StoreError> {
    let limit = q.limit.clamp(1, MAX_PAGE);
    let search = match q.text.as_deref().map(crate::search::query) {
        // Searched text that holds nothing searchable finds nothing.
        Some(None) => {
            return Ok(OrderPage {
                orders: Vec::new(),
                next: None,
            });
        }
        Some(Some(expression)) => Some(expression),
        None => None,
    };
    let mut sql = QueryBuilder::new("SELECT o.doc FROM orders o WHERE o.tenant_id = ");
    sql.push_bind(tenant.0);
    scope(&mut sql, q);
    if let Some(state) = q.state {
        sql.push(" AND o.state = ").push_bind(state.as_str());
    }
    if let Some(expression) = search {
        sql.push(" AND o.search @@ ")
            .push_bind(expression)
            .push("::tsquery");
    }
    if let Some(after) = q.after {
        sql.push(" AND o.id < ").push_bind(after.0);
    }
    // One more than asked tells whether another page exists.
    sql.push(" ORDER BY o.id DESC LIMIT ")
        .push_bind(i64::from(limit) + 1);
    let rows: Vec<String> = sql.build_query_scalar().fetch_all(pool).await.map_err(backend)?;
    let mut orders = rows
        .iter()
        .map(|d| doc::<WorkOrder>("order", d))
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
    pool: &PgPool,
    tenant: TenantId,
    q: &OrderQuery,
) -> Result<Option<Vec<(State, u64)>>, StoreError> {
    if q.text.is_some() {
        return Ok(None);
    }
    // Lists of one person's orders are small: count them. Wider lists read the counts kept
    // per (template, station, state).
    let live = q.counted_row_by_row();
    let mut sql;
    if live {
        sql = QueryBuilder::new("SELECT o.state, count(*)::bigint FROM orders o WHERE o.tenant_id = ");
        sql.push_bind(tenant.0);
        scope(&mut sql, q);
        sql.push(" GROUP BY o.state");
    } else {
        sql = QueryBuilder::new("SELECT state, sum(n)::bigint FROM state_counts WHERE tenant_id = ");
        sql.push_bind(tenant.0);
        if let Some(template) = q.template {
            sql.push(" AND template = ").push_bind(template.as_str());
        }
        if let Some(station) = q.station {
            sql.push(" AND station_id = ").push_bind(station.0.to_string());
        }
        if let Visibility::Station(station) = &q.visibility {
            sql.push(" AND station_id IN (SELECT id::text FROM stations WHERE tenant_id = ")
                .push_bind(tenant.0)
                .push(" AND (id = ")
                .push_bind(station.0)
                .push(" OR parent_id = ")
                .push_bind(station.0)
                .push("))");
        }
        sql.push(" GROUP BY state");
    }
    let rows: Vec<(String, i64)> = sql.build_query_as().fetch_all(pool).await.map_err(backend)?;
    let mut counts = Vec::new();
    for (state, n) in rows {
        let state = State::parse(&state).ok_or_else(|| corrupt("state", &state))?;
        if n > 0 {
            counts.push((state, n as u64));
        }
    }
    counts.sort_by_key(|(state, _)| state.as_str());
    Ok(Some(counts))
}

/// How a tenant's templates are stored: `after_sales,property`.
pub fn template_list(templates: &[Template]) -> String {
    templates.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")
}

/// The tenant `filter` (`slug = $1`, `id = $1`) finds.
pub async fn tenant<'a, T>(pool: &PgPool, filter: &str, value: T) -> Result<Option<Tenant>, StoreError>
where
    T: 'a + Send + sqlx::Encode<'a, Postgres> + sqlx::Type<Postgres>,
{
    let sql = format!("SELECT id, slug, name, time_zone, templates FROM tenants WHERE {filter}");
    let row: Option<(Uuid, String, String, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.map(|(id, slug, name, time_zone, templates)| {
        Ok(Tenant {
            id: TenantId(id),
            slug,
            name,
            time_zone,
            templates: Template::parse_list(&templates).map_err(|e| corrupt("templates", e))?,
        })
    })
    .transpose()
}

/// The organisation's stations, heads first; or the one with `id`.
pub async fn stations(
    pool: &PgPool,
    tenant: TenantId,
    id: Option<StationId>,
) -> Result<Vec<Station>, StoreError> {
    let rows: Vec<(Uuid, String, Option<Uuid>)> = sqlx::query_as(
        "SELECT id, name, parent_id FROM stations WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id = $2)
         ORDER BY parent_id IS NOT NULL, name COLLATE \"C\", id",
    )
    .bind(tenant.0)
    .bind(id.map(|s| s.0))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, parent)| Station {
            id: StationId(id),
            tenant,
            name,
            parent: parent.map(StationId),
        })
        .collect())
}

const PERSON_COLUMNS: &str = "p.tenant_id, p.id, p.name, p.role, p.station_id, p.team_id, p.phone, p.email";

fn person_row(r: &PgRow) -> Result<Person, StoreError> {
    let role: String = r.get(3);
    Ok(Person {
        tenant: TenantId(r.get(0)),
        id: PersonId(r.get(1)),
        name: r.get(2),
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        station: r.get::<Option<Uuid>, _>(4).map(StationId),
        team: r.get::<Option<Uuid>, _>(5).map(baoxiu_domain::TeamId),
        phone: r.get(6),
        email: r.get(7),
    })
}

pub async fn person(pool: &PgPool, tenant: TenantId, id: PersonId) -> Result<Option<Person>, StoreError> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.tenant_id = $1 AND p.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(person_row).transpose()
}

pub async fn people(pool: &PgPool, tenant: TenantId) -> Result<Vec<Person>, StoreError> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM people p WHERE p.tenant_id = $1 ORDER BY p.role COLLATE \"C\", p.name COLLATE \"C\", p.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter().map(person_row).collect()
}

pub async fn person_by_token(pool: &PgPool, digest: &str) -> Result<Option<Person>, StoreError> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM tokens t
         JOIN people p ON p.tenant_id = t.tenant_id AND p.id = t.person_id
         WHERE t.digest = $1 AND t.revoked_ms IS NULL"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(digest)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(person_row).transpose()
}

pub async fn tokens(pool: &PgPool, tenant: TenantId) -> Result<Vec<ApiToken>, StoreError> {
    let rows: Vec<(String, Uuid, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT substr(digest, 1, $2), person_id, label, created_ms, revoked_ms FROM tokens
         WHERE tenant_id = $1 ORDER BY created_ms DESC, digest COLLATE \"C\"",
    )
    .bind(tenant.0)
    .bind(TOKEN_ID_LEN as i32)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.into_iter()
        .map(|(id, person, label, created, revoked)| {
            Ok(ApiToken {
                id,
                tenant,
                person: PersonId(person),
                label,
                created_at: millis(created)?,
                revoked_at: revoked.map(millis).transpose()?,
            })
        })
        .collect()
}

const ACCOUNT_COLUMNS: &str = "tenant_id, person_id, login, phone, password_hash, disabled";

fn account_row(r: &PgRow) -> Result<Account, StoreError> {
    let login: String = r.get(2);
    Ok(Account {
        tenant: TenantId(r.get(0)),
        person: PersonId(r.get(1)),
        login: Login::parse("login", &login).map_err(|e| corrupt("login", e))?,
        phone: r.get(3),
        password_hash: r.get(4),
        disabled: r.get(5),
    })
}

pub async fn account_by_login(pool: &PgPool, login: &str) -> Result<Option<Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = $1 OR phone = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(login.trim().to_lowercase())
        .bind(login.trim())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(account_row).transpose()
}

/// The organisation's accounts by login; or the one of `person`.
pub async fn accounts(
    pool: &PgPool,
    tenant: TenantId,
    person: Option<PersonId>,
) -> Result<Vec<Account>, StoreError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1 AND ($2::uuid IS NULL OR person_id = $2)
         ORDER BY login COLLATE \"C\""
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(person.map(|p| p.0))
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter().map(account_row).collect()
}

pub async fn session(pool: &PgPool, digest: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
    let row: Option<(Uuid, Uuid, String, i64, i64)> = sqlx::query_as(
        "SELECT tenant_id, person_id, csrf, created_ms, expires_ms FROM sessions
         WHERE digest = $1 AND expires_ms > $2",
    )
    .bind(digest)
    .bind(now.timestamp_millis())
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.map(|(tenant, person, csrf, created, expires)| {
        Ok(Session {
            digest: digest.to_string(),
            tenant: TenantId(tenant),
            person: PersonId(person),
            csrf,
            created_at: millis(created)?,
            expires_at: millis(expires)?,
        })
    })
    .transpose()
}

pub async fn upload(pool: &PgPool, tenant: TenantId, id: AttachmentId) -> Result<Option<Upload>, StoreError> {
    let row: Option<(Uuid, i64, String)> =
        sqlx::query_as("SELECT person_id, created_ms, meta FROM uploads WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await
            .map_err(backend)?;
    row.map(|(by, at, meta)| {
        Ok(Upload {
            by: PersonId(by),
            at: millis(at)?,
            attachment: doc("upload", &meta)?,
        })
    })
    .transpose()
}

pub async fn due_timers(pool: &PgPool, now: Timestamp, limit: u32) -> Result<Vec<DueTimer>, StoreError> {
    let rows: Vec<(Uuid, Uuid, String, i16, i64)> = sqlx::query_as(
        "SELECT tenant_id, order_id, clock, level, due_ms FROM timers WHERE due_ms <= $1 ORDER BY due_ms LIMIT $2",
    )
    .bind(now.timestamp_millis())
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    due_timer_rows(rows)
}

/// Timer rows `(tenant, order, clock, level, due)` as the port hands them out.
pub fn due_timer_rows(rows: Vec<(Uuid, Uuid, String, i16, i64)>) -> Result<Vec<DueTimer>, StoreError> {
    rows.into_iter()
        .map(|(tenant, order, clock, level, due)| {
            Ok(DueTimer {
                tenant: TenantId(tenant),
                order: OrderId(order),
                clock,
                level: u8::try_from(level).map_err(|e| corrupt("timer level", e))?,
                at: millis(due)?,
            })
        })
        .collect()
}

pub async fn overdue(
    pool: &PgPool,
    tenant: TenantId,
    q: &OverdueQuery,
    now: Timestamp,
) -> Result<Vec<Overdue>, StoreError> {
    let mut sql = QueryBuilder::new(
        "SELECT o.doc, d.clock, d.deadline_ms FROM deadlines d
         JOIN orders o ON o.tenant_id = d.tenant_id AND o.id = d.order_id
         WHERE o.tenant_id = ",
    );
    sql.push_bind(tenant.0);
    scope(
        &mut sql,
        &OrderQuery {
            visibility: q.visibility.clone(),
            ..OrderQuery::default()
        },
    );
    if let Some(clock) = &q.clock {
        sql.push(" AND d.clock = ").push_bind(clock.clone());
    }
    sql.push(" AND d.tenant_id = ")
        .push_bind(tenant.0)
        .push(" AND d.state IN ('running', 'paused') AND d.deadline_ms <= ")
        .push_bind(now.timestamp_millis())
        .push(" ORDER BY d.deadline_ms LIMIT ")
        .push_bind(i64::from(q.limit.clamp(1, MAX_PAGE)));
    let rows: Vec<(String, String, i64)> = sql.build_query_as().fetch_all(pool).await.map_err(backend)?;
    rows.into_iter()
        .map(|(order, clock, deadline)| {
            Ok(Overdue {
                order: doc("order", &order)?,
                clock,
                deadline: millis(deadline)?,
            })
        })
        .collect()
}

pub async fn inbox(
    pool: &PgPool,
    tenant: TenantId,
    person: PersonId,
    limit: u32,
) -> Result<Vec<InboxItem>, StoreError> {
    let rows: Vec<(String, bool)> = sqlx::query_as(
        "SELECT notice, read_ms IS NOT NULL FROM inbox WHERE tenant_id = $1 AND person_id = $2
         ORDER BY created_ms DESC, id DESC LIMIT $3",
    )
    .bind(tenant.0)
    .bind(person.0)
    .bind(i64::from(limit.clamp(1, MAX_PAGE)))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.into_iter()
        .map(|(notice, read)| {
            Ok(InboxItem {
                notice: doc::<Notice>("notice", &notice)?,
                read,
            })
        })
        .collect()
}

pub const DELIVERY_COLUMNS: &str = "notice, state, attempts, next_ms, last_error, delivered_ms";

pub fn delivery_row(r: &PgRow) -> Result<Delivery, StoreError> {
    let state: String = r.get(1);
    let attempts: i32 = r.get(2);
    Ok(Delivery {
        notice: doc("notice", r.get::<&str, _>(0))?,
        state: DeliveryState::parse(&state).ok_or_else(|| corrupt("delivery state", &state))?,
        attempts: u32::try_from(attempts).map_err(|e| corrupt("attempts", e))?,
        next_at: r.get::<Option<i64>, _>(3).map(millis).transpose()?,
        last_error: r.get(4),
        delivered_at: r.get::<Option<i64>, _>(5).map(millis).transpose()?,
    })
}

pub async fn deliveries_due(pool: &PgPool, now: Timestamp, limit: u32) -> Result<Vec<Delivery>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM outbox WHERE state = 'pending' AND next_ms <= $1 ORDER BY next_ms LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now.timestamp_millis())
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter().map(delivery_row).collect()
}

pub async fn deliveries(
    pool: &PgPool,
    tenant: TenantId,
    dead: bool,
    limit: u32,
) -> Result<Vec<Delivery>, StoreError> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM outbox WHERE tenant_id = $1 AND (NOT $2 OR state = 'dead')
         ORDER BY created_ms DESC LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant.0)
        .bind(dead)
        .bind(i64::from(limit.clamp(1, MAX_PAGE)))
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter().map(delivery_row).collect()
}

/// The background work waiting at `now`: timers due, timers due over a minute ago, notices
/// pending and notices given up.
pub async fn backlog(pool: &PgPool, now: Timestamp) -> Result<(u64, u64, u64, u64), StoreError> {
    let now_ms = now.timestamp_millis();
    let row: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM timers WHERE due_ms <= $1),
                (SELECT count(*) FROM timers WHERE due_ms <= $2),
                (SELECT count(*) FROM outbox WHERE state = 'pending'),
                (SELECT count(*) FROM outbox WHERE state = 'dead')",
    )
    .bind(now_ms)
    .bind(now_ms - 60_000)
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok((n(row.0), n(row.1), n(row.2), n(row.3)))
}

pub async fn request(
    pool: &PgPool,
    tenant: TenantId,
    id: baoxiu_domain::RequestId,
) -> Result<Option<baoxiu_domain::OrgRequest>, StoreError> {
    let row: Option<String> =
        sqlx::query_scalar("SELECT doc FROM org_requests WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await
            .map_err(backend)?;
    row.map(|d| doc("request", &d)).transpose()
}

/// The organisation's requests, newest first; only those waiting for `next` when given.
pub async fn requests(
    pool: &PgPool,
    tenant: TenantId,
    next: Option<Role>,
    limit: u32,
) -> Result<Vec<baoxiu_domain::OrgRequest>, StoreError> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT doc FROM org_requests WHERE tenant_id = $1 AND ($2::text IS NULL OR next_role = $2)
         ORDER BY id DESC LIMIT $3",
    )
    .bind(tenant.0)
    .bind(next.map(|r| r.as_str()))
    .bind(i64::from(limit.clamp(1, MAX_PAGE)))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter().map(|d| doc("request", d)).collect()
}

/// One of the organisation's books (`coverage`, `prices`), if it has been written.
pub async fn book<T: serde::de::DeserializeOwned>(
    pool: &PgPool,
    tenant: TenantId,
    kind: &str,
) -> Result<Option<T>, StoreError> {
    let row: Option<String> =
        sqlx::query_scalar("SELECT doc FROM org_books WHERE tenant_id = $1 AND kind = $2")
            .bind(tenant.0)
            .bind(kind)
            .fetch_optional(pool)
            .await
            .map_err(backend)?;
    row.map(|d| doc(kind, &d)).transpose()
}

/// Entries of every organisation's register with a maintenance plan due by `now`, the
/// longest due first.
pub async fn assets_due(
    pool: &PgPool,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<baoxiu_domain::AssetRecord>, StoreError> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT doc FROM assets WHERE plan_due IS NOT NULL AND plan_due <= $1 ORDER BY plan_due LIMIT $2",
    )
    .bind(now.timestamp_millis())
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter().map(|d| doc("asset", d)).collect()
}

/// The register, by code; or the one entry with `code`.
pub async fn assets(
    pool: &PgPool,
    tenant: TenantId,
    code: Option<&str>,
) -> Result<Vec<baoxiu_domain::AssetRecord>, StoreError> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT doc FROM assets WHERE tenant_id = $1 AND ($2::text IS NULL OR code = $2) ORDER BY code COLLATE \"C\"",
    )
    .bind(tenant.0)
    .bind(code)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter().map(|d| doc("asset", d)).collect()
}
