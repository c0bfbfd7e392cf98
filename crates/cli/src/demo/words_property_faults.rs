//! The faults owners and colleagues report to a property desk (报修), by trade.

use baoxiu_domain::Priority;

/// A fault an owner or a colleague reports. `spot` is set for public areas: `{b}` is the
/// building, `{u}` the unit.
pub struct Fault {
    pub text: &'static str,
    pub category: &'static str,
    pub priority: Priority,
    pub spot: Option<&'static str>,
    pub fix: &'static str,
    /// Material to buy when it cannot be fixed at once (B05): code and name.
    pub part: Option<(&'static str, &'static str)>,
    /// Why a second visit is needed, for long jobs.
    pub revisit: Option<&'static str>,
}

const fn fault(text: &'static str, category: &'static str, fix: &'static str) -> Fault {
    Fault {
        text,
        category,
        priority: Priority::Normal,
        spot: None,
        fix,
        part: None,
        revisit: None,
    }
}

const fn urgent(mut f: Fault) -> Fault {
    f.priority = Priority::Urgent;
    f
}

const fn part(mut f: Fault, code: &'static str, name: &'static str) -> Fault {
    f.part = Some((code, name));
    f
}

const fn revisit(mut f: Fault, why: &'static str) -> Fault {
    f.revisit = Some(why);
    f
}

const fn public(mut f: Fault, spot: &'static str) -> Fault {
    f.spot = Some(spot);
    f
}

pub const FAULTS: &[Fault] = &[
    // 户内 in-home
    revisit(
        part(
            urgent(fault(
                "卫生间漏水，楼下邻居天花板渗水",
                "管道",
                "更换卫生间地漏及下水管接头，做闭水试验24小时无渗漏",
            )),
            "DL-50",
            "不锈钢防臭地漏",
        ),
        "需做闭水试验，24小时后上门复查",
    ),
    fault(
        "厨房下水道堵塞，水槽排水很慢",
        "管道",
        "疏通厨房下水管道，清理油污堵塞物，排水通畅",
    ),
    part(
        fault(
            "空调不制冷，出风是热风",
            "空调",
            "检测为冷媒不足，补焊漏点并补充冷媒后制冷正常",
        ),
        "R410A",
        "R410A冷媒",
    ),
    part(
        urgent(fault(
            "入户门门锁损坏，钥匙拧不动",
            "门窗",
            "更换入户门锁芯，试用正常",
        )),
        "SX-C",
        "C级防盗锁芯",
    ),
    part(
        fault(
            "客厅吊灯不亮，更换灯泡也不亮",
            "电气",
            "更换灯具驱动电源，灯具恢复正常",
        ),
        "LED-DRV",
        "LED驱动电源",
    ),
    urgent(fault(
        "卧室插座没电，空开一合就跳闸",
        "电气",
        "排查为插座线路短路，更换插座并重新接线",
    )),
    part(
        fault("燃气热水器不出热水", "设备", "更换热水器水流开关，出热水正常"),
        "SLKG-12",
        "热水器水流开关",
    ),
    part(
        fault(
            "马桶水箱漏水，一直流水不停",
            "管道",
            "更换马桶进水阀及排水阀密封圈",
        ),
        "JSF-01",
        "马桶进水阀",
    ),
    revisit(
        fault(
            "窗户关不严，下雨往里渗水",
            "门窗",
            "调整窗扇合页，更换密封胶条后打胶",
        ),
        "打胶后需等待固化，次日上门做淋水试验",
    ),
    revisit(
        fault("卫生间墙面渗水发霉", "土建", "重做墙面防水层并复刷防霉涂料"),
        "防水层需干透后才能刷涂料，约两天后二次上门",
    ),
    part(
        fault("厨房水龙头滴水关不紧", "管道", "更换水龙头陶瓷阀芯"),
        "FX-35",
        "35mm陶瓷阀芯",
    ),
    part(
        fault(
            "可视对讲门铃无画面",
            "弱电",
            "更换室内可视对讲分机，通话及开锁正常",
        ),
        "DJ-FJ7",
        "可视对讲室内分机",
    ),
    fault("阳台地漏返臭", "管道", "加装防臭地漏芯，清理存水弯"),
    urgent(fault(
        "全屋跳闸，总闸合不上",
        "电气",
        "排查为热水器漏电，断开热水器回路后恢复供电",
    )),
    // 公共区域 public area
    Fault {
        priority: Priority::Emergency,
        ..public(
            fault(
                "电梯困人，轿厢停在两层之间，内有两人",
                "电梯",
                "电梯维保人员到场释放被困人员，检修厅门锁回路后恢复运行",
            ),
            "{b}幢{u}单元电梯",
        )
    },
    public(
        urgent(fault(
            "电梯运行时有异响，有晃动感",
            "电梯",
            "调整导靴并加注润滑油，异响消除",
        )),
        "{b}幢{u}单元电梯",
    ),
    public(
        part(
            fault("楼道声控灯不亮", "电气", "更换楼道声控灯"),
            "SK-LED",
            "声控LED吸顶灯",
        ),
        "{b}幢{u}单元楼道",
    ),
    public(
        part(
            fault("单元门门禁刷卡无反应", "弱电", "更换门禁读卡模块"),
            "MJ-DK",
            "门禁读卡器",
        ),
        "{b}幢{u}单元门口",
    ),
    public(
        urgent(fault(
            "地下车库积水，排水沟不下水",
            "管道",
            "疏通车库排水沟，启动集水井潜污泵排水",
        )),
        "地下车库B{u}层",
    ),
    public(
        urgent(fault(
            "消防栓箱内阀门漏水",
            "消防",
            "更换消防栓阀门密封垫，试压无渗漏",
        )),
        "{b}幢{u}单元楼道",
    ),
    public(
        fault(
            "小区道闸不抬杆，车辆进出排队",
            "设备",
            "重启道闸控制器并重新校准地感线圈",
        ),
        "小区南门",
    ),
    public(
        part(
            fault("小区路灯不亮", "电气", "更换路灯光源及镇流器"),
            "LD-150",
            "150W路灯光源",
        ),
        "中心花园",
    ),
    public(
        urgent(part(
            fault("楼顶水箱溢水", "管道", "更换水箱浮球阀"),
            "FQF-40",
            "DN40浮球阀",
        )),
        "{b}幢楼顶",
    ),
    public(
        revisit(
            urgent(fault(
                "外墙瓷砖空鼓，有脱落风险",
                "土建",
                "清除空鼓瓷砖并重新铺贴",
            )),
            "已拉设警戒区，需搭设吊篮后二次施工",
        ),
        "{b}幢外墙",
    ),
    public(
        part(
            fault("单元门闭门器漏油，门关不上", "门窗", "更换闭门器"),
            "BMQ-65",
            "闭门器",
        ),
        "{b}幢{u}单元门口",
    ),
];
