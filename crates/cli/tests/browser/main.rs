//! Browser stories: people of the demo organisations doing their work in headless Chromium
//! against a real `baoxiu serve`, at 1280×800, with a screenshot of every page.

mod clocks;
mod equipment;
mod harness;
mod hotel;
mod organisation;
mod phone;
mod utility;

use chrono::{Duration, Utc};
use fantoccini::Locator;
use harness::Story;

/// A time the server will take as future, as a `datetime-local` field wants it (China).
pub(crate) fn in_two_days() -> String {
    let at = Utc::now() + Duration::days(2);
    at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%dT10:00")
        .to_string()
}

/// Opens the order with `number` from the list's search.
pub(crate) async fn open_order(s: &Story, number: &str) {
    s.goto(&format!("/orders?q={number}")).await;
    s.client
        .wait()
        .for_element(Locator::LinkText(number))
        .await
        .expect("the order is listed")
        .click()
        .await
        .unwrap();
    s.find(".order-head").await;
}

/// The name a login signs in as, from the page header.
pub(crate) async fn name_of(s: &harness::Story, login: &str) -> String {
    s.sign_in(login).await;
    let who = s.text("header .who").await;
    s.sign_out().await;
    who.split(" · ").next().unwrap_or_default().trim().to_string()
}

/// Fills the field `name` inside an opened command form.
pub(crate) async fn field(s: &Story, form: &fantoccini::elements::Element, name: &str, value: &str) {
    let input = form
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap();
    let tag = input.tag_name().await.unwrap();
    if tag == "select" {
        for option in input.find_all(Locator::Css("option")).await.unwrap() {
            if option.text().await.unwrap().contains(value) {
                option.click().await.unwrap();
                return;
            }
        }
        panic!("no option `{value}` for `{name}`");
    }
    if input.attr("type").await.unwrap().as_deref() == Some("datetime-local") {
        let arg = serde_json::to_value(&input).unwrap();
        s.client
            .execute("arguments[0].value = arguments[1];", vec![arg, value.into()])
            .await
            .unwrap();
        return;
    }
    input.send_keys(value).await.unwrap();
}

/// The desk takes a call and reads the code out; a technician signs in, claims the order
/// from the pool and arrives with the code; the desk sees it move (B01, B02, X09).
#[tokio::test]
async fn property_story_the_desk_takes_a_call_and_a_technician_claims_and_arrives() {
    let Some(mut s) = Story::start("property", 1280, 800).await else {
        return;
    };
    s.goto("/").await;
    s.find("#login").await;
    s.shot("signin").await;
    s.sign_in("property.desk_agent1").await;
    s.shot("orders").await;

    s.goto("/desk/new").await;
    s.fill("#lookup", "13612345678").await;
    s.click("form[action='/desk/new'][method=get] button").await;
    s.see("这个号码没有报过修").await;
    s.fill("#customer_name", "赵丽华").await;
    s.fill("#address", "杭州市西湖区文一西路588号阳光花园").await;
    s.fill("#building", "5幢").await;
    s.fill("#room", "1单元302").await;
    s.fill("#description", "厨房水槽下水管漏水，地面积水").await;
    s.shot("intake").await;
    s.click("#intake button[type=submit]").await;
    let number = s.text("#created-number").await;
    let code = s.text("#created-code").await;
    assert_eq!(code.len(), 6, "the code is read out: {code}");
    assert!(
        number.len() >= 13 && number.contains('-'),
        "a number to read out: {number}"
    );
    s.shot("created").await;
    s.sign_out().await;

    s.sign_in("property.technician1").await;
    s.goto("/orders?state=pool").await;
    s.see(&number).await;
    open_order(&s, &number).await;
    s.see("待抢单").await;
    let claim = s.command("claim").await;
    s.send(&claim).await;
    s.see("已办理：抢单").await;
    let arrive = s.command("arrive").await;
    field(&s, &arrive, "code", &code).await;
    s.send(&arrive).await;
    s.see("已到场").await;
    s.see("凭验证码到场").await;
    s.shot("order-arrived").await;
    assert!(
        !s.body().await.contains(&code),
        "a technician never sees the code"
    );
    s.sign_out().await;

    s.sign_in("property.desk_agent1").await;
    s.goto(&format!("/orders?q={number}")).await;
    s.see("已到场").await;
    s.shot("desk-sees-it-move").await;
    s.end().await;
}

/// The desk records an after-sales call and dispatches it to the head station; the
/// coordinator hands it to a sub-site, assigns it and records the technician's committed
/// time for him (X10); a cancellation is requested and the region officer rejects it from
/// the inbox (A01, A02, A04, A17).
#[tokio::test]
async fn after_sales_story_dispatch_hand_over_commit_and_a_rejected_cancellation() {
    let Some(mut s) = Story::start("after-sales", 1280, 800).await else {
        return;
    };
    s.sign_in("after_sales.desk_agent1").await;
    s.goto("/desk/new").await;
    s.fill("#phone", "13998765432").await;
    s.fill("#customer_name", "孙建华").await;
    s.fill("#address", "北京市海淀区学院路35号世宁大厦1508").await;
    s.fill("#description", "笔记本电脑开机无显示，电源指示灯闪烁")
        .await;
    s.fill("#serial", "HX20260801Q7").await;
    s.click("#intake button[type=submit]").await;
    let number = s.text("#created-number").await;
    open_order(&s, &number).await;
    s.see("待派单").await;
    let dispatch = s.command("dispatch").await;
    field(&s, &dispatch, "station_id", "北京海淀维修站").await;
    s.send(&dispatch).await;
    s.see("派往 北京海淀维修站").await;
    s.sign_out().await;

    s.sign_in("after_sales.coordinator1").await;
    open_order(&s, &number).await;
    let hand_over = s.command("hand-over").await;
    let select = hand_over.find(Locator::Css("select")).await.unwrap();
    let sub_site = select
        .find(Locator::Css("option"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    s.send(&hand_over).await;
    s.see(&format!("转给分点 {sub_site}")).await;
    let assign = s.command("assign").await;
    let technician = assign
        .find(Locator::Css("select option"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    s.send(&assign).await;
    s.see(&format!("派给 {technician}")).await;
    let accept = s.command("accept").await;
    s.send(&accept).await;
    s.see("已接单").await;
    s.shot("order-accepted").await;
    // The technician's step, recorded by the coordinator (A02 amended, X10).
    let commit = s
        .find("form[data-command='commit']:has(input[name='_for'])")
        .await;
    s.open(&commit).await;
    field(&s, &commit, "at", &in_two_days()).await;
    field(&s, &commit, "reason", "与用户约定后天上午上门").await;
    s.send(&commit).await;
    s.see("承诺服务时间 T31").await;
    s.see(&format!("代 {technician} 记录")).await;
    let cancel = s.command("request-cancel").await;
    field(&s, &cancel, "reason", "电话号码错误").await;
    field(&s, &cancel, "note", "用户电话提示空号，请大区核实").await;
    s.send(&cancel).await;
    s.see("撤单申请待审批").await;
    s.shot("order-cancel-requested").await;
    s.sign_out().await;

    s.sign_in("after_sales.region_officer1").await;
    s.goto("/queues/cancellations").await;
    s.see(&number).await;
    s.shot("cancellations").await;
    let reject = s.queue_form(&number, "reject-cancel").await;
    field(&s, &reject, "note", "请站点再联系用户一次").await;
    s.send(&reject).await;
    s.see("已办理：驳回撤单").await;
    open_order(&s, &number).await;
    s.see("驳回撤单申请").await;
    assert!(
        !s.body().await.contains("撤单申请待审批"),
        "nothing waits any more"
    );
    s.shot("order-after-rejection").await;
    s.end().await;
}

/// What a person may not see or do: another station's order and someone else's order are
/// not found; a form without its CSRF token changes nothing; a revoked token is refused at
/// once; a sixth wrong password is slowed (X06, trust).
#[tokio::test]
async fn r_x06_scope_csrf_revoked_tokens_and_slowed_sign_ins() {
    let Some(mut s) = Story::start("scope", 1280, 800).await else {
        return;
    };
    // An order of another station, as the desk sees it.
    s.sign_in("after_sales.desk_agent1").await;
    s.goto("/orders").await;
    let rows = s.all("table.list tbody tr").await;
    let mut foreign = None;
    for row in rows {
        let text = row.text().await.unwrap();
        if !text.contains("北京海淀") && (text.contains("站") || text.contains("点")) {
            let link = row.find(Locator::Css("a.number")).await.unwrap();
            foreign = link.attr("href").await.unwrap();
            break;
        }
    }
    let foreign = foreign.expect("the demo has orders at other stations");
    s.sign_out().await;
    s.sign_in("after_sales.technician1").await;
    s.goto(&foreign).await;
    s.see("找不到页面").await;
    s.shot("not-found").await;
    s.sign_out().await;

    // Someone else's order, for a customer.
    s.sign_in("property.desk_agent1").await;
    s.goto("/orders").await;
    let href = s
        .find("table.list a.number")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    s.goto(&href).await;
    let state_before = s.text(".order-head .state").await;
    s.shot("order").await;
    s.goto(&format!("{href}/slip")).await;
    s.find(".slip").await;
    s.shot("slip").await;
    s.goto("/queues/callbacks").await;
    s.find("main h1").await;
    s.shot("callbacks").await;

    // A form without its CSRF token is refused and changes nothing.
    s.goto(&href).await;
    let form = s.command("contact").await;
    s.client
        .execute(
            "arguments[0].querySelector(\"input[name='_csrf']\").remove();",
            vec![serde_json::to_value(&form).unwrap()],
        )
        .await
        .unwrap();
    s.send(&form).await;
    s.see("表单已失效").await;
    s.goto(&href).await;
    assert_eq!(s.text(".order-head .state").await, state_before);
    assert!(!s.body().await.contains("联系客户："), "no contact was recorded");
    s.sign_out().await;

    s.sign_in("property.customer1").await;
    s.goto(&href).await;
    s.see("找不到页面").await;
    s.sign_out().await;

    // A token issued on the people page works until it is revoked, then not at all.
    s.sign_in("property.admin1").await;
    s.goto("/people").await;
    let issue = s.find("form[action$='/token']").await;
    s.open(&issue).await;
    issue
        .find(Locator::Css("input[name='label']"))
        .await
        .unwrap()
        .send_keys("报表脚本")
        .await
        .unwrap();
    s.send(&issue).await;
    let token = s.text("#new-token").await;
    s.shot("people").await;
    let http = baoxiu_notify::http_client().build().expect("an HTTP client");
    let orders = format!("{}/api/v1/orders", s.base);
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(
        status(http.get(&orders).bearer_auth(&token).send().await.unwrap()),
        200
    );
    s.click("form[action^='/tokens/'] button").await;
    // The page after the revocation lists the token as revoked.
    s.see("已吊销").await;
    assert_eq!(
        status(http.get(&orders).bearer_auth(&token).send().await.unwrap()),
        401,
        "a revoked token is refused on the next request"
    );
    s.sign_out().await;

    // Five wrong passwords, then even the right one waits.
    for _ in 0..5 {
        s.fill("#login", "property.supervisor1").await;
        s.fill("#password", "wrong-password").await;
        s.click("form[action='/signin'] button[type=submit]").await;
        s.see("账号或密码不正确").await;
    }
    s.fill("#login", "property.supervisor1").await;
    s.fill("#password", harness::PASSWORD).await;
    s.click("form[action='/signin'] button[type=submit]").await;
    s.see("尝试次数过多").await;
    s.shot("signin-slowed").await;
    s.end().await;
}

/// The desk finds an order by the number a caller reads out, in Chinese and in English (X09).
#[tokio::test]
async fn r_x09_the_desk_finds_an_order_by_the_number_read_out() {
    let Some(mut s) = Story::start("number", 1280, 800).await else {
        return;
    };
    s.sign_in("after_sales.desk_agent1").await;
    s.goto("/orders").await;
    let numbers = s.all("table.list a.number").await;
    let number = numbers[numbers.len() / 2].text().await.unwrap();
    s.fill("#q", &number).await;
    s.click("form[role=search] button[type=submit]").await;
    s.see(&number).await;
    let found = s.all("table.list a.number").await;
    assert_eq!(found.len(), 1, "exactly the order read out");
    assert_eq!(found[0].text().await.unwrap(), number);
    s.shot("search-by-number").await;
    // The same page in English, by the switch on every page.
    s.click("a.lang").await;
    s.see("Orders").await;
    s.see(&number).await;
    s.shot("search-by-number-en").await;
    s.end().await;
}
