//! Moving a store's whole contents to another (`baoxiu migrate-store`).

use crate::fixtures::{Fixture, new_order};
use baoxiu_domain::archive::{Part, Record};
use baoxiu_domain::{
    Account, Attachment, AttachmentId, ImageType, Login, Session, Station, StationId, Store, Team, TeamId,
    Upload,
};
use uuid::Uuid;

/// Everything `store` holds, part by part, in pages of `limit`.
pub async fn everything<S: Store>(store: &S, limit: u32) -> Vec<(Part, Vec<Record>)> {
    let mut out = Vec::new();
    for part in Part::ALL {
        let mut records = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = store.export(part, after.as_deref(), limit).await.unwrap();
            records.extend(page.records);
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        out.push((part, records));
    }
    out
}

/// A store filled by several scenarios (orders with histories, timers and deadlines,
/// notices in the inbox and the outbox with their attempts, tokens revoked and not,
/// sessions, accounts, idempotency records, the register, requests and books, channel
/// settings and calendars) and a station, a team and a photo, exported in small pages,
/// imported into an empty store (of another backend, perhaps) and exported again: the same
/// records. Then the moved store serves: an order moved carries on.
pub async fn everything_moves_to_another_store<A: Store, B: Store>(from: A, to: B) {
    crate::r_x02_timers_are_written_with_their_events_and_found_when_due(from.clone()).await;
    crate::r_x03_notices_reach_the_inbox_and_the_outbox_with_their_event(from.clone()).await;
    crate::tokens_are_listed_and_revoked(from.clone()).await;
    crate::sessions_expire_and_disabling_ends_them(from.clone()).await;
    crate::idempotency_keys_have_one_effect(from.clone()).await;
    crate::the_register_keeps_entries_by_code_per_organisation(from.clone()).await;
    crate::org_requests_are_decided_once_and_change_their_books_with_them(from.clone()).await;
    crate::r_x01_channel_settings_and_calendar_years_are_kept_per_organisation(from.clone()).await;
    let f = Fixture::new(&from).await;
    let station = Station {
        id: StationId(Uuid::now_v7()),
        tenant: f.tenant.id,
        name: "东区服务站".into(),
        parent: None,
    };
    from.put_station(&station).await.unwrap();
    from.put_team(&Team {
        id: TeamId(Uuid::now_v7()),
        tenant: f.tenant.id,
        station: Some(station.id),
        name: "水电班".into(),
    })
    .await
    .unwrap();
    from.put_account(&Account {
        tenant: f.tenant.id,
        person: f.desk.id,
        login: Login::parse("login", "wang.fang").unwrap(),
        phone: Some("13800001111".into()),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        disabled: false,
    })
    .await
    .unwrap();
    from.put_session(&Session {
        digest: "d".repeat(64),
        tenant: f.tenant.id,
        person: f.desk.id,
        csrf: "c".repeat(32),
        created_at: f.start,
        expires_at: f.later(600),
    })
    .await
    .unwrap();
    let photo = b"\x89PNG\r\n\x1a\n not really a picture, but bytes all the same".to_vec();
    let upload = Upload {
        attachment: Attachment {
            id: AttachmentId(Uuid::now_v7()),
            image: ImageType::Png,
            bytes: photo.len() as u64,
            width: 1,
            height: 1,
            sha256: "0".repeat(64),
            name: Some("漏水.png".into()),
        },
        by: f.desk.id,
        at: f.start,
    };
    from.put_upload(f.tenant.id, &upload, &photo).await.unwrap();
    let (order, created) = f.create(new_order("移过去之后还能接单"));
    from.write(f.write(&order, 0, vec![created])).await.unwrap();

    let before = everything(&from, 3).await;
    for (part, records) in &before {
        to.import(records.clone())
            .await
            .unwrap_or_else(|e| panic!("{} cannot be imported: {e}", part.as_str()));
    }
    let after = everything(&to, 1000).await;
    for ((part, had), (_, has)) in before.iter().zip(&after) {
        assert!(!had.is_empty(), "the fill left no {}", part.as_str());
        assert_eq!(had, has, "{} moved unchanged", part.as_str());
    }
    assert_eq!(
        to.file(f.tenant.id, upload.attachment.id).await.unwrap(),
        Some(photo)
    );

    // The moved store serves: the order carries on from its version, found by search.
    let mut moved = to.order(f.tenant.id, order.id).await.unwrap().unwrap();
    let claimed = moved
        .execute(&f.technician.actor(), f.later(1), &baoxiu_domain::Command::Claim)
        .unwrap();
    to.write(f.write(&moved, 1, claimed)).await.unwrap();
    let found = to
        .list(
            f.tenant.id,
            &baoxiu_domain::OrderQuery {
                text: Some("接单".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.orders.iter().map(|o| o.id).collect::<Vec<_>>(), [order.id]);
}
