//! Whole stories through the API, as the desk, the station and the technician live them.

use crate::helpers::{after_sales_order, at, property_order, signature, spawn_app};
use chrono::Duration;
use serde_json::json;

#[tokio::test]
async fn property_story_runs_from_report_to_archive() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let created = app.create_order(desk, &property_order()).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.state(), "pool");
    let id = created.id();
    let code = created.body["verification_code"]
        .as_str()
        .expect("the desk sees the code")
        .to_string();
    assert_eq!(code.len(), 6);

    app.advance(Duration::minutes(2));
    let claimed = app.command(app.technician(0), &id, "claim", json!({})).await;
    assert_eq!(claimed.status, 200, "{:?}", claimed.body);
    assert_eq!(claimed.state(), "accepted");
    assert_eq!(claimed.body["assignee"]["id"], app.technician_id(0).to_string());
    assert!(
        claimed.body["verification_code"].is_null(),
        "technicians must get the code from the customer"
    );

    app.advance(Duration::minutes(10));
    let arrived = app
        .command(app.technician(0), &id, "arrive", json!({"code": code}))
        .await;
    assert_eq!(arrived.status, 200, "{:?}", arrived.body);
    assert_eq!(arrived.state(), "on_site");

    app.advance(Duration::minutes(40));
    let resolved = app
        .command(
            app.technician(0),
            &id,
            "resolve",
            json!({"signature": signature(), "summary": "更换角阀密封圈"}),
        )
        .await;
    assert_eq!(resolved.status, 200, "{:?}", resolved.body);
    assert_eq!(resolved.state(), "resolved");
    assert_eq!(resolved.body["resolution"]["signature"]["signer"], "李秀英");

    app.advance(Duration::hours(2));
    let called = app
        .command(desk, &id, "callback", json!({"reached": true, "satisfaction": 5}))
        .await;
    assert_eq!(called.status, 200, "{:?}", called.body);
    assert_eq!(called.state(), "called_back");

    let archived = app.command(desk, &id, "archive", json!({})).await;
    assert_eq!(archived.status, 200, "{:?}", archived.body);
    assert_eq!(archived.state(), "archived");

    let shown = app.get_order(desk, &id).await;
    let kinds: Vec<_> = shown.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"]["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "claimed",
            "arrived",
            "resolved",
            "callback_recorded",
            "archived"
        ]
    );
    let timeline = &shown.body["timeline"];
    for stamp in ["reported_at", "resolved_at", "called_back_at", "archived_at"] {
        assert!(timeline[stamp].is_string(), "{stamp} missing: {timeline}");
    }
    assert_eq!(timeline["arrivals"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn after_sales_story_runs_through_parts_and_multiple_visits() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let coordinator = app.org.token("coordinator");
    let tech = app.technician(0);
    let created = app.create_order(desk, &after_sales_order()).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.state(), "awaiting_dispatch");
    let id = created.id();
    let code = created.body["verification_code"].as_str().unwrap().to_string();

    let dispatched = app
        .command(desk, &id, "dispatch", json!({"station_id": app.org.head_station}))
        .await;
    assert_eq!(
        (dispatched.status, dispatched.state()),
        (200, "assigned"),
        "{:?}",
        dispatched.body
    );
    let accepted = app.command(coordinator, &id, "accept", json!({})).await;
    assert_eq!(
        (accepted.status, accepted.state()),
        (200, "accepted"),
        "{:?}",
        accepted.body
    );
    let assigned = app
        .command(
            coordinator,
            &id,
            "assign",
            json!({"technician_id": app.technician_id(0)}),
        )
        .await;
    assert_eq!(assigned.status, 200, "{:?}", assigned.body);

    app.advance(Duration::hours(1));
    let contacted = app
        .command(
            tech,
            &id,
            "contact",
            json!({"outcome": "reached", "note": "约好明天上午"}),
        )
        .await;
    assert_eq!(contacted.status, 200, "{:?}", contacted.body);
    let t31 = app
        .command(
            coordinator,
            &id,
            "commit",
            json!({"at": at(&app, Duration::days(1)), "kind": "customer_request", "reason": "用户要求明天上午上门"}),
        )
        .await;
    assert_eq!((t31.status, t31.state()), (200, "scheduled"), "{:?}", t31.body);
    assert_eq!(
        t31.body["timeline"]["first_contact_at"],
        json!(app.now()),
        "A04: T31 sets T2"
    );

    let parts =
        json!({"parts": [{"code": "MB-K4E-01", "name": "主板", "quantity": 1}], "note": "站内无备件"});
    let waiting = app.command(coordinator, &id, "request-parts", parts).await;
    assert_eq!(
        (waiting.status, waiting.state()),
        (200, "waiting_for_parts"),
        "{:?}",
        waiting.body
    );
    app.advance(Duration::days(1));
    let t32 = app
        .command(
            coordinator,
            &id,
            "commit",
            json!({"at": at(&app, Duration::days(2)), "kind": "parts", "reason": "由于PO-8812订单MB-K4E-01编码的备件未按时配送"}),
        )
        .await;
    assert_eq!(
        (t32.status, t32.state()),
        (200, "waiting_for_parts"),
        "{:?}",
        t32.body
    );
    app.advance(Duration::days(1));
    let received = app.command(coordinator, &id, "parts-received", json!({})).await;
    assert_eq!(
        (received.status, received.state()),
        (200, "scheduled"),
        "{:?}",
        received.body
    );

    app.advance(Duration::hours(20));
    let arrived = app.command(tech, &id, "arrive", json!({"code": code})).await;
    assert_eq!(
        (arrived.status, arrived.state()),
        (200, "on_site"),
        "{:?}",
        arrived.body
    );
    let started = app.command(tech, &id, "start", json!({})).await;
    assert_eq!(
        (started.status, started.state()),
        (200, "in_progress"),
        "{:?}",
        started.body
    );
    let t33 = app
        .command(tech, &id, "commit", json!({"at": at(&app, Duration::days(1)), "kind": "revisit", "reason": "更换主板后仍无法开机，需再次上门"}))
        .await;
    assert_eq!(
        (t33.status, t33.state()),
        (200, "multiple_visits"),
        "{:?}",
        t33.body
    );

    app.advance(Duration::days(1));
    let again = app.command(tech, &id, "arrive", json!({"code": code})).await;
    assert_eq!(
        (again.status, again.state()),
        (200, "on_site"),
        "{:?}",
        again.body
    );
    let resolved = app
        .command(
            tech,
            &id,
            "resolve",
            json!({"signature": signature(), "summary": "更换电源适配器，开机正常，旧件返还"}),
        )
        .await;
    assert_eq!(
        (resolved.status, resolved.state()),
        (200, "resolved"),
        "{:?}",
        resolved.body
    );
    let commitments = resolved.body["timeline"]["commitments"].as_array().unwrap();
    assert_eq!(
        commitments
            .iter()
            .map(|c| c["slot"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(resolved.body["timeline"]["arrivals"].as_array().unwrap().len(), 2);

    let fourth = app
        .command(
            coordinator,
            &id,
            "commit",
            json!({"at": at(&app, Duration::days(1)), "reason": "x"}),
        )
        .await;
    assert_eq!(
        fourth.status, 409,
        "a resolved order takes no commitment: {:?}",
        fourth.body
    );
}

#[tokio::test]
async fn r_a01_desk_dispatches_to_the_head_station_which_hands_over_to_its_sub_site() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let id = app.create_order(desk, &after_sales_order()).await.id();
    let refused = app
        .command(desk, &id, "dispatch", json!({"station_id": app.org.sub_site}))
        .await;
    assert_eq!((refused.status, refused.error_code()), (422, "sub_site_dispatch"));
    assert_eq!(refused.error_field(), "station_id");
    let to_head = app
        .command(desk, &id, "dispatch", json!({"station_id": app.org.head_station}))
        .await;
    assert_eq!(to_head.status, 200);
    let foreign = app
        .command(
            app.org.token("other_coordinator"),
            &id,
            "hand-over",
            json!({"station_id": app.org.sub_site}),
        )
        .await;
    assert_eq!((foreign.status, foreign.error_code()), (403, "other_station"));
    let handed = app
        .command(
            app.org.token("coordinator"),
            &id,
            "hand-over",
            json!({"station_id": app.org.sub_site}),
        )
        .await;
    assert_eq!(handed.status, 200, "{:?}", handed.body);
    assert_eq!(handed.body["station"]["id"], app.org.sub_site.to_string());
}

#[tokio::test]
async fn r_a17_cancellation_is_a_request_an_approver_decides() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let id = app.create_order(desk, &after_sales_order()).await.id();
    app.ok(desk, &id, "dispatch", json!({"station_id": app.org.head_station}))
        .await;
    let coordinator = app.org.token("coordinator");
    let note = json!({"reason": "wrong_number", "note": "提示此电话号码不存在"});
    let requested = app
        .command(coordinator, &id, "request-cancel", note.clone())
        .await;
    assert_eq!(requested.status, 200, "{:?}", requested.body);
    assert_eq!(requested.state(), "assigned", "a request alone cancels nothing");
    let frozen = app.command(coordinator, &id, "accept", json!({})).await;
    assert_eq!(
        (frozen.status, frozen.error_code()),
        (409, "cancellation_pending")
    );
    let by_tech = app
        .command(app.technician(0), &id, "approve-cancel", json!({}))
        .await;
    assert_eq!(by_tech.status, 403);
    let approved = app
        .command(
            app.org.token("region"),
            &id,
            "approve-cancel",
            json!({"note": "已通知本部"}),
        )
        .await;
    assert_eq!(
        (approved.status, approved.state()),
        (200, "cancelled"),
        "{:?}",
        approved.body
    );
}

#[tokio::test]
async fn r_a07_an_order_solved_by_phone_refuses_cancellation() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let coordinator = app.org.token("coordinator");
    let id = app.create_order(desk, &after_sales_order()).await.id();
    app.ok(desk, &id, "dispatch", json!({"station_id": app.org.head_station}))
        .await;
    app.ok(coordinator, &id, "accept", json!({})).await;
    let solved = app
        .command(
            coordinator,
            &id,
            "resolve-by-phone",
            json!({"solution": "software", "note": "指导重装驱动"}),
        )
        .await;
    assert_eq!(
        (solved.status, solved.state()),
        (200, "resolved"),
        "{:?}",
        solved.body
    );
    assert_eq!(solved.body["resolution"]["by"], "phone");
    let cancel = app
        .command(
            coordinator,
            &id,
            "request-cancel",
            json!({"reason": "duplicate", "note": "重复报修"}),
        )
        .await;
    assert_eq!((cancel.status, cancel.error_code()), (409, "solved_by_phone"));
}

#[tokio::test]
async fn r_b04_a_named_technician_gets_the_order_directly() {
    let app = spawn_app().await;
    let mut body = property_order();
    body["technician_id"] = json!(app.technician_id(3));
    let created = app.create_order(app.org.token("desk"), &body).await;
    assert_eq!(
        (created.status, created.state()),
        (201, "assigned"),
        "{:?}",
        created.body
    );
    assert_eq!(created.body["assignee"]["id"], app.technician_id(3).to_string());
    let other = app
        .command(app.technician(4), &created.id(), "accept", json!({}))
        .await;
    assert_eq!((other.status, other.error_code()), (403, "not_assignee"));
    let accepted = app
        .command(app.technician(3), &created.id(), "accept", json!({}))
        .await;
    assert_eq!((accepted.status, accepted.state()), (200, "accepted"));
}

#[tokio::test]
async fn r_x05_every_step_is_in_the_history_with_actor_and_time() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let id = app.create_order(desk, &property_order()).await.id();
    app.advance(Duration::minutes(3));
    app.ok(app.technician(1), &id, "claim", json!({})).await;
    let shown = app.get_order(desk, &id).await;
    let history = shown.body["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["actor"]["id"], app.technician_id(1).to_string());
    assert_eq!(history[1]["actor"]["role"], "technician");
    assert_eq!(history[1]["at"], json!(app.now()));
    assert_eq!(history[1]["seq"], 2);
    let tech_view = app.get_order(app.technician(1), &id).await;
    assert!(
        tech_view.body["history"][0]["event"].get("code").is_none(),
        "the code must not leak to technicians through the history"
    );
}

/// E01–E09 through the API: a grid fault from the call to the archive, the crew's duty lead
/// reporting for the lineman; an arrears call closed at intake; a finding that names what
/// it lacks.
#[tokio::test]
async fn utility_story_runs_from_the_call_to_the_archive() {
    use crate::helpers::utility_order;
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let coordinator = app.org.token("coordinator");
    let created = app.create_order(desk, &utility_order()).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.state(), "awaiting_dispatch");
    let id = created.id();

    // E01–E04: no crew before the account and the fault are known.
    let early = app
        .command(desk, &id, "dispatch", json!({"station_id": app.org.head_station}))
        .await;
    assert_eq!((early.status, early.error_code()), (409, "intake_incomplete"));
    let checked = app
        .command(
            desk,
            &id,
            "check-account",
            json!({"account": "3301234567", "status": "paid"}),
        )
        .await;
    assert_eq!(checked.status, 200, "{:?}", checked.body);
    let vague = app
        .command(desk, &id, "triage", json!({"finding": "grid", "fault": "line"}))
        .await;
    assert_eq!((vague.status, vague.error_field()), (422, "zone"));
    let found = app
        .command(
            desk,
            &id,
            "triage",
            json!({"finding": "grid", "fault": "line", "zone": "city"}),
        )
        .await;
    assert_eq!(found.status, 200, "{:?}", found.body);
    assert_eq!(found.body["intake"]["finding"]["zone"], "city");
    let arrival = found.body["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clock"] == "e06_arrival")
        .expect("the arrival clock runs");
    assert_eq!(
        arrival["deadline"].as_str().unwrap(),
        at(&app, Duration::minutes(45)).replace("+00:00", "Z")
    );

    let sent = app
        .command(desk, &id, "dispatch", json!({"station_id": app.org.head_station}))
        .await;
    assert_eq!(sent.status, 200, "{:?}", sent.body);
    app.advance(Duration::minutes(3));
    let confirmed = app.command(coordinator, &id, "accept", json!({})).await;
    assert_eq!(confirmed.state(), "accepted");
    let lineman = app.org.technicians[0].0;
    let assigned = app
        .command(coordinator, &id, "assign", json!({"technician_id": lineman}))
        .await;
    assert_eq!(assigned.status, 200, "{:?}", assigned.body);
    let sorry = app
        .command(
            desk,
            &id,
            "apologise",
            json!({"note": "已致歉，抢修人员正在赶往现场"}),
        )
        .await;
    assert_eq!(sorry.status, 200, "{:?}", sorry.body);

    // E07: the duty lead records the crew's steps for the lineman (X10).
    let for_lineman = format!("/api/v1/orders/{id}/depart?on_behalf_of={lineman}");
    let departed = app.post_raw(coordinator, &for_lineman, "{}", None).await;
    assert_eq!(departed.status, 200, "{:?}", departed.body);
    app.advance(Duration::minutes(25));
    let arrived = app.command(app.technician(0), &id, "arrive", json!({})).await;
    assert_eq!(arrived.state(), "on_site", "{:?}", arrived.body);
    app.advance(Duration::minutes(50));
    let signed_only = app
        .command(
            app.technician(0),
            &id,
            "resolve",
            json!({"signature": signature(), "summary": "已恢复供电"}),
        )
        .await;
    assert_eq!((signed_only.status, signed_only.error_field()), (422, "report"));
    let restored = at(&app, Duration::minutes(-5));
    let resolved = app
        .command(
            app.technician(0),
            &id,
            "resolve",
            json!({
                "summary": "更换熔丝，试送成功",
                "report": {"cause": "10kV支线跌落式熔断器熔断", "restored_at": restored, "crew": "师傅0", "result": "已恢复供电"}
            }),
        )
        .await;
    assert_eq!(resolved.status, 200, "{:?}", resolved.body);
    assert_eq!(resolved.body["resolution"]["by"], "crew");
    assert_eq!(
        resolved.body["resolution"]["report"]["cause"],
        "10kV支线跌落式熔断器熔断"
    );

    // E08: unreachable, with the reason: the callback ends. E09: checked and archived.
    app.advance(Duration::hours(2));
    let called = app
        .command(
            desk,
            &id,
            "callback",
            json!({"reached": false, "note": "三次致电无人接听，终止回访"}),
        )
        .await;
    assert_eq!(called.state(), "called_back", "{:?}", called.body);
    let archived = app
        .command(app.org.token("supervisor"), &id, "archive", json!({}))
        .await;
    assert_eq!(archived.state(), "archived", "{:?}", archived.body);
    let shown = app.get_order(desk, &id).await;
    let history = shown.body["history"].as_array().unwrap();
    let departed = history
        .iter()
        .find(|r| r["event"]["type"] == "departed")
        .expect("the departure is kept");
    assert_eq!(departed["recorded_by"]["role"], "coordinator");
    assert_eq!(departed["actor"]["role"], "technician");

    // E01: arrears end the call at intake; nothing can send a crew.
    let call = app.create_order(desk, &utility_order()).await.id();
    let arrears = app
        .command(
            desk,
            &call,
            "check-account",
            json!({"account": "3307654321", "status": "arrears"}),
        )
        .await;
    assert_eq!(arrears.state(), "closed", "{:?}", arrears.body);
    let sent = app
        .command(
            desk,
            &call,
            "dispatch",
            json!({"station_id": app.org.head_station}),
        )
        .await;
    assert_eq!((sent.status, sent.error_code()), (409, "invalid_transition"));
    let filed = app
        .command(app.org.token("supervisor"), &call, "archive", json!({}))
        .await;
    assert_eq!(filed.state(), "archived");
}

/// D01–D07 through the API: an anonymous phone report and an under-signed slip are refused;
/// a supervisor's slip for an occupied room is an emergency; the duty foreman dispatches on
/// the supervisor's instruction; the technician is taken in by staff; the shut-off waits for
/// the department head; the department's foreman signs; no callback; filed.
#[tokio::test]
async fn hotel_story_runs_from_the_slip_to_the_file() {
    use crate::helpers::hotel_order;
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let mut anonymous = hotel_order();
    anonymous["channel"] = json!("phone");
    anonymous["slip"]["reporter"] = json!(null);
    anonymous["slip"]["signed_by"] = json!(null);
    let refused = app.create_order(desk, &anonymous).await;
    assert_eq!(
        (refused.status, refused.error_code(), refused.error_field()),
        (422, "caller_not_qualified", "slip.reporter")
    );
    let mut foreman_signed = hotel_order();
    foreman_signed["slip"]["signed_by"]["position"] = json!("foreman");
    let refused = app.create_order(desk, &foreman_signed).await;
    assert_eq!((refused.status, refused.error_code()), (422, "slip_signer"));
    assert_eq!(app.count_orders().await, 0, "nothing was written");

    let mut slip = hotel_order();
    slip["station_id"] = json!(app.org.head_station);
    let created = app.create_order(desk, &slip).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.state(), "assigned");
    assert_eq!(created.body["priority"], "emergency", "D04: an occupied room");
    assert!(created.body["verification_code"].is_null(), "no code at a hotel");
    let id = created.id();

    let lead = app.org.token("team_lead");
    let tech = app.org.technicians[0].0;
    let early = app
        .command(lead, &id, "assign", json!({"technician_id": tech}))
        .await;
    assert_eq!((early.status, early.error_code()), (409, "awaiting_instruction"));
    app.ok(
        app.org.token("supervisor"),
        &id,
        "instruct",
        json!({"note": "客房急修，安排师傅0"}),
    )
    .await;
    app.ok(lead, &id, "assign", json!({"technician_id": tech})).await;
    app.ok(app.technician(0), &id, "accept", json!({})).await;
    let alone = app.command(app.technician(0), &id, "arrive", json!({})).await;
    assert_eq!((alone.status, alone.error_field()), (422, "escort"));
    let escorted = app
        .command(
            app.technician(0),
            &id,
            "arrive",
            json!({"escort": "客房部服务员 王丽"}),
        )
        .await;
    assert_eq!(escorted.state(), "on_site", "{:?}", escorted.body);

    // D03: the water is cut only with the department head's approval.
    let asked = app
        .command(
            app.technician(0),
            &id,
            "request-approval",
            json!({"kind": "shut_off_water", "note": "更换下水管需关闭本层冷热水约30分钟"}),
        )
        .await;
    assert_eq!(asked.status, 200, "{:?}", asked.body);
    assert_eq!(asked.body["approvals"][0]["chain"], json!(["approver"]));
    let waiting = app.command(app.technician(0), &id, "start", json!({})).await;
    assert_eq!((waiting.status, waiting.error_code()), (409, "approval_pending"));
    let not_theirs = app
        .command(app.org.token("supervisor"), &id, "approve", json!({}))
        .await;
    assert_eq!(
        (not_theirs.status, not_theirs.error_code()),
        (403, "not_next_approver")
    );
    let approved = app
        .command(
            app.org.token("approver"),
            &id,
            "approve",
            json!({"note": "可以停水"}),
        )
        .await;
    assert_eq!(approved.status, 200, "{:?}", approved.body);
    app.ok(app.technician(0), &id, "start", json!({})).await;

    // D06: the using department's foreman or above signs; then no callback, filed.
    let mut signature = signature();
    signature["position"] = json!("staff");
    let low = app
        .command(
            app.technician(0),
            &id,
            "resolve",
            json!({"signature": signature, "summary": "更换下水管，试水无渗漏"}),
        )
        .await;
    assert_eq!((low.status, low.error_code()), (422, "sign_off_position"));
    signature["position"] = json!("foreman");
    let resolved = app
        .command(
            app.technician(0),
            &id,
            "resolve",
            json!({"signature": signature, "summary": "更换下水管，试水无渗漏"}),
        )
        .await;
    assert_eq!(resolved.state(), "resolved", "{:?}", resolved.body);
    let callback = app.command(desk, &id, "callback", json!({"reached": true})).await;
    assert_eq!((callback.status, callback.error_code()), (422, "not_in_template"));
    let filed = app.command(desk, &id, "archive", json!({})).await;
    assert_eq!(filed.state(), "archived", "{:?}", filed.body);
}

/// C04, C05, C09, C10 through the API: the fault is rated high, outsourcing goes through the
/// team lead, the section head and the department head in order; the maintenance plan is
/// approved; the operator signs with the completion record; the section head archives.
#[tokio::test]
async fn equipment_story_outsources_through_three_approvers_and_archives() {
    use crate::helpers::equipment_order;
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    let lead = app.org.token("team_lead");
    let supervisor = app.org.token("supervisor");
    let approver = app.org.token("approver");
    let created = app
        .create_order(desk, &equipment_order(app.org.head_station))
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.id();
    let tech = app.org.technicians[0].0;
    app.ok(lead, &id, "assign", json!({"technician_id": tech})).await;
    app.ok(app.technician(0), &id, "accept", json!({})).await;
    app.ok(
        app.technician(0),
        &id,
        "arrive",
        json!({"escort": "注塑车间 王强"}),
    )
    .await;
    let early = app.command(app.technician(0), &id, "start", json!({})).await;
    assert_eq!((early.status, early.error_code()), (409, "complexity_first"));
    app.ok(
        app.technician(0),
        &id,
        "rate-complexity",
        json!({"level": "high"}),
    )
    .await;

    let asked = app
        .command(
            app.technician(0),
            &id,
            "request-approval",
            json!({"kind": "outsourcing", "note": "液压泵需返修，委外至专业液压维修厂"}),
        )
        .await;
    assert_eq!(
        asked.body["approvals"][0]["chain"],
        json!(["team_lead", "supervisor", "approver"])
    );
    let out_of_turn = app.command(approver, &id, "approve", json!({})).await;
    assert_eq!(
        (out_of_turn.status, out_of_turn.error_code()),
        (403, "not_next_approver")
    );
    for who in [lead, supervisor, approver] {
        app.ok(who, &id, "approve", json!({})).await;
    }
    let shown = app.get_order(desk, &id).await;
    let decisions = shown.body["approvals"][0]["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 3);

    app.ok(
        app.technician(0),
        &id,
        "request-approval",
        json!({"kind": "maintenance_plan", "note": "按外协方案停机维修"}),
    )
    .await;
    app.ok(supervisor, &id, "approve", json!({})).await;
    app.ok(app.technician(0), &id, "start", json!({})).await;
    app.advance(Duration::hours(3));
    // C13: rated high, an important job: finished only with the supervisor there.
    let completion = json!({
        "signature": signature(),
        "summary": "外协更换液压泵，试机正常",
        "report": {"cause": "液压泵磨损", "restored_at": at(&app, Duration::minutes(-10)), "crew": "江城液压设备维修厂", "result": "更换液压泵总成"}
    });
    let early = app
        .command(app.technician(0), &id, "resolve", completion.clone())
        .await;
    assert_eq!((early.status, early.error_code()), (409, "supervisor_absent"));
    app.ok(supervisor, &id, "attend", json!({"note": "主管到场"}))
        .await;
    let resolved = app.command(app.technician(0), &id, "resolve", completion).await;
    assert_eq!(resolved.state(), "resolved", "{:?}", resolved.body);
    let by_desk = app.command(desk, &id, "archive", json!({})).await;
    assert_eq!(
        (by_desk.status, by_desk.error_code()),
        (403, "supervisor_archives")
    );
    let filed = app.command(supervisor, &id, "archive", json!({})).await;
    assert_eq!(filed.state(), "archived", "{:?}", filed.body);
}
