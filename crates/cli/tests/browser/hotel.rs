//! The hotel's engineering department in the browser (D01–D03, D07): the duty room refuses
//! an anonymous phone report and takes a supervisor's signed slip for an occupied room; the
//! supervisor instructs, the duty foreman dispatches, the technician is taken in by staff and
//! asks to cut the water; the department head finds it in the approvals inbox and approves.

use crate::field;
use crate::harness::Story;
use crate::{name_of, open_order};
use fantoccini::Locator;

/// Picks the option of the select `css` whose text contains `text`.
async fn choose(s: &Story, css: &str, text: &str) {
    let select = s.find(css).await;
    for option in select.find_all(Locator::Css("option")).await.unwrap() {
        if option.text().await.unwrap().contains(text) {
            option.click().await.unwrap();
            return;
        }
    }
    panic!("no option `{text}` in {css}");
}

#[tokio::test]
async fn hotel_story_an_anonymous_call_is_refused_and_a_signed_slip_is_taken_and_approved() {
    let Some(mut s) = Story::start("hotel", 1280, 800).await else {
        return;
    };
    let technician = name_of(&s, "hotel.technician1").await;
    s.sign_in("hotel.desk_agent1").await;

    // D02: a phone call from nobody in particular is refused; nothing is written.
    s.goto("/desk/new").await;
    s.fill("#phone", "0571-87001208").await;
    s.fill("#customer_name", "客房部").await;
    s.fill("#address", "锦江大酒店主楼").await;
    s.fill("#building", "12层").await;
    s.fill("#room", "1208房").await;
    s.fill("#description", "1208房卫生间面盆下水管漏水，客人在房")
        .await;
    choose(&s, "#channel", "电话").await;
    s.fill("#department", "客房部").await;
    s.click("#intake button[type=submit]").await;
    s.see("电话报修须由领班级以上人员报姓名和职务").await;
    s.shot("anonymous-call-refused").await;

    // D01, D04: the slip signed by housekeeping's supervisor, for an occupied room.
    choose(&s, "#channel", "其他部门").await;
    s.fill("#reporter_name", "刘芳").await;
    choose(&s, "#reporter_position", "领班").await;
    s.fill("#signer_name", "陈静怡").await;
    choose(&s, "#signer_position", "主管").await;
    choose(&s, "#special", "住客房").await;
    s.click("#guest_area").await;
    choose(&s, "#station_id", "工程部").await;
    s.shot("signed-slip").await;
    s.click("#intake button[type=submit]").await;
    let number = s.text("#created-number").await;
    open_order(&s, &number).await;
    s.see("陈静怡 · 主管").await;
    s.see("住客房").await;
    s.see("紧急").await;
    s.shot("slip-taken").await;
    s.sign_out().await;

    // D07: the supervisor instructs; the duty foreman dispatches.
    s.sign_in("hotel.supervisor1").await;
    open_order(&s, &number).await;
    let instruct = s.command("instruct").await;
    field(&s, &instruct, "note", "客房急修，马上安排").await;
    s.send(&instruct).await;
    s.see("工程部主管已指示值班领班派工").await;
    s.sign_out().await;
    s.sign_in("hotel.team_lead1").await;
    open_order(&s, &number).await;
    let assign = s.command("assign").await;
    field(&s, &assign, "technician_id", &technician).await;
    s.send(&assign).await;
    s.see(&format!("派给 {technician}")).await;
    s.sign_out().await;

    // D03: taken in by staff; the water waits for the department head. On the technician's
    // phone.
    s.client.set_window_size(390, 844).await.unwrap();
    s.sign_in("hotel.technician1").await;
    open_order(&s, &number).await;
    let accept = s.command("accept").await;
    s.send(&accept).await;
    let arrive = s.command("arrive").await;
    field(&s, &arrive, "escort", "客房部服务员王丽").await;
    s.send(&arrive).await;
    s.see("由 客房部服务员王丽 引领进入").await;
    let ask = s.command("request-approval").await;
    field(&s, &ask, "kind", "停水").await;
    field(&s, &ask, "note", "更换下水管需关闭本层冷热水约30分钟").await;
    s.send(&ask).await;
    s.see("等待审批人审批").await;
    assert!(
        s.client
            .find(Locator::Css("form[data-command='start']"))
            .await
            .is_err(),
        "the work waits for the approval"
    );
    s.shot("waiting-for-approval-phone").await;
    s.sign_out().await;
    s.client.set_window_size(1280, 800).await.unwrap();

    s.sign_in("hotel.approver1").await;
    s.goto("/queues/approvals").await;
    s.see(&number).await;
    s.see("更换下水管需关闭本层冷热水约30分钟").await;
    s.shot("approvals-inbox").await;
    let approve = s.queue_form(&number, "approve").await;
    s.send(&approve).await;
    s.see("已办理：同意").await;
    s.see("没有等待您审批的事项").await;
    s.end().await;
}
