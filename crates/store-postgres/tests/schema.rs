//! docs/scaling.md: a database larger than one server is spread over several by
//! organisation (Citus distributes each table by `tenant_id`), which needs every table's key
//! to lead with it. This reads the schema a fresh database migrates to and fails on a table
//! whose key does not.

use baoxiu_store_postgres::{PgStore, ScratchDatabase};
use sqlx::Connection;

/// Tables without an organisation's rows, each with why.
const NOT_AN_ORGANISATIONS: &[(&str, &str)] = &[
    (
        "tenants",
        "the organisations themselves: the key is the organisation's id",
    ),
    ("_sqlx_migrations", "the schema's version"),
    ("readiness", "one row the readiness check rewrites"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tables_key_leads_with_the_organisation() {
    let Some(db) = ScratchDatabase::create("schema").await else {
        return;
    };
    PgStore::open(db.url()).await.unwrap().close().await;
    let mut conn = sqlx::PgConnection::connect(db.url()).await.unwrap();
    let keys: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT t.relname::text,
                (SELECT a.attname::text FROM pg_attribute a
                 WHERE a.attrelid = t.oid AND a.attnum = c.conkey[1])
         FROM pg_class t
         LEFT JOIN pg_constraint c ON c.conrelid = t.oid AND c.contype = 'p'
         WHERE t.relkind = 'r' AND t.relnamespace = 'public'::regnamespace
         ORDER BY t.relname",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(keys.len() > 20, "{keys:?}");
    let wrong: Vec<String> = keys
        .iter()
        .filter(|(table, _)| !NOT_AN_ORGANISATIONS.iter().any(|(t, _)| t == table))
        .filter(|(_, first)| first.as_deref() != Some("tenant_id"))
        .map(|(table, first)| format!("{table} ({first:?})"))
        .collect();
    assert!(wrong.is_empty(), "keys not led by tenant_id: {wrong:?}");
    conn.close().await.unwrap();
}
