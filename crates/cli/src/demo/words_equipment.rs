//! Word lists for the factory demo (设备维修): the workshops, their machines, and the faults
//! the maintenance team repairs.

pub const COMPANY: &str = "华东精密制造有限公司设备科";

/// A workshop and the machines in it: (line, machine).
pub struct Workshop {
    pub name: &'static str,
    pub machines: &'static [(&'static str, &'static str)],
}

pub const WORKSHOPS: &[Workshop] = &[
    Workshop {
        name: "一号厂房 注塑车间",
        machines: &[
            ("1号线", "注塑机 ZS-01"),
            ("2号线", "注塑机 ZS-02"),
            ("3号线", "注塑机 ZS-03"),
        ],
    },
    Workshop {
        name: "二号厂房 冲压车间",
        machines: &[("冲压线", "冲床 CY-160"), ("冲压线", "冲床 CY-250")],
    },
    Workshop {
        name: "三号厂房 机加工车间",
        machines: &[("数控区", "加工中心 VMC-850"), ("数控区", "数控车床 CK-6150")],
    },
    Workshop {
        name: "动力站",
        machines: &[("空压机房", "螺杆空压机 KY-75"), ("配电房", "低压配电柜 GCK-3")],
    },
];

/// The register code of a machine (`注塑机 ZS-01` → `ZS-01`): what its sticker carries.
pub fn code_of(machine: &str) -> &str {
    machine.rsplit(' ').next().unwrap_or(machine)
}

/// A fault with its trade (工种), what the team found and did.
pub struct Fault {
    pub text: &'static str,
    pub trade: &'static str,
    pub cause: &'static str,
    pub method: &'static str,
}

pub const FAULTS: &[Fault] = &[
    Fault {
        text: "液压泵漏油，压力上不去",
        trade: "液压",
        cause: "液压泵轴封老化",
        method: "更换轴封及O形圈，补充液压油，试机压力正常",
    },
    Fault {
        text: "设备报警伺服过载，停机",
        trade: "电气",
        cause: "伺服电机编码器线接触不良",
        method: "重新压接编码器插头，复位报警，试运行正常",
    },
    Fault {
        text: "主轴异响，加工面有振纹",
        trade: "机械",
        cause: "主轴轴承磨损",
        method: "更换主轴前轴承一套，动平衡校正，试切合格",
    },
    Fault {
        text: "冷却液不出，刀具发烫",
        trade: "机械",
        cause: "冷却泵叶轮堵塞",
        method: "清理冷却泵及过滤网，更换冷却液，出液正常",
    },
    Fault {
        text: "空压机排气温度高，自动停机",
        trade: "动力",
        cause: "油冷却器积灰",
        method: "清洗油冷却器，更换油滤，排温恢复正常",
    },
    Fault {
        text: "配电柜开关跳闸，合不上",
        trade: "电气",
        cause: "出线回路绝缘下降",
        method: "查出受潮电缆接头，重新处理绝缘，送电正常",
    },
];

/// Outside firms for outsourced repairs (C05) and manufacturers (C06).
pub const FIRMS: &[&str] = &["江城液压设备维修厂", "华科数控技术服务部", "恒力机电维修中心"];
