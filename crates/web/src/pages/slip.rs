//! The printable slip (A21): printed, or shown on the technician's phone, before the visit;
//! hotels and factories still file paper copies with other departments. A4 or A5, with
//! spaces for the signatures. The customer's code is never on it: the technician carries it.

use super::view;
use super::{Layout, Viewer, not_found, render};
use crate::App;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use baoxiu_domain::{Area, OrderId, Resolution, Store, Template as ServiceTemplate, Visibility};

pub struct Line {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "slip.html")]
struct SlipPage {
    l: Layout,
    org: String,
    number: String,
    heading: String,
    lines: Vec<Line>,
    signature: Option<(String, String)>,
    summary: Option<String>,
    /// The photos kept with the order.
    photos: Vec<String>,
    /// The labels of the signature boxes.
    signers: Vec<String>,
}

pub async fn page<S: Store>(State(app): State<App<S>>, viewer: Viewer, Path(id): Path<String>) -> Response {
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
    let number = view::number(&order);
    let l = Layout::new(&viewer, tr.f("slip.title", &[("number", &number)]));
    let d = &order.details;
    let word = |prefix: &str, v: &str| tr.word(prefix, v);
    let line = |key: &str, value: String| Line {
        label: tr.t(&format!("field.{key}")),
        value,
    };
    let mut lines = vec![
        line("number", number.clone()),
        line("template", word("template", d.template.as_str())),
        line("priority", word("priority", d.priority.as_str())),
        line(
            "customer",
            format!("{} {}", d.customer.name, d.customer.phone.as_str()),
        ),
        line("address", view::address(&order)),
        line("description", d.description.clone()),
    ];
    if let Some(asset) = &d.asset {
        lines.push(line(
            "asset",
            format!("{} {}", asset.model.clone().unwrap_or_default(), asset.serial),
        ));
    }
    lines.push(line(
        "service_mode",
        word("service_mode", d.service_mode.as_str()),
    ));
    lines.push(line(
        "station_id",
        order
            .station
            .as_ref()
            .map_or_else(String::new, |s| s.name.clone()),
    ));
    lines.push(line(
        "assignee",
        order
            .assignee
            .as_ref()
            .map_or_else(String::new, |p| p.name.clone()),
    ));
    lines.push(line("t1", l.maybe_time(&order.timeline.reported_at)));
    lines.push(line(
        "t3",
        order
            .current_commitment()
            .map_or_else(String::new, |c| l.time(&c.at)),
    ));
    lines.push(line(
        "arrival",
        order
            .timeline
            .arrivals
            .last()
            .map_or_else(String::new, |at| l.time(at)),
    ));
    lines.push(line(
        "t4",
        order
            .timeline
            .resolved_at
            .map_or_else(String::new, |at| l.time(&at)),
    ));
    let (signature, summary) = match &order.resolution {
        Some(Resolution::OnSite {
            signature, summary, ..
        }) => (
            Some((signature.signer.clone(), signature.image.clone())),
            Some(summary.clone()),
        ),
        Some(Resolution::Phone { note, .. }) => (None, note.clone()),
        Some(Resolution::Crew { summary, .. }) => (None, Some(summary.clone())),
        None => (None, None),
    };
    // Who signs the paper: the customer and the technician; a property public-area job is
    // signed off by customer service after re-inspection (A14).
    let public = d.template == ServiceTemplate::Property && d.location.area == Some(Area::PublicArea);
    let signers = if public {
        vec![tr.t("slip.sign_technician"), tr.t("slip.sign_inspector")]
    } else {
        vec![tr.t("slip.sign_customer"), tr.t("slip.sign_technician")]
    };
    let photos = order
        .photos()
        .map(|f| format!("/orders/{}/files/{}", order.id, f.attachment.id))
        .collect();
    render(&SlipPage {
        photos,
        org: viewer.tenant.name.clone(),
        heading: tr.t("slip.heading"),
        number,
        lines,
        signature,
        summary,
        signers,
        l,
    })
}
