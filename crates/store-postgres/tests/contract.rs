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

baoxiu_store_tests::every_scenario!(scenario);

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

/// Found in review: a write's statement reads with a snapshot taken before it waits for the
/// order's row; a reschedule holding the row that adds a timer and commits meanwhile must
/// not leave that timer behind once the write replaces the order's timers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_waiting_on_a_reschedule_removes_the_timers_it_added() {
    use baoxiu_domain::sla::{Due, Schedule};
    use baoxiu_domain::{Command, Store};
    use baoxiu_store_tests::fixtures::{Fixture, new_order};
    use sqlx::Connection;
    let Some((store, db)) = fresh("reschedule_race").await else {
        return;
    };
    let f = Fixture::new(&store).await;
    let due = |clock: &str, minutes| Due {
        clock: clock.into(),
        level: 1,
        at: f.later(minutes),
    };
    let (mut order, created) = f.create(new_order("楼道灯不亮"));
    let mut write = f.write(&order, 0, vec![created]);
    write.schedule = Some(Schedule {
        timers: vec![due("a", 5)],
        ..Schedule::default()
    });
    store.write(write).await.unwrap();

    // A reschedule, as it runs: the order's row held, a timer added, not yet committed.
    let mut reschedule = sqlx::PgConnection::connect(db.url()).await.unwrap();
    sqlx::query("BEGIN").execute(&mut reschedule).await.unwrap();
    sqlx::query("SELECT 1 FROM orders WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
        .bind(f.tenant.id.0)
        .bind(order.id.0)
        .execute(&mut reschedule)
        .await
        .unwrap();
    sqlx::query("INSERT INTO timers (tenant_id, order_id, clock, level, due_ms) VALUES ($1, $2, 'b', 1, $3)")
        .bind(f.tenant.id.0)
        .bind(order.id.0)
        .bind(f.later(6).timestamp_millis())
        .execute(&mut reschedule)
        .await
        .unwrap();

    // The claim's write starts (its statement's snapshot taken) and waits for the row.
    let claimed = order
        .execute(&f.technician.actor(), f.later(1), &Command::Claim)
        .unwrap();
    let mut write = f.write(&order, 1, claimed);
    write.schedule = Some(Schedule {
        timers: vec![due("a", 5)],
        ..Schedule::default()
    });
    let writer = tokio::spawn({
        let store = store.clone();
        async move { store.write(write).await }
    });
    let mut watch = sqlx::PgConnection::connect(db.url()).await.unwrap();
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut watch)
        .await
        .unwrap();
        if waiting > 0 {
            break;
        }
        tokio::task::yield_now().await;
    }
    sqlx::query("COMMIT").execute(&mut reschedule).await.unwrap();
    writer.await.unwrap().unwrap();

    let left: Vec<String> = store
        .due_timers(f.later(100), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.clock)
        .collect();
    assert_eq!(left, ["a"], "the write's schedule is the order's timers");
    store.close().await;
}
