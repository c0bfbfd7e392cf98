//! The database a command works on: a SQLite file (the embedded default) or a PostgreSQL
//! server, told apart by the address (`--db` / `BAOXIU_DB`): `postgres://…` or
//! `postgresql://…` is PostgreSQL, anything else a file's path.

use baoxiu_domain::{OrderId, Store, StoreError, TenantId};
use baoxiu_store_postgres::PgStore;
use baoxiu_store_sqlite::SqliteStore;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use tokio::sync::mpsc::Receiver;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl FromStr for Database {
    type Err = String;

    fn from_str(s: &str) -> Result<Database, String> {
        if s.trim().is_empty() {
            return Err("the database address is empty".into());
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(Database::Postgres(s.to_string()))
        } else if s.contains("://") {
            Err(format!(
                "`{s}` is neither a file nor a postgres:// address (SQLite files and PostgreSQL are supported)"
            ))
        } else {
            Ok(Database::Sqlite(PathBuf::from(s)))
        }
    }
}

impl fmt::Display for Database {
    /// The path, or the address without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => f.write_str(&baoxiu_store_postgres::shown(url)),
        }
    }
}

/// What a command needs of a store beyond the port: its size on disk and a clean close.
pub trait Backend: Store {
    /// Bytes the data uses, and the orders in it.
    fn footprint(&self) -> impl Future<Output = Result<(u64, u64), StoreError>> + Send;
    fn close(&self) -> impl Future<Output = ()> + Send;
    /// Orders other servers on the same database write, as they commit; `None` where no
    /// other server can write (an SQLite file).
    fn others_writes(&self) -> impl Future<Output = Option<Receiver<(TenantId, OrderId)>>> + Send;
}

impl Backend for SqliteStore {
    async fn footprint(&self) -> Result<(u64, u64), StoreError> {
        SqliteStore::footprint(self).await
    }

    async fn close(&self) {
        SqliteStore::close(self).await
    }

    async fn others_writes(&self) -> Option<Receiver<(TenantId, OrderId)>> {
        None
    }
}

impl Backend for PgStore {
    async fn footprint(&self) -> Result<(u64, u64), StoreError> {
        PgStore::footprint(self).await
    }

    async fn close(&self) {
        PgStore::close(self).await
    }

    async fn others_writes(&self) -> Option<Receiver<(TenantId, OrderId)>> {
        match self.listen().await {
            Ok(written) => Some(written),
            Err(e) => {
                tracing::warn!(error = %e, "the live pages will not see other servers' changes");
                None
            }
        }
    }
}

/// An open store of either kind; see [`with_store!`](crate::with_store).
pub enum Opened {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// Opens (creating or migrating as needed) the database; photos of a SQLite store in
/// `files` when given (PostgreSQL keeps them in the database).
pub async fn open(
    db: &Database,
    files: Option<&Path>,
) -> Result<Opened, Box<dyn std::error::Error + Send + Sync>> {
    Ok(match (db, files) {
        (Database::Sqlite(path), None) => Opened::Sqlite(SqliteStore::open(path).await?),
        (Database::Sqlite(path), Some(files)) => {
            Opened::Sqlite(SqliteStore::open_with_files(path, files.to_path_buf()).await?)
        }
        (Database::Postgres(url), None) => Opened::Postgres(PgStore::open(url).await?),
        (Database::Postgres(_), Some(_)) => {
            return Err(
                "--files: with PostgreSQL the photos are kept in the database, so every server has them"
                    .into(),
            );
        }
    })
}

/// Opens `$db` (a [`Database`]) and evaluates `$body` with the store bound to `$store`,
/// whichever backend it is, then closes the store: the body is compiled once per backend.
#[macro_export]
macro_rules! with_store {
    ($db:expr, $files:expr, |$store:ident| $body:expr) => {
        match $crate::db::open(&$db, $files).await? {
            $crate::db::Opened::Sqlite($store) => {
                let out = $body;
                $crate::db::Backend::close(&$store).await;
                out
            }
            $crate::db::Opened::Postgres($store) => {
                let out = $body;
                $crate::db::Backend::close(&$store).await;
                out
            }
        }
    };
    ($db:expr, |$store:ident| $body:expr) => {
        $crate::with_store!($db, None, |$store| $body)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_chooses_the_backend() {
        assert_eq!(
            "baoxiu.sqlite3".parse(),
            Ok(Database::Sqlite(PathBuf::from("baoxiu.sqlite3")))
        );
        assert_eq!(
            "/var/lib/baoxiu/a.db".parse(),
            Ok(Database::Sqlite(PathBuf::from("/var/lib/baoxiu/a.db")))
        );
        let pg: Database = "postgres://baoxiu:secret@db.internal:5432/baoxiu"
            .parse()
            .unwrap();
        assert!(matches!(pg, Database::Postgres(_)));
        assert_eq!(pg.to_string(), "postgres://baoxiu:***@db.internal:5432/baoxiu");
        assert!(matches!(
            "postgresql://db/baoxiu".parse::<Database>(),
            Ok(Database::Postgres(_))
        ));
        let refused = "mysql://db/baoxiu".parse::<Database>().unwrap_err();
        assert!(refused.contains("mysql://db/baoxiu"), "{refused}");
        assert!("".parse::<Database>().is_err());
    }
}
