//! The baoxiu storage port ([`baoxiu_domain::Store`]) on one embedded SQLite file.
//!
//! - WAL mode, `synchronous = FULL`: a write is acknowledged only after its commit is on
//!   disk, so it survives a crash of the process or the machine.
//! - Reads go through a small pool of connections (WAL lets them run beside the writer).
//! - All writes go through one writer task that owns one connection and commits whatever
//!   has queued up in one transaction (group commit). One writer means no `database is
//!   locked` under concurrency; batching means one disk sync serves many clients. A write
//!   refused by its checks (version, idempotency key) leaves nothing behind and the batch
//!   goes on; any other failure rolls the whole batch back and fails every write in it.

mod read;
mod writer;

use baoxiu_domain::{
    EventRecord, OrderId, OrderPage, OrderQuery, Person, PersonId, Station, StationId, Store, StoreError,
    StoredResponse, Team, Tenant, TenantId, WorkOrder, Write, WriteOutcome,
};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, SqlSafeStr};
use std::path::Path;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use writer::{Job, OrgWrite};

/// Migrations are embedded in the binary and run when the store opens.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "reporter", include_str!("../migrations/0002_reporter.sql")),
];

/// Writes waiting in the queue before callers wait for room.
const QUEUE: usize = 4096;

/// A handle to the store; cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    jobs: mpsc::Sender<Job>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the database {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("cannot migrate the database {path}: {source}")]
    Migrate {
        path: String,
        source: sqlx::migrate::MigrateError,
    },
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, runs pending migrations and starts
    /// the writer task. Must be called inside a Tokio runtime.
    pub async fn open(path: impl AsRef<Path>) -> Result<SqliteStore, OpenError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let open_err = |source| OpenError::Open {
            path: shown.clone(),
            source,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-16000");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await
            .map_err(open_err)?;
        migrator().run(&pool).await.map_err(|source| OpenError::Migrate {
            path: shown.clone(),
            source,
        })?;
        let conn = options.connect().await.map_err(open_err)?;
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(writer::run(conn, queue));
        Ok(SqliteStore { pool, jobs })
    }

    /// Closes the read pool. The writer stops once every handle is dropped, after finishing
    /// what was queued.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn submit<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Job,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(job(reply))
            .await
            .map_err(|_| StoreError::Backend("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Backend("the writer stopped before answering".into()))?
    }

    async fn org(&self, write: OrgWrite) -> Result<(), StoreError> {
        self.submit(|reply| Job::Org(write, reply)).await
    }
}

fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    (*name).into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl Store for SqliteStore {
    async fn write(&self, write: Write) -> Result<WriteOutcome, StoreError> {
        // Refused here, a malformed write never reaches a batch, so it cannot fail others.
        write.check()?;
        self.submit(|reply| Job::Write(Box::new(write), reply)).await
    }

    async fn order(&self, tenant: TenantId, id: OrderId) -> Result<Option<WorkOrder>, StoreError> {
        read::order(&self.pool, tenant, id).await
    }

    async fn history(&self, tenant: TenantId, id: OrderId) -> Result<Vec<EventRecord>, StoreError> {
        read::history(&self.pool, tenant, id).await
    }

    async fn list(&self, tenant: TenantId, query: &OrderQuery) -> Result<OrderPage, StoreError> {
        read::list(&self.pool, tenant, query).await
    }

    async fn idempotent_response(
        &self,
        tenant: TenantId,
        person: PersonId,
        key: &str,
    ) -> Result<Option<(String, StoredResponse)>, StoreError> {
        read::idempotent_response(&self.pool, tenant, person, key).await
    }

    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        self.org(OrgWrite::Tenant(tenant.clone())).await
    }

    async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, StoreError> {
        read::tenant_by_slug(&self.pool, slug).await
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        read::tenant(&self.pool, id).await
    }

    async fn put_station(&self, station: &Station) -> Result<(), StoreError> {
        self.org(OrgWrite::Station(station.clone())).await
    }

    async fn station(&self, tenant: TenantId, id: StationId) -> Result<Option<Station>, StoreError> {
        read::station(&self.pool, tenant, id).await
    }

    async fn put_team(&self, team: &Team) -> Result<(), StoreError> {
        self.org(OrgWrite::Team(team.clone())).await
    }

    async fn put_person(&self, person: &Person) -> Result<(), StoreError> {
        self.org(OrgWrite::Person(person.clone())).await
    }

    async fn person(&self, tenant: TenantId, id: PersonId) -> Result<Option<Person>, StoreError> {
        read::person(&self.pool, tenant, id).await
    }

    async fn people(&self, tenant: TenantId) -> Result<Vec<Person>, StoreError> {
        read::people(&self.pool, tenant).await
    }

    async fn put_token(&self, digest: &str, tenant: TenantId, person: PersonId) -> Result<(), StoreError> {
        self.org(OrgWrite::Token {
            digest: digest.to_string(),
            tenant,
            person,
        })
        .await
    }

    async fn person_by_token(&self, digest: &str) -> Result<Option<Person>, StoreError> {
        read::person_by_token(&self.pool, digest).await
    }
}
