//! Word lists for the property-management demo (物业): projects in Hangzhou, the faults
//! owners report, the plant-room faults the engineering team finds on patrol.

pub use super::words_property_faults::{FAULTS, Fault};

pub const COMPANY: &str = "锦绣物业服务有限公司";

/// A residential project (项目), run as a station.
pub struct Project {
    pub name: &'static str,
    pub address: &'static str,
    pub buildings: u32,
    pub floors: u32,
    pub units: u32,
    pub technicians: usize,
}

pub const PROJECTS: &[Project] = &[
    Project {
        name: "阳光花园",
        address: "杭州市西湖区文一西路588号阳光花园",
        buildings: 18,
        floors: 18,
        units: 2,
        technicians: 4,
    },
    Project {
        name: "锦绣华庭",
        address: "杭州市拱墅区莫干山路1177号锦绣华庭",
        buildings: 12,
        floors: 26,
        units: 2,
        technicians: 3,
    },
    Project {
        name: "翠湖湾",
        address: "杭州市滨江区江南大道3688号翠湖湾",
        buildings: 9,
        floors: 32,
        units: 1,
        technicians: 3,
    },
    Project {
        name: "金桂苑",
        address: "杭州市余杭区五常大道166号金桂苑",
        buildings: 24,
        floors: 11,
        units: 3,
        technicians: 4,
    },
];

/// What owners add when they call.
pub const ASIDES: &[&str] = &[
    "业主白天上班，请下午六点后上门",
    "家中有老人，请尽快处理",
    "请上门前电话联系",
    "已经是第二次报修了",
    "业主着急，请优先安排",
    "周末家里有人",
];

/// A fault in the plant rooms, found on patrol or by preventive maintenance (设备设施).
pub struct PlantFault {
    pub text: &'static str,
    pub spot: &'static str,
    pub category: &'static str,
    pub fix: &'static str,
}

pub const PLANT_FAULTS: &[PlantFault] = &[
    PlantFault {
        text: "二次供水2号水泵运行异响，出水压力不稳",
        spot: "水泵房",
        category: "给排水设备",
        fix: "更换水泵轴承及机械密封，运行平稳，压力恢复",
    },
    PlantFault {
        text: "配电房低压柜电容补偿柜报警",
        spot: "配电房",
        category: "供配电设备",
        fix: "更换损坏的补偿电容并复位控制器",
    },
    PlantFault {
        text: "消防报警主机显示3个烟感故障",
        spot: "消防控制室",
        category: "消防设备",
        fix: "更换故障烟感探头，主机复位无报警",
    },
    PlantFault {
        text: "地下车库排风机不启动",
        spot: "地下车库B1层",
        category: "暖通设备",
        fix: "更换排风机接触器，手动自动均运行正常",
    },
    PlantFault {
        text: "监控中心2路摄像头无画面",
        spot: "监控中心",
        category: "弱电设备",
        fix: "更换摄像头电源适配器，画面恢复",
    },
    PlantFault {
        text: "生活水箱液位计失灵，水泵频繁启停",
        spot: "水泵房",
        category: "给排水设备",
        fix: "更换液位传感器并重新设定启停水位",
    },
];
