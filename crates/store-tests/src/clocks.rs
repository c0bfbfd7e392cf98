//! The clocks' and notices' part of the contract (X02, X03): timers and deadlines are
//! replaced with the events that set them; due timers come earliest first across
//! organisations; notices land in the inbox or the outbox in the same transaction; the
//! outbox keeps each attempt and the dead letters.

use crate::fixtures::{Fixture, new_order};
use baoxiu_domain::sla::{ClockState, Deadline, Due, NotifyChannel, Schedule};
use baoxiu_domain::{Attempt, Command, DeliveryState, Notice, OverdueQuery, Store, Visibility};

fn schedule(f: &Fixture, due_minutes: &[(&str, u8, i64)]) -> Schedule {
    Schedule {
        timers: due_minutes
            .iter()
            .map(|(clock, level, m)| Due {
                clock: clock.to_string(),
                level: *level,
                at: f.later(*m),
            })
            .collect(),
        deadlines: due_minutes
            .iter()
            .filter(|(_, level, _)| *level == 1)
            .map(|(clock, _, m)| Deadline {
                clock: clock.to_string(),
                state: ClockState::Running,
                at: f.later(*m),
            })
            .collect(),
        problems: Vec::new(),
    }
}

fn notice(
    f: &Fixture,
    channel: NotifyChannel,
    person: Option<baoxiu_domain::PersonId>,
    order: baoxiu_domain::OrderId,
) -> Notice {
    Notice {
        id: uuid::Uuid::now_v7(),
        tenant: f.tenant.id,
        order: Some(order),
        channel,
        person,
        address: String::new(),
        kind: "escalated".into(),
        subject: "工单超时".into(),
        text: "抢单池无人接单".into(),
        link: format!("/orders/{order}"),
        created_at: f.start,
    }
}

/// Timers are written with their events, replaced by the next write, found when due
/// (earliest first, across organisations), and rescheduled only on the version they were
/// computed for.
pub async fn r_x02_timers_are_written_with_their_events_and_found_when_due<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let other = Fixture::new(&store).await;
    let (mut order, created) = f.create(new_order("楼道灯不亮"));
    let mut write = f.write(&order, 0, vec![created]);
    write.schedule = Some(schedule(
        &f,
        &[
            ("b02_unclaimed", 1, 5),
            ("b21_major", 1, 1440),
            ("b21_major", 2, 1560),
        ],
    ));
    store.write(write).await.unwrap();
    let (their, created) = other.create(new_order("电梯异响"));
    let mut write = other.write(&their, 0, vec![created]);
    write.schedule = Some(schedule(&other, &[("b02_unclaimed", 1, 3)]));
    store.write(write).await.unwrap();

    assert!(
        store.due_timers(f.later(2), 100).await.unwrap().is_empty(),
        "nothing due yet"
    );
    let due = store.due_timers(f.later(10), 100).await.unwrap();
    let seen: Vec<(baoxiu_domain::TenantId, &str)> =
        due.iter().map(|t| (t.tenant, t.clock.as_str())).collect();
    assert_eq!(
        seen,
        [(other.tenant.id, "b02_unclaimed"), (f.tenant.id, "b02_unclaimed")],
        "earliest first"
    );
    assert_eq!(
        store.due_timers(f.later(2000), 2).await.unwrap().len(),
        2,
        "the limit holds"
    );

    // The claim's write replaces the order's timers: the pool timer is gone.
    let claimed = order
        .execute(&f.technician.actor(), f.later(4), &Command::Claim)
        .unwrap();
    let mut write = f.write(&order, 1, claimed);
    write.schedule = Some(schedule(&f, &[("b21_major", 1, 1440), ("b21_major", 2, 1560)]));
    store.write(write).await.unwrap();
    let due = store.due_timers(f.later(10), 100).await.unwrap();
    assert_eq!(due.len(), 1, "only the other organisation's: {due:?}");

    // A refused write leaves the timers as they were.
    let mut stale = f.write(&order, 1, vec![]);
    stale.schedule = Some(Schedule::default());
    assert!(store.write(stale).await.is_err());
    assert_eq!(store.due_timers(f.later(1600), 100).await.unwrap().len(), 3);

    // Rescheduled on its version only.
    let moved = schedule(&f, &[("b21_major", 1, 2000)]);
    assert!(
        !store.reschedule(f.tenant.id, order.id, 1, &moved).await.unwrap(),
        "stale version"
    );
    assert!(store.reschedule(f.tenant.id, order.id, 2, &moved).await.unwrap());
    let due = store.due_timers(f.later(1600), 100).await.unwrap();
    assert_eq!(
        due.len(),
        1,
        "the order's timers moved past 1600 minutes: {due:?}"
    );
}

/// Deadlines passed are listed most late first, filtered by clock and by who may see them.
pub async fn r_x01_overdue_orders_are_listed_by_clock_and_visibility<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let mut ids = Vec::new();
    for (i, minutes) in [30i64, 10, 90].iter().enumerate() {
        let (order, created) = f.create_at(new_order(&format!("第{i}单")), f.later(i as i64));
        let mut write = f.write(&order, 0, vec![created]);
        write.schedule = Some(schedule(
            &f,
            &[("b02_unclaimed", 1, *minutes), ("b12_unfinished", 1, 1440)],
        ));
        store.write(write).await.unwrap();
        ids.push(order.id);
    }
    let query = |clock: Option<&str>| OverdueQuery {
        clock: clock.map(str::to_string),
        visibility: Visibility::All,
        limit: 50,
    };
    let late = store
        .overdue(f.tenant.id, &query(None), f.later(60))
        .await
        .unwrap();
    let order: Vec<_> = late.iter().map(|o| o.order.id).collect();
    assert_eq!(order, [ids[1], ids[0]], "most late first; not yet due left out");
    let late = store
        .overdue(f.tenant.id, &query(Some("b12_unfinished")), f.later(60))
        .await
        .unwrap();
    assert!(late.is_empty());
    let late = store
        .overdue(f.tenant.id, &query(Some("b12_unfinished")), f.later(1440))
        .await
        .unwrap();
    assert_eq!(late.len(), 3, "at the deadline it is listed");
    let customer = OverdueQuery {
        visibility: Visibility::ReportedBy(f.technician.id),
        ..query(None)
    };
    assert!(
        store
            .overdue(f.tenant.id, &customer, f.later(2000))
            .await
            .unwrap()
            .is_empty()
    );
    let foreign = Fixture::new(&store).await;
    assert!(
        store
            .overdue(foreign.tenant.id, &query(None), f.later(2000))
            .await
            .unwrap()
            .is_empty()
    );
}

/// Notices are written with their event: the inbox holds a person's at once, the outbox
/// keeps the rest pending; each attempt is recorded; a message given up can be replayed.
pub async fn r_x03_notices_reach_the_inbox_and_the_outbox_with_their_event<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let (order, created) = f.create(new_order("水管爆裂"));
    let inbox = notice(&f, NotifyChannel::Inbox, Some(f.desk.id), order.id);
    let hook = notice(&f, NotifyChannel::Webhook, None, order.id);
    let mut write = f.write(&order, 0, vec![created]);
    write.notices = vec![inbox.clone(), hook.clone()];
    store.write(write).await.unwrap();

    let items = store.inbox(f.tenant.id, f.desk.id, 10).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!((items[0].notice.id, items[0].read), (inbox.id, false));
    assert!(
        store
            .inbox(f.tenant.id, f.technician.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store
            .mark_read(f.tenant.id, f.technician.id, inbox.id, f.later(1))
            .await
            .unwrap(),
        "not theirs"
    );
    assert!(
        store
            .mark_read(f.tenant.id, f.desk.id, inbox.id, f.later(1))
            .await
            .unwrap()
    );
    assert!(store.inbox(f.tenant.id, f.desk.id, 10).await.unwrap()[0].read);

    let due = store.deliveries_due(f.later(0), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].notice.id, due[0].state, due[0].attempts),
        (hook.id, DeliveryState::Pending, 0)
    );
    let retry = Attempt::Retry {
        error: "the webhook answered 500".into(),
        at: f.later(1),
    };
    store.record_attempt(hook.id, f.later(0), &retry).await.unwrap();
    assert!(
        store.deliveries_due(f.later(0), 10).await.unwrap().is_empty(),
        "waits for its retry"
    );
    let due = store.deliveries_due(f.later(1), 10).await.unwrap();
    assert_eq!(
        (due[0].attempts, due[0].last_error.as_deref()),
        (1, Some("the webhook answered 500"))
    );
    store
        .record_attempt(
            hook.id,
            f.later(1),
            &Attempt::Dead {
                error: "still 500".into(),
            },
        )
        .await
        .unwrap();
    assert!(store.deliveries_due(f.later(100), 10).await.unwrap().is_empty());
    let dead = store.deliveries(f.tenant.id, true, 10).await.unwrap();
    assert_eq!((dead.len(), dead[0].state), (1, DeliveryState::Dead));
    // A late attempt (a server whose lease ran out) changes nothing once it is given up.
    store
        .record_attempt(hook.id, f.later(2), &Attempt::Delivered)
        .await
        .unwrap();
    let dead = store.deliveries(f.tenant.id, true, 10).await.unwrap();
    assert_eq!(
        (dead.len(), dead[0].state, dead[0].attempts),
        (1, DeliveryState::Dead, 2)
    );
    let foreign = Fixture::new(&store).await;
    assert!(
        !store
            .replay_delivery(foreign.tenant.id, hook.id, f.later(2))
            .await
            .unwrap(),
        "not theirs"
    );
    assert!(
        store
            .replay_delivery(f.tenant.id, hook.id, f.later(2))
            .await
            .unwrap()
    );
    assert!(
        !store
            .replay_delivery(f.tenant.id, hook.id, f.later(2))
            .await
            .unwrap(),
        "no longer dead"
    );
    store
        .record_attempt(hook.id, f.later(2), &Attempt::Delivered)
        .await
        .unwrap();
    let all = store.deliveries(f.tenant.id, false, 10).await.unwrap();
    assert_eq!(
        (all[0].state, all[0].delivered_at),
        (DeliveryState::Delivered, Some(f.later(2)))
    );
    assert!(store.deliveries(f.tenant.id, true, 10).await.unwrap().is_empty());
}

/// An organisation's channel settings and calendar years are its own.
pub async fn r_x01_channel_settings_and_calendar_years_are_kept_per_organisation<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let other = Fixture::new(&store).await;
    store
        .put_channel_settings(
            f.tenant.id,
            "webhook",
            Some("{\"url\":\"http://x\",\"secret\":\"s\"}"),
        )
        .await
        .unwrap();
    assert_eq!(store.channel_settings(f.tenant.id).await.unwrap().len(), 1);
    assert!(store.channel_settings(other.tenant.id).await.unwrap().is_empty());
    store
        .put_channel_settings(f.tenant.id, "webhook", None)
        .await
        .unwrap();
    assert!(store.channel_settings(f.tenant.id).await.unwrap().is_empty());
    store
        .put_calendar_year(f.tenant.id, 2027, "year = 2027")
        .await
        .unwrap();
    store
        .put_calendar_year(f.tenant.id, 2027, "year = 2027\n# again")
        .await
        .unwrap();
    assert_eq!(
        store.calendar_years(f.tenant.id).await.unwrap(),
        [(2027, "year = 2027\n# again".to_string())]
    );
    assert!(store.calendar_years(other.tenant.id).await.unwrap().is_empty());
    assert_eq!(store.working_week(f.tenant.id).await.unwrap(), None);
    store.put_working_week(f.tenant.id, "periods = []").await.unwrap();
    store
        .put_working_week(f.tenant.id, "weekdays = [1]")
        .await
        .unwrap();
    assert_eq!(
        store.working_week(f.tenant.id).await.unwrap().as_deref(),
        Some("weekdays = [1]")
    );
    assert_eq!(store.working_week(other.tenant.id).await.unwrap(), None);
}

/// However many notices and timers one write carries (an escalation told to every
/// supervisor of a large organisation), all of them are kept, in the same transaction.
pub async fn r_x03_a_write_keeps_every_notice_and_timer_however_many<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let (order, created) = f.create(new_order("整栋停水"));
    let mut write = f.write(&order, 0, vec![created]);
    write.notices = (0..150)
        .map(|_| notice(&f, NotifyChannel::Inbox, Some(f.desk.id), order.id))
        .chain((0..70).map(|_| notice(&f, NotifyChannel::Webhook, None, order.id)))
        .collect();
    let levels: Vec<(&str, u8, i64)> = (1..=130u8)
        .map(|level| ("b21_major", level, i64::from(level)))
        .collect();
    write.schedule = Some(schedule(&f, &levels));
    store.write(write).await.unwrap();

    assert_eq!(store.inbox(f.tenant.id, f.desk.id, 500).await.unwrap().len(), 150);
    assert_eq!(
        store.deliveries_due(f.later(1), 500).await.unwrap().len(),
        70,
        "every webhook notice waits in the outbox"
    );
    assert_eq!(store.due_timers(f.later(200), 500).await.unwrap().len(), 130);
}

/// For a backend several servers share (`a` and `b` are two servers' handles on one
/// database): timers and outbox messages taken at the same moment go to one server each;
/// what a server took is not offered again until its lease ends, unless the order's timers
/// are rewritten or an attempt is recorded, which frees it.
pub async fn background_work_is_taken_by_one_server_at_a_time<S: Store>(a: S, b: S) {
    let f = Fixture::new(&a).await;
    let mut orders = Vec::new();
    for i in 0..40 {
        let (order, created) = f.create(new_order(&format!("{i}号楼道灯不亮")));
        let mut write = f.write(&order, 0, vec![created]);
        write.schedule = Some(schedule(&f, &[("b02_unclaimed", 1, 1)]));
        write.notices = vec![notice(&f, NotifyChannel::Webhook, None, order.id)];
        a.write(write).await.unwrap();
        orders.push(order);
    }
    let ids = |due: &[baoxiu_domain::DueTimer]| due.iter().map(|t| t.order).collect::<Vec<_>>();

    let (x, y) = tokio::join!(
        a.take_due_timers(f.later(10), f.later(12), 100),
        b.take_due_timers(f.later(10), f.later(12), 100)
    );
    let (x, y) = (ids(&x.unwrap()), ids(&y.unwrap()));
    let mut all: Vec<_> = x.iter().chain(&y).copied().collect();
    all.sort();
    all.dedup();
    assert_eq!(
        x.len() + y.len(),
        40,
        "each timer taken once: {} + {}",
        x.len(),
        y.len()
    );
    assert_eq!(all.len(), 40, "by one server each");
    assert!(
        b.take_due_timers(f.later(11), f.later(13), 100)
            .await
            .unwrap()
            .is_empty(),
        "held until the lease ends"
    );
    // The server that took them stopped: once the lease ends the other takes them all.
    let again = a.take_due_timers(f.later(12), f.later(14), 100).await.unwrap();
    assert_eq!(again.len(), 40);
    // A rewrite of the order's timers frees its hold.
    let first = &orders[0];
    let claimed = first
        .clone()
        .execute(&f.technician.actor(), f.later(12), &Command::Claim)
        .unwrap();
    let mut moved = first.clone();
    moved
        .execute(&f.technician.actor(), f.later(12), &Command::Claim)
        .unwrap();
    let mut write = f.write(&moved, 1, claimed);
    write.schedule = Some(schedule(&f, &[("b21_major", 1, 5)]));
    b.write(write).await.unwrap();
    assert_eq!(
        ids(&b.take_due_timers(f.later(13), f.later(15), 100).await.unwrap()),
        [first.id],
        "only the rewritten order's timer is free"
    );

    // A server that could not decide an order's timers gives them back.
    let second = &orders[1];
    let held = b.take_due_timers(f.later(13), f.later(15), 100).await.unwrap();
    assert!(held.is_empty(), "all held: {held:?}");
    a.release_timers(f.tenant.id, second.id).await.unwrap();
    assert_eq!(
        ids(&b.take_due_timers(f.later(13), f.later(15), 100).await.unwrap()),
        [second.id],
        "given back, taken again at once"
    );

    let (x, y) = tokio::join!(
        a.take_deliveries(f.later(10), f.later(12), 100),
        b.take_deliveries(f.later(10), f.later(12), 100)
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    let mut all: Vec<_> = x.iter().chain(&y).map(|d| d.notice.id).collect();
    all.sort();
    all.dedup();
    assert_eq!(
        (x.len() + y.len(), all.len()),
        (40, 40),
        "each message goes out from one server"
    );
    assert!(
        b.take_deliveries(f.later(11), f.later(13), 100)
            .await
            .unwrap()
            .is_empty()
    );
    // An attempt recorded frees the message: its retry is due at its own time.
    let retried = x.first().or(y.first()).unwrap().notice.id;
    let retry = Attempt::Retry {
        error: "the webhook answered 502".into(),
        at: f.later(11),
    };
    a.record_attempt(retried, f.later(11), &retry).await.unwrap();
    let due = b.take_deliveries(f.later(11), f.later(13), 100).await.unwrap();
    assert_eq!(due.iter().map(|d| d.notice.id).collect::<Vec<_>>(), [retried]);
    assert_eq!(
        a.take_deliveries(f.later(12), f.later(14), 100)
            .await
            .unwrap()
            .len(),
        39
    );
}
