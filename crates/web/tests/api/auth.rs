//! Bearer tokens and roles.

use crate::helpers::{after_sales_order, property_order, spawn_app};
use serde_json::json;

#[tokio::test]
async fn requests_without_a_valid_token_are_401() {
    let app = spawn_app().await;
    let none = app
        .send(app.client.get(format!("{}/api/v1/orders", app.base)))
        .await;
    assert_eq!((none.status, none.error_code()), (401, "unauthenticated"));
    let wrong = app.list("bx_not_a_token", "").await;
    assert_eq!(wrong.status, 401);
    let create = app.create_order("bx_not_a_token", &property_order()).await;
    assert_eq!(create.status, 401);
    assert_eq!(app.count_orders().await, 0);
}

#[tokio::test]
async fn roles_are_held_to_their_commands() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let id = app.create_order(desk, &after_sales_order()).await.id();
    let by_tech = app
        .command(
            app.technician(0),
            &id,
            "dispatch",
            json!({"station_id": app.org.head_station}),
        )
        .await;
    assert_eq!((by_tech.status, by_tech.error_code()), (403, "not_permitted"));
    let by_customer = app
        .command(app.org.token("customer"), &id, "archive", json!({}))
        .await;
    assert_eq!(by_customer.status, 403);
    let approver_creates = app
        .create_order(app.org.token("approver"), &property_order())
        .await;
    assert_eq!(approver_creates.status, 403);
    let customer_creates = app
        .create_order(app.org.token("customer"), &property_order())
        .await;
    assert_eq!(customer_creates.status, 201, "customers report faults themselves");
}

#[tokio::test]
async fn an_order_of_another_organisation_does_not_exist_for_you() {
    let app = spawn_app().await;
    let id = app
        .create_order(app.org.token("desk"), &property_order())
        .await
        .id();
    // A second organisation in the same database, with its own desk.
    let other = baoxiu_domain::TenantId(uuid::Uuid::now_v7());
    use baoxiu_domain::Store;
    app.store
        .create_tenant(&baoxiu_domain::Tenant {
            id: other,
            slug: "other".into(),
            name: "锦绣物业".into(),
            time_zone: "Asia/Shanghai".into(),
            templates: baoxiu_domain::Template::ALL.to_vec(),
        })
        .await
        .unwrap();
    let person = baoxiu_domain::Person {
        id: baoxiu_domain::PersonId(uuid::Uuid::now_v7()),
        tenant: other,
        name: "外单位客服".into(),
        role: baoxiu_domain::Role::DeskAgent,
        station: None,
        team: None,
        phone: None,
        email: None,
    };
    app.store.put_person(&person).await.unwrap();
    let token = baoxiu_web::issue_token(&app.store, &person, "test", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(app.get_order(&token, &id).await.status, 404);
    assert_eq!(app.command(&token, &id, "archive", json!({})).await.status, 404);
    assert_eq!(
        app.list(&token, "").await.body["orders"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn customers_see_only_the_orders_they_reported() {
    let app = spawn_app().await;
    let customer = app.org.token("customer");
    let theirs = app
        .create_order(app.org.token("desk"), &property_order())
        .await
        .id();
    let own = app.create_order(customer, &property_order()).await;
    assert_eq!(own.status, 201);
    assert!(
        own.body["verification_code"].is_string(),
        "a customer sees their own code"
    );

    assert_eq!(
        app.get_order(customer, &theirs).await.status,
        404,
        "someone else's order does not exist for them"
    );
    let listed = app.list(customer, "").await;
    let ids: Vec<_> = listed.body["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(own.id())]);
    assert_eq!(
        app.list(customer, "state=pool").await.body["orders"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let shown = app.get_order(customer, &own.id()).await;
    assert_eq!(shown.body["verification_code"], own.body["verification_code"]);
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = spawn_app().await;
    let lower = app
        .send(
            app.client
                .get(format!("{}/api/v1/orders", app.base))
                .header("authorization", format!("bearer {}", app.org.token("desk"))),
        )
        .await;
    assert_eq!(lower.status, 200);
}
