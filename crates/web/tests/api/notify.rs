//! X03 and the rules that tell people (B01, B02, B17, B21): every channel delivers its
//! notices at least once, checked against real receivers on 127.0.0.1 started here: a
//! webhook endpoint, an SMS gateway and the WeCom, DingTalk and Feishu robots (axum over
//! HTTP), and an SMTP server speaking SMTP over TCP. Each receiver checks its wire format
//! and its signature with its own arithmetic, not baoxiu's. Time is the test's clock;
//! deliveries happen when the test calls `deliver_due`, which awaits each call, so what a
//! receiver recorded is there when it returns.

use crate::helpers::{Res, TestApp, property_order, spawn_app_with};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use baoxiu_domain::{Role, Store};
use baoxiu_notify::{Channels, Config, Robot, RobotKind, Secret, SmsGateway, Webhook};
use baoxiu_web::clocks::DeliveryReport;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Where people open baoxiu, for the links in messages.
const PUBLIC_URL: &str = "http://baoxiu.test";
const WEBHOOK_SECRET: &str = "whsec-8d1f0c6a3b";
const GATEWAY_KEY: &str = "gw-live-4f9c2a7e51d3";
const WECOM_KEY: &str = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
const DINGTALK_TOKEN: &str = "b7f3d9e1c0a2";
const DINGTALK_SECRET: &str = "SEC0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const FEISHU_HOOK: &str = "2d6c1e4b-5a0f-4e8d-9c3b-7f1a2e6d4c8b";
const FEISHU_SECRET: &str = "fs-9QwErTyUiOp";

// ---------------------------------------------------------------------------------------
// Signatures, computed here from the receivers' documentation.

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------------
// The app and its outbox.

fn channels(config: Config) -> Channels {
    Channels::new(Config {
        public_url: PUBLIC_URL.into(),
        ..config
    })
    .expect("the channels start")
}

fn report(delivered: usize, retrying: usize, dead: usize) -> DeliveryReport {
    DeliveryReport {
        delivered,
        retrying,
        dead,
    }
}

async fn get(app: &TestApp, token: &str, path: &str) -> Res {
    app.send(app.client.get(format!("{}{path}", app.base)).bearer_auth(token))
        .await
}

/// The organisation's outbox as its admin reads it (`?dead=true`: the dead letters).
async fn deliveries(app: &TestApp, query: &str) -> Vec<Value> {
    let res = get(app, app.org.token("admin"), &format!("/api/v1/deliveries{query}")).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    res.body.as_array().expect("a list").clone()
}

/// The only message in the outbox.
async fn the_delivery(app: &TestApp) -> Value {
    let all = deliveries(app, "").await;
    assert_eq!(all.len(), 1, "one message in the outbox: {all:#?}");
    all[0].clone()
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("`{value}` is not a time"))
        .parse()
        .expect("an RFC 3339 time")
}

/// Gives the seeded person of `role` a phone or an e-mail address.
async fn reachable(app: &TestApp, role: Role, phone: Option<&str>, email: Option<&str>) {
    let mut person = app
        .store
        .people(app.org.tenant)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.role == role)
        .expect("a seeded person of the role");
    person.phone = phone.map(str::to_string);
    person.email = email.map(str::to_string);
    app.store.put_person(&person).await.unwrap();
}

/// B21 level 3: a property repair claimed at once and still unsolved 28 hours (24 h and
/// 4 h more) after the report. The supervisor and the admin are told by inbox, e-mail
/// and webhook. The order's id.
async fn major_repair(app: &TestApp) -> String {
    let desk = app.org.token("desk");
    let id = app.create_order(desk, &property_order()).await.id();
    app.ok(app.technician(0), &id, "claim", json!({})).await;
    app.advance(Duration::hours(28));
    let fired = app.app.run_due().await.unwrap();
    assert!(fired.fired >= 3, "{fired:?}");
    let order = app.get_order(desk, &id).await.body;
    let level_3 = order["history"].as_array().unwrap().iter().any(|r| {
        r["event"]["type"] == "escalated" && r["event"]["clock"] == "b21_major" && r["event"]["level"] == 3
    });
    assert!(level_3, "B21 reached level 3: {:#?}", order["history"]);
    id
}

/// B02: a property order nobody claims within 5 minutes; the supervisor is told by inbox
/// and through the group robot. The order's id.
async fn unclaimed_order(app: &TestApp) -> String {
    let id = app
        .create_order(app.org.token("desk"), &property_order())
        .await
        .id();
    app.advance(Duration::minutes(5));
    let fired = app.app.run_due().await.unwrap();
    assert_eq!(fired.fired, 1, "{fired:?}");
    id
}

/// Serves `router` on a free local port; its address.
async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("the receiver runs");
    });
    base
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Takes one from `left` unless it is zero: whether this call is to fail.
fn take_failure(left: &AtomicUsize) -> bool {
    left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

// ---------------------------------------------------------------------------------------
// A webhook receiver: checks the signature, answers 500 while it is down.

#[derive(Debug, Clone)]
struct WebhookCall {
    message_id: String,
    timestamp: i64,
    /// The signature is `sha256=` and the hex HMAC-SHA256 of `{timestamp}.{body}`.
    signed: bool,
    content_type: String,
    body: Value,
}

struct WebhookReceiver {
    /// Calls still to be answered 500 (`usize::MAX`: down until told otherwise).
    failures_left: AtomicUsize,
    calls: Mutex<Vec<WebhookCall>>,
}

impl WebhookReceiver {
    fn calls(&self) -> Vec<WebhookCall> {
        self.calls.lock().unwrap().clone()
    }
}

async fn webhook_call(
    State(receiver): State<Arc<WebhookReceiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let timestamp = header(&headers, "x-baoxiu-timestamp");
    let signed_text = [timestamp.as_bytes(), b".", &body].concat();
    let expected = format!(
        "sha256={}",
        hex(&hmac_sha256(WEBHOOK_SECRET.as_bytes(), &signed_text))
    );
    let signed = header(&headers, "x-baoxiu-signature") == expected;
    receiver.calls.lock().unwrap().push(WebhookCall {
        message_id: header(&headers, "x-baoxiu-message-id"),
        timestamp: timestamp.parse().unwrap_or(-1),
        signed,
        content_type: header(&headers, "content-type"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    if !signed {
        StatusCode::UNAUTHORIZED
    } else if take_failure(&receiver.failures_left) {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// An app whose organisation's webhook is a receiver failing its first `failures` calls.
async fn app_with_webhook(failures: usize) -> (TestApp, Arc<WebhookReceiver>) {
    let receiver = Arc::new(WebhookReceiver {
        failures_left: AtomicUsize::new(failures),
        calls: Mutex::new(Vec::new()),
    });
    let base = serve(
        Router::new()
            .route("/hooks/baoxiu", post(webhook_call))
            .with_state(receiver.clone()),
    )
    .await;
    let app = spawn_app_with(Some(channels(Config::default()))).await;
    let hook = Webhook {
        url: format!("{base}/hooks/baoxiu"),
        secret: Secret(WEBHOOK_SECRET.into()),
    };
    app.store
        .put_channel_settings(
            app.org.tenant,
            "webhook",
            Some(&serde_json::to_string(&hook).unwrap()),
        )
        .await
        .unwrap();
    (app, receiver)
}

/// Every call carried the one message, signed, with its own id in the body.
fn assert_one_signed_message(calls: &[WebhookCall], notice: &Value, order: &str) {
    let id = notice["id"].as_str().unwrap();
    for call in calls {
        assert!(call.signed, "a valid signature: {call:?}");
        assert_eq!(call.message_id, id, "the notice's id, every time");
        assert!(call.content_type.starts_with("application/json"), "{call:?}");
        assert_eq!(call.body["id"], id);
        assert_eq!(call.body["kind"], "escalated");
        assert_eq!(call.body["order"], order);
        assert_eq!(call.body["subject"], notice["subject"]);
        assert_eq!(call.body["text"], notice["text"]);
        assert_eq!(call.body["link"], format!("{PUBLIC_URL}/orders/{order}"));
        assert_eq!(time(&call.body["created_at"]), time(&notice["created_at"]));
    }
}

#[tokio::test]
async fn r_x03_a_signed_webhook_is_retried_after_a_500_and_delivered_with_the_same_message_id() {
    let (app, receiver) = app_with_webhook(1).await;
    let order = major_repair(&app).await;
    let first_try = app.now();
    assert_eq!(app.app.deliver_due().await.unwrap(), report(0, 1, 0));
    let delivery = the_delivery(&app).await;
    assert_eq!(delivery["notice"]["channel"], "webhook");
    assert_eq!(delivery["state"], "pending");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(time(&delivery["next_at"]), first_try + Duration::seconds(30));
    let error = delivery["last_error"].as_str().unwrap();
    assert!(error.contains("500"), "{error}");
    assert!(!error.contains(WEBHOOK_SECRET), "{error}");
    // Not before its 30 seconds.
    app.advance(Duration::seconds(29));
    assert_eq!(app.app.deliver_due().await.unwrap(), report(0, 0, 0));
    assert_eq!(receiver.calls().len(), 1);
    app.advance(Duration::seconds(1));
    assert_eq!(app.app.deliver_due().await.unwrap(), report(1, 0, 0));
    let calls = receiver.calls();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_one_signed_message(&calls, &delivery["notice"], &order);
    assert_eq!(calls[0].body, calls[1].body, "the same message both times");
    // Each call is signed at its own time, so a receiver may refuse an old one.
    assert_eq!(calls[0].timestamp, first_try.timestamp());
    assert_eq!(calls[1].timestamp, app.now().timestamp());
    let delivered = the_delivery(&app).await;
    assert_eq!(delivered["state"], "delivered");
    assert_eq!(delivered["attempts"], 2);
    assert_eq!(time(&delivered["delivered_at"]), app.now());
    // Delivered, it is not sent again.
    app.advance(Duration::hours(1));
    assert_eq!(app.app.deliver_due().await.unwrap(), report(0, 0, 0));
    assert_eq!(receiver.calls().len(), 2);
}

#[tokio::test]
async fn r_x03_a_webhook_that_stays_down_ends_in_the_dead_letter_list_and_an_admin_replays_it() {
    let (app, receiver) = app_with_webhook(usize::MAX).await;
    let order = major_repair(&app).await;
    // Tried at once, then after 30 s, 1, 2, 4 and 8 minutes: six attempts.
    let backoff = [30, 60, 120, 240, 480];
    for attempt in 1..=6usize {
        if attempt < 6 {
            assert_eq!(app.app.deliver_due().await.unwrap(), report(0, 1, 0));
            let delivery = the_delivery(&app).await;
            assert_eq!(
                (delivery["state"].as_str(), delivery["attempts"].as_u64()),
                (Some("pending"), Some(attempt as u64))
            );
            let wait = Duration::seconds(backoff[attempt - 1]);
            assert_eq!(time(&delivery["next_at"]), app.now() + wait);
            assert_eq!(deliveries(&app, "?dead=true").await, Vec::<Value>::new());
            // A second early, nothing is tried.
            app.advance(wait - Duration::seconds(1));
            assert_eq!(app.app.deliver_due().await.unwrap(), report(0, 0, 0));
            app.advance(Duration::seconds(1));
        } else {
            assert_eq!(app.app.deliver_due().await.unwrap(), report(0, 0, 1));
        }
        assert_eq!(receiver.calls().len(), attempt);
    }
    let dead = deliveries(&app, "?dead=true").await;
    assert_eq!(dead.len(), 1, "{dead:#?}");
    assert_eq!(dead[0]["state"], "dead");
    assert_eq!(dead[0]["attempts"], 6);
    let error = dead[0]["last_error"].as_str().unwrap();
    assert!(error.contains("500"), "the last error is shown: {error}");
    let id = dead[0]["notice"]["id"].as_str().unwrap().to_string();
    // Dead, it is not tried again by itself.
    app.advance(Duration::hours(1));
    assert_eq!(app.app.deliver_due().await.unwrap(), report(0, 0, 0));
    assert_eq!(receiver.calls().len(), 6);
    // Only an admin replays it.
    let path = format!("/api/v1/deliveries/{id}/replay");
    let refused = app.post_raw(app.org.token("supervisor"), &path, "", None).await;
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    receiver.failures_left.store(0, Ordering::SeqCst);
    let replayed = app.post_raw(app.org.token("admin"), &path, "", None).await;
    assert_eq!(replayed.status, 204, "{:?}", replayed.body);
    assert_eq!(deliveries(&app, "?dead=true").await, Vec::<Value>::new());
    let queued = the_delivery(&app).await;
    assert_eq!(
        (queued["state"].as_str(), queued["attempts"].as_u64()),
        (Some("pending"), Some(0))
    );
    assert_eq!(app.app.deliver_due().await.unwrap(), report(1, 0, 0));
    let calls = receiver.calls();
    assert_eq!(calls.len(), 7);
    assert_one_signed_message(&calls, &dead[0]["notice"], &order);
    let delivered = the_delivery(&app).await;
    assert_eq!(delivered["state"], "delivered");
    assert_eq!(time(&delivered["delivered_at"]), app.now());
    // A message no longer dead is not replayed.
    let again = app.post_raw(app.org.token("admin"), &path, "", None).await;
    assert_eq!(again.status, 404, "{:?}", again.body);
}

// ---------------------------------------------------------------------------------------
// An SMS gateway: checks its key, answers 503 while it is busy.

#[derive(Debug, Clone)]
struct SmsCall {
    authorized: bool,
    message_id: String,
    body: Value,
}

struct SmsReceiver {
    failures_left: AtomicUsize,
    calls: Mutex<Vec<SmsCall>>,
}

impl SmsReceiver {
    fn calls(&self) -> Vec<SmsCall> {
        self.calls.lock().unwrap().clone()
    }
}

async fn sms_call(
    State(gateway): State<Arc<SmsReceiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, axum::Json<Value>) {
    let authorized = header(&headers, "authorization") == format!("Bearer {GATEWAY_KEY}");
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    gateway.calls.lock().unwrap().push(SmsCall {
        authorized,
        message_id: header(&headers, "x-baoxiu-message-id"),
        body: body.clone(),
    });
    if !authorized {
        (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "bad key"})))
    } else if take_failure(&gateway.failures_left) {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"error": "busy"})),
        )
    } else {
        (StatusCode::OK, axum::Json(json!({"accepted": body["id"]})))
    }
}

/// An app with an SMS gateway that is busy for its first `failures` calls; the Debug of
/// the channels it was given.
async fn app_with_gateway(failures: usize) -> (TestApp, Arc<SmsReceiver>, String) {
    let gateway = Arc::new(SmsReceiver {
        failures_left: AtomicUsize::new(failures),
        calls: Mutex::new(Vec::new()),
    });
    let base = serve(
        Router::new()
            .route("/v1/messages", post(sms_call))
            .with_state(gateway.clone()),
    )
    .await;
    let channels = channels(Config {
        sms: Some(SmsGateway {
            url: format!("{base}/v1/messages"),
            key: Secret(GATEWAY_KEY.into()),
        }),
        ..Config::default()
    });
    let debug = format!("{channels:?}");
    (spawn_app_with(Some(channels)).await, gateway, debug)
}

#[tokio::test]
async fn r_b01_the_verification_code_goes_to_the_customer_by_sms_through_the_gateway() {
    let (app, gateway, debug) = app_with_gateway(1).await;
    assert!(!debug.contains(GATEWAY_KEY), "{debug}");
    let created = app.create_order(app.org.token("desk"), &property_order()).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let code = created.body["verification_code"]
        .as_str()
        .expect("the desk sees the code")
        .to_string();
    assert_eq!(code.len(), 6, "{code}");
    // The gateway is busy at first: the message waits 30 s and goes again.
    assert_eq!(app.app.deliver_due().await.unwrap(), report(0, 1, 0));
    app.advance(Duration::seconds(30));
    assert_eq!(app.app.deliver_due().await.unwrap(), report(1, 0, 0));
    let delivery = the_delivery(&app).await;
    let notice = &delivery["notice"];
    assert_eq!(notice["channel"], "sms");
    assert_eq!(notice["kind"], "verification_code");
    assert_eq!(notice["address"], "13912345678");
    assert_eq!(notice["order"], created.id());
    assert_eq!(delivery["state"], "delivered");
    assert!(
        delivery["last_error"].as_str().is_some_and(|e| e.contains("503")),
        "{delivery:?}"
    );
    let calls = gateway.calls();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    for call in &calls {
        assert!(call.authorized, "the gateway's key as a bearer token");
        assert_eq!(call.message_id, notice["id"].as_str().unwrap());
        assert_eq!(call.body["id"], notice["id"]);
        assert_eq!(call.body["to"], "13912345678", "the customer's phone");
        let text = call.body["text"].as_str().unwrap();
        assert!(text.contains(&code), "the code is in the text: {text}");
        assert_eq!(call.body["text"], notice["text"]);
    }
    // The key is nowhere an admin looks.
    let listed = get(&app, app.org.token("admin"), "/api/v1/deliveries").await;
    assert_eq!(listed.status, 200);
    let text = listed.body.to_string();
    assert!(text.contains(&code), "the outbox lists the message");
    assert!(!text.contains(GATEWAY_KEY), "{text}");
}

#[tokio::test]
async fn r_b17_a_technician_still_not_on_site_is_texted_to_the_supervisor_through_the_gateway() {
    let (app, gateway, _) = app_with_gateway(0).await;
    reachable(&app, Role::Supervisor, Some("13800138000"), None).await;
    let id = app
        .create_order(app.org.token("desk"), &property_order())
        .await
        .id();
    assert_eq!(app.app.deliver_due().await.unwrap(), report(1, 0, 0), "the code");
    app.ok(app.technician(0), &id, "claim", json!({})).await;
    // 15 minutes to be on site, and the second level 15 minutes after a miss.
    app.advance(Duration::minutes(30));
    assert!(app.app.run_due().await.unwrap().fired >= 2);
    assert_eq!(app.app.deliver_due().await.unwrap(), report(1, 0, 0));
    let escalated: Vec<Value> = deliveries(&app, "")
        .await
        .into_iter()
        .filter(|d| d["notice"]["kind"] == "escalated")
        .collect();
    assert_eq!(escalated.len(), 1, "the supervisor's phone only: {escalated:#?}");
    let notice = &escalated[0]["notice"];
    assert_eq!(escalated[0]["state"], "delivered");
    let calls = gateway.calls();
    let call = calls.last().unwrap();
    assert!(call.authorized);
    assert_eq!(call.message_id, notice["id"].as_str().unwrap());
    assert_eq!(call.body["to"], "13800138000");
    assert_eq!(call.body["text"], notice["text"]);
}

// ---------------------------------------------------------------------------------------
// An SMTP server: greets, accepts one message per MAIL … DATA, records it.

#[derive(Debug, Clone, Default)]
struct Mail {
    from: String,
    to: Vec<String>,
    /// The message as sent, dot-stuffing undone.
    data: String,
}

/// Starts the SMTP server on a free port; what it received, and the port.
async fn smtp_server() -> (Arc<Mutex<Vec<Mail>>>, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let kept = mails.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                if let Err(e) = smtp_session(socket, kept).await {
                    panic!("the SMTP session failed: {e}");
                }
            });
        }
    });
    (mails, port)
}

/// The address in `MAIL FROM:<a> …` or `RCPT TO:<a>`.
fn path_address(argument: &str) -> String {
    argument
        .split_once(':')
        .map(|(_, rest)| rest.trim())
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

async fn smtp_session(socket: TcpStream, mails: Arc<Mutex<Vec<Mail>>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 mx.baoxiu.test ESMTP ready\r\n").await?;
    let mut mail = Mail::default();
    let mut raw = Vec::new();
    loop {
        raw.clear();
        if read.read_until(b'\n', &mut raw).await? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&raw);
        let line = line.trim_end_matches(['\r', '\n']);
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 mx.baoxiu.test\r\n",
            "MAIL" => {
                mail = Mail {
                    from: path_address(line),
                    ..Mail::default()
                };
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" => {
                mail.to.push(path_address(line));
                b"250 2.1.5 OK\r\n"
            }
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                loop {
                    raw.clear();
                    if read.read_until(b'\n', &mut raw).await? == 0 {
                        return Ok(());
                    }
                    let line = String::from_utf8_lossy(&raw);
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                mail.data = data;
                mails.lock().unwrap().push(std::mem::take(&mut mail));
                b"250 2.0.0 queued\r\n"
            }
            "RSET" => {
                mail = Mail::default();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 command not recognized\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// A message's headers (names in lower case, folded lines joined) and its body, decoded
/// from its transfer encoding, with plain line ends.
fn read_mail(data: &str) -> (HashMap<String, String>, String) {
    let (head, body) = data.split_once("\r\n\r\n").expect("headers and a body");
    let mut headers: HashMap<String, String> = HashMap::new();
    let mut last = String::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(value) = headers.get_mut(&last) {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            last = name.trim().to_ascii_lowercase();
            headers.insert(last.clone(), value.trim().to_string());
        }
    }
    let encoding = headers
        .get("content-transfer-encoding")
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = match encoding.as_str() {
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            STANDARD.decode(compact).expect("a base64 body")
        }
        "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    let text = String::from_utf8(bytes).expect("a UTF-8 body");
    (headers, text.replace("\r\n", "\n"))
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'=')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

#[tokio::test]
async fn r_x03_an_escalation_is_e_mailed_through_a_real_smtp_receiver() {
    let (mails, port) = smtp_server().await;
    let app = spawn_app_with(Some(channels(Config {
        smtp_url: Some(Secret(format!("smtp://127.0.0.1:{port}"))),
        mail_from: Some("报修 <baoxiu@example.com>".into()),
        ..Config::default()
    })))
    .await;
    // The engineering department's head has an address; the supervisor has none.
    let address = "gongcheng@example.com";
    reachable(&app, Role::Admin, None, Some(address)).await;
    let order = major_repair(&app).await;
    assert_eq!(app.app.deliver_due().await.unwrap(), report(1, 0, 0));
    let delivery = the_delivery(&app).await;
    let notice = &delivery["notice"];
    assert_eq!(notice["channel"], "email");
    assert_eq!(notice["address"], address);
    assert_eq!(delivery["state"], "delivered");
    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1, "{mails:#?}");
    let mail = &mails[0];
    assert_eq!(mail.from, "baoxiu@example.com");
    assert_eq!(mail.to, [address]);
    let (headers, body) = read_mail(&mail.data);
    assert_eq!(
        headers.get("message-id").map(String::as_str),
        Some(format!("<{}@baoxiu>", notice["id"].as_str().unwrap()).as_str()),
        "{headers:#?}"
    );
    assert!(headers["to"].contains(address), "{headers:#?}");
    assert!(headers["from"].contains("<baoxiu@example.com>"), "{headers:#?}");
    assert!(headers["content-type"].starts_with("text/plain"), "{headers:#?}");
    assert!(
        body.contains(&format!("{PUBLIC_URL}/orders/{order}")),
        "the order's link: {body}"
    );
    assert!(
        body.contains(notice["text"].as_str().unwrap()),
        "the notice's text: {body}"
    );
}

// ---------------------------------------------------------------------------------------
// The group robots: each checks its own signing and answers its own status field.

#[derive(Debug, Clone)]
struct RobotCall {
    message_id: String,
    /// The signing (or, for WeCom, the key in the address) checked out.
    signed: bool,
    /// The timestamp signed: milliseconds (DingTalk) or seconds (Feishu).
    timestamp: Option<i64>,
    text: String,
}

struct RobotReceiver {
    kind: RobotKind,
    /// What it answers in `errcode` (`code` for Feishu) when the signing checks out.
    errcode: AtomicI64,
    calls: Mutex<Vec<RobotCall>>,
}

impl RobotReceiver {
    fn calls(&self) -> Vec<RobotCall> {
        self.calls.lock().unwrap().clone()
    }
}

async fn robot_call(
    State(robot): State<Arc<RobotReceiver>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::Json<Value> {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (signed, timestamp, text) = match robot.kind {
        RobotKind::Wecom => (
            query.get("key").map(String::as_str) == Some(WECOM_KEY) && body["msgtype"] == "text",
            None,
            body["text"]["content"].as_str(),
        ),
        RobotKind::Dingtalk => {
            let timestamp = query.get("timestamp").cloned().unwrap_or_default();
            let expected = STANDARD.encode(hmac_sha256(
                DINGTALK_SECRET.as_bytes(),
                format!("{timestamp}\n{DINGTALK_SECRET}").as_bytes(),
            ));
            (
                query.get("access_token").map(String::as_str) == Some(DINGTALK_TOKEN)
                    && query.get("sign") == Some(&expected)
                    && body["msgtype"] == "text",
                timestamp.parse().ok(),
                body["text"]["content"].as_str(),
            )
        }
        RobotKind::Feishu => {
            let timestamp = body["timestamp"].as_str().unwrap_or_default();
            let expected = STANDARD.encode(hmac_sha256(
                format!("{timestamp}\n{FEISHU_SECRET}").as_bytes(),
                b"",
            ));
            (
                body["sign"].as_str() == Some(expected.as_str()) && body["msg_type"] == "text",
                timestamp.parse().ok(),
                body["content"]["text"].as_str(),
            )
        }
    };
    robot.calls.lock().unwrap().push(RobotCall {
        message_id: header(&headers, "x-baoxiu-message-id"),
        signed,
        timestamp,
        text: text.unwrap_or_default().to_string(),
    });
    let code = if signed {
        robot.errcode.load(Ordering::SeqCst)
    } else {
        310_000
    };
    axum::Json(match (robot.kind, code) {
        (RobotKind::Feishu, 0) => json!({"code": 0, "msg": "success", "data": {}}),
        (RobotKind::Feishu, code) => json!({"code": code, "msg": "sign match fail", "data": {}}),
        (_, 0) => json!({"errcode": 0, "errmsg": "ok"}),
        (_, code) => json!({"errcode": code, "errmsg": "keywords not in content"}),
    })
}

/// An app whose organisation's group robot of `kind` answers `errcode`.
async fn app_with_robot(kind: RobotKind, errcode: i64) -> (TestApp, Arc<RobotReceiver>) {
    let robot = Arc::new(RobotReceiver {
        kind,
        errcode: AtomicI64::new(errcode),
        calls: Mutex::new(Vec::new()),
    });
    let (path, query, secret) = match kind {
        RobotKind::Wecom => (
            "/cgi-bin/webhook/send".to_string(),
            format!("?key={WECOM_KEY}"),
            None,
        ),
        RobotKind::Dingtalk => (
            "/robot/send".to_string(),
            format!("?access_token={DINGTALK_TOKEN}"),
            Some(DINGTALK_SECRET),
        ),
        RobotKind::Feishu => (
            format!("/open-apis/bot/v2/hook/{FEISHU_HOOK}"),
            String::new(),
            Some(FEISHU_SECRET),
        ),
    };
    let base = serve(
        Router::new()
            .route(&path, post(robot_call))
            .with_state(robot.clone()),
    )
    .await;
    let app = spawn_app_with(Some(channels(Config::default()))).await;
    let settings = Robot {
        kind,
        url: Secret(format!("{base}{path}{query}")),
        secret: secret.map(|s| Secret(s.into())),
    };
    app.store
        .put_channel_settings(
            app.org.tenant,
            "robot",
            Some(&serde_json::to_string(&settings).unwrap()),
        )
        .await
        .unwrap();
    (app, robot)
}

async fn the_group_robot_hears_of_an_unclaimed_order(kind: RobotKind) {
    let (app, robot) = app_with_robot(kind, 0).await;
    let order = unclaimed_order(&app).await;
    assert_eq!(
        app.app.deliver_due().await.unwrap(),
        report(1, 0, 0),
        "{kind:?}: {:#?}",
        deliveries(&app, "").await
    );
    let delivery = the_delivery(&app).await;
    let notice = &delivery["notice"];
    assert_eq!(notice["channel"], "robot");
    assert_eq!(notice["order"], order);
    assert_eq!(delivery["state"], "delivered");
    let calls = robot.calls();
    assert_eq!(calls.len(), 1, "{kind:?}: {calls:#?}");
    let call = &calls[0];
    assert!(call.signed, "{kind:?}: {call:?}");
    assert_eq!(call.message_id, notice["id"].as_str().unwrap());
    let expected_timestamp = match kind {
        RobotKind::Wecom => None,
        RobotKind::Dingtalk => Some(app.now().timestamp_millis()),
        RobotKind::Feishu => Some(app.now().timestamp()),
    };
    assert_eq!(call.timestamp, expected_timestamp, "{kind:?}: signed now");
    for part in [
        notice["subject"].as_str().unwrap(),
        notice["text"].as_str().unwrap(),
        &format!("{PUBLIC_URL}/orders/{order}"),
    ] {
        assert!(call.text.contains(part), "{kind:?}: `{part}` in {}", call.text);
    }
}

#[tokio::test]
async fn r_b02_the_stations_group_robot_hears_of_an_unclaimed_order_on_wecom() {
    the_group_robot_hears_of_an_unclaimed_order(RobotKind::Wecom).await;
}

#[tokio::test]
async fn r_b02_the_stations_group_robot_hears_of_an_unclaimed_order_on_dingtalk() {
    the_group_robot_hears_of_an_unclaimed_order(RobotKind::Dingtalk).await;
}

#[tokio::test]
async fn r_b02_the_stations_group_robot_hears_of_an_unclaimed_order_on_feishu() {
    the_group_robot_hears_of_an_unclaimed_order(RobotKind::Feishu).await;
}

#[tokio::test]
async fn r_b02_a_robot_answering_errcode_310000_leaves_the_message_pending_with_that_error() {
    let (app, robot) = app_with_robot(RobotKind::Dingtalk, 310_000).await;
    unclaimed_order(&app).await;
    let first_try = app.now();
    assert_eq!(app.app.deliver_due().await.unwrap(), report(0, 1, 0));
    let delivery = the_delivery(&app).await;
    assert_eq!(delivery["state"], "pending");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(time(&delivery["next_at"]), first_try + Duration::seconds(30));
    let error = delivery["last_error"].as_str().unwrap();
    assert!(error.contains("310000"), "{error}");
    assert!(
        !error.contains(DINGTALK_SECRET) && !error.contains(DINGTALK_TOKEN),
        "{error}"
    );
    assert!(
        robot.calls()[0].signed,
        "refused for its content, not its signature"
    );
    // The group's keywords fixed, the retry gets through, under the same id.
    robot.errcode.store(0, Ordering::SeqCst);
    app.advance(Duration::seconds(30));
    assert_eq!(app.app.deliver_due().await.unwrap(), report(1, 0, 0));
    let calls = robot.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].message_id, calls[1].message_id);
    assert_eq!(calls[1].timestamp, Some(app.now().timestamp_millis()));
    assert!(calls[1].signed);
    assert_eq!(the_delivery(&app).await["state"], "delivered");
}
