//! Word lists for the hotel demo (酒店工程部): the departments that report, the places in
//! the hotel, and the faults the engineering department repairs.

use baoxiu_domain::{ApprovalKind, SpecialCase};

pub const COMPANY: &str = "锦江大酒店工程部";

/// A requesting department and the places it reports from.
pub struct Department {
    pub name: &'static str,
    /// (building, room or area, a guest area?, the special case it usually is)
    pub places: &'static [(&'static str, &'static str, bool, Option<SpecialCase>)],
}

pub const DEPARTMENTS: &[Department] = &[
    Department {
        name: "客房部",
        places: &[
            ("主楼12层", "1208房", true, Some(SpecialCase::OccupiedRoom)),
            ("主楼18层", "1801行政套房", true, Some(SpecialCase::VipRoom)),
            ("主楼9层", "906房", true, None),
            ("主楼7层", "布草间", false, None),
        ],
    },
    Department {
        name: "餐饮部",
        places: &[
            ("裙楼2层", "牡丹厅包厢", true, Some(SpecialCase::PrivateDining)),
            ("裙楼1层", "中餐厨房", false, Some(SpecialCase::KitchenInService)),
            ("裙楼1层", "西餐厅", true, None),
        ],
    },
    Department {
        name: "会议服务部",
        places: &[
            (
                "裙楼3层",
                "国际会议厅",
                true,
                Some(SpecialCase::MeetingInProgress),
            ),
            ("裙楼3层", "多功能厅", true, None),
        ],
    },
    Department {
        name: "前厅部",
        places: &[
            ("主楼1层", "大堂", true, None),
            ("主楼1层", "行李房", false, None),
        ],
    },
    Department {
        name: "康乐部",
        places: &[
            (
                "裙楼4层",
                "游泳池机房",
                false,
                Some(SpecialCase::GuestsOrEquipment),
            ),
            ("裙楼4层", "健身房", true, None),
        ],
    },
];

/// A fault, its trade, the fix, and the approval the work needs if any (D03).
pub struct Fault {
    pub text: &'static str,
    pub category: &'static str,
    pub fix: &'static str,
    pub approval: Option<(ApprovalKind, &'static str)>,
    /// The part, if it must be fetched from the store.
    pub part: Option<(&'static str, &'static str)>,
}

pub const FAULTS: &[Fault] = &[
    Fault {
        text: "卫生间面盆下水管漏水",
        category: "给排水",
        fix: "更换面盆下水管及密封圈，试水无渗漏，现场已清理",
        approval: Some((ApprovalKind::ShutOffWater, "更换下水管需关闭本层冷热水约30分钟")),
        part: None,
    },
    Fault {
        text: "空调不制冷，房间温度偏高",
        category: "空调",
        fix: "清洗风机盘管过滤网，更换温控器，制冷恢复正常",
        approval: None,
        part: Some(("HV-TC-220", "风机盘管温控器")),
    },
    Fault {
        text: "房间一路插座没电",
        category: "强电",
        fix: "更换损坏插座，紧固接线，试电正常",
        approval: Some((ApprovalKind::ShutOffPower, "更换插座需断开本房间插座回路")),
        part: None,
    },
    Fault {
        text: "包厢灯光忽明忽暗",
        category: "强电",
        fix: "更换灯具驱动电源，灯光恢复正常",
        approval: None,
        part: None,
    },
    Fault {
        text: "厨房燃气灶点不着火",
        category: "燃气",
        fix: "清理灶头喷嘴，更换点火针，试烧正常",
        approval: Some((ApprovalKind::ShutOffGas, "检修灶具需关闭该灶燃气阀门")),
        part: None,
    },
    Fault {
        text: "会议厅投影幕布无法降下",
        category: "弱电",
        fix: "更换幕布电机限位开关，升降正常",
        approval: None,
        part: None,
    },
    Fault {
        text: "门锁刷卡无反应",
        category: "门锁",
        fix: "更换门锁电池并重新授权，刷卡正常",
        approval: None,
        part: None,
    },
    Fault {
        text: "墙面瓷砖空鼓脱落",
        category: "土建",
        fix: "铲除空鼓瓷砖，重新铺贴，现场已清理",
        approval: Some((ApprovalKind::NoisyWork, "铲除瓷砖有较大响声，约40分钟")),
        part: None,
    },
];

/// A reason given when a department head refuses a shut-off (D03).
pub const REFUSALS: &[&str] = &[
    "客人在房休息，请14:00以后再停水",
    "会议进行中，不能施工",
    "午餐营业高峰，请15:00后再停气",
];
