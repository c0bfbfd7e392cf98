//! Word lists for the after-sales demo (售后): a computer maker's call centre and its repair
//! stations in four regions.

pub use super::words_products::{FAULTS, Fault, PRODUCTS, Product};

pub const COMPANY: &str = "华信电脑客户服务中心";

/// A place customers live or work: the street address and whether it is an office tower
/// (A座 1208) or a housing estate (3号楼2单元 502).
pub type Place = (&'static str, bool);

/// A repair station (维修站) or, with `parent`, a sub-site (分点) of one.
pub struct Site {
    pub name: &'static str,
    /// Index of the head station in [`SITES`].
    pub parent: Option<usize>,
    /// Index into [`REGIONS`].
    pub region: usize,
    pub technicians: usize,
    pub places: &'static [Place],
}

pub const REGIONS: &[&str] = &["华北大区", "华东大区", "华南大区", "西南大区"];

pub const SITES: &[Site] = &[
    Site {
        name: "北京海淀维修站",
        parent: None,
        region: 0,
        technicians: 4,
        places: &[
            ("北京市海淀区中关村南大街12号", true),
            ("北京市海淀区学院路30号科大天工大厦", true),
            ("北京市海淀区万泉河路68号紫金庄园", false),
            ("北京市海淀区建材城中路育新花园", false),
            ("北京市海淀区花园路甲2号牡丹园北里", false),
        ],
    },
    Site {
        name: "北京朝阳分点",
        parent: Some(0),
        region: 0,
        technicians: 2,
        places: &[
            ("北京市朝阳区建国路88号现代城", true),
            ("北京市朝阳区望京街10号望京科技大厦", true),
            ("北京市朝阳区安立路慧忠里小区", false),
            ("北京市朝阳区朝阳北路华贸城", false),
        ],
    },
    Site {
        name: "北京通州分点",
        parent: Some(0),
        region: 0,
        technicians: 2,
        places: &[
            ("北京市通州区新华西街58号万达广场", true),
            ("北京市通州区梨园镇云景里", false),
            ("北京市通州区玉桥中路玉桥北里", false),
        ],
    },
    Site {
        name: "上海徐汇维修站",
        parent: None,
        region: 1,
        technicians: 4,
        places: &[
            ("上海市徐汇区漕溪北路88号圣爱大厦", true),
            ("上海市徐汇区虹漕路461号华鼎大厦", true),
            ("上海市徐汇区田林路田林十二村", false),
            ("上海市徐汇区龙华中路龙华苑", false),
        ],
    },
    Site {
        name: "上海浦东分点",
        parent: Some(3),
        region: 1,
        technicians: 2,
        places: &[
            ("上海市浦东新区世纪大道1500号东方大厦", true),
            ("上海市浦东新区张江路665号张江科技园", true),
            ("上海市浦东新区锦绣路锦绣苑", false),
            ("上海市浦东新区东方路潍坊新村", false),
        ],
    },
    Site {
        name: "广州天河维修站",
        parent: None,
        region: 2,
        technicians: 3,
        places: &[
            ("广州市天河区体育西路191号中石化大厦", true),
            ("广州市天河区花城大道68号环球都会广场", true),
            ("广州市天河区天河北路侨怡苑", false),
            ("广州市天河区中山大道西华景新城", false),
        ],
    },
    Site {
        name: "成都武侯维修站",
        parent: None,
        region: 3,
        technicians: 3,
        places: &[
            ("成都市武侯区人民南路四段19号威斯顿联邦大厦", true),
            ("成都市武侯区天府大道北段1700号环球中心", true),
            ("成都市武侯区科华北路川大花园", false),
            ("成都市武侯区玉林北路玉林小区", false),
        ],
    },
];

/// Why a visit did not finish the job (A13).
pub const REVISITS: &[&str] = &[
    "更换后仍偶发黑屏，需带检测设备再次上门",
    "用户数据未备份，约定备份后再次上门更换",
    "现场测试不稳定，需复测后再次上门",
];
