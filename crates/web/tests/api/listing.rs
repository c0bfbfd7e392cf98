//! `GET /api/v1/orders`: filters and cursor pagination.

use crate::helpers::{after_sales_order, property_order, spawn_app};
use chrono::Duration;
use serde_json::json;

#[tokio::test]
async fn lists_filter_by_state_template_assignee_and_text() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let mut leak = property_order();
    leak["description"] = json!("厨房下水道堵塞");
    let pooled = app.create_order(desk, &leak).await.id();
    app.advance(Duration::seconds(1));
    let claimed = app.create_order(desk, &property_order()).await.id();
    app.ok(app.technician(2), &claimed, "claim", json!({})).await;
    app.advance(Duration::seconds(1));
    let sales = app.create_order(desk, &after_sales_order()).await.id();

    let ids = |res: &crate::helpers::Res| -> Vec<String> {
        res.body["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&app.list(desk, "").await),
        [sales.clone(), claimed.clone(), pooled.clone()],
        "newest first"
    );
    assert_eq!(ids(&app.list(desk, "state=pool").await), vec![pooled.clone()]);
    assert_eq!(
        ids(&app.list(desk, "template=after_sales").await),
        vec![sales.clone()]
    );
    let by_tech = format!("assignee_id={}", app.technician_id(2));
    assert_eq!(ids(&app.list(desk, &by_tech).await), vec![claimed.clone()]);
    assert_eq!(ids(&app.list(desk, "text=下水道").await), vec![pooled.clone()]);
    assert_eq!(
        ids(&app.list(desk, "text=LX20250612").await),
        vec![sales.clone()],
        "serial numbers are searchable"
    );
    // A technician sees their own work and the pool they may claim from (X06).
    assert_eq!(
        ids(&app.list(app.technician(2), "").await),
        vec![claimed.clone(), pooled.clone()]
    );
    assert_eq!(ids(&app.list(app.technician(5), "state=pool").await), [pooled]);
}

#[tokio::test]
async fn pages_follow_the_cursor_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let mut created = Vec::new();
    for _ in 0..7 {
        created.push(app.create_order(desk, &property_order()).await.id());
        app.advance(Duration::milliseconds(5));
    }
    created.reverse();
    let mut seen = Vec::new();
    let mut query = "limit=3".to_string();
    loop {
        let page = app.list(desk, &query).await;
        assert_eq!(page.status, 200, "{:?}", page.body);
        seen.extend(
            page.body["orders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_string()),
        );
        match page.body["next"].as_str() {
            Some(next) => query = format!("limit=3&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen, created);
}

#[tokio::test]
async fn r_x08_invalid_filters_are_422_naming_the_parameter() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    for (query, field) in [
        ("state=lost", "state"),
        ("template=garage", "template"),
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("station_id=7", "station_id"),
        ("after=xyz", "after"),
        ("colour=red", "colour"),
    ] {
        let res = app.list(desk, query).await;
        assert_eq!(
            (res.status, res.error_field()),
            (422, field),
            "{query}: {:?}",
            res.body
        );
    }
}
