//! The desk's intake: look the caller up by phone and see their earlier orders, fill the
//! form of the organisation's template, be warned of an open order at the same address,
//! and read the verification code out once the order is saved.

use super::forms::{Posted, csrf_refused};
use super::orders::Choice;
use super::view::{self, Row};
use super::{Layout, Viewer, not_found, render, render_with};
use crate::App;
use crate::api::create_from;
use crate::body::parse;
use crate::dto::CreateOrder;
use crate::error::ApiError;
use crate::service::Idempotency;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use baoxiu_domain::{
    Area, Channel, Customer, Kind, Location, NewOrder, OrderId, OrderQuery, Priority, Role, ServiceMode,
    SpecialCase, Store, Template as ServiceTemplate, VerificationCode, Visibility, WorkOrder,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    l: Layout,
    phone: String,
    history_title: String,
    history: Option<Vec<Row>>,
    /// The caller's name and address on their latest order, to fill the form with.
    known: Option<(String, String)>,
    templates: Vec<Choice>,
    one_template: Option<String>,
    kinds: Vec<Choice>,
    channels: Vec<Choice>,
    priorities: Vec<Choice>,
    areas: Vec<Choice>,
    modes: Vec<Choice>,
    stations: Vec<Choice>,
    technicians: Vec<Choice>,
    /// D01, D02: positions of the reporter and of the slip's signer.
    reporter_positions: Vec<Choice>,
    signer_positions: Vec<Choice>,
    /// D04.
    specials: Vec<Choice>,
    values: HashMap<String, String>,
    duplicates: Vec<Row>,
    error: Option<String>,
    key: String,
}

impl IntakePage {
    /// A field's value as entered (or looked up).
    fn v(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

#[derive(Deserialize, Default)]
pub struct Lookup {
    phone: Option<String>,
    /// A scanned sticker's code (扫码报修): the place from the register.
    asset: Option<String>,
}

fn choices(tr: super::i18n::Tr, prefix: &str, values: &[&str], chosen: &str) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: (*v).to_string(),
            label: tr.word(prefix, v),
            selected: *v == chosen,
        })
        .collect()
}

/// The stations a create by `viewer` may name for `template`, as the domain decides: each is
/// tried on a sample order.
fn stations_for(
    viewer: &Viewer,
    stations: &[baoxiu_domain::Station],
    template: ServiceTemplate,
) -> Vec<(String, String)> {
    let probe = |station: Option<baoxiu_domain::StationRef>| NewOrder {
        kind: Kind::Repair,
        channel: Channel::Phone,
        template,
        category: None,
        priority: Priority::Normal,
        service_mode: NewOrder::default_service_mode(template, &viewer.person.to_ref()),
        customer: Customer::parse("—", "13800000000").expect("a sample customer"),
        location: Location::parse("—", None, None, None).expect("a sample place"),
        description: "—".into(),
        asset: None,
        station,
        technician: None,
        // A slip that any report could carry, where the template takes slips.
        slip: template.rules().slips.then(|| baoxiu_domain::Slip {
            department: "—".into(),
            reporter: Some(baoxiu_domain::Staff {
                name: "—".into(),
                position: baoxiu_domain::Position::Manager,
            }),
            signed_by: Some(baoxiu_domain::Staff {
                name: "—".into(),
                position: baoxiu_domain::Position::Manager,
            }),
            special: None,
            guest_area: false,
        }),
        number: None,
    };
    let now = chrono::Utc::now();
    stations
        .iter()
        .filter(|s| {
            let id = OrderId(uuid::Uuid::nil());
            let code = VerificationCode::from_number(0);
            WorkOrder::open(
                id,
                &viewer.tenant,
                probe(Some(s.to_ref())),
                code,
                &viewer.person.to_ref(),
                now,
            )
            .is_ok()
        })
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect()
}

async fn page<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    values: HashMap<String, String>,
    duplicates: Vec<Row>,
    error: Option<String>,
) -> Result<IntakePage, ApiError> {
    let tr = viewer.tr;
    let tenant = &viewer.tenant;
    let l = Layout::new(viewer, tr.t("intake.title"));
    let phone = values.get("phone").cloned().unwrap_or_default();
    let (history, known) = if phone.trim().is_empty() {
        (None, None)
    } else {
        let query = OrderQuery {
            text: Some(phone.trim().to_string()),
            visibility: Visibility::of(&viewer.person),
            limit: 10,
            ..OrderQuery::default()
        };
        let found = app.store.list(tenant.id, &query).await?;
        let known = found.orders.first().map(|o| {
            (
                o.details.customer.name.clone(),
                o.details.location.address.clone(),
            )
        });
        (
            Some(found.orders.iter().map(|o| Row::new(o, &l)).collect()),
            known,
        )
    };
    let chosen = |name: &str, default: &str| values.get(name).cloned().unwrap_or_else(|| default.to_string());
    let first_template = tenant.templates.first().map_or("property", |t| t.as_str());
    let template = chosen("template", first_template);
    let all_stations = app.store.stations(tenant.id).await?;
    let mut stations: Vec<Choice> = Vec::new();
    for t in &tenant.templates {
        for (id, name) in stations_for(viewer, &all_stations, *t) {
            match stations.iter_mut().find(|c| c.value == id) {
                Some(c) => c.label = name,
                None => stations.push(Choice {
                    selected: values.get("station_id") == Some(&id),
                    value: id,
                    label: name,
                }),
            }
        }
    }
    let technicians = app
        .store
        .people(tenant.id)
        .await?
        .into_iter()
        .filter(|p| p.role == Role::Technician)
        .map(|p| Choice {
            selected: values.get("technician_id") == Some(&p.id.to_string()),
            value: p.id.to_string(),
            label: p.name,
        })
        .collect();
    Ok(IntakePage {
        history_title: tr.f("intake.history", &[("phone", &phone)]),
        phone,
        history,
        known,
        templates: tenant
            .templates
            .iter()
            .map(|t| Choice {
                value: t.as_str().into(),
                label: tr.word("template", t.as_str()),
                selected: t.as_str() == template,
            })
            .collect(),
        one_template: (tenant.templates.len() == 1).then(|| first_template.to_string()),
        kinds: choices(
            tr,
            "kind",
            &Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            &chosen("kind", "repair"),
        ),
        channels: choices(
            tr,
            "channel",
            &Channel::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            &chosen("channel", "phone"),
        ),
        priorities: choices(
            tr,
            "priority",
            &Priority::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            &chosen("priority", "normal"),
        ),
        areas: choices(
            tr,
            "area",
            &Area::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            &chosen("area", "in_home"),
        ),
        modes: choices(
            tr,
            "service_mode",
            &ServiceMode::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            &chosen("service_mode", ""),
        ),
        stations,
        technicians,
        reporter_positions: choices(
            tr,
            "position",
            &["staff", "foreman", "supervisor", "manager"],
            &chosen("reporter_position", "foreman"),
        ),
        signer_positions: choices(
            tr,
            "position",
            &["supervisor", "manager"],
            &chosen("signer_position", "supervisor"),
        ),
        specials: choices(
            tr,
            "special",
            &SpecialCase::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            &chosen("special", ""),
        ),
        values,
        duplicates,
        error,
        key: crate::auth::new_token(),
        l,
    })
}

/// The intake form; `?phone=` looks the caller up first.
pub async fn form<S: Store>(State(app): State<App<S>>, viewer: Viewer, Query(q): Query<Lookup>) -> Response {
    if !viewer.person.role.may_create() {
        return not_found(Some(&viewer), viewer.tr);
    }
    let mut values = HashMap::new();
    if let Some(phone) = q.phone.filter(|p| !p.trim().is_empty()) {
        values.insert("phone".to_string(), phone.trim().to_string());
    }
    super::register::prefill(&app, &viewer, q.asset.as_deref(), &mut values).await;
    let mut built = match page(&app, &viewer, values, Vec::new(), None).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    // A known caller: their name and address from their latest order.
    if let Some((name, address)) = built.known.clone() {
        built.values.entry("customer_name".into()).or_insert(name);
        built.values.entry("address".into()).or_insert(address);
    }
    render(&built)
}

/// The request body the API would take, from the form.
fn body(form: &Posted) -> Value {
    let mut body = Map::new();
    let text = |name: &str| form.get(name).map(|v| Value::String(v.to_string()));
    for name in [
        "template",
        "kind",
        "channel",
        "priority",
        "category",
        "description",
        "station_id",
        "technician_id",
        "service_mode",
    ] {
        if let Some(v) = text(name) {
            body.insert(name.into(), v);
        }
    }
    body.entry("description").or_insert(Value::String(String::new()));
    let mut customer = Map::new();
    customer.insert(
        "name".into(),
        Value::String(form.get("customer_name").unwrap_or("").into()),
    );
    customer.insert(
        "phone".into(),
        Value::String(form.get("phone").unwrap_or("").into()),
    );
    body.insert("customer".into(), Value::Object(customer));
    let mut location = Map::new();
    location.insert(
        "address".into(),
        Value::String(form.get("address").unwrap_or("").into()),
    );
    for name in ["area", "building", "room"] {
        if let Some(v) = text(name) {
            location.insert(name.into(), v);
        }
    }
    body.insert("location".into(), Value::Object(location));
    // D01–D04: the hotel's slip. A phone report names its caller; a written slip its signer.
    if form.get("template") == Some("hotel") {
        let mut slip = Map::new();
        slip.insert("department".into(), json!(form.get("department").unwrap_or("")));
        for (who, name, position) in [
            ("reporter", "reporter_name", "reporter_position"),
            ("signed_by", "signer_name", "signer_position"),
        ] {
            if let Some(name) = form.get(name) {
                slip.insert(
                    who.into(),
                    json!({"name": name, "position": form.get(position).unwrap_or("")}),
                );
            }
        }
        if let Some(special) = text("special") {
            slip.insert("special".into(), special);
        }
        slip.insert("guest_area".into(), Value::Bool(form.get("guest_area").is_some()));
        body.insert("slip".into(), Value::Object(slip));
    }
    if let Some(serial) = text("serial") {
        let mut asset = Map::new();
        asset.insert("serial".into(), serial);
        for name in ["model", "warranty_end"] {
            if let Some(v) = text(name) {
                asset.insert(name.into(), v);
            }
        }
        body.insert("asset".into(), Value::Object(asset));
    }
    Value::Object(body)
}

/// Open orders at the same place (address, building and room), as the desk should see
/// before opening another.
async fn open_at<S: Store>(
    app: &App<S>,
    viewer: &Viewer,
    address: &str,
    building: Option<&str>,
    room: Option<&str>,
) -> Result<Vec<WorkOrder>, ApiError> {
    let query = OrderQuery {
        text: Some(address.to_string()),
        visibility: Visibility::of(&viewer.person),
        limit: 50,
        ..OrderQuery::default()
    };
    let found = app.store.list(viewer.tenant.id, &query).await?;
    Ok(found
        .orders
        .into_iter()
        .filter(|o| {
            let at = &o.details.location;
            o.state.is_open()
                && at.address == address
                && at.building.as_deref() == building
                && at.room.as_deref() == room
        })
        .collect())
}

pub async fn submit<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = Posted(fields);
    if !viewer.csrf_ok(form.get("_csrf")) {
        return csrf_refused(&viewer);
    }
    let values: HashMap<String, String> = form
        .0
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    let again = |status: StatusCode, duplicates: Vec<WorkOrder>, error: Option<String>| {
        let (app, viewer, values) = (&app, &viewer, values.clone());
        async move {
            let l = Layout::new(viewer, String::new());
            let rows = duplicates.iter().map(|o| Row::new(o, &l)).collect();
            match page(app, viewer, values, rows, error).await {
                Ok(p) => render_with(status, &p),
                Err(e) => e.into_response(),
            }
        }
    };
    let address = form.get("address").unwrap_or("").to_string();
    if !address.is_empty() && form.get("_duplicate_ok").is_none() {
        match open_at(&app, &viewer, &address, form.get("building"), form.get("room")).await {
            Ok(open) if !open.is_empty() => return again(StatusCode::OK, open, None).await,
            Ok(_) => {}
            Err(e) => return e.into_response(),
        }
    }
    let raw = serde_json::to_vec(&body(&form)).unwrap_or_default();
    let created = async {
        let input: CreateOrder = parse(&raw)?;
        let idem = match form.get("_key") {
            Some(key) => Some(Idempotency::new(key, "POST", "/desk/new", &raw)?),
            None => None,
        };
        create_from(&app, &viewer.person, &viewer.tenant, input, idem.as_ref()).await
    };
    match created.await {
        Ok(reply) if reply.status < 300 => {
            let id = serde_json::from_str::<Value>(&reply.body)
                .ok()
                .and_then(|v| v["id"].as_str().map(str::to_string))
                .unwrap_or_default();
            Redirect::to(&format!("/orders/{id}/created")).into_response()
        }
        Ok(reply) => {
            again(
                StatusCode::from_u16(reply.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
                Vec::new(),
                Some(viewer.tr.t("order.refused")),
            )
            .await
        }
        Err(e) => {
            let text = super::order::error_text(&viewer, &e);
            again(e.status(), Vec::new(), Some(text)).await
        }
    }
}

#[derive(Template)]
#[template(path = "created.html")]
struct CreatedPage {
    l: Layout,
    id: String,
    number: String,
    code: Option<String>,
    read_code: String,
}

/// After saving: the number and the verification code, large, to be read out.
pub async fn created<S: Store>(
    State(app): State<App<S>>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let order = match id.parse::<OrderId>() {
        Ok(order_id) => match app.store.order(viewer.tenant.id, order_id).await {
            Ok(order) => order.filter(|o| Visibility::of(&viewer.person).allows(o)),
            Err(e) => return ApiError::from(e).into_response(),
        },
        Err(_) => None,
    };
    let Some(order) = order else {
        return not_found(Some(&viewer), viewer.tr);
    };
    let tr = viewer.tr;
    render(&CreatedPage {
        l: Layout::new(&viewer, tr.t("created.title")),
        id: order.id.to_string(),
        number: view::number(&order),
        code: crate::dto::sees_code(viewer.person.role, &order)
            .then(|| order.verification.code.as_str().to_string()),
        read_code: tr.f("created.read_code", &[("customer", &order.details.customer.name)]),
    })
}
