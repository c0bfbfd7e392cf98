//! The storage contract as scenarios. Each function takes a fresh, empty store and panics
//! if the backend breaks the contract written on [`baoxiu_domain::Store`]. A backend's test
//! file calls every scenario (see `crates/store-sqlite/tests/contract.rs`, through
//! [`every_scenario!`]); PostgreSQL calls the same ones.

mod accounts;
mod archive;
mod clocks;
pub mod fixtures;
mod search;

pub use accounts::*;
pub use archive::*;
pub use clocks::*;
pub use search::*;

/// Calls `$each!` with the name of every scenario that takes one fresh store: each backend's
/// contract test runs them all from this one list, so none is left out of either.
#[macro_export]
macro_rules! every_scenario {
    ($each:ident) => {
        $each!(
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
    };
}

use baoxiu_domain::{
    Command, IdempotencyRecord, OrderQuery, State, Store, StoreError, StoredResponse, Tenant, TenantId,
    WriteOutcome,
};
use fixtures::{Fixture, new_order};

/// A written order reads back exactly, with its history in order.
pub async fn written_orders_read_back_exactly<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let (mut order, created) = f.create(new_order("卫生间漏水"));
    store
        .write(f.write(&order, 0, vec![created.clone()]))
        .await
        .unwrap();
    let claimed = order
        .execute(&f.technician.actor(), f.later(5), &Command::Claim)
        .unwrap();
    store.write(f.write(&order, 1, claimed.clone())).await.unwrap();

    let read = store
        .order(f.tenant.id, order.id)
        .await
        .unwrap()
        .expect("order exists");
    assert_eq!(read, order);
    let history = store.history(f.tenant.id, order.id).await.unwrap();
    assert_eq!(history, [vec![created], claimed].concat());
    assert_eq!(
        baoxiu_domain::WorkOrder::replay(f.tenant.id, &history).unwrap(),
        order
    );
}

/// A write on a stale version is refused and writes nothing; so is a create on a taken id.
pub async fn stale_writes_conflict_and_write_nothing<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let (mut order, created) = f.create(new_order("空调不制冷"));
    store
        .write(f.write(&order, 0, vec![created.clone()]))
        .await
        .unwrap();
    let again = store.write(f.write(&order, 0, vec![created])).await;
    assert_eq!(
        again,
        Err(StoreError::VersionConflict),
        "a second create of one id"
    );

    // Someone else writes version 2 first; a command decided on version 1 then conflicts.
    let mut rival = order.clone();
    let claimed = order
        .execute(&f.technician.actor(), f.later(1), &Command::Claim)
        .unwrap();
    store.write(f.write(&order, 1, claimed)).await.unwrap();
    let contact = Command::Contact {
        outcome: baoxiu_domain::ContactOutcome::Unreachable,
        note: None,
    };
    let late = rival.execute(&f.desk.actor(), f.later(2), &contact).unwrap();
    let stale = store.write(f.write(&rival, 1, late)).await;
    assert_eq!(stale, Err(StoreError::VersionConflict));
    assert_eq!(
        store.order(f.tenant.id, order.id).await.unwrap(),
        Some(order.clone())
    );
    assert_eq!(store.history(f.tenant.id, order.id).await.unwrap().len(), 2);
}

/// Of many writers who read the same version, exactly one commits.
pub async fn one_of_many_racing_writers_wins<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let (order, created) = f.create(new_order("电梯困人"));
    store.write(f.write(&order, 0, vec![created])).await.unwrap();
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (store, mut order) = (store.clone(), order.clone());
        let actor = f.technician.actor();
        let write = {
            let events = order.execute(&actor, f.later(1), &Command::Claim).unwrap();
            f.write(&order, 1, events)
        };
        racers.spawn(async move { store.write(write).await });
    }
    let mut won = 0;
    while let Some(result) = racers.join_next().await {
        match result.unwrap() {
            Ok(WriteOutcome::Committed) => won += 1,
            Err(StoreError::VersionConflict) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(store.history(f.tenant.id, order.id).await.unwrap().len(), 2);
}

/// An idempotency key replays its first response, refuses another request, writes once.
pub async fn idempotency_keys_have_one_effect<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let remember = |fingerprint: &str, body: &str| IdempotencyRecord {
        person: f.desk.id,
        key: "key-1".into(),
        fingerprint: fingerprint.into(),
        response: StoredResponse {
            status: 201,
            body: body.into(),
        },
        created_at: f.start,
    };
    let (order, created) = f.create(new_order("门锁损坏"));
    let mut write = f.write(&order, 0, vec![created]);
    write.idempotency = Some(remember("fp-a", "first"));
    assert_eq!(store.write(write).await, Ok(WriteOutcome::Committed));

    let (other, created) = f.create(new_order("门锁损坏"));
    let mut retry = f.write(&other, 0, vec![created.clone()]);
    retry.idempotency = Some(remember("fp-a", "second"));
    let first = StoredResponse {
        status: 201,
        body: "first".into(),
    };
    assert_eq!(
        store.write(retry).await,
        Ok(WriteOutcome::Replayed(first.clone()))
    );

    let mut reused = f.write(&other, 0, vec![created]);
    reused.idempotency = Some(remember("fp-b", "third"));
    assert_eq!(store.write(reused).await, Err(StoreError::IdempotencyKeyReused));

    assert_eq!(
        store.order(f.tenant.id, other.id).await.unwrap(),
        None,
        "retries wrote nothing"
    );
    let seen = store
        .idempotent_response(f.tenant.id, f.desk.id, "key-1", f.start)
        .await
        .unwrap();
    assert_eq!(seen, Some(("fp-a".to_string(), first)));
}

/// An idempotency record answers retries for its lifetime, then the key is free again and
/// the sweep removes the record.
pub async fn idempotency_records_expire_after_their_lifetime<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let lifetime = chrono::Duration::hours(baoxiu_domain::IDEMPOTENCY_LIFETIME_HOURS);
    let remember = |body: &str, at| IdempotencyRecord {
        person: f.desk.id,
        key: "key-old".into(),
        fingerprint: "fp".into(),
        response: StoredResponse {
            status: 201,
            body: body.into(),
        },
        created_at: at,
    };
    let (order, created) = f.create(new_order("水龙头滴水"));
    let mut write = f.write(&order, 0, vec![created]);
    write.idempotency = Some(remember("{\"first\": true}", f.start));
    store.write(write).await.unwrap();

    // A retry just inside the lifetime gets the first answer, byte for byte.
    let inside = f.start + lifetime - chrono::Duration::seconds(1);
    let (retry_order, created) = f.create_at(new_order("水龙头滴水"), inside);
    let mut retry = f.write(&retry_order, 0, vec![created]);
    retry.idempotency = Some(remember("{}", inside));
    assert_eq!(
        store.write(retry).await,
        Ok(WriteOutcome::Replayed(StoredResponse {
            status: 201,
            body: "{\"first\": true}".into()
        }))
    );
    assert!(
        store
            .idempotent_response(f.tenant.id, f.desk.id, "key-old", inside)
            .await
            .unwrap()
            .is_some()
    );

    // After it, the key is new: the lookup finds nothing and a write takes the key.
    let after = f.start + lifetime + chrono::Duration::seconds(1);
    assert_eq!(
        store
            .idempotent_response(f.tenant.id, f.desk.id, "key-old", after)
            .await
            .unwrap(),
        None
    );
    let (late_order, created) = f.create_at(new_order("水龙头滴水"), after);
    let mut late = f.write(&late_order, 0, vec![created]);
    late.idempotency = Some(remember("{\"second\": true}", after));
    assert_eq!(store.write(late).await, Ok(WriteOutcome::Committed));
    assert!(store.order(f.tenant.id, late_order.id).await.unwrap().is_some());

    // The sweep removes what is older than the horizon and keeps the rest.
    let (other, created) = f.create(new_order("灯不亮"));
    let mut old = f.write(&other, 0, vec![created]);
    old.idempotency = Some(IdempotencyRecord {
        key: "key-other".into(),
        ..remember("{}", f.start)
    });
    store.write(old).await.unwrap();
    let removed = store
        .expire_idempotency(baoxiu_domain::idempotency_horizon(after))
        .await
        .unwrap();
    assert_eq!(removed, 1, "only the record made at the start had expired");
    assert!(
        store
            .idempotent_response(f.tenant.id, f.desk.id, "key-old", after)
            .await
            .unwrap()
            .is_some(),
        "the renewed record stays"
    );
}

/// The readiness check commits through the write path.
pub async fn the_readiness_check_commits_a_write<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    assert_eq!(store.check_ready(f.start).await, Ok(()));
    assert_eq!(store.check_ready(f.later(1)).await, Ok(()));
}

/// An organisation keeps the list of templates it offers.
pub async fn tenants_keep_their_templates<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let read = store.tenant(f.tenant.id).await.unwrap().unwrap();
    assert_eq!(read.templates, vec![baoxiu_domain::Template::Property]);
    assert_eq!(read, f.tenant);
    let both = Tenant {
        id: TenantId(uuid::Uuid::now_v7()),
        slug: format!("both-{}", uuid::Uuid::now_v7().simple()),
        templates: baoxiu_domain::Template::ALL.to_vec(),
        ..f.tenant.clone()
    };
    store.create_tenant(&both).await.unwrap();
    assert_eq!(store.tenant_by_slug(&both.slug).await.unwrap(), Some(both));
}

/// Nothing of one organisation is visible from another.
pub async fn every_read_is_scoped_by_tenant<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let (order, created) = f.create(new_order("下水道堵塞"));
    store.write(f.write(&order, 0, vec![created])).await.unwrap();
    let stranger = Tenant {
        id: TenantId(uuid::Uuid::now_v7()),
        slug: "stranger".into(),
        name: "别家物业".into(),
        time_zone: "Asia/Shanghai".into(),
        templates: vec![baoxiu_domain::Template::Property],
    };
    store.create_tenant(&stranger).await.unwrap();
    assert_eq!(store.order(stranger.id, order.id).await.unwrap(), None);
    assert!(store.history(stranger.id, order.id).await.unwrap().is_empty());
    let page = store
        .list(
            stranger.id,
            &OrderQuery {
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(page.orders.is_empty());
    assert_eq!(store.person(stranger.id, f.desk.id).await.unwrap(), None);
    let same_slug = Tenant {
        id: TenantId(uuid::Uuid::now_v7()),
        ..stranger
    };
    let duplicate = store.create_tenant(&same_slug).await;
    assert!(
        matches!(duplicate, Err(StoreError::Duplicate(_))),
        "{duplicate:?}"
    );
}

/// Lists filter and page newest first without gaps or repeats.
pub async fn lists_filter_and_page<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let mut ids = Vec::new();
    for i in 0..9 {
        let (mut order, created) = f.create_at(new_order(&format!("灯不亮 {i} 号楼")), f.later(i));
        let mut events = vec![created];
        if i % 3 == 0 {
            events.extend(
                order
                    .execute(&f.technician.actor(), f.later(i), &Command::Claim)
                    .unwrap(),
            );
        }
        store.write(f.write(&order, 0, events)).await.unwrap();
        ids.push(order.id);
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut query = OrderQuery {
        limit: 4,
        ..Default::default()
    };
    loop {
        let page = store.list(f.tenant.id, &query).await.unwrap();
        seen.extend(page.orders.iter().map(|o| o.id));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    let accepted = OrderQuery {
        state: Some(State::Accepted),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(store.list(f.tenant.id, &accepted).await.unwrap().orders.len(), 3);
    let mine = OrderQuery {
        assignee: Some(f.technician.id),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(store.list(f.tenant.id, &mine).await.unwrap().orders.len(), 3);
    let text = OrderQuery {
        text: Some("4 号楼".into()),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(store.list(f.tenant.id, &text).await.unwrap().orders.len(), 1);
}

/// A token finds its person; an unknown digest finds nobody.
pub async fn tokens_find_their_person<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    store.put_token("digest-1", &f.token("早班客服")).await.unwrap();
    assert_eq!(
        store.person_by_token("digest-1").await.unwrap(),
        Some(f.desk.clone())
    );
    assert_eq!(store.person_by_token("digest-2").await.unwrap(), None);
    assert!(
        store.put_token("digest-1", &f.token("again")).await.is_err(),
        "digests are unique"
    );
}

/// A malformed write is refused whole, writes nothing, and does not disturb the good
/// writes around it.
pub async fn malformed_writes_are_refused_alone<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let mut writes = tokio::task::JoinSet::new();
    let mut good = Vec::new();
    for i in 0..20 {
        let (order, created) = f.create(new_order(&format!("空调漏水 {i}")));
        good.push(order.id);
        let store = store.clone();
        let write = f.write(&order, 0, vec![created]);
        writes.spawn(async move { store.write(write).await });
    }
    let (order, mut created) = f.create(new_order("坏的写入"));
    created.seq = 7;
    let gap = store.write(f.write(&order, 0, vec![created.clone()])).await;
    assert!(matches!(gap, Err(StoreError::Malformed(_))), "{gap:?}");
    let empty = store.write(f.write(&order, 0, vec![])).await;
    assert!(matches!(empty, Err(StoreError::Malformed(_))), "{empty:?}");
    let mut foreign = f.write(&order, 0, vec![created]);
    foreign.tenant = TenantId(uuid::Uuid::now_v7());
    assert!(matches!(
        store.write(foreign).await,
        Err(StoreError::Malformed(_))
    ));
    while let Some(result) = writes.join_next().await {
        assert_eq!(result.unwrap(), Ok(WriteOutcome::Committed));
    }
    assert_eq!(store.order(f.tenant.id, order.id).await.unwrap(), None);
    for id in good {
        assert!(store.order(f.tenant.id, id).await.unwrap().is_some());
    }
}

/// D03: an order whose approval waits for a role is in that role's inbox, and moves along
/// the chain with each decision; a decided approval is in nobody's.
pub async fn approvals_wait_in_the_inbox_of_the_next_approver<S: Store>(store: S) {
    use baoxiu_domain::{ApprovalKind, Event, PersonId, PersonRef, Role};
    let f = Fixture::new(&store).await;
    let (mut order, created) = f.create(new_order("停水审批 1208房"));
    let person = |role: Role| PersonRef {
        id: PersonId(uuid::Uuid::now_v7()),
        name: role.as_str().into(),
        role,
        station: None,
    };
    let asked = order.record(
        &f.technician.actor(),
        f.later(1),
        Event::ApprovalRequested {
            kind: ApprovalKind::ShutOffWater,
            chain: vec![Role::Approver, Role::Admin],
            note: "更换下水管需停水".into(),
        },
    );
    store
        .write(f.write(&order, 0, vec![created, asked]))
        .await
        .unwrap();
    let inbox = |role: Role| OrderQuery {
        approval_for: Some(role),
        limit: 50,
        ..Default::default()
    };
    let count = |page: baoxiu_domain::OrderPage| page.orders.len();
    assert_eq!(
        count(store.list(f.tenant.id, &inbox(Role::Approver)).await.unwrap()),
        1
    );
    assert_eq!(
        count(store.list(f.tenant.id, &inbox(Role::Admin)).await.unwrap()),
        0
    );
    let approver = baoxiu_domain::Actor {
        person: person(Role::Approver),
    };
    let approved = order.record(
        &approver,
        f.later(2),
        Event::ApprovalDecided {
            approve: true,
            reason: None,
        },
    );
    store.write(f.write(&order, 2, vec![approved])).await.unwrap();
    assert_eq!(
        count(store.list(f.tenant.id, &inbox(Role::Approver)).await.unwrap()),
        0
    );
    assert_eq!(
        count(store.list(f.tenant.id, &inbox(Role::Admin)).await.unwrap()),
        1
    );
    let admin = baoxiu_domain::Actor {
        person: person(Role::Admin),
    };
    let rejected = order.record(
        &admin,
        f.later(3),
        Event::ApprovalDecided {
            approve: false,
            reason: Some("会议进行中".into()),
        },
    );
    store.write(f.write(&order, 3, vec![rejected])).await.unwrap();
    assert_eq!(
        count(store.list(f.tenant.id, &inbox(Role::Admin)).await.unwrap()),
        0
    );
    let read = store.order(f.tenant.id, order.id).await.unwrap().unwrap();
    assert!(read.approvals[0].rejected());
}

/// The register: entries by code, unique in an organisation, read by code; another
/// organisation sees none of them.
pub async fn the_register_keeps_entries_by_code_per_organisation<S: Store>(store: S) {
    use baoxiu_domain::{AssetRecord, Location};
    let f = Fixture::new(&store).await;
    let at = |room: &str| Location::parse("一号厂房 注塑车间", None, Some("3号线"), Some(room)).unwrap();
    let machine =
        AssetRecord::parse(f.tenant.id, "ZS-03", "注塑机 3号", at("ZS-03"), Some("HTF-250")).unwrap();
    store.add_asset(&machine).await.unwrap();
    let again = AssetRecord::parse(f.tenant.id, "ZS-03", "另一台", at("ZS-03"), None).unwrap();
    assert!(matches!(
        store.add_asset(&again).await,
        Err(StoreError::Duplicate(_))
    ));
    let pump = AssetRecord::parse(f.tenant.id, "KY-75", "螺杆空压机", at("空压机房"), None).unwrap();
    store.add_asset(&pump).await.unwrap();
    let codes: Vec<_> = store
        .assets(f.tenant.id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.code)
        .collect();
    assert_eq!(codes, ["KY-75", "ZS-03"]);
    assert_eq!(store.asset(f.tenant.id, "ZS-03").await.unwrap(), Some(machine));
    assert_eq!(store.asset(f.tenant.id, "nope").await.unwrap(), None);
    let other = Fixture::new(&store).await;
    assert!(store.assets(other.tenant.id).await.unwrap().is_empty());
    assert_eq!(store.asset(other.tenant.id, "ZS-03").await.unwrap(), None);
}

/// C12: an entry's maintenance plans are kept with it; the plans due are found across every
/// organisation's register, and a plan moved on is no longer due. An entry that is not in
/// the register cannot be replaced.
pub async fn r_c12_plans_due_are_found_and_moved_on<S: Store>(store: S) {
    use baoxiu_domain::{AssetRecord, Customer, Location, PersonRef, Role};
    let f = Fixture::new(&store).await;
    let at = Location::parse("一号厂房 注塑车间", None, Some("3号线"), Some("ZS-03")).unwrap();
    let mut machine = AssetRecord::parse(f.tenant.id, "ZS-03", "注塑机 3号", at.clone(), None).unwrap();
    let supervisor = PersonRef {
        role: Role::Supervisor,
        ..f.desk.to_ref()
    };
    let contact = Customer::parse("注塑车间 刘班长", "13800002222").unwrap();
    machine
        .add_plan(
            baoxiu_domain::PlanSpec {
                what: "更换液压油",
                every_days: 30,
                first_due: f.later(60),
                contact,
                station: None,
            },
            &supervisor,
            f.later(0),
        )
        .unwrap();
    store.add_asset(&machine).await.unwrap();
    let idle = AssetRecord::parse(f.tenant.id, "KY-75", "螺杆空压机", at, None).unwrap();
    store.add_asset(&idle).await.unwrap();

    assert!(store.assets_due(f.later(59), 10).await.unwrap().is_empty());
    let due = store.assets_due(f.later(60), 10).await.unwrap();
    assert_eq!(due, vec![machine.clone()]);

    let stale = machine.clone();
    machine.advance(1, f.later(60), Some("20261128-0001".into()));
    store.put_asset(&machine).await.unwrap();
    assert!(store.assets_due(f.later(60), 10).await.unwrap().is_empty());
    let later = f.later(60) + chrono::Duration::days(30);
    assert_eq!(store.assets_due(later, 10).await.unwrap().len(), 1);
    let stored = store.asset(f.tenant.id, "ZS-03").await.unwrap().unwrap();
    assert_eq!(stored.version, machine.version + 1);
    assert_eq!(stored.plans, machine.plans);
    // A change made on the entry as it was before is refused: nothing is lost.
    assert!(matches!(
        store.put_asset(&stale).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.asset(f.tenant.id, "ZS-03").await.unwrap(), Some(stored));

    let stranger = AssetRecord::parse(
        f.tenant.id,
        "NO-1",
        "不在台账",
        Location::parse("x", None, None, None).unwrap(),
        None,
    )
    .unwrap();
    assert!(matches!(
        store.put_asset(&stranger).await,
        Err(StoreError::NotFound(_))
    ));
}

/// C12: the work log's candidates for a span: an order reported before it and still open
/// is one; an order reported after it is not.
pub async fn r_c12_the_work_log_finds_orders_open_in_the_span<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let (early, created) = f.create_at(new_order("早上报的灯不亮"), f.later(0));
    store.write(f.write(&early, 0, vec![created])).await.unwrap();
    let (late, created) = f.create_at(new_order("第二天报的漏水"), f.later(24 * 60 + 5));
    store.write(f.write(&late, 0, vec![created])).await.unwrap();
    let query = OrderQuery {
        active_between: Some((f.later(60), f.later(24 * 60))),
        limit: 50,
        ..Default::default()
    };
    let found: Vec<_> = store
        .list(f.tenant.id, &query)
        .await
        .unwrap()
        .orders
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(found, vec![early.id]);
}

/// A19, B24: a request is written once; each decision is written over the decisions it was
/// made on (a second decision made on the same ones conflicts and writes nothing); the
/// book a last approval changed is written with it, over the version it changed; the
/// approvals inbox finds a request by the role whose turn it is; another organisation sees
/// none of it.
pub async fn org_requests_are_decided_once_and_change_their_books_with_them<S: Store>(store: S) {
    use baoxiu_domain::{
        Book, Change, CoverageBook, OrgRequest, PersonRef, PriceItem, PriceList, RequestId, Role,
    };
    let f = Fixture::new(&store).await;
    let person = |role| PersonRef {
        role,
        id: baoxiu_domain::PersonId(uuid::Uuid::now_v7()),
        ..f.desk.to_ref()
    };
    let items = vec![PriceItem::parse(0, "BJ-01", "家政保洁", "次", baoxiu_domain::Fen(12000)).unwrap()];
    let request = OrgRequest::open(
        RequestId(uuid::Uuid::now_v7()),
        f.tenant.id,
        Change::PriceList { items },
        "2027版",
        &baoxiu_domain::Actor {
            person: person(Role::Supervisor),
        },
        vec![Role::Approver],
        f.later(0),
    )
    .unwrap();
    store.put_request(&request, None, None).await.unwrap();
    assert!(matches!(
        store.put_request(&request, None, None).await,
        Err(StoreError::Duplicate(_))
    ));
    let waiting = store
        .requests(f.tenant.id, Some(Role::Approver), 10)
        .await
        .unwrap();
    assert_eq!(waiting, vec![request.clone()]);
    assert!(
        store
            .requests(f.tenant.id, Some(Role::Supervisor), 10)
            .await
            .unwrap()
            .is_empty()
    );

    let (coverage, prices) = (CoverageBook::default(), PriceList::default());
    let mut first = request.clone();
    let book = first
        .decide(
            &baoxiu_domain::Actor {
                person: person(Role::Approver),
            },
            true,
            None,
            f.later(1),
            &coverage,
            &prices,
        )
        .unwrap();
    assert!(matches!(book, Some(Book::Prices(_))));
    let mut second = request.clone();
    let late = second
        .decide(
            &baoxiu_domain::Actor {
                person: person(Role::Approver),
            },
            true,
            None,
            f.later(1),
            &coverage,
            &prices,
        )
        .unwrap();
    store.put_request(&first, Some(0), book.as_ref()).await.unwrap();
    assert!(matches!(
        store.put_request(&second, Some(0), late.as_ref()).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.request(f.tenant.id, request.id).await.unwrap(), Some(first));
    let list = store.price_list(f.tenant.id).await.unwrap();
    assert_eq!((list.version, list.items.len()), (1, 1));
    assert!(
        store
            .requests(f.tenant.id, Some(Role::Approver), 10)
            .await
            .unwrap()
            .is_empty()
    );

    // A book changed from a version that is no longer the latest is refused with its
    // request: nothing of either is written.
    let other = OrgRequest::open(
        RequestId(uuid::Uuid::now_v7()),
        f.tenant.id,
        Change::PriceList {
            items: list.items.clone(),
        },
        "重复",
        &baoxiu_domain::Actor {
            person: person(Role::Supervisor),
        },
        vec![Role::Approver],
        f.later(2),
    )
    .unwrap();
    store.put_request(&other, None, None).await.unwrap();
    let mut decided = other.clone();
    let stale = decided
        .decide(
            &baoxiu_domain::Actor {
                person: person(Role::Approver),
            },
            true,
            None,
            f.later(3),
            &coverage,
            &prices,
        )
        .unwrap();
    assert!(matches!(
        store.put_request(&decided, Some(0), stale.as_ref()).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.request(f.tenant.id, other.id).await.unwrap(), Some(other));

    let stranger = Fixture::new(&store).await;
    assert!(
        store
            .requests(stranger.tenant.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.request(stranger.tenant.id, request.id).await.unwrap(), None);
    assert!(!store.price_list(stranger.tenant.id).await.unwrap().in_force());
}
