//! What testing from outside found (issue 5), each proven through the HTTP API: a create
//! that skipped the head station, templates nobody had, the writer's health, and
//! idempotency records that lived for ever.

use crate::helpers::{after_sales_order, person, property_order, spawn_app};
use baoxiu_domain::{Role, Store, Template, Tenant, TenantId};
use chrono::Duration;
use serde_json::json;

#[tokio::test]
async fn r_a01_a_create_cannot_assign_an_after_sales_order_past_its_head_station() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    // Found from outside: 201 `assigned` with no station.
    let mut body = after_sales_order();
    body["technician_id"] = json!(app.org.sub_site_technician);
    let res = app.create_order(desk, &body).await;
    assert_eq!(
        (res.status, res.error_code()),
        (409, "not_dispatched"),
        "{:?}",
        res.body
    );

    body["station_id"] = json!(app.org.head_station);
    let res = app.create_order(desk, &body).await;
    assert_eq!(
        (res.status, res.error_code()),
        (403, "other_station"),
        "{:?}",
        res.body
    );
    assert_eq!(app.count_orders().await, 0, "a refused create writes nothing");

    body["technician_id"] = json!(app.technician_id(0));
    let res = app.create_order(desk, &body).await;
    assert_eq!((res.status, res.state()), (201, "assigned"), "{:?}", res.body);
    assert_eq!(res.body["station"]["id"], json!(app.org.head_station));
    let id = res.id();
    let kinds: Vec<_> = app.get_order(desk, &id).await.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"]["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["created", "dispatched", "assigned"]);
    // The head station's coordinator can act on it.
    app.ok(app.org.token("coordinator"), &id, "accept", json!({}))
        .await;
}

#[tokio::test]
async fn r_b04_a_customer_names_a_technician_on_property_but_not_on_after_sales() {
    let app = spawn_app().await;
    let customer = app.org.token("customer");
    let mut body = after_sales_order();
    body["technician_id"] = json!(app.technician_id(0));
    let res = app.create_order(customer, &body).await;
    assert_eq!(
        (res.status, res.error_code()),
        (403, "not_permitted"),
        "{:?}",
        res.body
    );
    let mut body = property_order();
    body["technician_id"] = json!(app.technician_id(0));
    let res = app.create_order(customer, &body).await;
    assert_eq!((res.status, res.state()), (201, "assigned"), "{:?}", res.body);
}

#[tokio::test]
async fn r_a16_a_coordinators_order_is_a_carry_in_order_of_their_station() {
    let app = spawn_app().await;
    let coordinator = app.org.token("coordinator");
    let mut body = after_sales_order();
    body["channel"] = json!("walk_in");
    let res = app.create_order(coordinator, &body).await;
    assert_eq!(res.status, 201, "{:?}", res.body);
    assert_eq!(res.body["service_mode"], json!("carry_in"));
    assert_eq!(res.body["station"]["id"], json!(app.org.head_station));
    body["service_mode"] = json!("on_site");
    let res = app.create_order(coordinator, &body).await;
    assert_eq!(
        (res.status, res.error_field()),
        (422, "service_mode"),
        "{:?}",
        res.body
    );
}

#[tokio::test]
async fn r_x08_an_organisation_creates_only_the_templates_it_offers() {
    let app = spawn_app().await;
    let tenant = TenantId(uuid::Uuid::now_v7());
    app.store
        .create_tenant(&Tenant {
            id: tenant,
            slug: "jinxiu".into(),
            name: "锦绣物业".into(),
            time_zone: "Asia/Shanghai".into(),
            templates: vec![Template::Property],
        })
        .await
        .unwrap();
    let (_, desk) = person(&app.store, tenant, "锦绣客服", Role::DeskAgent, None).await;
    for template in ["after_sales", "hotel", "utility", "equipment"] {
        let mut body = property_order();
        body["template"] = json!(template);
        let res = app.create_order(&desk, &body).await;
        assert_eq!((res.status, res.error_field()), (422, "template"), "{template}");
        let message = res.body["error"]["message"].as_str().unwrap();
        assert!(message.ends_with("it offers: property"), "{template}: {message}");
    }
    let res = app.create_order(&desk, &property_order()).await;
    assert_eq!(res.status, 201);
    // The first organisation offers both, and says so.
    let mut body = property_order();
    body["template"] = json!("factory");
    let res = app.create_order(app.org.token("desk"), &body).await;
    let message = res.body["error"]["message"].as_str().unwrap();
    assert!(
        message.ends_with("it offers: after_sales, property, utility, hotel, equipment"),
        "{message}"
    );
}

#[tokio::test]
async fn health_says_alive_and_ready_when_a_write_commits() {
    let app = spawn_app().await;
    let alive = app.send(app.client.get(format!("{}/healthz", app.base))).await;
    assert_eq!((alive.status, &alive.body["status"]), (200, &json!("alive")));
    let ready = app.send(app.client.get(format!("{}/readyz", app.base))).await;
    assert_eq!((ready.status, &ready.body["status"]), (200, &json!("ready")));
}

/// X07 with a lifetime: a retry inside 24 hours gets the first answer byte for byte; after
/// that the key is new, and the background sweep removes the old record.
#[tokio::test]
async fn r_x07_an_idempotency_key_answers_for_24_hours_then_expires() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let post = || async {
        let res = app
            .client
            .post(format!("{}/api/v1/orders", app.base))
            .bearer_auth(desk)
            .header("content-type", "application/json")
            .header("idempotency-key", "call-0042")
            .body(property_order().to_string())
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    };
    let first = post().await;
    assert_eq!(first.0, 201);
    app.advance(Duration::hours(23));
    assert_eq!(post().await, first, "the same bytes inside the window");
    assert_eq!(app.count_orders().await, 1);

    app.advance(Duration::hours(2));
    let after = post().await;
    assert_eq!(after.0, 201);
    assert_ne!(after.1, first.1, "a new order after the window");
    assert_eq!(app.count_orders().await, 2);
}

/// B22, C05: an outside firm's token reads the orders given to its firm and nothing else:
/// not another firm's, not the organisation's other orders; its list is only its own.
#[tokio::test]
async fn r_b22_a_vendors_token_never_reads_another_firms_or_the_organisations_other_orders() {
    use baoxiu_domain::{Station, StationId};
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let firm = |name: &str| Station {
        id: StationId(uuid::Uuid::now_v7()),
        tenant: app.org.tenant,
        name: name.into(),
        parent: None,
    };
    let (ours, theirs) = (firm("恒力机电维修中心"), firm("江城液压设备维修厂"));
    for f in [&ours, &theirs] {
        app.store.put_station(f).await.unwrap();
    }
    let (_, vendor) = person(
        &app.store,
        app.org.tenant,
        "外协钱军",
        Role::Vendor,
        Some(ours.id),
    )
    .await;
    let (_, other) = person(
        &app.store,
        app.org.tenant,
        "外协孔亮",
        Role::Vendor,
        Some(theirs.id),
    )
    .await;
    let given = app.create_order(desk, &property_order()).await.id();
    let kept = app.create_order(desk, &property_order()).await.id();
    app.ok(app.technician(0), &given, "claim", json!({})).await;
    let out = app
        .command(desk, &given, "outsource", json!({"vendor_id": ours.id.0}))
        .await;
    assert_eq!(out.status, 200, "{:?}", out.body);
    // The firm's own: read, listed alone.
    assert_eq!(app.get_order(&vendor, &given).await.status, 200);
    let listed = app.list(&vendor, "").await;
    let ids: Vec<_> = listed.body["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec![given.clone()]);
    // Not the organisation's other order, and nothing for another firm.
    assert_eq!(app.get_order(&vendor, &kept).await.status, 404);
    assert_eq!(app.get_order(&other, &given).await.status, 404);
    let theirs_listed = app.list(&other, "").await;
    assert_eq!(theirs_listed.body["orders"].as_array().unwrap().len(), 0);
    // Nor may it act on it.
    let later = crate::helpers::at(&app, Duration::hours(20));
    let refused = app
        .command(
            &other,
            &given,
            "commit",
            json!({"at": later, "reason": "约定明天上午"}),
        )
        .await;
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    let committed = app
        .command(
            &vendor,
            &given,
            "commit",
            json!({"at": later, "reason": "约定明天上午"}),
        )
        .await;
    assert_eq!(committed.status, 200, "{:?}", committed.body);
    // The organisation's lists of late orders are its own staff's, not an outside firm's.
    let late = app
        .send(
            app.client
                .get(format!("{}/api/v1/overdue", app.base))
                .bearer_auth(&vendor),
        )
        .await;
    assert_eq!(late.status, 403, "{:?}", late.body);
}
