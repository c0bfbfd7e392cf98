//! The clocks at work through the server (X01–X03): timers written with their events,
//! fired by the background step exactly once (after a restart too, marked late), told to
//! the right inboxes, listed as overdue; the calendar an admin extends.

use crate::helpers::{TestApp, property_order, spawn_app};
use baoxiu_domain::Store;
use chrono::{Duration, TimeZone};
use serde_json::{Value, json};

/// The escalations in an order's history: (clock, level, late by seconds).
fn escalations(order: &Value) -> Vec<(String, u64, i64)> {
    order["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| &record["event"])
        .filter(|e| e["type"] == "escalated")
        .map(|e| {
            (
                e["clock"].as_str().unwrap().to_string(),
                e["level"].as_u64().unwrap(),
                e["late_by_seconds"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn get(app: &TestApp, token: &str, path: &str) -> crate::helpers::Res {
    app.send(app.client.get(format!("{}{path}", app.base)).bearer_auth(token))
        .await
}

#[tokio::test]
async fn r_x02_after_a_restart_each_lapsed_timer_fires_once_marked_late() {
    let app = spawn_app().await;
    let desk = app.org.token("desk").to_string();
    let id = app.create_order(&desk, &property_order()).await.id();
    let created = app.get_order(&desk, &id).await.body;
    assert!(escalations(&created).is_empty());
    // The server stops with the pool timer (B02, 5 minutes) pending; an hour passes.
    app.advance(Duration::hours(1));
    let app = app.restart().await;
    let report = app.app.run_due().await.unwrap();
    assert_eq!((report.orders, report.fired), (1, 1), "{report:?}");
    let order = app.get_order(&desk, &id).await.body;
    assert_eq!(
        escalations(&order),
        [("b02_unclaimed".to_string(), 1, 55 * 60)],
        "fired once, 55 minutes late"
    );
    // Another restart, nothing more is due: nothing fires again.
    let app = app.restart().await;
    let again = app.app.run_due().await.unwrap();
    assert_eq!((again.orders, again.fired), (0, 0), "{again:?}");
    let order = app.get_order(&desk, &id).await.body;
    assert_eq!(escalations(&order).len(), 1);
    // The clock shows on the order: late, still running.
    let b02 = order["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clock"] == "b02_unclaimed")
        .unwrap()
        .clone();
    assert_eq!(
        (b02["state"].as_str(), b02["late"].as_bool()),
        (Some("running"), Some(true))
    );
}

#[tokio::test]
async fn r_b02_the_supervisor_finds_an_unclaimed_order_in_the_inbox_and_on_the_overdue_list() {
    let app = spawn_app().await;
    let desk = app.org.token("desk").to_string();
    let supervisor = app.org.token("supervisor").to_string();
    let id = app.create_order(&desk, &property_order()).await.id();
    app.advance(Duration::minutes(4));
    assert_eq!(app.app.run_due().await.unwrap().fired, 0, "not yet");
    let overdue = get(&app, &supervisor, "/api/v1/overdue?clock=b02_unclaimed").await;
    assert_eq!(overdue.body.as_array().unwrap().len(), 0);
    app.advance(Duration::minutes(1));
    assert_eq!(app.app.run_due().await.unwrap().fired, 1);
    let inbox = get(&app, &supervisor, "/api/v1/inbox").await;
    assert_eq!(inbox.status, 200);
    let notices = inbox.body.as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["notice"]["order"], id.as_str());
    assert_eq!(notices[0]["notice"]["link"], format!("/orders/{id}"));
    assert_eq!(notices[0]["read"], false);
    // Only the supervisors were told; the service levels are the staff's.
    assert_eq!(get(&app, &desk, "/api/v1/inbox").await.body, json!([]));
    let customer = get(&app, app.org.token("customer"), "/api/v1/overdue").await;
    assert_eq!((customer.status, customer.error_code()), (403, "not_staff"));
    let overdue = get(&app, &supervisor, "/api/v1/overdue?clock=b02_unclaimed").await;
    let rows = overdue.body.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["order"]["id"], id.as_str());
    assert_eq!(rows[0]["rule"], "B02");
    assert_eq!(rows[0]["late_by_seconds"], 0);
    // Read, the notice stays, marked read; someone else's id is not found.
    let notice = notices[0]["notice"]["id"].as_str().unwrap();
    let read = app
        .post_raw(&supervisor, &format!("/api/v1/inbox/{notice}/read"), "", None)
        .await;
    assert_eq!(read.status, 204);
    let other = app
        .post_raw(&desk, &format!("/api/v1/inbox/{notice}/read"), "", None)
        .await;
    assert_eq!(other.status, 404);
    assert_eq!(
        get(&app, &supervisor, "/api/v1/inbox").await.body[0]["read"],
        true
    );
    // Claimed, the order leaves the list and the next step decides nothing.
    app.ok(app.technician(0), &id, "claim", json!({})).await;
    let overdue = get(&app, &supervisor, "/api/v1/overdue?clock=b02_unclaimed").await;
    assert_eq!(overdue.body, json!([]));
}

#[tokio::test]
async fn r_x01_a_priority_change_moves_the_deadline_and_its_timer() {
    let app = spawn_app().await;
    let desk = app.org.token("desk").to_string();
    let id = app.create_order(&desk, &property_order()).await.id();
    app.ok(app.technician(0), &id, "claim", json!({})).await;
    let b21 = |order: &Value| {
        order["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clock"] == "b21_major")
            .unwrap()["deadline"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let normal = b21(&app.get_order(&desk, &id).await.body);
    assert_eq!(
        normal,
        (app.now() + Duration::hours(24))
            .to_rfc3339()
            .replace("+00:00", "Z")
    );
    let res = app
        .command(
            &desk,
            &id,
            "reprioritize",
            json!({"priority": "emergency", "reason": "业主说水已漫到客厅"}),
        )
        .await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    let urgent = b21(&res.body);
    assert_eq!(
        urgent,
        (app.now() + Duration::hours(4))
            .to_rfc3339()
            .replace("+00:00", "Z")
    );
    // A technician may not change it.
    let refused = app
        .command(
            app.technician(0),
            &id,
            "reprioritize",
            json!({"priority": "normal", "reason": "x"}),
        )
        .await;
    assert_eq!((refused.status, refused.error_code()), (403, "not_permitted"));
    app.advance(Duration::hours(4));
    let report = app.app.run_due().await.unwrap();
    assert!(report.fired >= 1, "{report:?}");
    let order = app.get_order(&desk, &id).await.body;
    assert!(
        escalations(&order)
            .iter()
            .any(|(c, l, _)| c == "b21_major" && *l == 1)
    );
}

#[tokio::test]
async fn r_x01_an_admin_adds_a_calendar_year_and_a_bad_file_names_its_field() {
    let app = spawn_app().await;
    let admin = app.org.token("admin").to_string();
    let desk = app.org.token("desk").to_string();
    let calendar = get(&app, &desk, "/api/v1/calendar").await;
    assert_eq!(calendar.body["years"], json!([2025, 2026]));
    let year = json!({"file": "year = 2027\nholidays = [[\"2027-01-01\", \"2027-01-03\"]]\nworkdays = []\n"});
    let refused = app
        .post_raw(&desk, "/api/v1/calendar/years", &year.to_string(), None)
        .await;
    assert_eq!((refused.status, refused.error_code()), (403, "not_admin"));
    let bad = json!({"file": "year = 2027\nholidays = [[\"2027-01-03\", \"2027-01-01\"]]\nworkdays = []\n"});
    let bad = app
        .post_raw(&admin, "/api/v1/calendar/years", &bad.to_string(), None)
        .await;
    assert_eq!((bad.status, bad.error_field()), (422, "holidays"));
    let added = app
        .post_raw(&admin, "/api/v1/calendar/years", &year.to_string(), None)
        .await;
    assert_eq!(added.status, 200, "{:?}", added.body);
    assert_eq!(added.body["years"], json!([2025, 2026, 2027]));
    // The working week: a service centre open 09:00–17:30 without a break, six days.
    let put = |token: &str, body: &Value| {
        app.client
            .put(format!("{}/api/v1/calendar/week", app.base))
            .bearer_auth(token.to_string())
            .header("content-type", "application/json")
            .body(body.to_string())
    };
    let week = json!({"file": "periods = [[\"09:00\", \"17:30\"]]\nweekdays = [1, 2, 3, 4, 5, 6]\n"});
    assert_eq!(app.send(put(&desk, &week)).await.status, 403);
    let bad = json!({"file": "periods = [[\"17:30\", \"09:00\"]]\nweekdays = [1]\n"});
    let bad = app.send(put(&admin, &bad)).await;
    assert_eq!((bad.status, bad.error_field()), (422, "periods"));
    let set = app.send(put(&admin, &week)).await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    assert_eq!(set.body["periods"], json!(["09:00–17:30"]));
}

#[tokio::test]
async fn r_x03_only_admins_see_and_replay_deliveries() {
    let app = spawn_app().await;
    let desk = app.org.token("desk").to_string();
    let admin = app.org.token("admin").to_string();
    assert_eq!(get(&app, &desk, "/api/v1/deliveries").await.status, 403);
    let list = get(&app, &admin, "/api/v1/deliveries?dead=true").await;
    assert_eq!((list.status, list.body.clone()), (200, json!([])));
    let missing = app
        .post_raw(
            &admin,
            &format!("/api/v1/deliveries/{}/replay", uuid::Uuid::now_v7()),
            "",
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn r_x01_a_year_added_later_gives_the_waiting_clocks_their_timers() {
    let app = spawn_app().await;
    let desk = app.org.token("desk").to_string();
    let admin = app.org.token("admin").to_string();
    // Thursday 31 December 2026, 16:00 in Beijing: four working hours reach into 2027.
    *app.now.lock().unwrap() = chrono::Utc.with_ymd_and_hms(2026, 12, 31, 8, 0, 0).unwrap();
    let id = app
        .create_order(&desk, &crate::helpers::after_sales_order())
        .await
        .id();
    let a03 = |order: &Value| {
        order["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clock"] == "a03_contact")
            .unwrap()
            .clone()
    };
    let order = app.get_order(&desk, &id).await.body;
    assert!(
        a03(&order)["problem"].as_str().unwrap().contains("2027"),
        "{order:#}"
    );
    // Monday 4 January 2027, 12:00: past the deadline, but nobody can say so yet.
    *app.now.lock().unwrap() = chrono::Utc.with_ymd_and_hms(2027, 1, 4, 4, 0, 0).unwrap();
    app.app.run_due().await.unwrap();
    assert!(escalations(&app.get_order(&desk, &id).await.body).is_empty());
    let year = json!({"file": "year = 2027\nholidays = [[\"2027-01-01\", \"2027-01-03\"]]\nworkdays = []\n"});
    let added = app
        .post_raw(&admin, "/api/v1/calendar/years", &year.to_string(), None)
        .await;
    assert_eq!(added.status, 200);
    let tenant = app.store.tenant(app.org.tenant).await.unwrap().unwrap();
    assert_eq!(app.app.reschedule_open(&tenant).await.unwrap(), 1);
    let order = app.get_order(&desk, &id).await.body;
    // 1.5 working hours on Thursday, the holidays, then 2.5 on Monday: 11:30.
    assert_eq!(a03(&order)["deadline"], "2027-01-04T03:30:00Z");
    app.app.run_due().await.unwrap();
    let fired = escalations(&app.get_order(&desk, &id).await.body);
    assert_eq!(
        fired,
        [("a03_contact".to_string(), 1, 30 * 60)],
        "fired, half an hour late"
    );
}
