//! `baoxiu migrate-store` on real databases: an SQLite file filled by the store scenarios
//! goes to a fresh PostgreSQL database and comes back to a new file, the same record for
//! record; a move onto a database that holds the organisation already is refused and moves
//! nothing; `--tenant` moves one organisation.

use baoxiu_domain::Store;
use baoxiu_store_postgres::{PgStore, ScratchDatabase};
use baoxiu_store_sqlite::SqliteStore;
use baoxiu_store_tests as scenarios;
use std::process::Command;

const BAOXIU: &str = env!("CARGO_BIN_EXE_baoxiu");

fn migrate(args: &[&str]) -> std::process::Output {
    Command::new(BAOXIU)
        .arg("migrate-store")
        .args(args)
        .arg("--quiet")
        .output()
        .expect("baoxiu migrate-store runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sqlite_file_moves_to_postgresql_and_back_unchanged() {
    let Some(pg) = ScratchDatabase::create("migrate_store").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (first, back) = (dir.path().join("first.sqlite3"), dir.path().join("back.sqlite3"));
    let store = SqliteStore::open(&first).await.unwrap();
    scenarios::r_x03_notices_reach_the_inbox_and_the_outbox_with_their_event(store.clone()).await;
    scenarios::tokens_are_listed_and_revoked(store.clone()).await;
    scenarios::org_requests_are_decided_once_and_change_their_books_with_them(store.clone()).await;
    scenarios::r_c12_the_work_log_finds_orders_open_in_the_span(store.clone()).await;
    // Two organisations with settings and calendars, people with the same name: each
    // backend must list them in the same order for the move's check.
    scenarios::r_x01_channel_settings_and_calendar_years_are_kept_per_organisation(store.clone()).await;
    scenarios::r_x01_channel_settings_and_calendar_years_are_kept_per_organisation(store.clone()).await;
    scenarios::r_x06_lists_show_each_person_what_their_role_allows(store.clone()).await;
    let before = scenarios::everything(&store, 1000).await;
    let tenants: Vec<_> = store
        .export(baoxiu_domain::archive::Part::Tenants, None, 100)
        .await
        .unwrap()
        .records;
    store.close().await;
    drop(store);

    let out = migrate(&["--from", first.to_str().unwrap(), "--to", pg.url()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("every record the same in both"), "{said}");
    let out = migrate(&["--from", pg.url(), "--to", back.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let returned = SqliteStore::open(&back).await.unwrap();
    assert_eq!(
        scenarios::everything(&returned, 7).await,
        before,
        "the same records came back"
    );
    returned.close().await;

    // Onto a database holding the organisations already: refused, nothing written twice.
    let out = migrate(&["--from", first.to_str().unwrap(), "--to", pg.url()]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--to") && said.contains("nothing was moved"),
        "{said}"
    );
    let moved = PgStore::open(pg.url()).await.unwrap();
    assert_eq!(scenarios::everything(&moved, 1000).await, before);

    // One organisation: only its records.
    let baoxiu_domain::archive::Record::Tenant(one) = &tenants[0] else {
        panic!("a tenant")
    };
    let single = dir.path().join("one.sqlite3");
    let out = migrate(&[
        "--from",
        pg.url(),
        "--to",
        single.to_str().unwrap(),
        "--tenant",
        &one.slug,
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let alone = SqliteStore::open(&single).await.unwrap();
    let records = scenarios::everything(&alone, 1000).await;
    assert!(records.iter().flat_map(|(_, r)| r).all(|r| r.tenant() == one.id));
    assert_eq!(alone.tenant(one.id).await.unwrap().as_ref(), Some(one));
    assert!(records.iter().flat_map(|(_, r)| r).count() > 1);
    alone.close().await;
    moved.close().await;
}

/// Found in review: photos kept in a folder of their own (the server's `--files`) were not
/// found, and the move failed after writing everything else. Now the photos are read before
/// anything is written, and `--from-files` names their folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_kept_elsewhere_are_found_or_nothing_is_moved() {
    use baoxiu_domain::{Attachment, AttachmentId, ImageType, Upload};
    let Some(pg) = ScratchDatabase::create("migrate_photos").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (db, photos) = (dir.path().join("photos.sqlite3"), dir.path().join("elsewhere"));
    let store = SqliteStore::open_with_files(&db, photos.clone()).await.unwrap();
    let f = scenarios::fixtures::Fixture::new(&store).await;
    let bytes = b"\x89PNG\r\n\x1a\n a photo of the leak".to_vec();
    let upload = Upload {
        attachment: Attachment {
            id: AttachmentId(uuid::Uuid::now_v7()),
            image: ImageType::Png,
            bytes: bytes.len() as u64,
            width: 1,
            height: 1,
            sha256: "0".repeat(64),
            name: None,
        },
        by: f.desk.id,
        at: f.start,
    };
    store.put_upload(f.tenant.id, &upload, &bytes).await.unwrap();
    store.close().await;
    drop(store);

    let out = migrate(&["--from", db.to_str().unwrap(), "--to", pg.url()]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--from-files") && said.contains("nothing was moved"),
        "{said}"
    );
    let target = PgStore::open(pg.url()).await.unwrap();
    assert_eq!(
        target.tenant(f.tenant.id).await.unwrap(),
        None,
        "nothing was written"
    );

    let out = migrate(&[
        "--from",
        db.to_str().unwrap(),
        "--from-files",
        photos.to_str().unwrap(),
        "--to",
        pg.url(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        target.file(f.tenant.id, upload.attachment.id).await.unwrap(),
        Some(bytes)
    );
    target.close().await;
}
