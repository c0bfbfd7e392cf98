//! Word lists for the utility demo (供电): a city's 95598 fault hotline and its district
//! crews, in the city, the countryside and the mountains.

use baoxiu_domain::{GridFault, InternalCause, Zone};

pub const COMPANY: &str = "江城供电公司95598";

/// A district crew (供电所 / 抢修班): its area class sets the arrival target (E06).
pub struct District {
    pub name: &'static str,
    pub zone: Zone,
    pub linemen: usize,
    /// Streets and villages it serves.
    pub places: &'static [&'static str],
}

pub const DISTRICTS: &[District] = &[
    District {
        name: "城东供电所",
        zone: Zone::City,
        linemen: 4,
        places: &[
            "江城市东湖区解放大道218号 东湖花园",
            "江城市东湖区建设路66号 金桂苑",
            "江城市东湖区青年路9号 电信宿舍",
            "江城市东湖区八一大道301号 翠苑小区",
        ],
    },
    District {
        name: "城西供电所",
        zone: Zone::City,
        linemen: 3,
        places: &[
            "江城市西湖区文三路118号 文苑小区",
            "江城市西湖区古墩路702号 水岸名邸",
            "江城市西湖区天目山路58号 学院新村",
        ],
    },
    District {
        name: "青山供电所",
        zone: Zone::Rural,
        linemen: 3,
        places: &[
            "江城市青山县柳溪镇柳溪村三组",
            "江城市青山县石门乡石门村",
            "江城市青山县新塘镇新塘街47号",
        ],
    },
    District {
        name: "云岭供电所",
        zone: Zone::Remote,
        linemen: 2,
        places: &["江城市云岭县高坪乡岩口村", "江城市云岭县白沙镇茶园村五组"],
    },
];

/// A grid fault as callers describe it, with what the crew found and did.
pub struct GridCase {
    pub fault: GridFault,
    pub text: &'static str,
    pub cause: &'static str,
    pub result: &'static str,
}

pub const GRID: &[GridCase] = &[
    GridCase {
        fault: GridFault::Line,
        text: "整栋楼突然停电，邻居家也没电",
        cause: "10kV支线跌落式熔断器熔断",
        result: "更换熔丝，试送成功，恢复供电",
    },
    GridCase {
        fault: GridFault::Transformer,
        text: "小区变压器有异响冒烟，附近几栋楼都停电了",
        cause: "配电变压器低压桩头烧损",
        result: "处理桩头并紧固接线，恢复供电",
    },
    GridCase {
        fault: GridFault::Cable,
        text: "路边施工挖断电缆，整条街停电",
        cause: "外力破坏，低压电缆被挖断",
        result: "制作中间接头，恢复供电，已报安监备案",
    },
    GridCase {
        fault: GridFault::MeterBox,
        text: "单元表箱有焦味，一个单元都没电",
        cause: "表箱进线开关烧损",
        result: "更换表箱总开关，恢复供电",
    },
    GridCase {
        fault: GridFault::Line,
        text: "大风把树刮倒压在电线上，村里停电",
        cause: "树障，导线断股",
        result: "清除树障，修补导线，恢复供电",
    },
    GridCase {
        fault: GridFault::Other,
        text: "电压忽高忽低，灯一直闪",
        cause: "低压中性线接触不良",
        result: "紧固中性线连接点，电压恢复正常",
    },
];

/// A fault inside the customer's installation, with what the desk told them to check.
pub struct InternalCase {
    pub cause: InternalCause,
    pub text: &'static str,
    pub guidance: &'static str,
}

pub const INTERNAL: &[InternalCase] = &[
    InternalCase {
        cause: InternalCause::Breaker,
        text: "家里突然没电，楼道灯是亮的",
        guidance: "引导客户检查户内空气开关，发现跳闸，合上后恢复用电",
    },
    InternalCase {
        cause: InternalCause::PrepaidMeter,
        text: "IC卡表显示无电，家里全停了",
        guidance: "表内余额为零，指导客户购电后插卡恢复用电",
    },
    InternalCase {
        cause: InternalCause::Overload,
        text: "开空调和电热水器就跳闸",
        guidance: "判断为过负荷跳闸，建议错开使用大功率电器",
    },
    InternalCase {
        cause: InternalCause::Fuse,
        text: "老房子一半房间没电",
        guidance: "户内保险熔断，说明抢修为有偿服务，客户要求上门",
    },
    InternalCase {
        cause: InternalCause::Switch,
        text: "闸刀处有火花，不敢合闸",
        guidance: "户内闸刀烧损，说明抢修为有偿服务，客户要求上门",
    },
];

pub const OUTAGES: &[&str] = &[
    "东湖区解放大道10kV线路计划检修，今日08:00–17:00停电，已提前公告",
    "西湖区文三路配变增容改造，计划停电至18:00",
    "青山县柳溪线故障跳闸，抢修中，预计2小时内恢复",
];

/// Why a callback could not be completed (E08: the termination reason).
pub const UNREACHED: &[&str] = &[
    "三次致电无人接听，终止回访",
    "客户电话停机，终止回访",
    "客户拒绝回访，终止回访",
];

pub const OPINIONS: &[&str] = &[
    "抢修人员到得很快，满意",
    "恢复供电及时，态度很好",
    "希望以后计划停电提前通知",
    "等待时间较长，但处理专业",
];
