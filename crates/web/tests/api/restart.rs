//! Durability: a restarted server on the same file has everything that was acknowledged.

use crate::helpers::{after_sales_order, property_order, spawn_app};
use serde_json::json;

#[tokio::test]
async fn every_acknowledged_order_and_event_survives_a_restart() {
    let app = spawn_app().await;
    let desk = app.org.token("desk").to_string();
    let mut ids = Vec::new();
    for i in 0..30 {
        let body = if i % 2 == 0 {
            property_order()
        } else {
            after_sales_order()
        };
        let res = app.create_order(&desk, &body).await;
        assert_eq!(res.status, 201);
        ids.push(res.id());
    }
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let res = app.command(app.technician(i), id, "claim", json!({})).await;
        assert_eq!(res.status, 200);
    }
    let mut before = Vec::new();
    for id in &ids {
        before.push(app.get_order(&desk, id).await.body);
    }

    let app = app.restart().await;
    for (id, expected) in ids.iter().zip(&before) {
        let after = app.get_order(&desk, id).await;
        assert_eq!(after.status, 200);
        assert_eq!(&after.body, expected, "order {id} differs after restart");
    }
    assert_eq!(app.count_orders().await, 30);
    // And the restarted server keeps working on the same file.
    let more = app.command(app.technician(1), &ids[1], "claim", json!({})).await;
    assert_eq!(
        (more.status, more.error_code()),
        (409, "invalid_transition"),
        "after-sales orders are not pooled"
    );
    let next = app.create_order(&desk, &property_order()).await;
    assert_eq!(next.status, 201);
}
