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
    EventRecord, Kind, Location, NewOrder, OrderId, PartLine, PersonId, PersonRef, PhoneSolution, Priority,
    Refusal, Refused, Role, Satisfaction, ServiceMode, Signature, State, StationId, StationRef, Template,
    TenantId, Timestamp, VerificationCode, WorkOrder,
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

pub fn order_id(n: u128) -> OrderId {
    OrderId(uuid(1_000 + n))
}

// ---------------------------------------------------------------------------------------
// Stations (一站多点: a head station with a sub-site, and a foreign pair)
// ---------------------------------------------------------------------------------------

pub const HEAD_STATION: u128 = 10;
pub const SUB_SITE: u128 = 11;
pub const SECOND_SUB_SITE: u128 = 12;
pub const FOREIGN_HEAD_STATION: u128 = 20;
pub const FOREIGN_SUB_SITE: u128 = 21;

fn station(id: u128, name: &str, head: Option<u128>) -> StationRef {
    StationRef {
        id: StationId(uuid(id)),
        name: name.to_string(),
        head: head.map(|h| StationId(uuid(h))),
    }
}

/// 海淀维修总站: a head station with sub-sites.
pub fn head_station() -> StationRef {
    station(HEAD_STATION, "海淀维修总站", None)
}

/// 上地分点: a sub-site of [`head_station`].
pub fn sub_site() -> StationRef {
    station(SUB_SITE, "海淀维修总站·上地分点", Some(HEAD_STATION))
}

/// 中关村分点: another sub-site of [`head_station`].
pub fn second_sub_site() -> StationRef {
    station(SECOND_SUB_SITE, "海淀维修总站·中关村分点", Some(HEAD_STATION))
}

/// 朝阳维修总站: another head station.
pub fn foreign_head_station() -> StationRef {
    station(FOREIGN_HEAD_STATION, "朝阳维修总站", None)
}

/// 望京分点: a sub-site of [`foreign_head_station`].
pub fn foreign_sub_site() -> StationRef {
    station(
        FOREIGN_SUB_SITE,
        "朝阳维修总站·望京分点",
        Some(FOREIGN_HEAD_STATION),
    )
}

// ---------------------------------------------------------------------------------------
// People: one of every role, plus the extra ones the rules need
// ---------------------------------------------------------------------------------------

fn person(id: u128, name: &str, role: Role, station: Option<u128>) -> PersonRef {
    PersonRef {
        id: PersonId(uuid(id)),
        name: name.to_string(),
        role,
        station: station.map(|s| StationId(uuid(s))),
    }
}

/// 业主 王秀英.
pub fn customer() -> PersonRef {
    person(100, "王秀英", Role::Customer, None)
}

/// 客服 李娜.
pub fn desk() -> PersonRef {
    person(101, "李娜", Role::DeskAgent, None)
}

/// 协调员 张伟 of the head station.
pub fn coordinator() -> PersonRef {
    person(102, "张伟", Role::Coordinator, Some(HEAD_STATION))
}

/// 协调员 刘洋 of the sub-site.
pub fn sub_site_coordinator() -> PersonRef {
    person(103, "刘洋", Role::Coordinator, Some(SUB_SITE))
}

/// 协调员 陈静 of the foreign head station.
pub fn foreign_coordinator() -> PersonRef {
    person(104, "陈静", Role::Coordinator, Some(FOREIGN_HEAD_STATION))
}

/// 维修师傅 赵强 of the head station.
pub fn technician() -> PersonRef {
    person(105, "赵强", Role::Technician, Some(HEAD_STATION))
}

/// 维修师傅 孙磊 of the head station.
pub fn second_technician() -> PersonRef {
    person(106, "孙磊", Role::Technician, Some(HEAD_STATION))
}

/// 维修师傅 周杰 of the foreign head station.
pub fn foreign_technician() -> PersonRef {
    person(107, "周杰", Role::Technician, Some(FOREIGN_HEAD_STATION))
}

/// 维修师傅 何军 of the sub-site.
pub fn sub_site_technician() -> PersonRef {
    person(114, "何军", Role::Technician, Some(SUB_SITE))
}

/// 班长 吴刚 of the head station.
pub fn team_lead() -> PersonRef {
    person(108, "吴刚", Role::TeamLead, Some(HEAD_STATION))
}

/// 班长 徐亮 of the foreign head station.
pub fn foreign_team_lead() -> PersonRef {
    person(115, "徐亮", Role::TeamLead, Some(FOREIGN_HEAD_STATION))
}

/// 工程主管 郑敏.
pub fn supervisor() -> PersonRef {
    person(109, "郑敏", Role::Supervisor, None)
}

/// 大区接口人 王芳 (华北大区).
pub fn region_officer() -> PersonRef {
    person(110, "王芳", Role::RegionOfficer, None)
}

/// 大区接口人 马超 (华北大区).
pub fn second_region_officer() -> PersonRef {
    person(111, "马超", Role::RegionOfficer, None)
}

/// 审批人 黄丽.
pub fn approver() -> PersonRef {
    person(112, "黄丽", Role::Approver, None)
}

/// 管理员 林涛.
pub fn admin() -> PersonRef {
    person(113, "林涛", Role::Admin, None)
}

/// One person of every role, in the order of [`Role::ALL`].
pub fn one_of_each_role() -> Vec<PersonRef> {
    vec![
        customer(),
        desk(),
        coordinator(),
        technician(),
        team_lead(),
        supervisor(),
        region_officer(),
        approver(),
        admin(),
    ]
}

/// The person of `role` from [`one_of_each_role`].
pub fn someone(role: Role) -> PersonRef {
    one_of_each_role()
        .into_iter()
        .find(|p| p.role == role)
        .expect("every role has a fixture")
}

/// Everyone the fixtures know.
pub fn everyone() -> Vec<PersonRef> {
    vec![
        customer(),
        desk(),
        coordinator(),
        sub_site_coordinator(),
        foreign_coordinator(),
        technician(),
        second_technician(),
        foreign_technician(),
        sub_site_technician(),
        team_lead(),
        foreign_team_lead(),
        supervisor(),
        region_officer(),
        second_region_officer(),
        approver(),
        admin(),
    ]
}

pub fn actor(person: &PersonRef) -> Actor {
    Actor {
        person: person.clone(),
    }
}

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
    }
}

pub fn new_order(template: Template) -> NewOrder {
    match template {
        Template::AfterSales => after_sales_order(),
        _ => NewOrder {
            template,
            ..property_order()
        },
    }
}

// ---------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------

pub fn signature() -> Signature {
    Signature::parse("王秀英", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE=").unwrap()
}

pub fn dispatch(station: StationRef) -> Command {
    Command::Dispatch { station }
}

pub fn hand_over(sub_site: StationRef) -> Command {
    Command::HandOver { sub_site }
}

pub fn assign(technician: PersonRef) -> Command {
    Command::Assign { technician }
}

pub fn contact(outcome: ContactOutcome) -> Command {
    Command::Contact { outcome, note: None }
}

/// T31: the first commitment needs no reason.
pub fn commit(at: Timestamp) -> Command {
    Command::Commit {
        at,
        kind: CommitmentKind::CustomerRequest,
        reason: None,
    }
}

/// T32, T33: a recommitment names its reason (A11).
pub fn recommit(at: Timestamp, kind: CommitmentKind, reason: &str) -> Command {
    Command::Commit {
        at,
        kind,
        reason: Some(reason.to_string()),
    }
}

pub fn parts() -> Vec<PartLine> {
    vec![PartLine::parse(0, "P-KFR35-0101", "室外风机电容", 1).unwrap()]
}

pub fn request_parts() -> Command {
    Command::RequestParts {
        parts: parts(),
        note: Some("向服务支持部申请备件".to_string()),
    }
}

pub fn parts_received() -> Command {
    Command::PartsReceived { note: None }
}

pub fn arrive(code: VerificationCode) -> Command {
    Command::Arrive {
        code: Some(code),
        desk_note: None,
    }
}

pub fn arrive_without_code() -> Command {
    Command::Arrive {
        code: None,
        desk_note: None,
    }
}

pub fn arrive_verified_by_desk(note: &str) -> Command {
    Command::Arrive {
        code: None,
        desk_note: Some(note.to_string()),
    }
}

pub fn resolve_signed() -> Command {
    Command::Resolve {
        signature: Some(signature()),
        summary: "更换风机电容，试机正常，旧件已返还".to_string(),
    }
}

pub fn resolve_unsigned() -> Command {
    Command::Resolve {
        signature: None,
        summary: "更换风机电容，试机正常".to_string(),
    }
}

pub fn resolve_by_phone(solution: PhoneSolution) -> Command {
    Command::ResolveByPhone {
        solution,
        note: Some("指导客户重置遥控器，恢复正常".to_string()),
    }
}

pub fn callback_reached(satisfaction: u8) -> Command {
    Command::Callback {
        reached: true,
        satisfaction: Some(Satisfaction::new(satisfaction).unwrap()),
        note: None,
    }
}

pub fn callback_unreached(note: Option<&str>) -> Command {
    Command::Callback {
        reached: false,
        satisfaction: None,
        note: note.map(str::to_string),
    }
}

pub fn request_cancel(reason: CancelReason) -> Command {
    Command::RequestCancel {
        reason,
        note: "五个工作日内每日多次联系均无人接听".to_string(),
    }
}

pub fn approve_cancel() -> Command {
    Command::ApproveCancel {
        note: Some("大区核实后同意撤单".to_string()),
    }
}

pub fn reject_cancel() -> Command {
    Command::RejectCancel {
        note: "请继续联系客户".to_string(),
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
        let (order, record) = WorkOrder::open(order_id(1), tenant(), new, code(), by, clock.now()).unwrap();
        Case {
            order,
            records: vec![record],
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
                    let record = self.order.record(&who, now, event);
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
