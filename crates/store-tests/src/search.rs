//! Finding orders: numbers (X09), search, data scope (X06) and the counts per state.

use crate::fixtures::{Fixture, new_order};
use baoxiu_domain::{
    Command, Customer, OrderNumber, OrderQuery, Person, PersonId, Role, State, Station, StationId,
    StationRef, Store, Visibility, WorkOrder,
};
use chrono::NaiveDate;
use uuid::Uuid;

/// Numbers go up by one per organisation and day, starting at 1, and carry on where the
/// file left off.
pub async fn r_x09_order_numbers_count_up_per_organisation_and_day<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let other = Fixture::new(&store).await;
    let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let next = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let n1 = store.reserve_order_number(f.tenant.id, day).await.unwrap();
    let n2 = store.reserve_order_number(f.tenant.id, day).await.unwrap();
    assert_eq!((n1.as_str(), n2.as_str()), ("20261127-0001", "20261127-0002"));
    assert_eq!(
        store
            .reserve_order_number(other.tenant.id, day)
            .await
            .unwrap()
            .as_str(),
        "20261127-0001"
    );
    assert_eq!(
        store
            .reserve_order_number(f.tenant.id, next)
            .await
            .unwrap()
            .as_str(),
        "20261128-0001"
    );
    // A number written by an order is never given again.
    let mut new = new_order("厨房下水道堵塞");
    new.number = Some(OrderNumber::new(next, 41));
    let (order, created) = f.create(new);
    store.write(f.write(&order, 0, vec![created])).await.unwrap();
    let fresh = next.succ_opt().unwrap();
    let mut later = new_order("阳台漏水");
    later.number = Some(OrderNumber::new(fresh, 7));
    let (order, created) = f.create(later);
    store.write(f.write(&order, 0, vec![created])).await.unwrap();
    assert_eq!(
        store
            .reserve_order_number(f.tenant.id, fresh)
            .await
            .unwrap()
            .as_str(),
        "20261129-0008"
    );
    // Two orders cannot share a number.
    let mut twin = new_order("阳台漏水");
    twin.number = Some(OrderNumber::new(fresh, 7));
    let (order, created) = f.create(twin);
    assert!(store.write(f.write(&order, 0, vec![created])).await.is_err());
}

/// The desk finds a caller's orders by full phone, its last four digits, the name, the
/// order number or a two-character Chinese term; a term that matches nothing finds nothing.
pub async fn r_x09_search_finds_by_phone_tail_name_number_and_chinese_term<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let stranger = Fixture::new(&store).await;
    let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let cases = [
        ("卫生间漏水，楼下天花板有水渍", "李秀英", "13912345678"),
        ("空调不制冷", "王建国", "13800005678"),
        ("厨房水龙头漏水", "张伟", "010-62340042"),
        ("电梯困人", "李秀英", "13700001111"),
    ];
    let mut ids = Vec::new();
    for (i, (description, name, phone)) in cases.into_iter().enumerate() {
        let mut new = new_order(description);
        new.customer = Customer::parse(name, phone).unwrap();
        new.number = Some(OrderNumber::new(day, i as u32 + 1));
        let (order, created) = f.create_at(new, f.later(i as i64));
        store.write(f.write(&order, 0, vec![created])).await.unwrap();
        ids.push(order.id);
    }
    // The same words in another organisation are not found.
    let (order, created) = stranger.create(new_order("卫生间漏水"));
    store
        .write(stranger.write(&order, 0, vec![created]))
        .await
        .unwrap();

    let find = |text: &str| {
        let store = store.clone();
        let query = OrderQuery {
            text: Some(text.into()),
            limit: 50,
            ..OrderQuery::default()
        };
        let tenant = f.tenant.id;
        async move {
            let page = store.list(tenant, &query).await.unwrap();
            page.orders.iter().map(|o| o.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(find("13912345678").await, [ids[0]], "full phone");
    assert_eq!(
        find("5678").await,
        [ids[1], ids[0]],
        "last four digits, newest first"
    );
    assert_eq!(find("0042").await, [ids[2]], "a landline's last four");
    assert_eq!(find("李秀英").await, [ids[3], ids[0]], "name");
    assert_eq!(find("20261127-0002").await, [ids[1]], "order number");
    assert_eq!(
        find("2026 1127-0002").await,
        [ids[1]],
        "order number typed with a space"
    );
    assert_eq!(find("漏水").await, [ids[2], ids[0]], "two Chinese characters");
    assert_eq!(
        find("水漏").await,
        Vec::<baoxiu_domain::OrderId>::new(),
        "only side by side"
    );
    assert_eq!(find("李秀英 电梯").await, [ids[3]], "all parts must match");
    assert!(find("暖气片").await.is_empty());
    assert!(find("!!").await.is_empty(), "nothing searchable finds nothing");

    // Paging through a search.
    let mut query = OrderQuery {
        text: Some("漏水".into()),
        limit: 1,
        ..OrderQuery::default()
    };
    let first = store.list(f.tenant.id, &query).await.unwrap();
    assert_eq!(first.orders[0].id, ids[2]);
    query.after = first.next;
    let second = store.list(f.tenant.id, &query).await.unwrap();
    assert_eq!(second.orders.iter().map(|o| o.id).collect::<Vec<_>>(), [ids[0]]);
    assert_eq!(second.next, None);

    // A machine's code with four digits of its own (车床 CK-6150) is found by its code.
    let mut new = new_order("数控车床主轴异响");
    new.asset = Some(baoxiu_domain::Asset::parse("CK-6150", None, None).unwrap());
    let (lathe, created) = f.create_at(new, f.later(10));
    store.write(f.write(&lathe, 0, vec![created])).await.unwrap();
    assert_eq!(find("CK-6150").await, [lathe.id], "a code with four digits");
}

/// Lists show each person exactly the orders [`Visibility::allows`] them, and the counts
/// per state agree with the lists.
pub async fn r_x06_lists_show_each_person_what_their_role_allows<S: Store>(store: S) {
    let f = Fixture::new(&store).await;
    let station = |name: &str, parent: Option<StationId>| Station {
        id: StationId(Uuid::now_v7()),
        tenant: f.tenant.id,
        name: name.into(),
        parent,
    };
    let head = station("海淀总站", None);
    let sub = station("上地分点", Some(head.id));
    let other = station("朝阳总站", None);
    let firm = station("恒力机电维修中心", None);
    for s in [&head, &sub, &other, &firm] {
        store.put_station(s).await.unwrap();
    }
    let person = |name: &str, role, station: Option<&Station>| Person {
        id: PersonId(Uuid::now_v7()),
        tenant: f.tenant.id,
        name: name.into(),
        role,
        station: station.map(|s| s.id),
        team: None,
        phone: None,
        email: None,
    };
    let people = [
        person("总站协调员", Role::Coordinator, Some(&head)),
        person("分点协调员", Role::Coordinator, Some(&sub)),
        person("朝阳协调员", Role::Coordinator, Some(&other)),
        person("总站师傅", Role::Technician, Some(&head)),
        person("分点师傅", Role::Technician, Some(&sub)),
        person("业主", Role::Customer, None),
        f.desk.clone(),
        person("外协师傅", Role::Vendor, Some(&firm)),
        person("无单位外协", Role::Vendor, None),
    ];
    for p in &people {
        store.put_person(p).await.unwrap();
    }
    // Orders at every kind of place: the pool of no station, each station's pool, each
    // station's assigned work, and one the customer reported.
    let at = |s: &Station| s.to_ref();
    let places: Vec<(Option<StationRef>, Option<usize>, &Person)> = vec![
        (None, None, &f.desk),
        (Some(at(&head)), None, &f.desk),
        (Some(at(&sub)), None, &f.desk),
        (Some(at(&other)), None, &f.desk),
        (Some(at(&head)), Some(3), &f.desk),
        (Some(at(&sub)), Some(4), &f.desk),
        (None, None, &people[5]),
    ];
    let mut orders: Vec<WorkOrder> = Vec::new();
    for (i, (station, assignee, by)) in places.into_iter().enumerate() {
        let mut new = new_order(&format!("第{i}单"));
        new.station = station;
        let (mut order, created) = f.create_by(new, by, f.later(i as i64));
        let mut events = vec![created];
        if let Some(tech) = assignee {
            events.extend(
                order
                    .execute(&people[tech].actor(), f.later(i as i64), &Command::Claim)
                    .unwrap(),
            );
        }
        // B22: one job goes to the outside firm.
        if i == 4 {
            let outsource = Command::Outsource {
                vendor: firm.to_ref(),
            };
            events.extend(
                order
                    .execute(&f.desk.actor(), f.later(i as i64), &outsource)
                    .unwrap(),
            );
        }
        store.write(f.write(&order, 0, events)).await.unwrap();
        orders.push(order);
    }
    for p in &people {
        let visibility = Visibility::of(p);
        let expected: Vec<_> = orders
            .iter()
            .rev()
            .filter(|o| visibility.allows(o))
            .map(|o| o.id)
            .collect();
        let query = OrderQuery {
            visibility: visibility.clone(),
            limit: 50,
            ..OrderQuery::default()
        };
        let listed: Vec<_> = store
            .list(f.tenant.id, &query)
            .await
            .unwrap()
            .orders
            .iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(listed, expected, "{} sees what the domain allows", p.name);
        let counts = store.count_by_state(f.tenant.id, &query).await.unwrap().unwrap();
        let counted: u64 = counts.iter().map(|(_, n)| n).sum();
        assert_eq!(counted, expected.len() as u64, "{}'s counts", p.name);
        let pooled = orders
            .iter()
            .filter(|o| visibility.allows(o) && o.state == State::Pool)
            .count() as u64;
        let pool_count = counts
            .iter()
            .find(|(s, _)| *s == State::Pool)
            .map_or(0, |(_, n)| *n);
        assert_eq!(pool_count, pooled, "{}'s pool count", p.name);
    }
    let text = OrderQuery {
        text: Some("第".into()),
        ..OrderQuery::default()
    };
    assert_eq!(store.count_by_state(f.tenant.id, &text).await.unwrap(), None);
}
