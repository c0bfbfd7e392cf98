//! The pages without a browser: sign-in and its cookie, sessions that outlive a restart,
//! forms refused without their CSRF token, revocation and disabling taking effect at once.
//! (The browser stories in `crates/cli/tests/browser` drive the same pages in Chromium.)

use crate::helpers::{TestApp, property_order, spawn_app};
use baoxiu_domain::{Account, Login, Store};

const PASSWORD: &str = "correct-horse-7";

/// Gives the seeded person `who` a sign-in; returns their login.
async fn account(app: &TestApp, who: &str) -> String {
    let digest = baoxiu_web::token_digest(app.org.token(who));
    let person = app.store.person_by_token(&digest).await.unwrap().unwrap();
    let login = format!("{who}.login");
    app.store
        .put_account(&Account {
            tenant: person.tenant,
            person: person.id,
            login: Login::parse("login", &login).unwrap(),
            phone: None,
            password_hash: baoxiu_web::password::hash(PASSWORD).await.unwrap(),
            disabled: false,
        })
        .await
        .unwrap();
    login
}

fn no_redirects() -> reqwest::Client {
    baoxiu_notify::http_client()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in; returns the session cookie (`bx_session=…`) and the whole Set-Cookie line.
async fn sign_in(app: &TestApp, login: &str, password: &str) -> (u16, Option<(String, String)>) {
    let res = no_redirects()
        .post(format!("{}/signin", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("login={login}&password={password}"))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let cookie = res
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
        .map(|line| (line.split(';').next().unwrap().to_string(), line));
    (status, cookie)
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> (u16, String) {
    let res = no_redirects()
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The CSRF token in a page's forms.
fn csrf(html: &str) -> String {
    let at = html
        .find("name=\"_csrf\" value=\"")
        .expect("a form with its token")
        + 20;
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn signing_in_sets_a_session_cookie_that_survives_a_restart() {
    let app = spawn_app().await;
    let login = account(&app, "desk").await;
    let (status, cookie) = sign_in(&app, &login, "wrong").await;
    assert_eq!((status, cookie.is_none()), (401, true));
    let (status, cookie) = sign_in(&app, &login, PASSWORD).await;
    assert_eq!(status, 303);
    let (cookie, line) = cookie.expect("a session cookie");
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Lax"),
        "{line}"
    );
    assert!(!line.contains("Secure"), "served over plain HTTP here");
    let (status, html) = page(&app, &cookie, "/orders").await;
    assert_eq!(status, 200);
    assert!(html.contains("工单列表"), "Chinese by default");
    let app = app.restart().await;
    let (status, _) = page(&app, &cookie, "/orders").await;
    assert_eq!(
        status, 200,
        "sessions live in the database: a restart signs nobody out"
    );
    let (status, _) = page(&app, "bx_session=forged", "/orders").await;
    assert_eq!(status, 303, "no session: to the sign-in page");
}

#[tokio::test]
async fn a_command_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let login = account(&app, "desk").await;
    let (_, cookie) = sign_in(&app, &login, PASSWORD).await;
    let cookie = cookie.unwrap().0;
    let id = app
        .create_order(app.org.token("desk"), &property_order())
        .await
        .id();
    let (_, html) = page(&app, &cookie, &format!("/orders/{id}")).await;
    let token = csrf(&html);
    let post = |body: String| {
        no_redirects()
            .post(format!("{}/orders/{id}/do/contact", app.base))
            .header("cookie", cookie.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let refused = post("outcome=reached&note=x".into()).await.unwrap();
    assert_eq!(refused.status().as_u16(), 403);
    let forged = post("outcome=reached&_csrf=not-the-token".into()).await.unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    let history = app.get_order(app.org.token("desk"), &id).await.body["history"].clone();
    assert_eq!(history.as_array().unwrap().len(), 1, "nothing was recorded");
    let done = post(format!("outcome=reached&_csrf={token}")).await.unwrap();
    assert_eq!(done.status().as_u16(), 303, "with its token the same form runs");
    let history = app.get_order(app.org.token("desk"), &id).await.body["history"].clone();
    assert_eq!(history.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_revoked_token_and_a_disabled_account_are_refused_at_once() {
    let app = spawn_app().await;
    let login = account(&app, "admin").await;
    let desk_login = account(&app, "desk").await;
    let (_, cookie) = sign_in(&app, &login, PASSWORD).await;
    let cookie = cookie.unwrap().0;
    let (_, desk_cookie) = sign_in(&app, &desk_login, PASSWORD).await;
    let desk_cookie = desk_cookie.unwrap().0;
    let desk_token = app.org.token("desk").to_string();
    // The token is resolved and cached by this server...
    assert_eq!(app.list(&desk_token, "").await.status, 200);
    let (_, html) = page(&app, &cookie, "/people").await;
    let token = csrf(&html);
    // ... the admin disables the desk agent's account on the people page ...
    let digest = baoxiu_web::token_digest(&desk_token);
    let desk = app.store.person_by_token(&digest).await.unwrap().unwrap();
    let res = no_redirects()
        .post(format!("{}/people/{}/disable", app.base, desk.id))
        .header("cookie", cookie.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    // ... and the next request with the token, or the session, is refused.
    assert_eq!(app.list(&desk_token, "").await.status, 401);
    assert_eq!(page(&app, &desk_cookie, "/orders").await.0, 303);
    assert_eq!(sign_in(&app, &desk_login, PASSWORD).await.0, 401);

    // Revoking one token from the list works the same way.
    let coordinator = app.org.token("coordinator").to_string();
    assert_eq!(app.list(&coordinator, "").await.status, 200);
    let id = &baoxiu_web::token_digest(&coordinator)[..12];
    let res = no_redirects()
        .post(format!("{}/tokens/{id}/revoke", app.base))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(app.list(&coordinator, "").await.status, 401);
}

#[tokio::test]
async fn r_x06_orders_a_person_may_not_see_are_not_found_pages() {
    let app = spawn_app().await;
    let customer = account(&app, "customer").await;
    let (_, cookie) = sign_in(&app, &customer, PASSWORD).await;
    let cookie = cookie.unwrap().0;
    let someone_elses = app
        .create_order(app.org.token("desk"), &property_order())
        .await
        .id();
    let (status, html) = page(&app, &cookie, &format!("/orders/{someone_elses}")).await;
    assert_eq!(status, 404);
    assert!(html.contains("找不到页面"));
    let (status, _) = page(&app, &cookie, "/no/such/page").await;
    assert_eq!(status, 404);
    let (status, _) = page(&app, &cookie, "/people").await;
    assert_eq!(status, 404, "the people page is the admins'");
}

/// B12's public list and the overdue page show a late order to staff, not to customers;
/// the admin's pages are the admin's (X06).
#[tokio::test]
async fn r_b12_the_unfinished_list_is_open_to_staff_and_the_admin_pages_to_admins() {
    let app = spawn_app().await;
    let desk = app.org.token("desk").to_string();
    let id = app.create_order(&desk, &property_order()).await.id();
    let number = app.get_order(&desk, &id).await.body["number"]
        .as_str()
        .unwrap()
        .to_string();
    app.advance(chrono::Duration::hours(24));
    app.app.run_due().await.unwrap();
    let (_, staff) = sign_in(&app, &account(&app, "approver").await, PASSWORD).await;
    let staff = staff.unwrap().0;
    let (status, html) = page(&app, &staff, "/unfinished").await;
    assert_eq!(status, 200);
    assert!(html.contains(&number), "the late order is listed");
    let (status, html) = page(&app, &staff, "/overdue?clock=b12_unfinished").await;
    assert_eq!(status, 200);
    assert!(html.contains(&number));
    assert_eq!(
        page(&app, &staff, "/admin/deliveries").await.0,
        404,
        "not an admin"
    );
    assert_eq!(page(&app, &staff, "/admin/calendar").await.0, 404);
    let (_, customer) = sign_in(&app, &account(&app, "customer").await, PASSWORD).await;
    let customer = customer.unwrap().0;
    assert_eq!(page(&app, &customer, "/unfinished").await.0, 404);
    let (_, admin) = sign_in(&app, &account(&app, "admin").await, PASSWORD).await;
    let admin = admin.unwrap().0;
    let (status, html) = page(&app, &admin, "/admin/calendar").await;
    assert_eq!(status, 200);
    assert!(html.contains("2025、2026"), "the shipped years");
    // A bad year file is refused with the field named, and nothing is added.
    let form = format!(
        "_csrf={}&file=year%20%3D%201999%0Aholidays%20%3D%20%5B%5D%0Aworkdays%20%3D%20%5B%5D",
        csrf(&html)
    );
    let res = no_redirects()
        .post(format!("{}/admin/calendar", app.base))
        .header("cookie", &admin)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("2025、2026") && !body.contains("1999、"),
        "nothing added"
    );
    assert_eq!(page(&app, &admin, "/admin/deliveries").await.0, 200);
}

/// The parts list: an order waiting for parts is listed with what it waits for and the form
/// to ship it; shipped under its parts order number, it shows on the order page (A11).
#[tokio::test]
async fn r_a11_the_parts_list_shows_what_waits_and_ships_it_under_its_order_number() {
    use serde_json::json;
    let app = spawn_app().await;
    let desk = app.org.token("desk").to_string();
    let id = app.create_order(&desk, &property_order()).await.id();
    let body = app.get_order(&desk, &id).await.body;
    let code = body["verification_code"].as_str().unwrap().to_string();
    let number = body["number"].as_str().unwrap().to_string();
    app.ok(app.technician(0), &id, "claim", json!({})).await;
    app.ok(app.technician(0), &id, "arrive", json!({"code": code}))
        .await;
    app.ok(
        app.technician(0),
        &id,
        "request-parts",
        json!({"parts": [{"code": "FV-20", "name": "角阀", "quantity": 2}]}),
    )
    .await;
    let (_, supervisor) = sign_in(&app, &account(&app, "supervisor").await, PASSWORD).await;
    let supervisor = supervisor.unwrap().0;
    let (status, html) = page(&app, &supervisor, "/queues/parts").await;
    assert_eq!(status, 200);
    assert!(html.contains(&number) && html.contains("FV-20 角阀 ×2"), "{html}");
    assert!(html.contains("data-command=\"ship-parts\""));
    app.ok(
        app.org.token("supervisor"),
        &id,
        "ship-parts",
        json!({"order_no": "PO-20261102-001"}),
    )
    .await;
    let (_, html) = page(&app, &supervisor, &format!("/orders/{id}")).await;
    assert!(
        html.contains("PO-20261102-001"),
        "the order shows its parts order number"
    );
}

/// The register and its stickers (扫码报修): the admin registers a machine (a code twice is
/// refused); the sticker sheet carries it; a scan opens the desk's intake with the place
/// filled in, or the customer's own report form; an unknown code is not found.
#[tokio::test]
async fn the_register_prints_stickers_and_a_scan_opens_the_report_with_the_place_filled_in() {
    let app = spawn_app().await;
    let (_, admin) = sign_in(&app, &account(&app, "admin").await, PASSWORD).await;
    let admin = admin.unwrap().0;
    let (status, html) = page(&app, &admin, "/register").await;
    assert_eq!(status, 200);
    let form = format!(
        "_csrf={}&code=ZS-03&name=%E6%B3%A8%E5%A1%91%E6%9C%BA3%E5%8F%B7&address=%E4%B8%80%E5%8F%B7%E5%8E%82%E6%88%BF&building=3%E5%8F%B7%E7%BA%BF&room=&model=HTF-250",
        csrf(&html)
    );
    let post = |body: String| {
        no_redirects()
            .post(format!("{}/register", app.base))
            .header("cookie", &admin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    assert_eq!(post(form.clone()).await.unwrap().status().as_u16(), 303);
    assert_eq!(post(form).await.unwrap().status().as_u16(), 409, "a code once");
    let sheet = no_redirects()
        .get(format!("{}/register/stickers.svg", app.base))
        .header("cookie", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sheet.headers()["content-type"].to_str().unwrap(),
        "image/svg+xml; charset=utf-8"
    );
    let svg = sheet.text().await.unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("ZS-03") && svg.contains("<path"),
        "{svg}"
    );

    let (_, desk) = sign_in(&app, &account(&app, "desk").await, PASSWORD).await;
    let desk = desk.unwrap().0;
    let scan = no_redirects()
        .get(format!("{}/report?asset=ZS-03", app.base))
        .header("cookie", &desk)
        .send()
        .await
        .unwrap();
    assert_eq!(
        scan.headers()["location"].to_str().unwrap(),
        "/desk/new?asset=ZS-03"
    );
    let (_, intake) = page(&app, &desk, "/desk/new?asset=ZS-03").await;
    assert!(intake.contains("value=\"一号厂房\"") && intake.contains("name=\"serial\" value=\"ZS-03\""));
    assert_eq!(page(&app, &desk, "/report?asset=NOPE").await.0, 404);

    let (_, customer) = sign_in(&app, &account(&app, "customer").await, PASSWORD).await;
    let customer = customer.unwrap().0;
    let scan = no_redirects()
        .get(format!("{}/report?asset=ZS-03", app.base))
        .header("cookie", &customer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        scan.headers()["location"].to_str().unwrap(),
        "/my/new?asset=ZS-03"
    );
    let (_, mine) = page(&app, &customer, "/my/new?asset=ZS-03").await;
    assert!(mine.contains("value=\"一号厂房\""), "{mine}");
    // Only the admin keeps the register.
    assert_eq!(page(&app, &desk, "/register").await.0, 404);
}

/// C12: the supervisor sets a maintenance plan on a machine's ledger page (a bad interval
/// is refused, naming it); when it falls due the background step makes one maintenance
/// order, and a step repeated after a crash that left the plan unmoved makes no second.
/// The order is in the machine's ledger and in the day's work log as not done.
#[tokio::test]
async fn r_c12_a_plan_set_on_the_ledger_makes_one_maintenance_order_in_the_ledger_and_the_log() {
    use baoxiu_domain::{AssetRecord, Location};
    let app = spawn_app().await;
    let at = Location::parse("一号厂房 注塑车间", None, Some("3号线"), None).unwrap();
    let machine = AssetRecord::parse(app.org.tenant, "ZS-03", "注塑机3号", at, Some("HTF-250")).unwrap();
    app.store.add_asset(&machine).await.unwrap();
    let (_, supervisor) = sign_in(&app, &account(&app, "supervisor").await, PASSWORD).await;
    let supervisor = supervisor.unwrap().0;
    let (status, html) = page(&app, &supervisor, "/register/ZS-03").await;
    assert_eq!(status, 200);
    assert!(html.contains("保养计划") && html.contains("尚无记录"), "{html}");
    let post = |body: String| {
        no_redirects()
            .post(format!("{}/register/ZS-03/plans", app.base))
            .header("cookie", &supervisor)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    // 2026-11-02 08:00 in Shanghai is before the test's 09:00 there: due at once.
    let form = |every: &str| {
        format!(
            "_csrf={}&what=%E6%9B%B4%E6%8D%A2%E6%B6%B2%E5%8E%8B%E6%B2%B9&every_days={every}&first_due=2026-11-02&contact_name=%E7%8E%8B%E5%BC%BA&contact_phone=13612345678",
            csrf(&html)
        )
    };
    let refused = post(form("0")).await.unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("周期（天）: 必须是 1 到 366 天")
    );
    assert!(
        app.store
            .asset(app.org.tenant, "ZS-03")
            .await
            .unwrap()
            .unwrap()
            .plans
            .is_empty()
    );
    assert_eq!(post(form("30")).await.unwrap().status().as_u16(), 303);
    let planned = app.store.asset(app.org.tenant, "ZS-03").await.unwrap().unwrap();

    let before = app.count_orders().await;
    let made = app.app.run_maintenance().await.unwrap();
    assert_eq!((made.made, made.refused), (1, 0));
    assert_eq!(app.count_orders().await, before + 1);
    assert_eq!(
        app.app.run_maintenance().await.unwrap().made,
        0,
        "moved on a period"
    );
    // A crash after the order but before the plan moved on: the step makes the same order.
    let mut undone = app.store.asset(app.org.tenant, "ZS-03").await.unwrap().unwrap();
    undone.plans = planned.plans.clone();
    app.store.put_asset(&undone).await.unwrap();
    assert_eq!(app.app.run_maintenance().await.unwrap().made, 1);
    assert_eq!(app.count_orders().await, before + 1, "no second order");

    let moved = app.store.asset(app.org.tenant, "ZS-03").await.unwrap().unwrap();
    let number = moved.plans[0].last_order.clone().expect("the order's number");
    let (_, ledger) = page(&app, &supervisor, "/register/ZS-03").await;
    assert!(
        ledger.contains(&number) && ledger.contains("定期保养：更换液压油"),
        "{ledger}"
    );
    let (status, log) = page(&app, &supervisor, "/log?day=2026-11-02").await;
    assert_eq!(status, 200);
    let open = log.split("id=\"open-h\"").nth(1).expect("the not-done list");
    assert!(open.contains(&number), "{log}");
    let (_, quiet) = page(&app, &supervisor, "/log?day=2026-11-01").await;
    assert!(!quiet.contains(&number), "not reported yet the day before");
    assert_eq!(page(&app, &supervisor, "/log?day=soon").await.0, 422);
    let (_, desk) = sign_in(&app, &account(&app, "desk").await, PASSWORD).await;
    assert_eq!(page(&app, &desk.unwrap().0, "/log").await.0, 404);
}

/// Posts a form as `cookie`: the status and the page answered.
async fn post_form(app: &TestApp, cookie: &str, path: &str, body: String) -> (u16, String) {
    let res = no_redirects()
        .post(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Form-encodes `s`: every byte but letters and digits as %XX.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn signed_in(app: &TestApp, who: &str) -> String {
    sign_in(app, &account(app, who).await, PASSWORD)
        .await
        .1
        .unwrap()
        .0
}

/// The id of the first request waiting on the page.
fn waiting_request(html: &str) -> String {
    let at = html.find("action=\"/requests/").expect("a request to decide") + 18;
    html[at..].split('/').next().unwrap().to_string()
}

/// A19 through the pages: the station's coordinator asks for its coverage; the region
/// approves and nothing changes yet; headquarters cannot reject without a reason, then
/// approves, and the coverage is in force.
#[tokio::test]
async fn r_a19_a_coverage_request_takes_effect_after_the_region_and_headquarters() {
    let app = spawn_app().await;
    let coordinator = signed_in(&app, "coordinator").await;
    let (status, html) = page(&app, &coordinator, "/requests").await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("上海徐汇维修站"),
        "only the coordinator's own station is offered"
    );
    let body = format!(
        "_csrf={}&station={}&areas={}&capacity=40&note={}",
        csrf(&html),
        app.org.head_station,
        enc("海淀区、昌平区"),
        enc("新增昌平区")
    );
    assert_eq!(
        post_form(&app, &coordinator, "/requests/coverage", body).await.0,
        303
    );

    let region = signed_in(&app, "region").await;
    let (_, html) = page(&app, &region, "/requests").await;
    let id = waiting_request(&html);
    let decide = |html: &str, decision: &str, reason: &str| {
        format!("_csrf={}&decision={decision}&reason={}", csrf(html), enc(reason))
    };
    let path = format!("/requests/{id}/decide");
    assert_eq!(
        post_form(&app, &region, &path, decide(&html, "approve", ""))
            .await
            .0,
        303
    );
    assert!(
        app.store
            .coverage(app.org.tenant)
            .await
            .unwrap()
            .stations
            .is_empty()
    );

    let approver = signed_in(&app, "approver").await;
    let (_, html) = page(&app, &approver, "/requests").await;
    let (status, refused) = post_form(&app, &approver, &path, decide(&html, "reject", "")).await;
    assert_eq!(status, 422);
    assert!(refused.contains("role=\"alert\""), "{refused}");
    assert_eq!(
        post_form(&app, &approver, &path, decide(&html, "approve", "同意"))
            .await
            .0,
        303
    );
    let book = app.store.coverage(app.org.tenant).await.unwrap();
    assert_eq!(book.stations[0].areas, ["海淀区", "昌平区"]);
    let (_, html) = page(&app, &coordinator, "/requests").await;
    assert!(
        html.contains("海淀区、昌平区") && html.contains("已批准"),
        "{html}"
    );
}

/// B24 through the pages and the API: the supervisor proposes the price list (a line that
/// does not read is refused, naming it); the general manager approves; then a technician
/// quotes list items at the list's price and cannot price a service off the list.
#[tokio::test]
async fn r_b24_an_approved_price_list_governs_the_quotes() {
    let app = spawn_app().await;
    let supervisor = signed_in(&app, "supervisor").await;
    let (_, html) = page(&app, &supervisor, "/requests").await;
    let form = |items: &str| {
        format!(
            "_csrf={}&items={}&note={}",
            csrf(&html),
            enc(items),
            enc("2027版")
        )
    };
    let (status, refused) =
        post_form(&app, &supervisor, "/requests/prices", form("BJ-01 家政保洁 120")).await;
    assert_eq!(status, 422);
    assert!(refused.contains("格式为"), "{refused}");
    let items = "BJ-01 | 家政保洁（2小时） | 次 | 120\nWX-03 | 更换水龙头（人工） | 个 | 30";
    assert_eq!(
        post_form(&app, &supervisor, "/requests/prices", form(items))
            .await
            .0,
        303
    );
    assert!(!app.store.price_list(app.org.tenant).await.unwrap().in_force());

    let approver = signed_in(&app, "approver").await;
    let (_, html) = page(&app, &approver, "/requests").await;
    let id = waiting_request(&html);
    let body = format!("_csrf={}&decision=approve&reason=", csrf(&html));
    assert_eq!(
        post_form(&app, &approver, &format!("/requests/{id}/decide"), body)
            .await
            .0,
        303
    );
    assert_eq!(app.store.price_list(app.org.tenant).await.unwrap().items.len(), 2);

    let desk = app.org.token("desk").to_string();
    let id = app.create_order(&desk, &property_order()).await.id();
    app.ok(app.technician(0), &id, "claim", serde_json::json!({}))
        .await;
    let off = serde_json::json!({"lines": [{"name": "疏通下水道", "quantity": 1, "unit_price": "80"}]});
    let res = app.command(app.technician(0), &id, "quote", off.clone()).await;
    assert_eq!((res.status, res.error_code()), (403, "off_price_list"));
    let wrong = serde_json::json!({"lines": [{"name": "家政保洁", "quantity": 1, "unit_price": "100", "item": "BJ-01"}]});
    let res = app.command(app.technician(0), &id, "quote", wrong).await;
    assert_eq!((res.status, res.error_code()), (422, "not_list_price"));
    let listed = serde_json::json!({"lines": [{"name": "家政保洁", "quantity": 2, "unit_price": "120", "item": "BJ-01"}]});
    app.ok(app.technician(0), &id, "quote", listed).await;
    let told = app.get_order(&desk, &id).await.body;
    assert_eq!(told["charges"]["lines"][0]["item"], "BJ-01");
    assert_eq!(told["charges"]["lines"][0]["unit_price"], 12000, "in fen");
    app.ok(app.org.token("supervisor"), &id, "quote", off).await;

    // On the order page the technician picks the item: its name and price come with it.
    let digest = baoxiu_web::token_digest(app.technician(0));
    let technician = app.store.person_by_token(&digest).await.unwrap().unwrap();
    app.store
        .put_account(&Account {
            tenant: technician.tenant,
            person: technician.id,
            login: Login::parse("login", "tech0.login").unwrap(),
            phone: None,
            password_hash: baoxiu_web::password::hash(PASSWORD).await.unwrap(),
            disabled: false,
        })
        .await
        .unwrap();
    let cookie = sign_in(&app, "tech0.login", PASSWORD).await.1.unwrap().0;
    let (_, html) = page(&app, &cookie, &format!("/orders/{id}")).await;
    assert!(
        html.contains("name=\"charge_item_0\"") && html.contains("BJ-01 家政保洁（2小时） ¥120.00/次"),
        "{html}"
    );
    let body = format!("_csrf={}&charge_item_0=BJ-01&charge_qty_0=2", csrf(&html));
    let (status, _) = post_form(&app, &cookie, &format!("/orders/{id}/do/quote"), body).await;
    assert_eq!(status, 303);
    let order_id = id.parse().map(baoxiu_domain::OrderId).unwrap();
    let order = app.store.order(app.org.tenant, order_id).await.unwrap().unwrap();
    let line = &order.charges.lines[0];
    assert_eq!(
        (line.item.as_deref(), line.unit_price, line.quantity),
        (Some("BJ-01"), baoxiu_domain::Fen(12000), 2)
    );
    assert_eq!(line.name, "家政保洁（2小时）");
}

/// `GET /metrics`: requests counted by the route as routed (not by id), the store's write
/// batches and commit time, and the timers and notices waiting, in the OpenMetrics text
/// Prometheus scrapes.
#[tokio::test]
async fn metrics_count_requests_by_route_and_report_the_store() {
    let app = spawn_app().await;
    let desk = app.org.token("desk").to_string();
    let id = app.create_order(&desk, &property_order()).await.id();
    app.get_order(&desk, &id).await;
    app.get_order(&desk, &id).await;
    let _ = no_redirects()
        .get(format!("{}/no/such/page", app.base))
        .send()
        .await
        .unwrap();
    let res = no_redirects()
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = res.text().await.unwrap();
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` in:\n{text}"))
            .to_string()
    };
    let reads =
        line("baoxiu_http_requests_total{route=\"/api/v1/orders/{id}\",method=\"GET\",status=\"200\"}");
    assert!(reads.ends_with(" 2"), "{reads}");
    line("baoxiu_http_requests_total{route=\"/api/v1/orders\",method=\"POST\",status=\"201\"}");
    line("baoxiu_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}");
    assert!(!text.contains(&id), "no series per order");
    line("baoxiu_http_request_duration_seconds_bucket{");
    let batches = line("baoxiu_store_write_batches_total ");
    let n: u64 = batches.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 1, "{batches}");
    line("baoxiu_store_commit_duration_seconds_bucket{le=\"+Inf\"}");
    line("baoxiu_timers_due ");
    line("baoxiu_outbox_pending ");
    assert!(text.trim_end().ends_with("# EOF"));
}
