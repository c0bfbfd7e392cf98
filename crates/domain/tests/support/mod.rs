//! Fixtures shared by the domain's integration tests: orders as the desk records them,
//! one person of every role, stations with a sub-site, a fixed `now` and a small harness
//! that runs commands the way the HTTP service does.
//!
//! Nothing here reads the clock or draws random numbers: time starts at [`now`] and only
//! moves when a test moves it; every id is `Uuid::from_u128(n)`.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use baoxiu_domain::{
    Actor, Area, Asset, CancelReason, Channel, Command, CommitmentKind, ContactOutcome, Customer, Event,
    EventRecord, Kind, Location, NewOrder, OrderId, PartLine, PersonId, PersonRef, PhoneSolution, Position,
    Priority, Refusal, Refused, Role, Satisfaction, ServiceMode, Signature, Slip, SpecialCase, Staff, State,
    StationId, StationRef, Template, Tenant, TenantId, Timestamp, VerificationCode, WorkOrder,
};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

/// The fixed moment every test starts at: Monday 2 November 2026, 09:00 UTC.
pub fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

pub fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

pub fn hours(n: i64) -> Duration {
    Duration::hours(n)
}

pub fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// A clock that only moves when told to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now: Timestamp,
}

impl Clock {
    pub fn new() -> Clock {
        Clock { now: now() }
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn advance(&mut self, by: Duration) -> Timestamp {
        self.now += by;
        self.now
    }

    pub fn advance_minutes(&mut self, n: i64) -> Timestamp {
        self.advance(minutes(n))
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

// ---------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------

pub fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub fn tenant() -> TenantId {
    TenantId(uuid(1))
}

/// The organisation every fixture order belongs to; it offers every built template.
pub fn organisation() -> Tenant {
    Tenant {
        id: tenant(),
        slug: "acme".to_string(),
        name: "海淀维修服务网络".to_string(),
        time_zone: "Asia/Shanghai".to_string(),
        templates: Template::ALL.to_vec(),
    }
}

pub fn order_id(n: u128) -> OrderId {
    OrderId(uuid(1_000 + n))
}

mod cast;
mod commands;

pub use cast::*;
pub use commands::*;

// ---------------------------------------------------------------------------------------
// New orders
// ---------------------------------------------------------------------------------------

/// The customer's verification code (B01) that every fixture order is created with.
pub fn code() -> VerificationCode {
    VerificationCode::from_number(42_917)
}

/// A code that is not [`code`].
pub fn wrong_code() -> VerificationCode {
    VerificationCode::from_number(123_456)
}

/// An owner's in-home repair reported to a property company's desk: 卫生间漏水.
pub fn property_order() -> NewOrder {
    NewOrder {
        kind: Kind::Repair,
        channel: Channel::Phone,
        template: Template::Property,
        category: Some("户内·给排水".to_string()),
        priority: Priority::Normal,
        service_mode: ServiceMode::OnSite,
        customer: Customer::parse("王秀英", "138 1234 5678").unwrap(),
        location: Location::parse(
            "北京市海淀区学院路20号 学府花园",
            Some(Area::InHome),
            Some("3号楼"),
            Some("2单元502室"),
        )
        .unwrap(),
        description: "卫生间漏水，楼下天花板有水渍".to_string(),
        asset: None,
        station: None,
        technician: None,
        slip: None,
        number: None,
    }
}

/// A manufacturer's hotline order: 空调不制冷, an air conditioner under warranty.
pub fn after_sales_order() -> NewOrder {
    NewOrder {
        kind: Kind::Repair,
        channel: Channel::Hotline,
        template: Template::AfterSales,
        category: Some("空调".to_string()),
        priority: Priority::Urgent,
        service_mode: ServiceMode::OnSite,
        customer: Customer::parse("李建国", "13912345678").unwrap(),
        location: Location::parse("上海市浦东新区张江路88弄6号1203室", None, None, None).unwrap(),
        description: "空调不制冷，室外机不转".to_string(),
        asset: Some(
            Asset::parse(
                "KFR35GW-2026A00017",
                Some("KFR-35GW/BpR3"),
                NaiveDate::from_ymd_opt(2028, 6, 30),
            )
            .unwrap(),
        ),
        station: None,
        technician: None,
        slip: None,
        number: None,
    }
}

/// A household's call to the 95598 hotline: 家里停电了, the neighbours too.
pub fn utility_order() -> NewOrder {
    NewOrder {
        kind: Kind::Repair,
        channel: Channel::Hotline,
        template: Template::Utility,
        category: Some("低压故障".to_string()),
        priority: Priority::Urgent,
        service_mode: ServiceMode::OnSite,
        customer: Customer::parse("周桂兰", "13712345678").unwrap(),
        location: Location::parse(
            "杭州市西湖区文三路118号 文苑小区",
            None,
            Some("5幢"),
            Some("3单元201"),
        )
        .unwrap(),
        description: "家里突然停电，邻居家也没电".to_string(),
        asset: None,
        station: None,
        technician: None,
        slip: None,
        number: None,
    }
}

/// A written slip from housekeeping, signed by its supervisor: 1208 房卫生间漏水, an
/// occupied room (D01, D04).
pub fn hotel_order() -> NewOrder {
    NewOrder {
        kind: Kind::Repair,
        channel: Channel::OtherDepartment,
        template: Template::Hotel,
        category: Some("给排水".to_string()),
        priority: Priority::Normal,
        service_mode: ServiceMode::OnSite,
        customer: Customer::parse("客房部 刘芳", "0571-87001208").unwrap(),
        location: Location::parse("锦江大酒店 主楼", None, Some("12层"), Some("1208房")).unwrap(),
        description: "1208房卫生间面盆下水管漏水，客人在房".to_string(),
        asset: None,
        station: None,
        technician: None,
        slip: Some(Slip {
            department: "客房部".to_string(),
            reporter: Some(Staff::parse("slip.reporter", "刘芳", Position::Foreman).unwrap()),
            signed_by: Some(Staff::parse("slip.signed_by", "陈静怡", Position::Supervisor).unwrap()),
            special: Some(SpecialCase::OccupiedRoom),
            guest_area: true,
        }),
        number: None,
    }
}

/// An operator's report to the maintenance team: the injection moulding machine's hydraulic
/// pump leaks (C01).
pub fn equipment_order() -> NewOrder {
    NewOrder {
        kind: Kind::Repair,
        channel: Channel::Phone,
        template: Template::Equipment,
        category: Some("液压".to_string()),
        priority: Priority::Urgent,
        service_mode: ServiceMode::OnSite,
        customer: Customer::parse("注塑车间 王强", "13612345678").unwrap(),
        location: Location::parse("一号厂房 注塑车间", None, Some("3号线"), Some("注塑机 ZS-03")).unwrap(),
        description: "注塑机液压泵漏油，压力上不去".to_string(),
        asset: None,
        station: Some(head_station()),
        technician: None,
        slip: None,
        number: None,
    }
}

pub fn new_order(template: Template) -> NewOrder {
    match template {
        Template::AfterSales => after_sales_order(),
        Template::Utility => utility_order(),
        Template::Hotel => hotel_order(),
        Template::Equipment => equipment_order(),
        _ => NewOrder {
            template,
            ..property_order()
        },
    }
}

// ---------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------

/// One order, its whole history and its clock. Commands run as the HTTP service runs them:
/// a refusal with a `counted` event still records that event.
#[derive(Debug, Clone)]
pub struct Case {
    pub order: WorkOrder,
    pub records: Vec<EventRecord>,
    pub clock: Clock,
}

impl Case {
    /// Opens `new` as `by` at [`now`], panicking if the domain refuses.
    pub fn open(new: NewOrder, by: &PersonRef) -> Case {
        let clock = Clock::new();
        let (order, records) =
            WorkOrder::open(order_id(1), &organisation(), new, code(), by, clock.now()).unwrap();
        Case {
            order,
            records,
            clock,
        }
    }

    /// A property order recorded by the desk: in the claim pool (B02).
    pub fn property() -> Case {
        Case::open(property_order(), &desk())
    }

    /// An after_sales order recorded by the desk: awaiting dispatch (A01).
    pub fn after_sales() -> Case {
        Case::open(after_sales_order(), &desk())
    }

    /// A property order claimed by [`technician`]: accepted.
    pub fn property_claimed() -> Case {
        let mut case = Case::property();
        case.ok(&technician(), Command::Claim);
        case
    }

    /// An after_sales order dispatched to the head station, accepted by its coordinator
    /// and given to [`technician`] (A01, A02).
    pub fn after_sales_accepted() -> Case {
        let mut case = Case::after_sales();
        case.ok(&desk(), dispatch(head_station()));
        case.ok(&coordinator(), Command::Accept);
        case.ok(&coordinator(), assign(technician()));
        case
    }

    /// [`Case::after_sales_accepted`] with T31 committed for tomorrow.
    pub fn after_sales_scheduled() -> Case {
        let mut case = Case::after_sales_accepted();
        let at = case.now() + days(1);
        case.ok(&technician(), commit(at));
        case
    }

    /// [`Case::after_sales_scheduled`] with the technician on site at the committed time.
    pub fn after_sales_on_site() -> Case {
        let mut case = Case::after_sales_scheduled();
        case.clock.advance(days(1) - minutes(10));
        case.ok(&technician(), arrive(code()));
        case
    }

    /// [`Case::after_sales_on_site`] fixed and signed for.
    pub fn after_sales_resolved() -> Case {
        let mut case = Case::after_sales_on_site();
        case.clock.advance(hours(1));
        case.ok(&technician(), resolve_signed());
        case
    }

    /// A property order claimed, scheduled, visited and signed for.
    pub fn property_resolved() -> Case {
        let mut case = Case::property_claimed();
        let at = case.now() + hours(2);
        case.ok(&technician(), commit(at));
        case.clock.advance(hours(1));
        case.ok(&technician(), arrive(code()));
        case.ok(&technician(), Command::Start);
        case.clock.advance(minutes(40));
        case.ok(&technician(), resolve_signed());
        case
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn state(&self) -> State {
        self.order.state
    }

    /// Runs `command` as the HTTP service does: on success the events are recorded; on a
    /// refusal that counts (a wrong code) the counted event is recorded; otherwise the order
    /// must be exactly as before.
    pub fn run(&mut self, by: &PersonRef, command: Command) -> Result<Vec<EventRecord>, Refused> {
        let before = self.order.clone();
        let who = actor(by);
        let now = self.now();
        match self.order.execute(&who, now, &command) {
            Ok(records) => {
                self.records.extend(records.iter().cloned());
                Ok(records)
            }
            Err(refused) => {
                assert_eq!(self.order, before, "a refused {command:?} changed the order");
                if let Some(event) = refused.counted.clone() {
                    let record = self.order.record(&who, now, *event);
                    self.records.push(record);
                }
                Err(refused)
            }
        }
    }

    /// Runs a command that must succeed; returns the events it caused.
    #[track_caller]
    pub fn ok(&mut self, by: &PersonRef, command: Command) -> Vec<Event> {
        let name = command.name();
        match self.run(by, command) {
            Ok(records) => records.into_iter().map(|r| r.event).collect(),
            Err(refused) => panic!(
                "{} ({:?}) may {} an order in {:?}, but was refused: {:?}",
                by.name,
                by.role,
                name.as_str(),
                self.order.state,
                refused
            ),
        }
    }

    /// Runs a command that must be refused without a counted event; checks the order is
    /// unchanged and returns why it was refused.
    #[track_caller]
    pub fn refused(&mut self, by: &PersonRef, command: Command) -> Refusal {
        let before = self.order.clone();
        let records = self.records.len();
        let name = command.name();
        match self.run(by, command) {
            Ok(_) => panic!(
                "{} ({:?}) should not {} an order in {:?}",
                by.name,
                by.role,
                name.as_str(),
                before.state
            ),
            Err(refused) => {
                assert_eq!(refused.counted, None, "this refusal should not count");
                assert_eq!(self.order, before);
                assert_eq!(self.records.len(), records);
                refused.refusal
            }
        }
    }

    /// The kinds of the order's events, oldest first.
    pub fn event_kinds(&self) -> Vec<&'static str> {
        self.records.iter().map(|r| r.event.kind()).collect()
    }

    /// The order rebuilt from its history.
    pub fn replayed(&self) -> WorkOrder {
        WorkOrder::replay(tenant(), &self.records).unwrap()
    }
}
