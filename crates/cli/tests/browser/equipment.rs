//! The factory's maintenance team in the browser (C04, C05, C09): the dispatcher records an
//! operator's call for the maintenance team; the team lead dispatches; the technician rates
//! the fault and asks to outsource the repair; the team lead, the section head and the
//! department head approve in turn, each from their approvals inbox.

use crate::field;
use crate::harness::Story;
use crate::{name_of, open_order};
use fantoccini::Locator;

#[tokio::test]
async fn equipment_story_an_outsourced_repair_goes_through_its_three_approvers() {
    let Some(mut s) = Story::start("equipment", 1280, 800).await else {
        return;
    };
    let technician = name_of(&s, "equipment.technician1").await;
    s.sign_in("equipment.desk_agent1").await;
    s.goto("/desk/new").await;
    s.fill("#phone", "13612345678").await;
    s.fill("#customer_name", "注塑车间 王强").await;
    s.fill("#address", "一号厂房 注塑车间 5号线").await;
    s.fill("#description", "注塑机液压泵漏油，压力上不去").await;
    let station = s.find("#station_id").await;
    for option in station.find_all(Locator::Css("option")).await.unwrap() {
        if option.text().await.unwrap().contains("设备维修班") {
            option.click().await.unwrap();
        }
    }
    s.click("#intake button[type=submit]").await;
    let number = s.text("#created-number").await;
    // A second report, kept in the factory.
    s.goto("/desk/new").await;
    s.fill("#phone", "13612340000").await;
    s.fill("#customer_name", "冲压车间 李明").await;
    s.fill("#address", "二号厂房 冲压车间 9号位").await;
    s.fill("#description", "冲床离合器打滑").await;
    s.click("#intake button[type=submit]").await;
    let kept = s.text("#created-number").await;
    open_order(&s, &kept).await;
    let kept_url = s.url().await;
    let kept_path = format!(
        "/orders/{}",
        kept_url.rsplit("/orders/").next().unwrap_or_default()
    );
    s.sign_out().await;

    s.sign_in("equipment.team_lead1").await;
    open_order(&s, &number).await;
    s.see("待修").await;
    let assign = s.command("assign").await;
    field(&s, &assign, "technician_id", &technician).await;
    s.send(&assign).await;
    s.see(&format!("派给 {technician}")).await;
    s.sign_out().await;

    // C04: rated high on site; C05: outsourcing asked for.
    s.client.set_window_size(390, 844).await.unwrap();
    s.sign_in("equipment.technician1").await;
    open_order(&s, &number).await;
    let accept = s.command("accept").await;
    s.send(&accept).await;
    let arrive = s.command("arrive").await;
    s.send(&arrive).await;
    s.see("在修").await;
    let rate = s.command("rate-complexity").await;
    field(&s, &rate, "level", "高").await;
    s.send(&rate).await;
    s.see("复杂系数：高").await;
    let ask = s.command("request-approval").await;
    field(&s, &ask, "kind", "委外维修").await;
    field(&s, &ask, "note", "液压泵需返修，委外至专业液压维修厂").await;
    s.send(&ask).await;
    s.see("等待班长审批").await;
    s.shot("outsourcing-asked-phone").await;
    s.sign_out().await;
    s.client.set_window_size(1280, 800).await.unwrap();

    // Each approver in turn, from their inbox.
    for (login, next) in [
        ("equipment.team_lead1", "等待主管审批"),
        ("equipment.supervisor1", "等待审批人审批"),
        ("equipment.approver1", "已同意"),
    ] {
        s.sign_in(login).await;
        s.goto("/queues/approvals").await;
        s.see(&number).await;
        let approve = s.queue_form(&number, "approve").await;
        s.send(&approve).await;
        s.see("已办理：同意").await;
        open_order(&s, &number).await;
        s.see(next).await;
        s.sign_out().await;
    }
    s.sign_in("equipment.approver1").await;
    open_order(&s, &number).await;
    s.shot("outsourcing-approved").await;
    s.sign_out().await;

    // C05: the team lead gives it to the firm; the firm's person sees it, and not the
    // factory's other order.
    s.sign_in("equipment.team_lead1").await;
    open_order(&s, &number).await;
    let outsource = s.command("outsource").await;
    field(&s, &outsource, "vendor_id", "恒力机电维修中心").await;
    s.send(&outsource).await;
    s.see("已交外协单位 恒力机电维修中心").await;
    s.sign_out().await;
    s.sign_in("equipment.vendor1").await;
    s.goto(&format!("/orders?q={number}")).await;
    s.see(&number).await;
    s.goto(&format!("/orders?q={kept}")).await;
    assert!(!s.body().await.contains(&kept), "another order is not listed");
    s.goto(&kept_path).await;
    s.see("找不到页面").await;
    open_order(&s, &number).await;
    s.see("恒力机电维修中心").await;
    s.shot("vendor-sees-its-order").await;
    s.end().await;
}

/// The register and its stickers: the admin sees the machines with their codes; an operator
/// scans a sticker on a phone and reports with the machine filled in; the report is in the
/// machine's repair history.
#[tokio::test]
async fn equipment_story_an_operator_scans_a_machines_sticker_and_reports() {
    let Some(mut s) = Story::start("register", 1280, 800).await else {
        return;
    };
    s.sign_in("equipment.admin1").await;
    s.goto("/register").await;
    s.see("ZS-03").await;
    s.shot("register").await;
    s.sign_out().await;

    s.client.set_window_size(390, 844).await.unwrap();
    s.sign_in("equipment.customer1").await;
    s.goto("/report?asset=ZS-03").await;
    s.find("#description").await;
    let address = s
        .find("#address")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(address, "一号厂房 注塑车间");
    s.fill("#description", "液压泵漏油").await;
    s.shot("scanned-report-phone").await;
    s.click("form[action='/my/new'] button[type=submit]").await;
    s.find("#created-number").await;
    s.sign_out().await;
    s.client.set_window_size(1280, 800).await.unwrap();

    s.sign_in("equipment.admin1").await;
    s.goto("/orders?q=ZS-03").await;
    s.see("液压泵漏油").await;
    s.shot("machine-history").await;
    s.end().await;
}
