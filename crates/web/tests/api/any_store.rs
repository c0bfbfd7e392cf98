//! The API suite on either backend: `BAOXIU_TEST_BACKEND=postgres` runs it on a fresh
//! PostgreSQL database per test (see `ScratchDatabase`), anything else on a fresh SQLite
//! file. The store the server runs on is one of the two, passed through as it is.

use baoxiu_domain::archive::{Part, Record, RecordPage};
use baoxiu_domain::sla::Schedule;
use baoxiu_domain::*;
use baoxiu_store_postgres::PgStore;
use baoxiu_store_sqlite::SqliteStore;

#[derive(Clone)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl AnyStore {
    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(s) => s.close().await,
            AnyStore::Postgres(s) => s.close().await,
        }
    }
}

impl Store for AnyStore {
    async fn write(&self, write: Write) -> Result<WriteOutcome, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.write(write).await,
            AnyStore::Postgres(s) => s.write(write).await,
        }
    }

    async fn order(&self, tenant: TenantId, id: OrderId) -> Result<Option<WorkOrder>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.order(tenant, id).await,
            AnyStore::Postgres(s) => s.order(tenant, id).await,
        }
    }

    async fn history(&self, tenant: TenantId, id: OrderId) -> Result<Vec<EventRecord>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.history(tenant, id).await,
            AnyStore::Postgres(s) => s.history(tenant, id).await,
        }
    }

    async fn list(&self, tenant: TenantId, query: &OrderQuery) -> Result<OrderPage, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.list(tenant, query).await,
            AnyStore::Postgres(s) => s.list(tenant, query).await,
        }
    }

    async fn idempotent_response(
        &self,
        tenant: TenantId,
        person: PersonId,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<(String, StoredResponse)>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.idempotent_response(tenant, person, key, now).await,
            AnyStore::Postgres(s) => s.idempotent_response(tenant, person, key, now).await,
        }
    }

    async fn expire_idempotency(&self, before: Timestamp) -> Result<u64, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.expire_idempotency(before).await,
            AnyStore::Postgres(s) => s.expire_idempotency(before).await,
        }
    }

    async fn check_ready(&self, now: Timestamp) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.check_ready(now).await,
            AnyStore::Postgres(s) => s.check_ready(now).await,
        }
    }

    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.create_tenant(tenant).await,
            AnyStore::Postgres(s) => s.create_tenant(tenant).await,
        }
    }

    async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.tenant_by_slug(slug).await,
            AnyStore::Postgres(s) => s.tenant_by_slug(slug).await,
        }
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.tenant(id).await,
            AnyStore::Postgres(s) => s.tenant(id).await,
        }
    }

    async fn put_station(&self, station: &Station) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_station(station).await,
            AnyStore::Postgres(s) => s.put_station(station).await,
        }
    }

    async fn station(&self, tenant: TenantId, id: StationId) -> Result<Option<Station>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.station(tenant, id).await,
            AnyStore::Postgres(s) => s.station(tenant, id).await,
        }
    }

    async fn put_team(&self, team: &Team) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_team(team).await,
            AnyStore::Postgres(s) => s.put_team(team).await,
        }
    }

    async fn add_asset(&self, asset: &AssetRecord) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.add_asset(asset).await,
            AnyStore::Postgres(s) => s.add_asset(asset).await,
        }
    }

    async fn stats(&self, now: Timestamp) -> Result<StoreStats, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.stats(now).await,
            AnyStore::Postgres(s) => s.stats(now).await,
        }
    }

    async fn put_request(
        &self,
        request: &OrgRequest,
        decided: Option<usize>,
        book: Option<&Book>,
    ) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_request(request, decided, book).await,
            AnyStore::Postgres(s) => s.put_request(request, decided, book).await,
        }
    }

    async fn request(&self, tenant: TenantId, id: RequestId) -> Result<Option<OrgRequest>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.request(tenant, id).await,
            AnyStore::Postgres(s) => s.request(tenant, id).await,
        }
    }

    async fn requests(
        &self,
        tenant: TenantId,
        next: Option<Role>,
        limit: u32,
    ) -> Result<Vec<OrgRequest>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.requests(tenant, next, limit).await,
            AnyStore::Postgres(s) => s.requests(tenant, next, limit).await,
        }
    }

    async fn coverage(&self, tenant: TenantId) -> Result<CoverageBook, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.coverage(tenant).await,
            AnyStore::Postgres(s) => s.coverage(tenant).await,
        }
    }

    async fn price_list(&self, tenant: TenantId) -> Result<PriceList, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.price_list(tenant).await,
            AnyStore::Postgres(s) => s.price_list(tenant).await,
        }
    }

    async fn put_asset(&self, asset: &AssetRecord) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_asset(asset).await,
            AnyStore::Postgres(s) => s.put_asset(asset).await,
        }
    }

    async fn assets_due(&self, now: Timestamp, limit: u32) -> Result<Vec<AssetRecord>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.assets_due(now, limit).await,
            AnyStore::Postgres(s) => s.assets_due(now, limit).await,
        }
    }

    async fn assets(&self, tenant: TenantId) -> Result<Vec<AssetRecord>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.assets(tenant).await,
            AnyStore::Postgres(s) => s.assets(tenant).await,
        }
    }

    async fn asset(&self, tenant: TenantId, code: &str) -> Result<Option<AssetRecord>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.asset(tenant, code).await,
            AnyStore::Postgres(s) => s.asset(tenant, code).await,
        }
    }

    async fn put_person(&self, person: &Person) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_person(person).await,
            AnyStore::Postgres(s) => s.put_person(person).await,
        }
    }

    async fn person(&self, tenant: TenantId, id: PersonId) -> Result<Option<Person>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.person(tenant, id).await,
            AnyStore::Postgres(s) => s.person(tenant, id).await,
        }
    }

    async fn people(&self, tenant: TenantId) -> Result<Vec<Person>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.people(tenant).await,
            AnyStore::Postgres(s) => s.people(tenant).await,
        }
    }

    async fn stations(&self, tenant: TenantId) -> Result<Vec<Station>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.stations(tenant).await,
            AnyStore::Postgres(s) => s.stations(tenant).await,
        }
    }

    async fn put_token(&self, digest: &str, token: &ApiToken) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_token(digest, token).await,
            AnyStore::Postgres(s) => s.put_token(digest, token).await,
        }
    }

    async fn person_by_token(&self, digest: &str) -> Result<Option<Person>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.person_by_token(digest).await,
            AnyStore::Postgres(s) => s.person_by_token(digest).await,
        }
    }

    async fn tokens(&self, tenant: TenantId) -> Result<Vec<ApiToken>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.tokens(tenant).await,
            AnyStore::Postgres(s) => s.tokens(tenant).await,
        }
    }

    async fn revoke_token(&self, tenant: TenantId, id: &str, at: Timestamp) -> Result<bool, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.revoke_token(tenant, id, at).await,
            AnyStore::Postgres(s) => s.revoke_token(tenant, id, at).await,
        }
    }

    async fn put_account(&self, account: &Account) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_account(account).await,
            AnyStore::Postgres(s) => s.put_account(account).await,
        }
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<Account>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.account_by_login(login).await,
            AnyStore::Postgres(s) => s.account_by_login(login).await,
        }
    }

    async fn account(&self, tenant: TenantId, person: PersonId) -> Result<Option<Account>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.account(tenant, person).await,
            AnyStore::Postgres(s) => s.account(tenant, person).await,
        }
    }

    async fn accounts(&self, tenant: TenantId) -> Result<Vec<Account>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.accounts(tenant).await,
            AnyStore::Postgres(s) => s.accounts(tenant).await,
        }
    }

    async fn disable_account(
        &self,
        tenant: TenantId,
        person: PersonId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.disable_account(tenant, person, at).await,
            AnyStore::Postgres(s) => s.disable_account(tenant, person, at).await,
        }
    }

    async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_session(session).await,
            AnyStore::Postgres(s) => s.put_session(session).await,
        }
    }

    async fn session(&self, digest: &str, now: Timestamp) -> Result<Option<Session>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.session(digest, now).await,
            AnyStore::Postgres(s) => s.session(digest, now).await,
        }
    }

    async fn delete_session(&self, digest: &str) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.delete_session(digest).await,
            AnyStore::Postgres(s) => s.delete_session(digest).await,
        }
    }

    async fn reserve_order_number(
        &self,
        tenant: TenantId,
        day: chrono::NaiveDate,
    ) -> Result<OrderNumber, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.reserve_order_number(tenant, day).await,
            AnyStore::Postgres(s) => s.reserve_order_number(tenant, day).await,
        }
    }

    async fn put_upload(&self, tenant: TenantId, upload: &Upload, bytes: &[u8]) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_upload(tenant, upload, bytes).await,
            AnyStore::Postgres(s) => s.put_upload(tenant, upload, bytes).await,
        }
    }

    async fn upload(&self, tenant: TenantId, id: AttachmentId) -> Result<Option<Upload>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.upload(tenant, id).await,
            AnyStore::Postgres(s) => s.upload(tenant, id).await,
        }
    }

    async fn file(&self, tenant: TenantId, id: AttachmentId) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.file(tenant, id).await,
            AnyStore::Postgres(s) => s.file(tenant, id).await,
        }
    }

    async fn count_by_state(
        &self,
        tenant: TenantId,
        query: &OrderQuery,
    ) -> Result<Option<Vec<(State, u64)>>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.count_by_state(tenant, query).await,
            AnyStore::Postgres(s) => s.count_by_state(tenant, query).await,
        }
    }

    async fn due_timers(&self, now: Timestamp, limit: u32) -> Result<Vec<DueTimer>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.due_timers(now, limit).await,
            AnyStore::Postgres(s) => s.due_timers(now, limit).await,
        }
    }

    async fn take_due_timers(
        &self,
        now: Timestamp,
        until: Timestamp,
        limit: u32,
    ) -> Result<Vec<DueTimer>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.take_due_timers(now, until, limit).await,
            AnyStore::Postgres(s) => s.take_due_timers(now, until, limit).await,
        }
    }

    async fn release_timers(&self, tenant: TenantId, order: OrderId) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.release_timers(tenant, order).await,
            AnyStore::Postgres(s) => s.release_timers(tenant, order).await,
        }
    }

    async fn reschedule(
        &self,
        tenant: TenantId,
        order: OrderId,
        version: u64,
        schedule: &Schedule,
    ) -> Result<bool, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.reschedule(tenant, order, version, schedule).await,
            AnyStore::Postgres(s) => s.reschedule(tenant, order, version, schedule).await,
        }
    }

    async fn overdue(
        &self,
        tenant: TenantId,
        query: &OverdueQuery,
        now: Timestamp,
    ) -> Result<Vec<Overdue>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.overdue(tenant, query, now).await,
            AnyStore::Postgres(s) => s.overdue(tenant, query, now).await,
        }
    }

    async fn inbox(
        &self,
        tenant: TenantId,
        person: PersonId,
        limit: u32,
    ) -> Result<Vec<InboxItem>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.inbox(tenant, person, limit).await,
            AnyStore::Postgres(s) => s.inbox(tenant, person, limit).await,
        }
    }

    async fn mark_read(
        &self,
        tenant: TenantId,
        person: PersonId,
        notice: uuid::Uuid,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.mark_read(tenant, person, notice, at).await,
            AnyStore::Postgres(s) => s.mark_read(tenant, person, notice, at).await,
        }
    }

    async fn deliveries_due(&self, now: Timestamp, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.deliveries_due(now, limit).await,
            AnyStore::Postgres(s) => s.deliveries_due(now, limit).await,
        }
    }

    async fn take_deliveries(
        &self,
        now: Timestamp,
        until: Timestamp,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.take_deliveries(now, until, limit).await,
            AnyStore::Postgres(s) => s.take_deliveries(now, until, limit).await,
        }
    }

    async fn record_attempt(
        &self,
        notice: uuid::Uuid,
        at: Timestamp,
        attempt: &Attempt,
    ) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.record_attempt(notice, at, attempt).await,
            AnyStore::Postgres(s) => s.record_attempt(notice, at, attempt).await,
        }
    }

    async fn deliveries(
        &self,
        tenant: TenantId,
        dead: bool,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.deliveries(tenant, dead, limit).await,
            AnyStore::Postgres(s) => s.deliveries(tenant, dead, limit).await,
        }
    }

    async fn replay_delivery(
        &self,
        tenant: TenantId,
        notice: uuid::Uuid,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.replay_delivery(tenant, notice, at).await,
            AnyStore::Postgres(s) => s.replay_delivery(tenant, notice, at).await,
        }
    }

    async fn channel_settings(&self, tenant: TenantId) -> Result<Vec<(String, String)>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.channel_settings(tenant).await,
            AnyStore::Postgres(s) => s.channel_settings(tenant).await,
        }
    }

    async fn put_channel_settings(
        &self,
        tenant: TenantId,
        channel: &str,
        settings: Option<&str>,
    ) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_channel_settings(tenant, channel, settings).await,
            AnyStore::Postgres(s) => s.put_channel_settings(tenant, channel, settings).await,
        }
    }

    async fn working_week(&self, tenant: TenantId) -> Result<Option<String>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.working_week(tenant).await,
            AnyStore::Postgres(s) => s.working_week(tenant).await,
        }
    }

    async fn put_working_week(&self, tenant: TenantId, text: &str) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_working_week(tenant, text).await,
            AnyStore::Postgres(s) => s.put_working_week(tenant, text).await,
        }
    }

    async fn calendar_years(&self, tenant: TenantId) -> Result<Vec<(i32, String)>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.calendar_years(tenant).await,
            AnyStore::Postgres(s) => s.calendar_years(tenant).await,
        }
    }

    async fn put_calendar_year(&self, tenant: TenantId, year: i32, text: &str) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.put_calendar_year(tenant, year, text).await,
            AnyStore::Postgres(s) => s.put_calendar_year(tenant, year, text).await,
        }
    }

    async fn export(&self, part: Part, after: Option<&str>, limit: u32) -> Result<RecordPage, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.export(part, after, limit).await,
            AnyStore::Postgres(s) => s.export(part, after, limit).await,
        }
    }

    async fn import(&self, records: Vec<Record>) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.import(records).await,
            AnyStore::Postgres(s) => s.import(records).await,
        }
    }
}
