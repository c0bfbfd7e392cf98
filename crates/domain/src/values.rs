//! Small value types of the work order. Those built from user input have fallible
//! constructors that return a [`FieldError`] naming the offending field ("parse, don't
//! validate"): once a value exists it is valid.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A rejected input value, naming the field (a JSON path such as `customer.phone`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error found inside a nested object: `phone` becomes `customer.phone`.
    pub fn within(self, parent: &str) -> Self {
        FieldError::new(format!("{parent}.{}", self.field), self.message)
    }
}

/// Trimmed, non-empty text of at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value.to_string())
}

/// Optional text: absent or blank becomes `None`, otherwise as [`text`].
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v, max).map(Some),
    }
}

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $wire $(, alias = $alias)*)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// What the caller wants: 报修 repair, 报事 matter, 投诉 complaint, 咨询 inquiry.
    Kind { Repair = "repair", Matter = "matter", Complaint = "complaint", Inquiry = "inquiry" }
);

wire_enum!(
    /// How the report reached the desk.
    Channel {
        Phone = "phone",
        Hotline = "hotline",
        Web = "web",
        App = "app",
        WalkIn = "walk_in",
        SelfInspection = "self_inspection",
        OtherDepartment = "other_department",
        Patrol = "patrol",
        PreventiveMaintenance = "preventive_maintenance",
        /// A fire, security or building-system alarm (D02: needs no named caller).
        Alarm = "alarm",
    }
);

wire_enum!(
    /// 紧急 · 加急 · 一般.
    Priority { Emergency = "emergency", Urgent = "urgent", Normal = "normal" }
);

wire_enum!(
    /// 上门 on-site or 送修 carry-in.
    ServiceMode { OnSite = "on_site", CarryIn = "carry_in" }
);

wire_enum!(
    /// Property orders: 公共区域 public area or 户内 in-home.
    Area { PublicArea = "public_area", InHome = "in_home" }
);

wire_enum!(
    /// Why a service time (T3) was set or moved (承诺服务类型, A04 as amended): every T3
    /// write carries one of these and a free-text reason.
    CommitmentKind {
        /// 承诺时刻内: within the commitment (also how an A07 phone solution is recorded).
        WithinCommitment = "within_commitment",
        /// 备件原因: parts decide the time (A09, A11).
        Parts = "parts",
        /// 客户要求: the time the customer asked for.
        CustomerRequest = "customer_request",
        /// 其他. Histories written before the four types were fixed may say `revisit` (a
        /// second visit); it reads as `other`, its reason kept.
        Other = "other" | "revisit",
    }
);

wire_enum!(
    /// The typed outcome of a contact attempt (A05): never a sentinel date.
    ContactOutcome { Reached = "reached", Unreachable = "unreachable", WrongNumber = "wrong_number" }
);

wire_enum!(
    /// Why cancellation (撤单) is requested (A17: the reasons of A05, A06, A12).
    CancelReason {
        /// A05: unreachable for five working days.
        CustomerUnreachable = "customer_unreachable",
        /// A06: the phone number is wrong.
        WrongNumber = "wrong_number",
        /// A12: the customer refused the service plan.
        PlanRefused = "plan_refused",
        /// The same fault was reported twice.
        Duplicate = "duplicate",
    }
);

wire_enum!(
    /// A hotel employee's level (D01, D02, D06), lowest first: what they may report or sign.
    Position {
        /// 员工.
        Staff = "staff",
        /// 领班.
        Foreman = "foreman",
        /// 主管.
        Supervisor = "supervisor",
        /// 经理 (and above).
        Manager = "manager",
    }
);

impl Position {
    /// Its rank: a higher position may do what a lower one may.
    pub fn at_least(self, other: Position) -> bool {
        let rank = |p: Position| Position::ALL.iter().position(|q| *q == p);
        rank(self) >= rank(other)
    }
}

wire_enum!(
    /// D04: the special emergencies of a hotel, besides anything that would upset guests or
    /// harm equipment if left.
    SpecialCase {
        /// 住客房.
        OccupiedRoom = "occupied_room",
        /// VIP 房.
        VipRoom = "vip_room",
        /// 包厢.
        PrivateDining = "private_dining",
        /// 会议进行中.
        MeetingInProgress = "meeting_in_progress",
        /// 营业中的厨房.
        KitchenInService = "kitchen_in_service",
        /// 不及时处理会引起客人不满或损坏设备.
        GuestsOrEquipment = "guests_or_equipment",
    }
);

wire_enum!(
    /// What an approval is for (one engine for all: the template names its chain per kind).
    ApprovalKind {
        /// D03: cutting the water.
        ShutOffWater = "shut_off_water",
        /// D03: cutting the power.
        ShutOffPower = "shut_off_power",
        /// D03: cutting the gas.
        ShutOffGas = "shut_off_gas",
        /// D03: noisy work.
        NoisyWork = "noisy_work",
        /// C04: the maintenance plan of a complex repair.
        MaintenancePlan = "maintenance_plan",
        /// C05: sending the repair to an outside firm (委外).
        Outsourcing = "outsourcing",
        /// C06: sending the equipment back to its manufacturer (厂家维修).
        ManufacturerRepair = "manufacturer_repair",
        /// A12: the special-situation report (特殊情况报告) when a customer refuses the plan;
        /// cancellation for that reason waits for it.
        SpecialSituation = "special_situation",
        /// B13: an order found on self-inspection (自检) goes to the pool once approved.
        SelfInspection = "self_inspection",
        /// A19: a station's coverage areas or capacity change (网点服务范围变更).
        Coverage = "coverage",
        /// B24: the price list of paid home services (常规服务项目表).
        PriceList = "price_list",
    }
);

wire_enum!(
    /// B22: what an outside firm is fined for.
    PenaltyKind {
        /// 迟到: late arrival (100–500 yuan).
        Late = "late",
        /// 服务差: poor service (200 yuan a time).
        PoorService = "poor_service",
        /// 整改未完成: rectification not done (1,000–5,000 yuan).
        NotDone = "not_done",
    }
);

wire_enum!(
    /// C04: how complex a confirmed fault is (维修复杂系数); low needs no materials and is
    /// repaired on the spot, anything above needs an approved maintenance plan.
    Complexity { Low = "low", Medium = "medium", High = "high" }
);

wire_enum!(
    /// C09: the tag on the equipment.
    EquipmentTag {
        /// 待修.
        WaitingForRepair = "waiting_for_repair",
        /// 在修.
        UnderRepair = "under_repair",
        /// 在用.
        InService = "in_service",
    }
);

wire_enum!(
    /// E01: what the 95598 account check found.
    AccountStatus {
        /// 已交费: nothing owed; the call goes on.
        Paid = "paid",
        /// 欠费停电: cut off for arrears; the customer is told why and the call ends.
        Arrears = "arrears",
    }
);

wire_enum!(
    /// E02: the causes of a fault inside the customer's own installation.
    InternalCause {
        /// 空气开关跳闸.
        Breaker = "breaker",
        /// 闸刀.
        Switch = "switch",
        /// 保险.
        Fuse = "fuse",
        /// IC 卡表无电 (prepaid meter out of credit).
        PrepaidMeter = "prepaid_meter",
        /// 过负荷跳闸.
        Overload = "overload",
    }
);

wire_enum!(
    /// E04: the kind of grid fault, used with the area to route it.
    GridFault {
        /// 线路.
        Line = "line",
        /// 变压器.
        Transformer = "transformer",
        /// 电缆.
        Cable = "cable",
        /// 表箱.
        MeterBox = "meter_box",
        /// 其他 / 原因不明.
        Other = "other",
    }
);

wire_enum!(
    /// E06: the area class that sets the arrival target.
    Zone {
        /// 城区: 45 minutes.
        City = "city",
        /// 农村: 90 minutes.
        Rural = "rural",
        /// 特殊边远山区: 2 hours.
        Remote = "remote",
    }
);

wire_enum!(
    /// A07: what kind of problem was solved by phone.
    PhoneSolution { Software = "software", Other = "other" }
);

/// Customer satisfaction from the callback, 1 (very dissatisfied) to 5 (very satisfied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = u8, minimum = 1, maximum = 5))]
#[serde(try_from = "u8", into = "u8")]
pub struct Satisfaction(u8);

impl Satisfaction {
    pub fn new(value: u8) -> Result<Self, FieldError> {
        if (1..=5).contains(&value) {
            Ok(Satisfaction(value))
        } else {
            Err(FieldError::new("satisfaction", "must be between 1 and 5"))
        }
    }
    pub fn value(self) -> u8 {
        self.0
    }
}

/// E08: what the utility's callback asks besides satisfaction, each 1 (very poor) to 5
/// (very good): the quality of the repair, the crew's attitude, the restoration time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallbackAnswers {
    pub quality: Satisfaction,
    pub attitude: Satisfaction,
    pub restoration: Satisfaction,
}

impl TryFrom<u8> for Satisfaction {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        Satisfaction::new(v).map_err(|e| e.message)
    }
}

impl From<Satisfaction> for u8 {
    fn from(s: Satisfaction) -> u8 {
        s.0
    }
}

/// A mainland-China phone number: an 11-digit mobile (1[3-9]xxxxxxxxx) or a landline with
/// its area code (0xx-xxxxxxxx, the dash optional). Spaces and dashes are normalised away
/// for mobiles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "13812345678"))]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &str, raw: &str) -> Result<Phone, FieldError> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let digits: String = compact.chars().filter(|c| *c != '-').collect();
        let all_digits = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
        let mobile = all_digits
            && digits.len() == 11
            && digits.starts_with('1')
            && matches!(digits.as_bytes()[1], b'3'..=b'9');
        if mobile {
            return Ok(Phone(digits));
        }
        let landline = all_digits
            && digits.starts_with('0')
            && (10..=12).contains(&digits.len())
            && compact.matches('-').count() <= 1;
        if landline {
            return Ok(Phone(compact));
        }
        Err(FieldError::new(
            field,
            "must be a mainland mobile (11 digits starting 13–19) or a landline with area code",
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The person who reported the fault and must be reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub name: String,
    pub phone: Phone,
}

impl Customer {
    pub fn parse(name: &str, phone: &str) -> Result<Customer, FieldError> {
        Ok(Customer {
            name: text("name", name, 50).map_err(|e| e.within("customer"))?,
            phone: Phone::parse("phone", phone).map_err(|e| e.within("customer"))?,
        })
    }
}

/// Where the fault is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    pub address: String,
    pub area: Option<Area>,
    pub building: Option<String>,
    pub room: Option<String>,
}

impl Location {
    pub fn parse(
        address: &str,
        area: Option<Area>,
        building: Option<&str>,
        room: Option<&str>,
    ) -> Result<Location, FieldError> {
        Ok(Location {
            address: text("address", address, 200).map_err(|e| e.within("location"))?,
            area,
            building: optional_text("building", building, 50).map_err(|e| e.within("location"))?,
            room: optional_text("room", room, 50).map_err(|e| e.within("location"))?,
        })
    }
}

/// The product or equipment at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Asset {
    pub serial: String,
    pub model: Option<String>,
    pub warranty_end: Option<chrono::NaiveDate>,
}

impl Asset {
    pub fn parse(
        serial: &str,
        model: Option<&str>,
        warranty_end: Option<chrono::NaiveDate>,
    ) -> Result<Asset, FieldError> {
        Ok(Asset {
            serial: text("serial", serial, 64).map_err(|e| e.within("asset"))?,
            model: optional_text("model", model, 100).map_err(|e| e.within("asset"))?,
            warranty_end,
        })
    }
}

/// The customer's six-digit verification code (验证码, B01). Generated by the caller (the
/// domain has no randomness) and checked on arrival.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "042917"))]
#[serde(transparent)]
pub struct VerificationCode(String);

impl VerificationCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if raw.len() == 6 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(VerificationCode(raw.to_string()))
        } else {
            Err(FieldError::new(field, "must be exactly 6 digits"))
        }
    }

    /// Builds the code from a number below one million, zero-padded.
    pub fn from_number(n: u32) -> Self {
        VerificationCode(format!("{:06}", n % 1_000_000))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for VerificationCode {
    // Codes do not belong in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerificationCode(******)")
    }
}

/// The number people read out over the phone and write on paper (X09): the day the order
/// was reported in the organisation's time zone and its place that day,
/// `20261127-0042`. Unique in the organisation; the id stays for machines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "20261127-0042"))]
#[serde(transparent)]
pub struct OrderNumber(String);

impl OrderNumber {
    /// The `seq`-th order (from 1) of `day`; at least four digits.
    pub fn new(day: chrono::NaiveDate, seq: u32) -> OrderNumber {
        OrderNumber(format!("{}-{seq:04}", day.format("%Y%m%d")))
    }

    /// Reads a number as a person types it: digits with one dash after the date; spaces
    /// are ignored. `None` if it is not a number's shape.
    pub fn parse(raw: &str) -> Option<OrderNumber> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let (day, seq) = compact.split_once('-')?;
        let day = chrono::NaiveDate::parse_from_str(day, "%Y%m%d").ok()?;
        if seq.len() < 4 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(OrderNumber::new(day, seq.parse().ok()?))
    }

    /// The day and the place in it.
    pub fn parts(&self) -> (chrono::NaiveDate, u32) {
        let (day, seq) = self.0.split_once('-').expect("an order number has a dash");
        (
            chrono::NaiveDate::parse_from_str(day, "%Y%m%d").expect("an order number starts with its day"),
            seq.parse().expect("an order number ends with its place"),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
