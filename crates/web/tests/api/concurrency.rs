//! Races: many claims of one order, many writers at once.

use crate::helpers::{TECHNICIANS, property_order, spawn_app};
use serde_json::json;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_b02_fifty_concurrent_claims_exactly_one_wins() {
    let app = Arc::new(spawn_app().await);
    let id = app
        .create_order(app.org.token("desk"), &property_order())
        .await
        .id();
    let mut claims = tokio::task::JoinSet::new();
    for i in 0..TECHNICIANS {
        let app = app.clone();
        let id = id.clone();
        claims.spawn(async move { (i, app.command(app.technician(i), &id, "claim", json!({})).await) });
    }
    let mut winners = Vec::new();
    let mut conflicts = 0;
    while let Some(joined) = claims.join_next().await {
        let (i, res) = joined.unwrap();
        match res.status {
            200 => winners.push(i),
            409 => {
                assert!(
                    matches!(res.error_code(), "already_claimed" | "version_conflict"),
                    "unexpected conflict {:?}",
                    res.body
                );
                conflicts += 1;
            }
            other => panic!("claim {i} answered {other}: {:?}", res.body),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one claim wins");
    assert_eq!(conflicts, TECHNICIANS - 1);
    let order = app.get_order(app.org.token("desk"), &id).await;
    assert_eq!(order.state(), "accepted");
    assert_eq!(
        order.body["assignee"]["id"],
        app.technician_id(winners[0]).to_string()
    );
    assert_eq!(order.body["version"], 2, "one claim event, no more");
    let history = order.body["history"].as_array().unwrap();
    assert_eq!(
        history.iter().filter(|r| r["event"]["type"] == "claimed").count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_by_many_clients_are_all_kept() {
    let app = Arc::new(spawn_app().await);
    let mut creates = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let app = app.clone();
        creates.spawn(async move { app.create_order(app.org.token("desk"), &property_order()).await });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(joined) = creates.join_next().await {
        let res = joined.unwrap();
        assert_eq!(res.status, 201, "{:?}", res.body);
        ids.insert(res.id());
    }
    assert_eq!(ids.len(), 100);
    assert_eq!(app.count_orders().await, 100);
}

#[tokio::test]
async fn if_match_with_a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let id = app.create_order(desk, &property_order()).await.id();
    let stale = app
        .send(
            app.client
                .post(format!("{}/api/v1/orders/{id}/claim", app.base))
                .bearer_auth(app.technician(0))
                .header("if-match", "7"),
        )
        .await;
    assert_eq!((stale.status, stale.error_code()), (409, "version_conflict"));
    assert_eq!(app.get_order(desk, &id).await.state(), "pool");
    let fresh = app
        .send(
            app.client
                .post(format!("{}/api/v1/orders/{id}/claim", app.base))
                .bearer_auth(app.technician(0))
                .header("if-match", "1"),
        )
        .await;
    assert_eq!(fresh.status, 200, "{:?}", fresh.body);
}
