//! X08: bad input gets a clear error naming the field; nothing is half-written.

use crate::helpers::{at, property_order, spawn_app};
use chrono::Duration;
use serde_json::json;

#[tokio::test]
async fn r_x08_malformed_bodies_are_400_and_write_nothing() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    for body in ["{\"template\": ", "not json", "[1, 2]", "\"text\"", "null"] {
        let res = app.post_raw(desk, "/api/v1/orders", body, None).await;
        assert_eq!(
            (res.status, res.error_code()),
            (400, "malformed"),
            "body {body}: {:?}",
            res.body
        );
        assert!(res.body["error"]["message"].is_string());
    }
    assert_eq!(app.count_orders().await, 0);
}

/// Spoils one field of a valid body.
type Spoil = Box<dyn Fn(&mut serde_json::Value)>;

#[tokio::test]
async fn r_x08_invalid_fields_are_422_naming_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let cases: Vec<(&str, Spoil)> = vec![
        (
            "customer",
            Box::new(|b| drop(b.as_object_mut().unwrap().remove("customer"))),
        ),
        (
            "customer.phone",
            Box::new(|b| b["customer"]["phone"] = json!("12345")),
        ),
        (
            "customer.name",
            Box::new(|b| b["customer"]["name"] = json!("   ")),
        ),
        (
            "customer.phone",
            Box::new(|b| b["customer"]["phone"] = json!(13912345678u64)),
        ),
        ("template", Box::new(|b| b["template"] = json!("garage"))),
        ("priority", Box::new(|b| b["priority"] = json!("whenever"))),
        ("description", Box::new(|b| b["description"] = json!(""))),
        (
            "location.address",
            Box::new(|b| drop(b["location"].as_object_mut().unwrap().remove("address"))),
        ),
        (
            "station_id",
            Box::new(|b| b["station_id"] = json!("00000000-0000-0000-0000-000000000000")),
        ),
        (
            "technician_id",
            Box::new(|b| b["technician_id"] = json!("not-a-uuid")),
        ),
        ("colour", Box::new(|b| b["colour"] = json!("red"))),
    ];
    for (field, spoil) in cases {
        let mut body = property_order();
        spoil(&mut body);
        let res = app.create_order(desk, &body).await;
        assert_eq!(res.status, 422, "{field}: {:?}", res.body);
        assert_eq!(res.error_field(), field, "{:?}", res.body);
        // An unknown template is refused as one the organisation does not offer.
        let code = if field == "template" {
            "template_not_offered"
        } else {
            "invalid"
        };
        assert_eq!(res.error_code(), code);
    }
    assert_eq!(app.count_orders().await, 0, "a refused create writes nothing");
}

#[tokio::test]
async fn r_x08_refused_commands_change_nothing() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let id = app.create_order(desk, &property_order()).await.id();
    let tech = app.technician(0);
    app.ok(tech, &id, "claim", json!({})).await;
    let before = app.get_order(desk, &id).await.body;
    let cases = [
        ("commit", json!({"at": "tomorrow"}), 422, "at"),
        ("commit", json!({"at": at(&app, -Duration::hours(1))}), 422, "at"),
        ("resolve", json!({"summary": "修好了"}), 409, ""),
        ("arrive", json!({"code": "12ab56"}), 422, "code"),
        ("request-parts", json!({"parts": []}), 422, "parts"),
        (
            "request-parts",
            json!({"parts": [{"code": "P1", "name": "阀门", "quantity": 0}]}),
            422,
            "parts[0].quantity",
        ),
        (
            "callback",
            json!({"reached": true, "satisfaction": 9}),
            422,
            "satisfaction",
        ),
        (
            "request-cancel",
            json!({"reason": "bored", "note": "x"}),
            422,
            "reason",
        ),
        ("claim", json!({}), 409, ""),
    ];
    for (command, body, status, field) in cases {
        let res = app.command(tech, &id, command, body.clone()).await;
        assert_eq!(res.status, status, "{command} {body}: {:?}", res.body);
        if !field.is_empty() {
            assert_eq!(res.error_field(), field, "{command}: {:?}", res.body);
        }
    }
    assert_eq!(app.get_order(desk, &id).await.body, before, "nothing changed");
}

#[tokio::test]
async fn r_a14_resolving_without_a_signature_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let created = app.create_order(desk, &property_order()).await;
    let (id, code) = (
        created.id(),
        created.body["verification_code"].as_str().unwrap().to_string(),
    );
    let tech = app.technician(0);
    app.ok(tech, &id, "claim", json!({})).await;
    app.ok(tech, &id, "arrive", json!({"code": code})).await;
    let res = app
        .command(tech, &id, "resolve", json!({"summary": "已修复"}))
        .await;
    assert_eq!(
        (res.status, res.error_code(), res.error_field()),
        (422, "signature_required", "signature")
    );
    let bad = app
        .command(
            tech,
            &id,
            "resolve",
            json!({"summary": "已修复", "signature": {"signer": "李", "image": "scribble"}}),
        )
        .await;
    assert_eq!((bad.status, bad.error_field()), (422, "signature.image"));
    assert_eq!(app.get_order(desk, &id).await.state(), "on_site");
}

#[tokio::test]
async fn unknown_orders_and_commands_are_404_or_400() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let missing = app.get_order(desk, "01a21b90-e5ef-7e27-a594-7752c76df75e").await;
    assert_eq!((missing.status, missing.error_code()), (404, "not_found"));
    let garbage = app.get_order(desk, "nope").await;
    assert_eq!(garbage.status, 404);
    let id = app.create_order(desk, &property_order()).await.id();
    let unknown = app.command(desk, &id, "teleport", json!({})).await;
    assert_eq!((unknown.status, unknown.error_code()), (404, "not_found"));
    assert!(
        unknown.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("claim")
    );
    let nowhere = app
        .send(
            app.client
                .get(format!("{}/api/v2/things", app.base))
                .bearer_auth(desk),
        )
        .await;
    assert_eq!((nowhere.status, nowhere.error_code()), (404, "not_found"));
    let wrong_method = app
        .send(
            app.client
                .delete(format!("{}/api/v1/orders", app.base))
                .bearer_auth(desk),
        )
        .await;
    assert_eq!(
        (wrong_method.status, wrong_method.error_code()),
        (405, "method_not_allowed")
    );
}

#[tokio::test]
async fn r_x08_an_oversized_body_is_413_and_writes_nothing() {
    let app = spawn_app().await;
    let mut body = property_order();
    body["description"] = json!("漏".repeat(1_000_000));
    let res = app.create_order(app.org.token("desk"), &body).await;
    assert_eq!((res.status, res.error_code()), (413, "too_large"));
    assert_eq!(app.count_orders().await, 0);
}
