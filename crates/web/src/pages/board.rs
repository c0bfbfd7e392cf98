//! The dispatch board: open orders by state as cards, the unclaimed pool highlighted, kept
//! current by server-sent events whenever an order changes; the page's script reconnects
//! by itself and then redraws the board, so a dropped connection loses nothing.

use super::view::Row;
use super::{Layout, Viewer, render};
use crate::App;
use crate::error::ApiError;
use askama::Template;
use axum::extract::State;
use axum::response::sse::{Event as Sse, KeepAlive};
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{OrderQuery, State as OrderState, Store, Visibility, WorkOrder};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// The columns: every state in which work is still owed.
const COLUMNS: [OrderState; 9] = [
    OrderState::AwaitingDispatch,
    OrderState::Pool,
    OrderState::Assigned,
    OrderState::Accepted,
    OrderState::Scheduled,
    OrderState::OnSite,
    OrderState::InProgress,
    OrderState::WaitingForParts,
    OrderState::MultipleVisits,
];

#[derive(Template)]
#[template(path = "board_card.html")]
pub struct Card {
    pub row: Row,
    /// The service levels it is late on and escalated for (B02: unclaimed in the pool).
    pub late: Vec<String>,
}

pub struct Column {
    pub state: &'static str,
    pub label: String,
    pub cards: Vec<String>,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    l: Layout,
    columns: Vec<Column>,
}

fn card_html(order: &WorkOrder, l: &Layout) -> String {
    Card {
        row: Row::new(order, l),
        late: order
            .clocks
            .iter()
            .filter(|c| c.escalated())
            .map(|c| l.tr.word("clock", &c.clock))
            .collect(),
    }
    .render()
    .unwrap_or_default()
}

pub async fn page<S: Store>(State(app): State<App<S>>, viewer: Viewer) -> Response {
    let tr = viewer.tr;
    let l = Layout::new(&viewer, tr.t("board.title"));
    let mut columns = Vec::new();
    for state in COLUMNS {
        let query = OrderQuery {
            state: Some(state),
            visibility: Visibility::of(&viewer.person),
            limit: 50,
            ..OrderQuery::default()
        };
        let orders = match app.store.list(viewer.tenant.id, &query).await {
            Ok(page) => page.orders,
            Err(e) => return ApiError::from(e).into_response(),
        };
        columns.push(Column {
            state: state.as_str(),
            label: tr.word("state", state.as_str()),
            cards: orders.iter().map(|o| card_html(o, &l)).collect(),
        });
    }
    render(&BoardPage { l, columns })
}

/// What a board hears about one changed order: where its card now belongs (no column once
/// the order is closed or out of the viewer's sight) and the card itself.
fn message(order: &WorkOrder, viewer: &Viewer, l: &Layout) -> String {
    let visible = Visibility::of(&viewer.person).allows(order);
    let column = (visible && COLUMNS.contains(&order.state)).then(|| order.state.as_str());
    serde_json::json!({
        "id": order.id.to_string(),
        "column": column,
        "html": column.map(|_| card_html(order, l)),
    })
    .to_string()
}

/// `GET /board/events`: one event per change of an order of the viewer's organisation;
/// `resync` when this listener fell behind and should redraw.
pub async fn events<S: Store>(State(app): State<App<S>>, viewer: Viewer) -> Response {
    let l = Layout::new(&viewer, String::new());
    let viewer = Arc::new(viewer);
    let changes = app.watch();
    let stream = stream::unfold((changes, viewer, l), |(mut changes, viewer, l)| async move {
        loop {
            match changes.recv().await {
                Ok(order) if order.tenant == viewer.tenant.id => {
                    let event = Sse::default().event("order").data(message(&order, &viewer, &l));
                    return Some((Ok::<_, Infallible>(event), (changes, viewer, l)));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => {
                    let event = Sse::default().event("resync").data("{}");
                    return Some((Ok(event), (changes, viewer, l)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    sse(stream)
}

fn sse(stream: impl Stream<Item = Result<Sse, Infallible>> + Send + 'static) -> Response {
    axum::response::Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
