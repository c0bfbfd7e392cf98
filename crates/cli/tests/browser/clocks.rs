//! The clocks as people meet them: an order nobody claims turns red on the dispatch board
//! when its five minutes in the pool pass on the server's clock, the supervisor finds it in
//! the inbox, and the order page says how late it is (B02, X02, X03).

use crate::harness::Story;
use crate::phone::desk_records;
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test]
async fn r_b02_an_unclaimed_pool_order_turns_red_on_the_board_and_reaches_the_supervisors_inbox() {
    let Some(mut s) = Story::start_timed("clocks", 1280, 800).await else {
        return;
    };
    let (number, _) = desk_records(&s, "property.desk_agent1", "地下车库B区照明全部不亮").await;
    s.sign_in("property.supervisor1").await;
    s.goto("/board").await;
    let card_css =
        |number: &str| format!("//article[contains(@class,'board-card')][.//a[text()='{number}']]");
    let card = s
        .client
        .find(Locator::XPath(&card_css(&number)))
        .await
        .expect("the new order is on the board");
    let class = card.attr("class").await.unwrap().unwrap_or_default();
    assert!(!class.contains("late"), "not late yet: {class}");
    s.shot("board-fresh").await;

    // Five minutes pass on the server's clock; its background step fires B02 and the board
    // hears of it.
    s.advance_clock(chrono::Duration::minutes(5) + chrono::Duration::seconds(1));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        // The live board replaces a card as it changes: one found a moment ago may be gone
        // (stale) by the time its class is read; then look again.
        let class = match s.client.find(Locator::XPath(&card_css(&number))).await {
            Ok(card) => card.attr("class").await.ok().flatten().unwrap_or_default(),
            Err(_) => String::new(),
        };
        if class.contains("late") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the card never turned red: {class}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    s.see("抢单池无人接单（B02）").await;
    s.shot("board-late").await;

    s.goto("/inbox").await;
    s.see(&number).await;
    s.see("抢单池无人接单（B02）：第 1 级提醒").await;
    s.shot("inbox").await;
    s.click("li.notice.unread form button").await;
    s.find("#clocks").await;
    s.see("已超时").await;
    s.shot("order-clocks").await;

    s.goto("/overdue").await;
    s.see(&number).await;
    s.shot("overdue").await;
    s.end().await;
}
