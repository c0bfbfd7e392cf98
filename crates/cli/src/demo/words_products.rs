//! The computer maker's products and their typical faults (售后).

use baoxiu_domain::PhoneSolution;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Laptop,
    Desktop,
    Monitor,
}

/// A product line: the model as printed on the label, the serial-number prefix.
pub struct Product {
    pub model: &'static str,
    pub kind: Kind,
    pub code: &'static str,
}

pub const PRODUCTS: &[Product] = &[
    Product {
        model: "华信 灵锐 N7 14英寸笔记本",
        kind: Kind::Laptop,
        code: "N7",
    },
    Product {
        model: "华信 灵锐 N5 15.6英寸笔记本",
        kind: Kind::Laptop,
        code: "N5",
    },
    Product {
        model: "华信 商睿 X1 商务笔记本",
        kind: Kind::Laptop,
        code: "X1",
    },
    Product {
        model: "华信 商睿 D5 台式机",
        kind: Kind::Desktop,
        code: "D5",
    },
    Product {
        model: "华信 天启 T7 图形工作站",
        kind: Kind::Desktop,
        code: "T7",
    },
    Product {
        model: "华信 P27Q 27英寸显示器",
        kind: Kind::Monitor,
        code: "P27",
    },
    Product {
        model: "华信 P24F 23.8英寸显示器",
        kind: Kind::Monitor,
        code: "P24",
    },
];

/// A fault of a product kind. Hardware faults name the part that fixes them; faults that
/// can be solved over the phone (A07) say how.
pub struct Fault {
    pub kind: Kind,
    pub text: &'static str,
    pub category: &'static str,
    /// Part code prefix and name (备件).
    pub part: (&'static str, &'static str),
    pub fix: &'static str,
    pub phone: Option<(PhoneSolution, &'static str)>,
}

const fn hw(
    kind: Kind,
    text: &'static str,
    category: &'static str,
    part: (&'static str, &'static str),
    fix: &'static str,
) -> Fault {
    Fault {
        kind,
        text,
        category,
        part,
        fix,
        phone: None,
    }
}

const fn phone(
    kind: Kind,
    text: &'static str,
    category: &'static str,
    solution: PhoneSolution,
    how: &'static str,
) -> Fault {
    Fault {
        kind,
        text,
        category,
        part: ("", ""),
        fix: how,
        phone: Some((solution, how)),
    }
}

use Kind::{Desktop, Laptop, Monitor};
use PhoneSolution::{Other, Software};

pub const FAULTS: &[Fault] = &[
    hw(
        Laptop,
        "笔记本无法开机，按电源键无任何反应",
        "笔记本/主板",
        ("MB", "主板"),
        "检测为主板供电电路故障，更换主板后开机正常，旧件已返还",
    ),
    hw(
        Laptop,
        "开机后屏幕花屏，外接显示器显示正常",
        "笔记本/屏幕",
        ("LCD", "液晶屏总成"),
        "更换液晶屏总成，显示正常，旧件已返还",
    ),
    hw(
        Laptop,
        "键盘部分按键失灵，字母区多个键无反应",
        "笔记本/键盘",
        ("KB", "键盘"),
        "更换键盘，全部按键测试正常",
    ),
    hw(
        Laptop,
        "电池无法充电，插上适配器指示灯不亮",
        "笔记本/电源",
        ("BAT", "电池"),
        "更换电池，充放电测试正常，旧电池已回收",
    ),
    hw(
        Laptop,
        "运行时风扇噪音很大，机身发烫后自动关机",
        "笔记本/散热",
        ("FAN", "散热模组"),
        "更换散热模组并重涂导热硅脂，满载测试温度正常",
    ),
    hw(
        Laptop,
        "触控板失灵，鼠标指针不动",
        "笔记本/触控板",
        ("TP", "触控板"),
        "更换触控板排线，触控恢复正常",
    ),
    hw(
        Laptop,
        "屏幕转轴断裂，开合时有异响",
        "笔记本/外壳",
        ("HNG", "转轴组件"),
        "更换左右转轴及A壳，开合顺畅",
    ),
    phone(
        Laptop,
        "开机蓝屏，提示 INACCESSIBLE_BOOT_DEVICE",
        "笔记本/系统",
        Software,
        "软件问题，电话指导用户进入恢复环境修复引导，开机正常",
    ),
    phone(
        Laptop,
        "无线网卡搜不到网络，设备管理器显示感叹号",
        "笔记本/驱动",
        Software,
        "软件问题，电话指导用户重装无线网卡驱动后恢复",
    ),
    phone(
        Laptop,
        "插耳机没有声音，外放正常",
        "笔记本/音频",
        Other,
        "其他问题，电话指导用户在声音设置中切换输出设备，已恢复",
    ),
    hw(
        Desktop,
        "主机无法开机，电源灯闪烁",
        "台式机/主板",
        ("MB", "主板"),
        "更换主板，开机自检通过，旧件已返还",
    ),
    hw(
        Desktop,
        "硬盘异响，开机很慢且经常卡死",
        "台式机/硬盘",
        ("HDD", "1TB硬盘"),
        "更换硬盘并协助恢复系统，用户数据已按要求备份",
    ),
    hw(
        Desktop,
        "电源有焦糊味，开机后立即断电",
        "台式机/电源",
        ("PSU", "300W电源"),
        "更换电源，整机运行正常",
    ),
    hw(
        Desktop,
        "前置USB口全部失灵",
        "台式机/接口",
        ("USB", "前置USB面板"),
        "更换前置USB面板及连接线",
    ),
    phone(
        Desktop,
        "开机提示 No bootable device",
        "台式机/BIOS",
        Other,
        "其他问题，电话指导用户恢复BIOS启动顺序后正常启动",
    ),
    hw(
        Monitor,
        "显示器花屏，画面有横向条纹",
        "显示器/面板",
        ("PNL", "液晶面板"),
        "更换液晶面板，显示正常",
    ),
    hw(
        Monitor,
        "显示器屏幕出现竖向亮线",
        "显示器/面板",
        ("PNL", "液晶面板"),
        "更换液晶面板，亮线消失",
    ),
    hw(
        Monitor,
        "显示器提示无信号，更换线缆无效",
        "显示器/主控板",
        ("MBD", "主控板"),
        "更换主控板，信号输入正常",
    ),
    hw(
        Monitor,
        "电源指示灯不亮，显示器无法开启",
        "显示器/电源板",
        ("PWB", "电源板"),
        "更换电源板，开机正常",
    ),
    phone(
        Monitor,
        "显示器字体模糊，分辨率显示异常",
        "显示器/设置",
        Other,
        "其他问题，电话指导用户调整为推荐分辨率后正常",
    ),
];
