//! Durability against a real crash: the `baoxiu` binary is killed with SIGKILL while
//! clients are writing; a new process on the same file must have every order whose
//! create was acknowledged (201), with its events.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_orders_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.sqlite3");
    let token = Arc::new(token(&db));
    let (mut server, url) = serve(&db);
    let client = reqwest::Client::new();
    let body = r#"{"template":"property","customer":{"name":"李秀英","phone":"13912345678"},"location":{"address":"阳光花园3栋502"},"description":"卫生间漏水"}"#;

    let (acks_tx, mut acks) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut writers = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (client, url, token, acks_tx) = (client.clone(), url.clone(), token.clone(), acks_tx.clone());
        writers.spawn(async move {
            // Write until the server dies under us.
            loop {
                let sent = client
                    .post(format!("{url}/api/v1/orders"))
                    .bearer_auth(&*token)
                    .body(body)
                    .send()
                    .await;
                let Ok(response) = sent else { return };
                if response.status().as_u16() != 201 {
                    return;
                }
                let Ok(order) = response.json::<serde_json::Value>().await else {
                    return;
                };
                let _ = acks_tx.send(order["id"].as_str().unwrap().to_string());
            }
        });
    }
    drop(acks_tx);
    // Let a few hundred creates be acknowledged, then pull the plug mid-stream.
    let mut acknowledged = Vec::new();
    while acknowledged.len() < 300 {
        acknowledged.push(acks.recv().await.expect("writers are writing"));
    }
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
    while writers.join_next().await.is_some() {}
    while let Ok(id) = acks.try_recv() {
        acknowledged.push(id);
    }

    let (mut server, url) = serve(&db);
    for id in &acknowledged {
        let res = client
            .get(format!("{url}/api/v1/orders/{id}"))
            .bearer_auth(&*token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "acknowledged order {id} was lost");
        let order: serde_json::Value = res.json().await.unwrap();
        assert_eq!(order["history"].as_array().unwrap().len(), 1);
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
