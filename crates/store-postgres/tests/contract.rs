//! The shared storage scenarios (`crates/store-tests`) on a fresh PostgreSQL database each,
//! dropped after it. Skipped with a message where no server answers (see
//! [`ScratchDatabase`]).

use baoxiu_store_postgres::{PgStore, ScratchDatabase};
use baoxiu_store_tests as scenarios;

async fn fresh(label: &str) -> Option<(PgStore, ScratchDatabase)> {
    let db = ScratchDatabase::create(label).await?;
    let store = PgStore::open(db.url()).await.expect("open");
    Some((store, db))
}

macro_rules! scenario {
    ($($name:ident),+ $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let Some((store, _db)) = fresh(stringify!($name)).await else { return };
            scenarios::$name(store.clone()).await;
            store.close().await;
        }
    )+};
}

scenario!(
    written_orders_read_back_exactly,
    stale_writes_conflict_and_write_nothing,
    one_of_many_racing_writers_wins,
    idempotency_keys_have_one_effect,
    every_read_is_scoped_by_tenant,
    lists_filter_and_page,
    tokens_find_their_person,
    malformed_writes_are_refused_alone,
    idempotency_records_expire_after_their_lifetime,
    the_readiness_check_commits_a_write,
    tenants_keep_their_templates,
    accounts_are_found_by_login_or_phone,
    sessions_expire_and_disabling_ends_them,
    tokens_are_listed_and_revoked,
    r_x09_order_numbers_count_up_per_organisation_and_day,
    r_x02_timers_are_written_with_their_events_and_found_when_due,
    r_x01_overdue_orders_are_listed_by_clock_and_visibility,
    r_x03_notices_reach_the_inbox_and_the_outbox_with_their_event,
    r_x03_a_write_keeps_every_notice_and_timer_however_many,
    r_x01_channel_settings_and_calendar_years_are_kept_per_organisation,
    r_x09_search_finds_by_phone_tail_name_number_and_chinese_term,
    r_x06_lists_show_each_person_what_their_role_allows,
    approvals_wait_in_the_inbox_of_the_next_approver,
    the_register_keeps_entries_by_code_per_organisation,
    r_c12_plans_due_are_found_and_moved_on,
    r_c12_the_work_log_finds_orders_open_in_the_span,
    org_requests_are_decided_once_and_change_their_books_with_them,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_open_one_database_and_migrate_it_once() {
    let Some(db) = ScratchDatabase::create("two_servers").await else {
        return;
    };
    let (a, b) = tokio::join!(PgStore::open(db.url()), PgStore::open(db.url()));
    let (a, b) = (a.expect("the first opens"), b.expect("the second opens"));
    scenarios::tokens_find_their_person(a.clone()).await;
    use baoxiu_domain::Store;
    assert!(
        b.person_by_token("digest-1").await.unwrap().is_some(),
        "what one server wrote the other reads"
    );
    a.close().await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_work_is_taken_by_one_server_at_a_time() {
    let Some(db) = ScratchDatabase::create("leases").await else {
        return;
    };
    let a = PgStore::open(db.url()).await.expect("the first server");
    let b = PgStore::open(db.url()).await.expect("the second server");
    scenarios::background_work_is_taken_by_one_server_at_a_time(a.clone(), b.clone()).await;
    a.close().await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_moves_to_another_store() {
    let Some((from, _a)) = fresh("move_from").await else {
        return;
    };
    let Some((to, _b)) = fresh("move_to").await else {
        return;
    };
    scenarios::everything_moves_to_another_store(from.clone(), to.clone()).await;
    from.close().await;
    to.close().await;
}
