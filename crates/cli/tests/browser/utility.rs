//! The utility's hotline in the browser (E01–E05): the desk closes an arrears call at
//! intake, then takes a grid fault through the account check and the finding to the
//! district crew, whose duty lead sends a lineman; the desk apologises.

use crate::field;
use crate::harness::Story;
use crate::open_order;

/// Records a call at the desk's intake form and returns its number.
async fn take_call(s: &Story, phone: &str, name: &str, address: &str, description: &str) -> String {
    s.goto("/desk/new").await;
    s.fill("#phone", phone).await;
    s.fill("#customer_name", name).await;
    s.fill("#address", address).await;
    s.fill("#description", description).await;
    s.click("#intake button[type=submit]").await;
    s.text("#created-number").await
}

#[tokio::test]
async fn utility_story_the_desk_closes_an_arrears_call_and_sends_a_grid_fault_to_the_crew() {
    let Some(mut s) = Story::start("utility", 1280, 800).await else {
        return;
    };
    s.sign_in("utility.desk_agent1").await;

    // E01: cut off for arrears: told why, the call ends; nothing can send a crew.
    let arrears = take_call(
        &s,
        "13755501234",
        "钱文华",
        "江城市东湖区和平路3号 和平里",
        "家里没电了",
    )
    .await;
    open_order(&s, &arrears).await;
    s.see("待派单").await;
    assert!(
        s.client
            .find(fantoccini::Locator::Css("form[data-command='dispatch']"))
            .await
            .is_err(),
        "no dispatch before the account and the fault are known"
    );
    let check = s.command("check-account").await;
    field(&s, &check, "account", "3301234567").await;
    s.click("form[data-command='check-account'] input[name='status'][value='arrears']")
        .await;
    s.shot("arrears-check").await;
    s.send(&check).await;
    s.see("已结束").await;
    s.see("欠费停电，已告知客户停电原因").await;
    assert!(
        s.client
            .find(fantoccini::Locator::Css("form[data-command='dispatch']"))
            .await
            .is_err(),
        "a call ended at intake is never dispatched"
    );
    s.shot("arrears-closed").await;

    // E02, E04: a grid fault goes to the district crew.
    let grid = take_call(
        &s,
        "13755507777",
        "孙立新",
        "江城市东湖区民主路12号 民主新村",
        "整栋楼突然停电，邻居家也没电",
    )
    .await;
    open_order(&s, &grid).await;
    let check = s.command("check-account").await;
    field(&s, &check, "account", "3307654321").await;
    s.click("form[data-command='check-account'] input[name='status'][value='paid']")
        .await;
    s.send(&check).await;
    s.see("已交费，继续受理").await;
    let triage = s.command("triage").await;
    field(&s, &triage, "finding", "公司抢修范围").await;
    field(&s, &triage, "fault", "线路").await;
    field(&s, &triage, "zone", "城区").await;
    s.shot("grid-triage").await;
    s.send(&triage).await;
    s.see("转供电所抢修").await;
    let dispatch = s.command("dispatch").await;
    field(&s, &dispatch, "station_id", "城东供电所").await;
    s.send(&dispatch).await;
    s.see("派往 城东供电所").await;
    s.sign_out().await;

    // E05: the crew's duty lead sends a lineman; the desk apologises.
    s.sign_in("utility.coordinator1").await;
    open_order(&s, &grid).await;
    let accept = s.command("accept").await;
    s.send(&accept).await;
    s.see("已接单").await;
    let assign = s.command("assign").await;
    let lineman = assign
        .find(fantoccini::Locator::Css("select option"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    s.send(&assign).await;
    s.see(&format!("派给 {lineman}")).await;
    s.sign_out().await;
    s.sign_in("utility.desk_agent1").await;
    open_order(&s, &grid).await;
    let apologise = s.command("apologise").await;
    field(&s, &apologise, "note", "已向客户致歉，抢修人员正在赶往现场").await;
    s.send(&apologise).await;
    s.see("客服已致电客户致歉").await;
    s.shot("grid-apologised").await;
    s.end().await;
}
