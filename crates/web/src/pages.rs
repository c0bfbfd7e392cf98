//! The landing page. The role-specific web application comes with ROADMAP 5; until then
//! the page says what is running and where the API and its description are.

use crate::App;
use axum::Router;
use axum::response::Html;
use axum::routing::get;
use baoxiu_domain::Store;

pub fn router<S: Store>() -> Router<App<S>> {
    Router::new().route("/", get(landing))
}

async fn landing() -> Html<&'static str> {
    Html(include_str!("landing.html"))
}
