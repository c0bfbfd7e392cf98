//! The shared storage scenarios (`crates/store-tests`) on a fresh SQLite file each.

use baoxiu_store_sqlite::SqliteStore;
use baoxiu_store_tests as scenarios;

async fn fresh() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("contract.sqlite3"))
        .await
        .expect("open");
    (store, dir)
}

macro_rules! scenario {
    ($($name:ident),+ $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let (store, _dir) = fresh().await;
            scenarios::$name(store).await;
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

#[tokio::test]
async fn an_existing_file_reopens_with_its_data_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reopen.sqlite3");
    let store = SqliteStore::open(&path).await.unwrap();
    scenarios::tokens_find_their_person(store.clone()).await;
    store.close().await;
    drop(store);
    let again = SqliteStore::open(&path)
        .await
        .expect("reopen runs no migration twice");
    let people = {
        use baoxiu_domain::Store;
        let tenant = again.tenant_by_slug("nobody").await.unwrap();
        assert!(tenant.is_none());
        again.person_by_token("digest-1").await.unwrap()
    };
    assert!(people.is_some(), "the token written before the reopen is there");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_moves_to_another_store() {
    let (from, _a) = fresh().await;
    let (to, _b) = fresh().await;
    scenarios::everything_moves_to_another_store(from, to).await;
}
