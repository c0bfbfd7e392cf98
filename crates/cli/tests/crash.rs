//! Durability against a real crash: the `baoxiu` binary is killed with SIGKILL while
//! clients are writing; a new process on the same file must have every order and every
//! event whose write was acknowledged.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const BAOXIU: &str = env!("CARGO_BIN_EXE_baoxiu");

fn token(db: impl AsRef<std::ffi::OsStr>) -> String {
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
fn serve(db: impl AsRef<std::ffi::OsStr>) -> (Child, String) {
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

/// A person of `role` in the default organisation, with a new token.
fn token_as(db: impl AsRef<std::ffi::OsStr>, role: &str, name: &str) -> String {
    let out = Command::new(BAOXIU)
        .args(["token", "--db"])
        .arg(db)
        .args(["--role", role, "--name", name])
        .output()
        .expect("baoxiu token runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Sends one POST with its idempotency key until the server answers it with `status`,
/// across crashes and restarts (each attempt at the server's current address), as a client
/// that retries would. Any other answer is a failure of the test.
async fn until_answered(
    client: &reqwest::Client,
    base: &std::sync::RwLock<String>,
    token: &str,
    path: &str,
    key: &str,
    body: &'static str,
    status: u16,
) -> serde_json::Value {
    loop {
        let url = format!("{}{path}", base.read().unwrap());
        let sent = client
            .post(url)
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        match sent {
            Ok(res) if res.status().as_u16() == status => match res.json().await {
                Ok(answer) => return answer,
                // Cut off mid-body: ask again.
                Err(_) => continue,
            },
            // The write failed inside the store and was rolled back: safe to retry.
            Ok(res) if res.status().as_u16() == 503 => {}
            Ok(res) => {
                let code = res.status();
                panic!(
                    "{path} with key {key}: {code} {}",
                    res.text().await.unwrap_or_default()
                )
            }
            // The server is down or restarting.
            Err(_) => {}
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The fault suite on SQLite (X07 with X02's durability): the server is killed with
/// SIGKILL five times while desk agents create orders and technicians claim them, every
/// request sent with an idempotency key and retried until answered. After the last restart
/// every acknowledged order is there once (as many orders as creates asked for, each with
/// the id its first answer gave), and every acknowledged claim happened once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_x07_five_kills_under_load_lose_nothing_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    five_kills_under_load(dir.path().join("faults.sqlite3").as_os_str()).await;
}

/// The fault suite on PostgreSQL: the same load, the same five kills of `baoxiu serve`, on
/// a fresh database.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_x07_five_kills_on_postgresql_lose_nothing_and_duplicate_nothing() {
    let Some(db) = baoxiu_store_postgres::ScratchDatabase::create("five_kills").await else {
        return;
    };
    five_kills_under_load(std::ffi::OsStr::new(db.url())).await;
}

async fn five_kills_under_load(db: &std::ffi::OsStr) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Mutex, RwLock};
    let desk = Arc::new(token(db));
    let technicians: Vec<String> = (0..4)
        .map(|i| token_as(db, "technician", &format!("师傅{i}")))
        .collect();
    let (mut server, url) = serve(db);
    let base = Arc::new(RwLock::new(url));
    let client = baoxiu_notify::http_client().build().expect("an HTTP client");
    let body = r#"{"template":"property","customer":{"name":"李秀英","phone":"13912345678"},"location":{"address":"阳光花园3栋502"},"description":"卫生间漏水"}"#;
    let stop = Arc::new(AtomicBool::new(false));
    // (key, order id) of every create answered; ids waiting to be claimed; (id, technician)
    // of every claim answered.
    let created = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let to_claim = Arc::new(Mutex::new(Vec::<String>::new()));
    let claimed = Arc::new(Mutex::new(Vec::<(String, usize)>::new()));
    let mut load = tokio::task::JoinSet::new();
    for desk_no in 0..4 {
        let (client, base, desk, stop) = (client.clone(), base.clone(), desk.clone(), stop.clone());
        let (created, to_claim) = (created.clone(), to_claim.clone());
        load.spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let key = format!("create-{desk_no}-{n}");
                let order = until_answered(&client, &base, &desk, "/api/v1/orders", &key, body, 201).await;
                let id = order["id"].as_str().unwrap().to_string();
                created.lock().unwrap().push((key, id.clone()));
                to_claim.lock().unwrap().push(id);
                n += 1;
            }
        });
    }
    for (who, token) in technicians.iter().enumerate() {
        let (client, base, stop, token) = (client.clone(), base.clone(), stop.clone(), token.clone());
        let (to_claim, claimed) = (to_claim.clone(), claimed.clone());
        load.spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let Some(id) = to_claim.lock().unwrap().pop() else {
                    tokio::task::yield_now().await;
                    continue;
                };
                let path = format!("/api/v1/orders/{id}/claim");
                until_answered(&client, &base, &token, &path, &format!("claim-{id}"), "{}", 200).await;
                claimed.lock().unwrap().push((id, who));
            }
        });
    }
    for _ in 0..5 {
        // Kill once more writes were answered since the last restart.
        let from = created.lock().unwrap().len();
        while created.lock().unwrap().len() < from + 150 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        server.kill().expect("SIGKILL");
        server.wait().unwrap();
        let (restarted, url) = serve(db);
        server = restarted;
        *base.write().unwrap() = url;
    }
    stop.store(true, Ordering::SeqCst);
    while let Some(done) = load.join_next().await {
        done.expect("a client task");
    }

    let url = base.read().unwrap().clone();
    let created = created.lock().unwrap().clone();
    let claimed = claimed.lock().unwrap().clone();
    assert!(created.len() >= 750 && !claimed.is_empty());
    let mut ids: Vec<String> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page_url = match &after {
            Some(after) => format!("{url}/api/v1/orders?limit=200&after={after}"),
            None => format!("{url}/api/v1/orders?limit=200"),
        };
        let list = client.get(page_url).bearer_auth(&*desk);
        let page: serde_json::Value = list.send().await.unwrap().json().await.unwrap();
        ids.extend(
            page["orders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_string()),
        );
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        ids.len(),
        created.len(),
        "one order per create, none lost, none twice"
    );
    let mut answered: Vec<&String> = created.iter().map(|(_, id)| id).collect();
    answered.sort();
    ids.sort();
    assert_eq!(answered, ids.iter().collect::<Vec<_>>());
    for (id, _) in &claimed {
        let order: serde_json::Value = client
            .get(format!("{url}/api/v1/orders/{id}"))
            .bearer_auth(&*desk)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let claims = order["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["event"]["type"] == "claimed" || e["kind"] == "claimed")
            .count();
        assert_eq!(claims, 1, "order {id} claimed once: {order}");
        assert_eq!(order["state"], "accepted");
    }
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Several servers on one PostgreSQL database: a dispatch board open on one server sees an
/// order created through the other; desk agents create through both with idempotency keys
/// and retries; one server is killed with SIGKILL mid-load and its clients go on with the
/// survivor. Every acknowledged create is there exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_postgresql_share_changes_and_the_survivor_loses_nothing() {
    use baoxiu_domain::Store;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Mutex, RwLock};
    let Some(db) = baoxiu_store_postgres::ScratchDatabase::create("two_servers").await else {
        return;
    };
    let url = std::ffi::OsStr::new(db.url());
    let desk = Arc::new(token(url));
    // A supervisor signed in to the pages, for the board.
    let session = baoxiu_web::new_token();
    {
        let store = baoxiu_store_postgres::PgStore::open(db.url()).await.unwrap();
        let tenant = store.tenant_by_slug("default").await.unwrap().unwrap();
        let supervisor = baoxiu_domain::Person {
            id: baoxiu_domain::PersonId(uuid::Uuid::now_v7()),
            tenant: tenant.id,
            name: "赵主管".into(),
            role: baoxiu_domain::Role::Supervisor,
            station: None,
            team: None,
            phone: None,
            email: None,
        };
        store.put_person(&supervisor).await.unwrap();
        let now = chrono::Utc::now();
        store
            .put_session(&baoxiu_domain::Session {
                digest: baoxiu_web::token_digest(&session),
                tenant: tenant.id,
                person: supervisor.id,
                csrf: baoxiu_web::new_token(),
                created_at: now,
                expires_at: now + chrono::Duration::hours(1),
            })
            .await
            .unwrap();
        store.close().await;
    }
    let (mut first, first_url) = serve(url);
    let (mut second, second_url) = serve(url);
    let client = baoxiu_notify::http_client().build().expect("an HTTP client");
    let body = r#"{"template":"property","customer":{"name":"李秀英","phone":"13912345678"},"location":{"address":"阳光花园3栋502"},"description":"卫生间漏水"}"#;

    // The board on the second server hears of an order created through the first.
    let mut board = client
        .get(format!("{second_url}/board/events"))
        .header("cookie", format!("bx_session={session}"))
        .send()
        .await
        .unwrap();
    assert!(board.status().is_success(), "{}", board.status());
    let base = RwLock::new(first_url.clone());
    let order = until_answered(&client, &base, &desk, "/api/v1/orders", "live-1", body, 201).await;
    let id = order["id"].as_str().unwrap().to_string();
    let heard = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        let mut text = String::new();
        while let Ok(Some(chunk)) = board.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains(&id) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        heard,
        Ok(true),
        "the second server's board shows the first's order {id}"
    );
    drop(board);

    // Load through both; the first is killed mid-load.
    let bases: Vec<Arc<RwLock<String>>> = (0..4)
        .map(|i| {
            Arc::new(RwLock::new(if i % 2 == 0 {
                first_url.clone()
            } else {
                second_url.clone()
            }))
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let created = Arc::new(Mutex::new(vec![id]));
    let mut load = tokio::task::JoinSet::new();
    for (desk_no, base) in bases.iter().enumerate() {
        let (client, base, desk, stop, created) = (
            client.clone(),
            base.clone(),
            desk.clone(),
            stop.clone(),
            created.clone(),
        );
        load.spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let key = format!("two-{desk_no}-{n}");
                let order = until_answered(&client, &base, &desk, "/api/v1/orders", &key, body, 201).await;
                created
                    .lock()
                    .unwrap()
                    .push(order["id"].as_str().unwrap().to_string());
                n += 1;
            }
        });
    }
    while created.lock().unwrap().len() < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    first.kill().expect("SIGKILL");
    first.wait().unwrap();
    for base in bases.iter().step_by(2) {
        *base.write().unwrap() = second_url.clone();
    }
    let at_kill = created.lock().unwrap().len();
    while created.lock().unwrap().len() < at_kill + 200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::SeqCst);
    while let Some(done) = load.join_next().await {
        done.expect("a client task");
    }

    let mut ids: Vec<String> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page_url = match &after {
            Some(after) => format!("{second_url}/api/v1/orders?limit=200&after={after}"),
            None => format!("{second_url}/api/v1/orders?limit=200"),
        };
        let page: serde_json::Value = client
            .get(page_url)
            .bearer_auth(&*desk)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.extend(
            page["orders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_string()),
        );
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
    }
    let mut answered = created.lock().unwrap().clone();
    answered.sort();
    ids.sort();
    assert_eq!(
        answered.len(),
        ids.len(),
        "one order per create, none lost, none twice"
    );
    assert_eq!(answered, ids);
    second.kill().unwrap();
    second.wait().unwrap();
}
