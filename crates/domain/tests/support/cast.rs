//! Stations and people: one of every role, plus the extra ones the rules need.

use super::*;

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
        vendor(),
    ]
}

/// 恒力机电维修中心: an outside firm (B22, C05).
pub const FIRM: u128 = 30;

/// The outside firm, as a station of the organisation.
pub fn firm() -> StationRef {
    station(FIRM, "恒力机电维修中心", None)
}

/// 外协师傅 钱军 of the outside firm.
pub fn vendor() -> PersonRef {
    person(116, "钱军", Role::Vendor, Some(FIRM))
}

/// 外协师傅 孔亮 of another firm.
pub fn other_vendor() -> PersonRef {
    person(117, "孔亮", Role::Vendor, Some(31))
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
