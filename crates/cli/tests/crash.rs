//! Durability against a real crash: the `baoxiu` binary is killed with SIGKILL while
//! clients are writing; a new process on the same file must have every order and every
//! event whose write was acknowledged.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const BAOXIU: &str = env!("CARGO_BIN_EXE_baoxiu");

fn token(db: &std::path::Path) -> String {
    let out = Command::new(BAOXIU)
        .args(["token", "--db"])
        .arg(db)
        .args(["--role", "desk_agent", "--name", "王芳"])
        .output()
        .expect("baoxiu token runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Starts `baoxiu serve` on port 0 and returns it with the base URL it printed.
fn serve(db: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(BAOXIU)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("baoxiu serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    (child, url)
}

/// The body of a response that arrived whole with the expected status.
async fn acknowledged(sent: reqwest::Result<reqwest::Response>, status: u16) -> Option<serde_json::Value> {
    let response = sent.ok()?;
    if response.status().as_u16() != status {
        return None;
    }
    response.json().await.ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_orders_and_events_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.sqlite3");
    let token = Arc::new(token(&db));
    let (mut server, url) = serve(&db);
    let client = baoxiu_notify::http_client().build().expect("an HTTP client");
    let body = r#"{"template":"property","customer":{"name":"李秀英","phone":"13912345678"},"location":{"address":"阳光花园3栋502"},"description":"卫生间漏水"}"#;
    let contact = r#"{"outcome":"unreachable","note":"无人接听"}"#;

    // (order id, version) of every answered write.
    let (acks_tx, mut acks) = tokio::sync::mpsc::unbounded_channel::<(String, u64)>();
    let mut writers = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (client, url, token, acks_tx) = (client.clone(), url.clone(), token.clone(), acks_tx.clone());
        writers.spawn(async move {
            // Create an order, then record a contact attempt on it (a command event),
            // until the server dies under us.
            loop {
                let created = client
                    .post(format!("{url}/api/v1/orders"))
                    .bearer_auth(&*token)
                    .body(body);
                let Some(order) = acknowledged(created.send().await, 201).await else {
                    return;
                };
                let id = order["id"].as_str().unwrap().to_string();
                let _ = acks_tx.send((id.clone(), 1));
                let command = client
                    .post(format!("{url}/api/v1/orders/{id}/contact"))
                    .bearer_auth(&*token);
                let Some(order) = acknowledged(command.body(contact).send().await, 200).await else {
                    return;
                };
                let _ = acks_tx.send((id, order["version"].as_u64().unwrap()));
            }
        });
    }
    drop(acks_tx);
    // Let a few hundred writes be acknowledged, then pull the plug mid-stream.
    let mut acknowledged_writes = Vec::new();
    while acknowledged_writes.len() < 400 {
        acknowledged_writes.push(acks.recv().await.expect("writers are writing"));
    }
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
    while writers.join_next().await.is_some() {}
    while let Ok(ack) = acks.try_recv() {
        acknowledged_writes.push(ack);
    }
    assert!(
        acknowledged_writes.iter().any(|(_, v)| *v == 2),
        "commands were acknowledged too"
    );

    let (mut server, url) = serve(&db);
    for (id, version) in &acknowledged_writes {
        let res = client
            .get(format!("{url}/api/v1/orders/{id}"))
            .bearer_auth(&*token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "acknowledged order {id} was lost");
        let order: serde_json::Value = res.json().await.unwrap();
        let kept = order["history"].as_array().unwrap().len() as u64;
        assert!(
            kept >= *version,
            "order {id}: {kept} events kept, version {version} acknowledged"
        );
        assert_eq!(
            order["version"].as_u64().unwrap(),
            kept,
            "the read row matches the history"
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
