//! The customer's self-service, on a phone: report a fault with a photo, follow my orders
//! (who is coming and when), confirm the repair and rate it.

use super::forms::csrf_refused;
use super::orders::Choice;
use super::view::Row;
use super::{Layout, Viewer, not_found, render, render_with};
use crate::App;
use crate::api::create_from;
use crate::body::parse;
use crate::dto::CreateOrder;
use crate::error::ApiError;
use crate::service::Idempotency;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use baoxiu_domain::{Command, OrderId, OrderQuery, Person, Store, Visibility};
use serde_json::json;
use std::collections::HashMap;

pub struct MyOrder {
    pub row: Row,
    pub coming: Option<String>,
}

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    l: Layout,
    orders: Vec<MyOrder>,
}

pub async fn page<S: Store>(State(app): State<App<S>>, viewer: Viewer) -> Response {
    let tr = viewer.tr;
    let l = Layout::new(&viewer, tr.t("my.title"));
    let query = OrderQuery {
        visibility: Visibility::ReportedBy(viewer.person.id),
        limit: 50,
        ..OrderQuery::default()
    };
    let page = match app.store.list(viewer.tenant.id, &query).await {
        Ok(page) => page,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let orders = page
        .orders
        .iter()
        .map(|o| MyOrder {
            row: Row::new(o, &l),
            coming: o.assignee.as_ref().filter(|_| o.state.is_open()).map(|who| {
                match o.current_commitment() {
                    Some(c) => tr.f("my.coming_at", &[("name", &who.name), ("at", &l.time(&c.at))]),
                    None => tr.f("my.coming", &[("name", &who.name)]),
                }
            }),
        })
        .collect();
    render(&MyPage { l, orders })
}

#[derive(Template)]
#[template(path = "my_new.html")]
struct ReportPage {
    l: Layout,
    templates: Vec<Choice>,
    values: HashMap<String, String>,
    error: Option<String>,
    key: String,
}

impl ReportPage {
    fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

fn report_page(viewer: &Viewer, values: HashMap<String, String>, error: Option<String>) -> ReportPage {
    let tr = viewer.tr;
    let chosen = values.get("template").cloned().unwrap_or_default();
    ReportPage {
        l: Layout::new(viewer, tr.t("my.report")),
        templates: viewer
            .tenant
            .templates
            .iter()
            .map(|t| Choice {
                value: t.as_str().into(),
                label: tr.word("template", t.as_str()),
                selected: t.as_str() == chosen,
            })
            .collect(),
        values,
        error,
        key: crate::auth::new_token(),
    }
}

#[derive(serde::Deserialize)]
pub struct Scanned {
    /// A scanned sticker's code (扫码报修).
    asset: Option<String>,
}

pub async fn form<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    axum::extract::Query(scanned): axum::extract::Query<Scanned>,
) -> Response {
    if !viewer.person.role.may_create() {
        return not_found(Some(&viewer), viewer.tr);
    }
    let mut values = HashMap::new();
    super::register::prefill(&app, &viewer, scanned.asset.as_deref(), &mut values).await;
    values.insert("customer_name".into(), viewer.person.name.clone());
    if let Some(phone) = &viewer.person.phone {
        values.insert("phone".into(), phone.clone());
    }
    render(&report_page(&viewer, values, None))
}

/// A posted form with one optional file.
pub struct Posted {
    pub fields: HashMap<String, String>,
    pub file: Option<(Option<String>, Vec<u8>)>,
}

/// Reads a multipart form; a body over the limit is the caller's error, said plainly.
pub async fn read_multipart(mut multipart: Multipart) -> Result<Posted, ApiError> {
    let mut posted = Posted {
        fields: HashMap::new(),
        file: None,
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(ApiError::TooLarge),
            Err(e) => return Err(ApiError::Malformed(format!("cannot read the form: {e}"))),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let filename = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge
                } else {
                    ApiError::Malformed(format!("cannot read the file: {e}"))
                }
            })?;
            if !bytes.is_empty() {
                posted.file = Some((filename, bytes.to_vec()));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| ApiError::Malformed(format!("cannot read the form: {e}")))?;
            posted.fields.insert(name, text.trim().to_string());
        }
    }
    Ok(posted)
}

/// Uploads `file` and attaches it to `order` as `person` (through the `attach` command).
pub async fn attach_file<S: Store>(
    app: &App<S>,
    person: &Person,
    tenant: &baoxiu_domain::Tenant,
    order: OrderId,
    file: &(Option<String>, Vec<u8>),
) -> Result<(), ApiError> {
    let upload = app.upload(person, &file.1, file.0.as_deref()).await?;
    let command = Command::Attach {
        attachment: upload.attachment,
    };
    app.run_command(
        crate::service::Who::caller(person, tenant),
        order,
        &command,
        None,
        None,
    )
    .await
    .map(|_| ())
}

/// The customer's report: the order is created like any other (the domain decides), then
/// the photo is attached.
pub async fn submit<S: Store>(State(app): State<App<S>>, viewer: Viewer, multipart: Multipart) -> Response {
    let posted = match read_multipart(multipart).await {
        Ok(posted) => posted,
        Err(e) => {
            let text = super::order::error_text(&viewer, &e);
            return render_with(e.status(), &report_page(&viewer, HashMap::new(), Some(text)));
        }
    };
    let get = |name: &str| {
        posted
            .fields
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    if !viewer.csrf_ok(get("_csrf")) {
        return csrf_refused(&viewer);
    }
    let template = get("template")
        .map(str::to_string)
        .or_else(|| viewer.tenant.templates.first().map(|t| t.as_str().to_string()))
        .unwrap_or_default();
    let mut location = json!({"address": get("address").unwrap_or("")});
    for name in ["building", "room"] {
        if let Some(v) = get(name) {
            location[name] = json!(v);
        }
    }
    let mut body = json!({
        "template": template,
        "channel": "app",
        "customer": {"name": get("customer_name").unwrap_or(""), "phone": get("phone").unwrap_or("")},
        "location": location,
        "description": get("description").unwrap_or(""),
    });
    // A scanned sticker: the register's entry is the order's asset (its repair history).
    if let Some(serial) = get("serial") {
        body["asset"] = json!({"serial": serial});
    }
    let raw = serde_json::to_vec(&body).unwrap_or_default();
    let created = async {
        let input: CreateOrder = parse(&raw)?;
        // The photo is checked and kept before the order exists, so a bad file creates nothing.
        let upload = match &posted.file {
            Some((name, bytes)) => Some(app.upload(&viewer.person, bytes, name.as_deref()).await?),
            None => None,
        };
        let idem = match get("_key") {
            Some(key) => Some(Idempotency::new(key, "POST", "/my/new", &raw)?),
            None => None,
        };
        let reply = create_from(&app, &viewer.person, &viewer.tenant, input, idem.as_ref()).await?;
        let id: OrderId = serde_json::from_str::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|v| v["id"].as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| ApiError::Internal("a create answered without an id".into()))?;
        if let Some(upload) = upload {
            let command = Command::Attach {
                attachment: upload.attachment,
            };
            app.run_command(
                crate::service::Who::caller(&viewer.person, &viewer.tenant),
                id,
                &command,
                None,
                None,
            )
            .await?;
        }
        Ok::<_, ApiError>(id)
    };
    match created.await {
        Ok(id) => Redirect::to(&format!("/orders/{id}/created")).into_response(),
        Err(e) => {
            let text = super::order::error_text(&viewer, &e);
            let values = posted
                .fields
                .into_iter()
                .filter(|(k, _)| !k.starts_with('_'))
                .collect();
            render_with(e.status(), &report_page(&viewer, values, Some(text)))
        }
    }
}
