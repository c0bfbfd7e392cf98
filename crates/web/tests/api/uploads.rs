//! Photos through the API: uploaded, checked, attached, served to those who may see the
//! order; a file that is too large or not an image is refused and nothing is kept.

use crate::helpers::{TestApp, property_order, spawn_app};
use serde_json::json;

/// A 1×1 PNG.
pub const PNG: [u8; 70] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31,
    21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 96, 248, 95, 15, 0, 2, 135, 1, 128, 235,
    71, 186, 146, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>) -> crate::helpers::Res {
    let req = app
        .client
        .post(format!("{}/api/v1/uploads?name=leak.png", app.base))
        .bearer_auth(token)
        .header("content-type", "image/png")
        .body(bytes);
    app.send(req).await
}

#[tokio::test]
async fn a_photo_is_uploaded_attached_and_served_to_those_who_may_see_the_order() {
    let app = spawn_app().await;
    let tech = app.technician(0);
    let id = app
        .create_order(app.org.token("desk"), &property_order())
        .await
        .id();
    app.ok(tech, &id, "claim", json!({})).await;
    let up = upload(&app, tech, PNG.to_vec()).await;
    assert_eq!(up.status, 201, "{:?}", up.body);
    assert_eq!(
        (up.body["type"].as_str(), up.body["width"].as_u64()),
        (Some("png"), Some(1))
    );
    let file = up.body["id"].as_str().unwrap().to_string();
    // Only the sender attaches their upload.
    let other = app
        .command(app.technician(1), &id, "attach", json!({"upload_id": file}))
        .await;
    assert!(matches!(other.status, 403 | 422), "{:?}", other.body);
    let attached = app.command(tech, &id, "attach", json!({"upload_id": file})).await;
    assert_eq!(attached.status, 200, "{:?}", attached.body);
    assert_eq!(attached.body["attachments"][0]["attachment"]["id"], json!(file));
    let res = app
        .client
        .get(format!("{}/api/v1/orders/{id}/attachments/{file}", app.base))
        .bearer_auth(app.org.token("desk"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    // A customer who did not report the order does not get its photos.
    let res = app
        .client
        .get(format!("{}/api/v1/orders/{id}/attachments/{file}", app.base))
        .bearer_auth(app.org.token("customer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    // Removing it says why, and leaves the trace.
    let removed = app
        .command(
            tech,
            &id,
            "remove-attachment",
            json!({"attachment_id": file, "reason": "拍错了"}),
        )
        .await;
    assert_eq!(removed.status, 200, "{:?}", removed.body);
    let kinds: Vec<_> = app.get_order(app.org.token("desk"), &id).await.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"]["type"].as_str().unwrap().to_string())
        .collect();
    assert!(
        kinds.ends_with(&["attachment_added".into(), "attachment_removed".into()]),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_file_that_is_not_an_image_or_too_large_is_refused_and_nothing_is_kept() {
    let app = spawn_app().await;
    let tech = app.technician(0);
    let text = upload(&app, tech, b"#!/bin/sh\necho not a photo\n".to_vec()).await;
    assert_eq!(
        (text.status, text.error_field()),
        (422, "file"),
        "{:?}",
        text.body
    );
    assert!(
        text.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("JPEG, PNG or WebP")
    );
    let mut large = PNG.to_vec();
    large.resize(9 * 1024 * 1024, 0);
    let big = upload(&app, tech, large).await;
    assert_eq!(
        (big.status, big.error_code()),
        (413, "too_large"),
        "{:?}",
        big.body
    );
    assert_eq!(app.kept_files().await, 0, "nothing was kept");
}
