//! Reads, on the pool. Every query is scoped by tenant.

use crate::backend;
use baoxiu_domain::{
    EventRecord, OrderId, OrderPage, OrderQuery, Person, PersonId, Role, Station, StationId, StoreError,
    StoredResponse, Template, Tenant, TenantId, Timestamp, WorkOrder, idempotency_horizon,
};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{AssertSqlSafe, Row};
use std::str::FromStr;

/// The largest page a list returns, whatever was asked.
pub const MAX_PAGE: u32 = 200;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("stored {what} cannot be read: {e}"))
}

fn parse_id<T: FromStr>(what: &str, s: &str) -> Result<T, StoreError>
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

pub async fn list(pool: &SqlitePool, tenant: TenantId, q: &OrderQuery) -> Result<OrderPage, StoreError> {
    // The SQL is assembled only from the fixed fragments below; values are always bound.
    let mut sql = String::from("SELECT doc FROM orders WHERE tenant_id = ?");
    let mut binds = vec![tenant.to_string()];
    let mut filter = |fragment: &str, value: String| {
        sql.push_str(fragment);
        binds.push(value);
    };
    if let Some(state) = q.state {
        filter(" AND state = ?", state.as_str().into());
    }
    if let Some(template) = q.template {
        filter(" AND template = ?", template.as_str().into());
    }
    if let Some(station) = q.station {
        filter(" AND station_id = ?", station.to_string());
    }
    if let Some(assignee) = q.assignee {
        filter(" AND assignee_id = ?", assignee.to_string());
    }
    if let Some(reporter) = q.reported_by {
        filter(" AND reporter_id = ?", reporter.to_string());
    }
    if let Some(text) = &q.text {
        filter(" AND instr(search_text, ?) > 0", text.to_lowercase());
    }
    if let Some(after) = q.after {
        filter(" AND id < ?", after.to_string());
    }
    let limit = q.limit.clamp(1, MAX_PAGE);
    sql.push_str(" ORDER BY id DESC LIMIT ?");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in binds {
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

const PERSON_COLUMNS: &str = "p.tenant_id, p.id, p.name, p.role, p.station_id, p.team_id, p.phone";

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
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.tenant_id = ?1 ORDER BY p.role, p.name");
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
         WHERE t.digest = ?1"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(digest)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(person_row).transpose()
}
