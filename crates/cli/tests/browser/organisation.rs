//! The organisation's own work in the browser, on a phone: the factory's section head sets a
//! maintenance plan on a machine's ledger, the server makes its order when it falls due, and
//! the day's work log lists it (C12); the property supervisor proposes a price list that
//! the general manager approves before it is in force (B24); a station asks to change its
//! coverage and its region decides (A19).

use crate::harness::Story;

/// Today in China, as a date field wants it.
fn today() -> String {
    let at = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    at.format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn organisation_story_a_maintenance_plan_makes_its_order_and_the_log_lists_it() {
    let Some(mut s) = Story::start_timed("maintenance", 390, 844).await else {
        return;
    };
    s.sign_in("equipment.supervisor1").await;
    s.goto("/register").await;
    s.see("有保养计划").await;
    s.goto("/register/ZS-03").await;
    s.see("周检：油位、气压、安全门、紧固件").await;
    s.fill("#what", "检查安全门联锁").await;
    s.fill("#every_days", "30").await;
    // A date field takes its value as the page would set it, not as keys typed.
    s.client
        .execute(
            "document.querySelector('#first_due').value = arguments[0]",
            vec![serde_json::json!(today())],
        )
        .await
        .unwrap();
    s.fill("#contact_name", "注塑车间 王强").await;
    s.fill("#contact_phone", "13612345678").await;
    s.click("form[action='/register/ZS-03/plans'] button[type=submit]")
        .await;
    s.see("检查安全门联锁").await;
    s.shot("ledger-plan-phone").await;

    // A day on, the plan is due: the server's background step makes the order.
    s.advance_clock(chrono::Duration::days(1));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        s.goto("/register/ZS-03").await;
        if s.body().await.contains("定期保养：检查安全门联锁") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the maintenance order never appeared"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    s.shot("ledger-with-order-phone").await;
    s.goto("/log").await;
    s.see("维修工作日志").await;
    s.see("定期保养：检查安全门联锁").await;
    s.shot("work-log-phone").await;
    s.end().await;
}

#[tokio::test]
async fn organisation_story_the_price_list_and_a_coverage_change_take_effect_on_approval() {
    let Some(mut s) = Story::start("requests", 390, 844).await else {
        return;
    };
    s.sign_in("property.supervisor1").await;
    s.goto("/requests").await;
    s.see("家政保洁（2小时）").await;
    s.fill(
        "#items",
        "BJ-01 | 家政保洁（2小时） | 次 | 130\nWX-01 | 疏通下水道（人工） | 次 | 80",
    )
    .await;
    s.fill("#price-note", "保洁调价").await;
    s.click("form[action='/requests/prices'] button[type=submit]")
        .await;
    s.see("审批中").await;
    s.shot("price-list-asked-phone").await;
    s.sign_out().await;

    s.sign_in("property.approver1").await;
    s.goto("/requests").await;
    s.see("保洁调价").await;
    s.shot("price-list-to-decide-phone").await;
    s.click("form[action^='/requests/'] button[value=approve]").await;
    s.see("¥130.00").await;
    s.sign_out().await;

    // A19: the first after-sales station's extension waits for headquarters.
    s.sign_in("after_sales.approver1").await;
    s.goto("/requests").await;
    s.see("网点服务范围").await;
    s.fill("form[action^='/requests/'] input[name=reason]", "该区域已有网点")
        .await;
    s.click("form[action^='/requests/'] button[value=reject]").await;
    s.see("已驳回").await;
    s.see("无网点区域").await;
    s.shot("coverage-rejected-phone").await;
    s.end().await;
}
