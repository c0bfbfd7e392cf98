//! A database made for one test and dropped after it, on the server the tests are given.
//!
//! The server is `BAOXIU_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`,
//! a user allowed to create databases). Where none answers, [`ScratchDatabase::create`]
//! says so and returns `None`, so the test can skip with that message, unless
//! `BAOXIU_REQUIRE_POSTGRES` is set (as CI sets it), when it panics instead.

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;

const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A fresh, empty database; dropped (with any connection still open to it) when this is.
pub struct ScratchDatabase {
    server: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// A new database named after `label` and a random suffix, or `None` (with a message on
    /// standard error) when no PostgreSQL server answers.
    pub async fn create(label: &str) -> Option<ScratchDatabase> {
        let server = std::env::var("BAOXIU_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_SERVER.into());
        let required = std::env::var_os("BAOXIU_REQUIRE_POSTGRES").is_some();
        let admin = match connect(&server).await {
            Ok(conn) => conn,
            Err(e) if !required => {
                eprintln!(
                    "SKIPPED: no PostgreSQL server answers at {server} ({e}); set BAOXIU_TEST_POSTGRES \
                     to a server whose user may create databases"
                );
                return None;
            }
            Err(e) => {
                panic!("BAOXIU_REQUIRE_POSTGRES is set but PostgreSQL at {server} does not answer: {e}")
            }
        };
        let _ = admin.close().await;
        Some(
            ScratchDatabase::create_on(&server, label)
                .await
                .unwrap_or_else(|e| panic!("cannot create a test database on {server}: {e}")),
        )
    }

    /// A new database on `server` (an address whose user may create databases), named after
    /// `label` and a random suffix.
    pub async fn create_on(server: &str, label: &str) -> Result<ScratchDatabase, sqlx::Error> {
        let mut admin = connect(server).await?;
        let label: String = label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(30)
            .collect::<String>()
            .to_ascii_lowercase();
        let name = format!("baoxiu_t_{label}_{}", uuid::Uuid::now_v7().simple());
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await?;
        let _ = admin.close().await;
        let url = match server.split_once('?') {
            Some((base, query)) => format!(
                "{}/{name}?{query}",
                base.rsplit_once('/').map_or(base, |(h, _)| h)
            ),
            None => format!("{}/{name}", server.rsplit_once('/').map_or(server, |(h, _)| h)),
        };
        Ok(ScratchDatabase {
            server: server.to_string(),
            name,
            url,
        })
    }

    /// The new database's address.
    pub fn url(&self) -> &str {
        &self.url
    }
}

async fn connect(url: &str) -> Result<sqlx::PgConnection, sqlx::Error> {
    PgConnectOptions::from_str(url)?.connect().await
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // Dropped from inside a runtime that may be shutting down: a thread of its own, with
        // a runtime of its own, does it and is waited for.
        let done = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database");
            runtime.block_on(async move {
                let mut admin = connect(&server).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await?;
                admin.close().await
            })
        })
        .join();
        if let Ok(Err(e)) = done {
            eprintln!("cannot drop the test database {}: {e}", self.name);
        }
    }
}
