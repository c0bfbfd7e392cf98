//! X07: a create or a command repeated with the same Idempotency-Key has one effect.

use crate::helpers::{property_order, spawn_app};
use serde_json::json;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_x07_one_create_retried_twenty_times_at_once_makes_one_order() {
    let app = Arc::new(spawn_app().await);
    let body = property_order().to_string();
    let mut retries = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let app = app.clone();
        let body = body.clone();
        retries.spawn(async move {
            app.post_raw(
                app.org.token("desk"),
                "/api/v1/orders",
                &body,
                Some("call-20261102-0001"),
            )
            .await
        });
    }
    let mut answers = Vec::new();
    while let Some(joined) = retries.join_next().await {
        answers.push(joined.unwrap());
    }
    assert!(
        answers.iter().all(|r| r.status == 201),
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let first = &answers[0].body;
    assert!(
        answers.iter().all(|r| &r.body == first),
        "every retry gets the first response"
    );
    assert_eq!(app.count_orders().await, 1);
}

#[tokio::test]
async fn r_x07_the_same_key_with_another_body_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let first = app
        .post_raw(desk, "/api/v1/orders", &property_order().to_string(), Some("k-1"))
        .await;
    assert_eq!(first.status, 201);
    let mut other = property_order();
    other["description"] = json!("厨房水龙头滴水");
    let reused = app
        .post_raw(desk, "/api/v1/orders", &other.to_string(), Some("k-1"))
        .await;
    assert_eq!(
        (reused.status, reused.error_code()),
        (422, "idempotency_key_reused")
    );
    assert_eq!(reused.error_field(), "Idempotency-Key");
    assert_eq!(app.count_orders().await, 1);
}

#[tokio::test]
async fn r_x07_a_repeated_command_has_one_effect() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let id = app.create_order(desk, &property_order()).await.id();
    let path = format!("/api/v1/orders/{id}/contact");
    let body = json!({"outcome": "unreachable", "note": "无人接听"}).to_string();
    let first = app.post_raw(desk, &path, &body, Some("contact-1")).await;
    let again = app.post_raw(desk, &path, &body, Some("contact-1")).await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    assert_eq!(first.body, again.body);
    let order = app.get_order(desk, &id).await;
    assert_eq!(order.body["contacts"].as_array().unwrap().len(), 1);
    assert_eq!(order.body["version"], 2);
}

#[tokio::test]
async fn keys_belong_to_the_person_who_used_them() {
    let app = spawn_app().await;
    let body = property_order().to_string();
    let a = app
        .post_raw(app.org.token("desk"), "/api/v1/orders", &body, Some("same"))
        .await;
    let b = app
        .post_raw(app.org.token("desk2"), "/api/v1/orders", &body, Some("same"))
        .await;
    assert_eq!((a.status, b.status), (201, 201));
    assert_ne!(a.id(), b.id());
    assert_eq!(app.count_orders().await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_x07_concurrent_retries_of_one_command_all_get_the_first_answer() {
    let app = Arc::new(spawn_app().await);
    let id = app
        .create_order(app.org.token("desk"), &property_order())
        .await
        .id();
    let mut retries = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (app, id) = (app.clone(), id.clone());
        retries.spawn(async move {
            let path = format!("/api/v1/orders/{id}/claim");
            app.post_raw(app.technician(0), &path, "{}", Some("claim-once"))
                .await
        });
    }
    let mut answers = Vec::new();
    while let Some(joined) = retries.join_next().await {
        answers.push(joined.unwrap());
    }
    assert!(
        answers.iter().all(|r| r.status == 200),
        "{:?}",
        answers.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    assert!(answers.iter().all(|r| r.body == answers[0].body));
    assert_eq!(app.get_order(app.org.token("desk"), &id).await.body["version"], 2);
}
