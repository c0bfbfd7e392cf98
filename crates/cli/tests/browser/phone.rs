//! Stories in the field, on a phone's screen (390×844): the technician's day, the
//! customer's self-service, uploads refused, and the dispatch board moving live.

use crate::harness::Story;
use crate::{field, in_two_days, open_order};
use fantoccini::Locator;
use fantoccini::actions::{InputSource, PointerAction, TouchActions};
use std::time::Duration;

const PHONE: (u32, u32) = (390, 844);

/// A 1×1 PNG, as a phone would send a photo (only its header is read).
const PNG: [u8; 70] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31,
    21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 96, 248, 95, 15, 0, 2, 135, 1, 128, 235,
    71, 186, 146, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// Records an order at the desk's intake; returns its number and the customer's code.
pub(crate) async fn desk_records(s: &Story, desk: &str, description: &str) -> (String, String) {
    s.sign_in(desk).await;
    s.goto("/desk/new").await;
    s.fill("#phone", "13722223333").await;
    s.fill("#customer_name", "郑美玲").await;
    s.fill("#address", "杭州市西湖区文一西路588号阳光花园").await;
    if desk.starts_with("property") {
        s.fill("#building", "8幢").await;
        s.fill("#room", "2单元1101").await;
    }
    s.fill("#description", description).await;
    s.click("#intake button[type=submit]").await;
    let number = s.text("#created-number").await;
    let code = s.text("#created-code").await;
    s.sign_out().await;
    (number, code)
}

/// Draws a signature on the canvas with a finger (touch pointer events).
async fn sign(s: &Story, form: &fantoccini::elements::Element) {
    let canvas = form.find(Locator::Css("canvas.signature")).await.unwrap();
    let stroke = TouchActions::new("finger".into())
        .then(PointerAction::MoveToElement {
            element: canvas.clone(),
            duration: None,
            x: -80.0,
            y: 10.0,
        })
        .then(PointerAction::Down { button: 0 })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(80)),
            x: 40.0,
            y: -30.0,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(80)),
            x: 50.0,
            y: 40.0,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(80)),
            x: 60.0,
            y: -20.0,
        })
        .then(PointerAction::Up { button: 0 });
    s.client.perform_actions(stroke).await.unwrap();
    let signed: String = form
        .find(Locator::Css("input[name='signature']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        signed.starts_with("data:image/png;base64,"),
        "the drawing is kept: {signed:.40}"
    );
}

/// Uploads a photo from the order page.
async fn photo(s: &Story, name: &str) {
    let path = s.file(name, &PNG);
    s.find("#photo-file").await.send_keys(&path).await.unwrap();
    s.click("#photo-form button[type=submit]").await;
    s.see("已办理：添加照片").await;
}

/// Resolves from the order page: what was done, a drawn signature.
async fn resolve(s: &Story, summary: &str) {
    let form = s.command("resolve").await;
    field(s, &form, "summary", summary).await;
    sign(s, &form).await;
    s.send(&form).await;
    s.see("已解决").await;
}

/// The property technician's day on a phone: claim from the pool, arrive with the code,
/// a photo, the customer's signature drawn on the screen, resolved; the desk calls back
/// and the order page shows the signature and the photo.
#[tokio::test]
async fn property_on_a_phone_claim_arrive_photo_sign_resolve_and_the_desk_calls_back() {
    let Some(mut s) = Story::start("phone-property", PHONE.0, PHONE.1).await else {
        return;
    };
    let (number, code) = desk_records(&s, "property.desk_agent1", "阳台地漏返水，地面有积水").await;
    s.sign_in("property.technician1").await;
    s.see("抢单池").await;
    s.shot("field-pool").await;
    let card = s
        .client
        .find(Locator::XPath(&format!("//article[.//a[text()='{number}']]")))
        .await
        .expect("the order is in the pool");
    card.find(Locator::Css("form[data-command='claim'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    s.see("已办理：抢单").await;
    s.see(&number).await;
    s.shot("field-mine").await;
    open_order(&s, &number).await;
    let arrive = s.command("arrive").await;
    field(&s, &arrive, "code", &code).await;
    s.send(&arrive).await;
    s.see("凭验证码到场").await;
    photo(&s, "阳台地漏.png").await;
    s.shot("order-on-a-phone").await;
    resolve(&s, "疏通地漏，更换防臭芯，试水正常").await;
    s.shot("order-resolved").await;
    s.sign_out().await;

    s.sign_in("property.desk_agent1").await;
    s.goto("/queues/callbacks").await;
    let form = s.queue_form(&number, "callback").await;
    s.send(&form).await;
    s.see("已办理：回访").await;
    open_order(&s, &number).await;
    s.see("已回访").await;
    let images: Vec<String> = {
        let mut srcs = Vec::new();
        for img in s.all("main img").await {
            srcs.push(img.attr("src").await.unwrap().unwrap_or_default());
        }
        srcs
    };
    assert!(
        images.iter().any(|src| src.starts_with("data:image/png")),
        "the signature: {images:?}"
    );
    assert!(
        images.iter().any(|src| src.contains("/files/")),
        "the photo: {images:?}"
    );
    s.shot("order-with-signature-and-photo").await;
    s.end().await;
}

/// The after-sales technician on a phone: commits a time, waits for parts, the parts come,
/// arrives with the code, resolves with the customer's signature.
#[tokio::test]
async fn after_sales_on_a_phone_commit_parts_arrive_and_resolve() {
    let Some(mut s) = Story::start("phone-after-sales", PHONE.0, PHONE.1).await else {
        return;
    };
    s.sign_in("after_sales.technician1").await;
    let who = s.text(".me .who").await;
    let name = who.split(" · ").next().unwrap().to_string();
    s.sign_out().await;
    let (number, code) = desk_records(&s, "after_sales.desk_agent1", "台式机开机蓝屏，提示内存错误").await;
    s.sign_in("after_sales.desk_agent1").await;
    open_order(&s, &number).await;
    let dispatch = s.command("dispatch").await;
    field(&s, &dispatch, "station_id", "北京海淀维修站").await;
    s.send(&dispatch).await;
    s.sign_out().await;
    s.sign_in("after_sales.coordinator1").await;
    open_order(&s, &number).await;
    let accept = s.command("accept").await;
    s.send(&accept).await;
    s.see("已接单").await;
    let assign = s.command("assign").await;
    field(&s, &assign, "technician_id", &name).await;
    s.send(&assign).await;
    s.see(&format!("派给 {name}")).await;
    s.sign_out().await;

    s.sign_in("after_sales.technician1").await;
    s.see(&number).await;
    open_order(&s, &number).await;
    let commit = s.command("commit").await;
    field(&s, &commit, "at", &in_two_days()).await;
    field(&s, &commit, "reason", "与用户约定后天上午上门").await;
    s.send(&commit).await;
    s.see("承诺服务时间 T31").await;
    let parts = s.command("request-parts").await;
    field(&s, &parts, "part_code_0", "MEM-DDR4-8G").await;
    field(&s, &parts, "part_name_0", "8G 内存条").await;
    s.send(&parts).await;
    s.see("备件申领中").await;
    s.shot("order-waiting-for-parts").await;
    let received = s.command("parts-received").await;
    s.send(&received).await;
    s.see("备件到货").await;
    let arrive = s.command("arrive").await;
    field(&s, &arrive, "code", &code).await;
    s.send(&arrive).await;
    s.see("已到场").await;
    let start = s.command("start").await;
    s.send(&start).await;
    s.see("维修中").await;
    resolve(&s, "更换内存条，开机自检正常，系统运行稳定").await;
    s.shot("after-sales-resolved").await;
    s.end().await;
}

/// A customer reports with a photo from their phone, sees who is coming and when, and
/// rates the repair.
#[tokio::test]
async fn a_customer_reports_with_a_photo_sees_the_technician_and_rates_the_repair() {
    let Some(mut s) = Story::start("phone-customer", PHONE.0, PHONE.1).await else {
        return;
    };
    s.sign_in("property.customer1").await;
    s.shot("my").await;
    s.goto("/my/new").await;
    s.fill("#description", "厨房吊柜下的灯不亮，开关按了没反应").await;
    let path = s.file("厨房.png", &PNG);
    s.find("#file").await.send_keys(&path).await.unwrap();
    s.fill("#address", "杭州市拱墅区莫干山路1177号锦绣华庭").await;
    s.fill("#building", "2幢").await;
    s.fill("#room", "1单元602").await;
    s.fill("#phone", "13655556666").await;
    s.shot("my-new").await;
    s.click("#report button[type=submit]").await;
    let number = s.text("#created-number").await;
    let code = s.text("#created-code").await;
    s.shot("my-created").await;
    s.goto("/my").await;
    s.see(&number).await;
    s.see("待抢单").await;
    s.sign_out().await;

    s.sign_in("property.technician1").await;
    let card = s
        .client
        .find(Locator::XPath(&format!("//article[.//a[text()='{number}']]")))
        .await
        .expect("the customer's report is in the pool");
    card.find(Locator::Css("form[data-command='claim'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    s.see("已办理：抢单").await;
    open_order(&s, &number).await;
    let who = s.text(".me .who").await;
    let name = who.split(" · ").next().unwrap().to_string();
    let commit = s.command("commit").await;
    field(&s, &commit, "at", &in_two_days()).await;
    field(&s, &commit, "reason", "与业主约定后天上午").await;
    s.send(&commit).await;
    s.sign_out().await;

    s.sign_in("property.customer1").await;
    s.goto("/my").await;
    s.see(&format!("{name} 师傅将于")).await;
    s.shot("my-who-is-coming").await;
    open_order(&s, &number).await;
    let photos = s.all("#photos img").await;
    assert_eq!(photos.len(), 1, "the photo the customer sent is on the order");
    s.sign_out().await;

    s.sign_in("property.technician1").await;
    open_order(&s, &number).await;
    let arrive = s.command("arrive").await;
    field(&s, &arrive, "code", &code).await;
    s.send(&arrive).await;
    resolve(&s, "更换灯管和启辉器，灯已亮").await;
    s.sign_out().await;

    s.sign_in("property.customer1").await;
    open_order(&s, &number).await;
    let rate = s.command("callback").await;
    field(&s, &rate, "satisfaction", "5").await;
    field(&s, &rate, "note", "师傅很准时，谢谢").await;
    s.shot("my-rate").await;
    s.send(&rate).await;
    s.see("已回访").await;
    s.see("回访：满意度 5 分").await;
    s.end().await;
}

/// A file that is too large or not an image is refused with a clear message, and nothing
/// is added to the order.
#[tokio::test]
async fn uploads_too_large_or_not_images_are_refused_with_a_clear_message() {
    let Some(mut s) = Story::start("phone-uploads", PHONE.0, PHONE.1).await else {
        return;
    };
    s.sign_in("property.customer1").await;
    s.goto("/my/new").await;
    s.fill("#description", "客厅插座冒火花").await;
    s.fill("#address", "杭州市拱墅区莫干山路1177号锦绣华庭").await;
    s.fill("#phone", "13655556666").await;
    s.click("#report button[type=submit]").await;
    s.find("#created-number").await;
    s.click("a.button.primary").await;
    s.find("#photo-form").await;
    let before = s.all("#photos img").await.len();
    let text = s.file("notes.png", b"these are notes, not a photo");
    s.find("#photo-file").await.send_keys(&text).await.unwrap();
    s.click("#photo-form button[type=submit]").await;
    s.see("必须是 JPEG、PNG 或 WebP 格式的图片").await;
    s.shot("upload-not-an-image").await;
    let mut large = PNG.to_vec();
    large.resize(9 * 1024 * 1024, 0);
    let big = s.file("huge.png", &large);
    s.find("#photo-file").await.send_keys(&big).await.unwrap();
    s.click("#photo-form button[type=submit]").await;
    s.see("文件太大").await;
    assert_eq!(s.all("#photos img").await.len(), before, "nothing was added");
    s.end().await;
}

/// With the board open in one browser, a claim made in another moves the card there,
/// without a reload.
#[tokio::test]
async fn the_board_moves_a_card_live_when_a_technician_claims_elsewhere() {
    let Some(mut s) = Story::start("board", 1280, 800).await else {
        return;
    };
    let (number, _) = desk_records(&s, "property.desk_agent1", "楼道感应灯不亮").await;
    s.sign_in("property.supervisor1").await;
    s.goto("/board").await;
    let card = s
        .client
        .find(Locator::XPath(&format!(
            "//article[contains(@class,'board-card')][.//a[text()='{number}']]"
        )))
        .await
        .expect("the new order is on the board");
    let id = card.attr("id").await.unwrap().unwrap();
    let column = |s: &Story, id: String| {
        let client = s.client.clone();
        async move {
            client
                .execute(
                    "var c = document.getElementById(arguments[0]); return c && c.parentElement.dataset.column;",
                    vec![id.into()],
                )
                .await
                .unwrap()
        }
    };
    assert_eq!(column(&s, id.clone()).await, serde_json::json!("pool"));
    s.shot("board").await;

    // Someone else, in another browser, claims it.
    let other = s.second_browser().await;
    other.goto(&format!("{}/signin", s.base)).await.unwrap();
    other
        .find(Locator::Css("#login"))
        .await
        .unwrap()
        .send_keys("property.technician1")
        .await
        .unwrap();
    other
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(crate::harness::PASSWORD)
        .await
        .unwrap();
    other
        .find(Locator::Css("form[action='/signin'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    other
        .wait()
        .for_element(Locator::Css("header nav"))
        .await
        .unwrap();
    let card = other
        .wait()
        .for_element(Locator::XPath(&format!("//article[.//a[text()='{number}']]")))
        .await
        .unwrap();
    card.find(Locator::Css("form[data-command='claim'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    other.wait().for_element(Locator::Css("p.ok")).await.unwrap();
    let _ = other.close().await;

    // The first browser's board moved the card by itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        if column(&s, id.clone()).await == serde_json::json!("accepted") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the card never moved");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.shot("board-after-claim").await;
    s.end().await;
}
