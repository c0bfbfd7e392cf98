//! B01/B03: arrival needs the customer's code; wrong codes are counted and limited.

use crate::helpers::{property_order, spawn_app};
use serde_json::json;

#[tokio::test]
async fn r_b01_arrival_needs_the_code_and_wrong_codes_are_limited() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let created = app.create_order(desk, &property_order()).await;
    let id = created.id();
    let code = created.body["verification_code"].as_str().unwrap().to_string();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let tech = app.technician(0);
    app.ok(tech, &id, "claim", json!({})).await;

    let missing = app.command(tech, &id, "arrive", json!({})).await;
    assert_eq!(
        (missing.status, missing.error_code(), missing.error_field()),
        (422, "code_required", "code")
    );
    for left in (0..5).rev() {
        let res = app.command(tech, &id, "arrive", json!({"code": wrong})).await;
        assert_eq!(
            (res.status, res.error_code()),
            (422, "wrong_code"),
            "{:?}",
            res.body
        );
        let shown = app.get_order(desk, &id).await;
        assert_eq!(shown.body["code_attempts_left"], left, "the attempt was counted");
        assert_eq!(shown.state(), "accepted");
    }
    let locked = app.command(tech, &id, "arrive", json!({"code": code})).await;
    assert_eq!(
        (locked.status, locked.error_code()),
        (409, "code_locked"),
        "even the right code is refused"
    );
    let history = app.get_order(desk, &id).await.body["history"].clone();
    let rejected = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["event"]["type"] == "code_rejected")
        .count();
    assert_eq!(rejected, 5);
}

#[tokio::test]
async fn r_b03_without_a_code_the_desk_verifies_the_arrival_by_phone() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let id = app.create_order(desk, &property_order()).await.id();
    app.ok(app.technician(0), &id, "claim", json!({})).await;
    let no_note = app.command(desk, &id, "arrive", json!({})).await;
    assert_eq!((no_note.status, no_note.error_field()), (422, "desk_note"));
    let verified = app
        .command(
            desk,
            &id,
            "arrive",
            json!({"desk_note": "业主短信未收到，来电核实身份证后四位"}),
        )
        .await;
    assert_eq!(
        (verified.status, verified.state()),
        (200, "on_site"),
        "{:?}",
        verified.body
    );
    let history = app.get_order(desk, &id).await.body["history"].clone();
    assert_eq!(history[2]["event"]["check"]["by"], "desk");
}

#[tokio::test]
async fn r_b01_a_wrong_code_retried_with_its_key_is_counted_once() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let created = app.create_order(desk, &property_order()).await;
    let id = created.id();
    let code = created.body["verification_code"].as_str().unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let tech = app.technician(0);
    app.ok(tech, &id, "claim", json!({})).await;
    let path = format!("/api/v1/orders/{id}/arrive");
    let body = json!({"code": wrong}).to_string();
    let first = app.post_raw(tech, &path, &body, Some("arrive-1")).await;
    assert_eq!((first.status, first.error_code()), (422, "wrong_code"));
    for _ in 0..3 {
        let again = app.post_raw(tech, &path, &body, Some("arrive-1")).await;
        assert_eq!((again.status, &again.body), (422, &first.body));
    }
    assert_eq!(
        app.get_order(desk, &id).await.body["code_attempts_left"],
        4,
        "one attempt, not four"
    );
}

#[tokio::test]
async fn r_b01_technicians_never_see_the_customers_code() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let created = app.create_order(desk, &property_order()).await;
    let (id, code) = (
        created.id(),
        created.body["verification_code"].as_str().unwrap().to_string(),
    );
    let tech = app.technician(0);
    let claimed = app.ok(tech, &id, "claim", json!({})).await;
    let seen_by_tech = [
        claimed.body.to_string(),
        app.get_order(tech, &id).await.body.to_string(),
        app.list(tech, "").await.body.to_string(),
        app.list(tech, "state=pool").await.body.to_string(),
    ];
    for text in &seen_by_tech {
        assert!(
            !text.contains(&format!("\"{code}\"")),
            "the code leaked to a technician: {text}"
        );
    }
    let seen_by_desk = app.get_order(desk, &id).await.body;
    assert_eq!(seen_by_desk["verification_code"], code);
    assert_eq!(
        seen_by_desk["history"][0]["event"]["code"], code,
        "the desk may read it out (B03)"
    );
}
