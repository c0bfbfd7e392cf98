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

baoxiu_store_tests::every_scenario!(scenario);

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
