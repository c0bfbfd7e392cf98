//! `spawn_app()`: a fresh SQLite file (or PostgreSQL database, see `any_store.rs`), an organisation with people of every role, a server
//! on port 0 and one helper per endpoint. Time is injected through a clock the test moves.

use crate::any_store::AnyStore;
use baoxiu_domain::{Person, PersonId, Role, Station, StationId, Store, Tenant, TenantId};
use baoxiu_store_postgres::{PgStore, ScratchDatabase};
use baoxiu_store_sqlite::SqliteStore;
use baoxiu_web::{App, Clock};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// How many technicians the seeded organisation has at its head station.
pub const TECHNICIANS: usize = 50;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: AnyStore,
    /// The SQLite file (its photos beside it), or where a PostgreSQL database was made up.
    pub db: PathBuf,
    /// The PostgreSQL database the test runs on, dropped with the last handle.
    pub pg: Option<Arc<ScratchDatabase>>,
    /// Keeps the temporary directory alive for the test's duration.
    pub dir: Arc<tempfile::TempDir>,
    pub now: Arc<Mutex<DateTime<Utc>>>,
    pub org: Org,
    /// The server's application, for its background steps (`run_due`, `deliver_due`).
    pub app: App<AnyStore>,
    stop: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

/// The seeded organisation: ids and a token per person.
#[derive(Clone)]
pub struct Org {
    pub tenant: TenantId,
    pub head_station: Uuid,
    pub sub_site: Uuid,
    /// The sub-site's technician (no token).
    pub sub_site_technician: Uuid,
    pub tokens: HashMap<&'static str, String>,
    /// The head station's technicians, in order, with their tokens.
    pub technicians: Vec<(Uuid, String)>,
}

impl Org {
    pub fn token(&self, who: &str) -> &str {
        self.tokens
            .get(who)
            .unwrap_or_else(|| panic!("no seeded person `{who}`"))
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(None).await
}

/// [`spawn_app`] delivering notices through `channels`.
pub async fn spawn_app_with(channels: Option<baoxiu_notify::Channels>) -> TestApp {
    let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    let db = dir.path().join("baoxiu.sqlite3");
    let pg = on_postgres().await;
    let store = open(&db, pg.as_deref()).await;
    let org = seed(&store).await;
    let now = Arc::new(Mutex::new(Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap()));
    start(store, db, pg, dir, now, org, channels).await
}

/// A fresh PostgreSQL database when `BAOXIU_TEST_BACKEND=postgres`.
async fn on_postgres() -> Option<Arc<ScratchDatabase>> {
    if std::env::var("BAOXIU_TEST_BACKEND").as_deref() != Ok("postgres") {
        return None;
    }
    let db = ScratchDatabase::create("api")
        .await
        .expect("BAOXIU_TEST_BACKEND=postgres needs a PostgreSQL server (BAOXIU_TEST_POSTGRES)");
    Some(Arc::new(db))
}

async fn open(db: &std::path::Path, pg: Option<&ScratchDatabase>) -> AnyStore {
    match pg {
        Some(pg) => AnyStore::Postgres(PgStore::open(pg.url()).await.expect("open store")),
        None => AnyStore::Sqlite(SqliteStore::open(db).await.expect("open store")),
    }
}

async fn start(
    store: AnyStore,
    db: PathBuf,
    pg: Option<Arc<ScratchDatabase>>,
    dir: Arc<tempfile::TempDir>,
    now: Arc<Mutex<DateTime<Utc>>>,
    org: Org,
    channels: Option<baoxiu_notify::Channels>,
) -> TestApp {
    let clock_now = now.clone();
    let clock = Clock::new(move || *clock_now.lock().unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind port 0");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel::<()>();
    let mut app = App::new(store.clone(), clock);
    if let Some(channels) = channels {
        app = app.with_channels(channels);
    }
    let served = app.clone();
    let server = tokio::spawn(async move {
        baoxiu_web::serve(listener, served, async move {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    TestApp {
        base,
        client: baoxiu_notify::http_client().build().expect("an HTTP client"),
        store,
        db,
        pg,
        dir,
        now,
        org,
        app,
        stop: Some((tx, server)),
    }
}

async fn seed(store: &AnyStore) -> Org {
    let tenant = TenantId(Uuid::now_v7());
    store
        .create_tenant(&Tenant {
            id: tenant,
            slug: "acme".into(),
            name: "华信电脑客户服务中心".into(),
            time_zone: "Asia/Shanghai".into(),
            templates: baoxiu_domain::Template::ALL.to_vec(),
        })
        .await
        .unwrap();
    let station = |name: &str, parent: Option<Uuid>| Station {
        id: StationId(Uuid::now_v7()),
        tenant,
        name: name.into(),
        parent: parent.map(StationId),
    };
    let head = station("北京海淀维修站", None);
    let sub = station("中关村分点", Some(head.id.0));
    let other = station("上海徐汇维修站", None);
    for s in [&head, &sub, &other] {
        store.put_station(s).await.unwrap();
    }
    let mut tokens = HashMap::new();
    let people: [(&'static str, Role, Option<StationId>); 10] = [
        ("desk", Role::DeskAgent, None),
        ("desk2", Role::DeskAgent, None),
        ("coordinator", Role::Coordinator, Some(head.id)),
        ("team_lead", Role::TeamLead, Some(head.id)),
        ("other_coordinator", Role::Coordinator, Some(other.id)),
        ("supervisor", Role::Supervisor, None),
        ("region", Role::RegionOfficer, None),
        ("approver", Role::Approver, None),
        ("admin", Role::Admin, None),
        ("customer", Role::Customer, None),
    ];
    for (who, role, station) in people {
        let (_, token) = person(store, tenant, who, role, station).await;
        tokens.insert(who, token);
    }
    let mut technicians = Vec::new();
    for i in 0..TECHNICIANS {
        let (id, token) = person(
            store,
            tenant,
            &format!("师傅{i}"),
            Role::Technician,
            Some(head.id),
        )
        .await;
        technicians.push((id, token));
    }
    let (sub_site_technician, _) = person(store, tenant, "分点师傅", Role::Technician, Some(sub.id)).await;
    Org {
        tenant,
        head_station: head.id.0,
        sub_site: sub.id.0,
        sub_site_technician,
        tokens,
        technicians,
    }
}

pub async fn person(
    store: &AnyStore,
    tenant: TenantId,
    name: &str,
    role: Role,
    station: Option<StationId>,
) -> (Uuid, String) {
    let p = Person {
        id: PersonId(Uuid::now_v7()),
        tenant,
        name: name.into(),
        role,
        station,
        team: None,
        phone: None,
        email: None,
    };
    store.put_person(&p).await.unwrap();
    let token = baoxiu_web::issue_token(store, &p, "test", Utc::now())
        .await
        .unwrap();
    (p.id.0, token)
}

/// A response: status and JSON body.
#[derive(Debug, Clone)]
pub struct Res {
    pub status: u16,
    pub body: Value,
}

impl Res {
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn error_field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }
    pub fn id(&self) -> String {
        self.body["id"].as_str().expect("response has an id").to_string()
    }
    pub fn state(&self) -> &str {
        self.body["state"].as_str().unwrap_or("")
    }
}

impl TestApp {
    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    pub fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }

    pub fn technician(&self, i: usize) -> &str {
        &self.org.technicians[i].1
    }

    pub fn technician_id(&self, i: usize) -> Uuid {
        self.org.technicians[i].0
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Res {
        let res = req.send().await.expect("request sent");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body read");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Res { status, body }
    }

    pub async fn post_raw(&self, token: &str, path: &str, body: &str, key: Option<&str>) -> Res {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(key) = key {
            req = req.header("idempotency-key", key);
        }
        self.send(req).await
    }

    pub async fn create_order(&self, token: &str, body: &Value) -> Res {
        self.post_raw(token, "/api/v1/orders", &body.to_string(), None)
            .await
    }

    pub async fn command(&self, token: &str, id: &str, command: &str, body: Value) -> Res {
        self.post_raw(
            token,
            &format!("/api/v1/orders/{id}/{command}"),
            &body.to_string(),
            None,
        )
        .await
    }

    /// A setup step that must succeed.
    #[track_caller]
    pub fn ok<'a>(
        &'a self,
        token: &'a str,
        id: &'a str,
        command: &'a str,
        body: Value,
    ) -> impl std::future::Future<Output = Res> + 'a {
        let caller = std::panic::Location::caller();
        async move {
            let res = self.command(token, id, command, body).await;
            assert_eq!(
                res.status, 200,
                "setup step {command} at {caller} failed: {:?}",
                res.body
            );
            res
        }
    }

    pub async fn get_order(&self, token: &str, id: &str) -> Res {
        self.send(
            self.client
                .get(format!("{}/api/v1/orders/{id}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    pub async fn list(&self, token: &str, query: &str) -> Res {
        self.send(
            self.client
                .get(format!("{}/api/v1/orders?{query}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    /// Every order of the tenant, straight from the store.
    pub async fn count_orders(&self) -> usize {
        let query = baoxiu_domain::OrderQuery {
            limit: 200,
            ..Default::default()
        };
        self.store
            .list(self.org.tenant, &query)
            .await
            .unwrap()
            .orders
            .len()
    }

    /// Stops the server and closes the store, keeping the file.
    pub async fn stop(mut self) -> (PathBuf, Arc<tempfile::TempDir>, Arc<Mutex<DateTime<Utc>>>, Org) {
        if let Some((tx, server)) = self.stop.take() {
            let _ = tx.send(());
            server.await.unwrap();
        }
        self.store.close().await;
        (
            self.db.clone(),
            self.dir.clone(),
            self.now.clone(),
            self.org.clone(),
        )
    }

    /// Stops the server and starts a new one on the same file (or database).
    pub async fn restart(self) -> TestApp {
        let pg = self.pg.clone();
        let (db, dir, now, org) = self.stop().await;
        let store = open(&db, pg.as_deref()).await;
        start(store, db, pg, dir, now, org, None).await
    }

    /// The photos the store keeps for the test's organisation.
    pub async fn kept_files(&self) -> usize {
        use sqlx::Connection;
        match &self.pg {
            Some(pg) => {
                let mut conn = sqlx::PgConnection::connect(pg.url()).await.unwrap();
                let n: i64 = sqlx::query_scalar("SELECT count(*) FROM uploads WHERE tenant_id = $1")
                    .bind(self.org.tenant.0)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
                n as usize
            }
            None => {
                let mut dir = self.db.as_os_str().to_owned();
                dir.push("-files");
                let dir = PathBuf::from(dir).join(self.org.tenant.to_string());
                std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
            }
        }
    }
}

/// A property order as the desk records a call.
pub fn property_order() -> Value {
    json!({
        "template": "property",
        "kind": "repair",
        "channel": "phone",
        "priority": "normal",
        "customer": {"name": "李秀英", "phone": "13912345678"},
        "location": {"address": "阳光花园小区", "area": "in_home", "building": "3栋", "room": "1单元502"},
        "description": "卫生间漏水，楼下天花板有水渍"
    })
}

/// An after-sales order with the product's serial and warranty.
pub fn after_sales_order() -> Value {
    json!({
        "template": "after_sales",
        "channel": "hotline",
        "customer": {"name": "王建国", "phone": "010-62345678"},
        "location": {"address": "北京市海淀区中关村大街27号 中关村大厦1208"},
        "description": "笔记本无法开机，电源灯不亮",
        "asset": {"serial": "LX20250612A0091", "model": "昭阳 K4e", "warranty_end": "2027-06-12"}
    })
}

pub fn signature() -> Value {
    json!({"signer": "李秀英", "image": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="})
}

/// RFC 3339 text for `now + by`.
pub fn at(app: &TestApp, by: Duration) -> String {
    (app.now() + by).to_rfc3339()
}

/// A household's call to the power hotline (95598).
pub fn utility_order() -> Value {
    json!({
        "template": "utility",
        "channel": "hotline",
        "priority": "urgent",
        "customer": {"name": "周桂兰", "phone": "13712345678"},
        "location": {"address": "江城市西湖区文三路118号 文苑小区5幢"},
        "description": "家里突然停电，邻居家也没电"
    })
}

/// A written slip from housekeeping, signed by its supervisor, for an occupied room (hotel).
pub fn hotel_order() -> Value {
    json!({
        "template": "hotel",
        "channel": "other_department",
        "customer": {"name": "客房部 刘芳", "phone": "0571-87001208"},
        "location": {"address": "锦江大酒店", "building": "主楼12层", "room": "1208房"},
        "description": "1208房卫生间面盆下水管漏水，客人在房",
        "slip": {
            "department": "客房部",
            "reporter": {"name": "刘芳", "position": "foreman"},
            "signed_by": {"name": "陈静怡", "position": "supervisor"},
            "special": "occupied_room",
            "guest_area": true
        }
    })
}

/// An operator's report to the factory's maintenance team, for the seeded head station.
pub fn equipment_order(station: uuid::Uuid) -> Value {
    json!({
        "template": "equipment",
        "channel": "phone",
        "priority": "urgent",
        "category": "液压",
        "customer": {"name": "注塑车间 王强", "phone": "13612345678"},
        "location": {"address": "一号厂房 注塑车间", "building": "3号线", "room": "注塑机 ZS-03"},
        "description": "注塑机液压泵漏油，压力上不去",
        "station_id": station
    })
}
