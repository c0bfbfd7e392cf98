//! docs/scaling.md: an organisation larger than one database server is spread over several
//! by organisation, which needs every table's key to lead with `tenant_id`. This reads the
//! schema a fresh store migrates to and fails on a table whose key does not.

use baoxiu_store_sqlite::SqliteStore;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Row};

/// Tables without an organisation's rows, each with why.
const NOT_AN_ORGANISATIONS: &[(&str, &str)] = &[
    (
        "tenants",
        "the organisations themselves: the key is the organisation's id",
    ),
    ("_sqlx_migrations", "the schema's version"),
    ("store_meta", "the store's own once-only work"),
    ("readiness", "one row the readiness check rewrites"),
    // SQLite's full-text index: a PostgreSQL backend indexes the orders' own rows.
    (
        "order_keys",
        "the full-text index's integer keys (the order's key is unique in it too)",
    ),
];

#[tokio::test]
async fn every_tables_key_leads_with_the_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.sqlite3");
    SqliteStore::open(&path).await.unwrap().close().await;
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .connect()
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'order_search_%'
         ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(tables.len() > 20, "{tables:?}");
    let mut wrong = Vec::new();
    for table in &tables {
        if NOT_AN_ORGANISATIONS.iter().any(|(t, _)| t == table) {
            continue;
        }
        let key: Vec<String> = sqlx::query("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")
            .bind(table)
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        if key.first().map(String::as_str) != Some("tenant_id") {
            wrong.push(format!("{table} ({})", key.join(", ")));
        }
    }
    assert!(
        wrong.is_empty(),
        "keys that do not lead with tenant_id: {wrong:?}"
    );
}
