//! People for the demo: Chinese names (姓 + 名) and mainland mobile numbers.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// Common surnames; the most frequent appear more than once so they come up more often.
const SURNAMES: &[&str] = &[
    "王", "王", "王", "李", "李", "李", "张", "张", "张", "刘", "刘", "陈", "陈", "杨", "杨", "黄", "赵",
    "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐",
    "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",
    "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范",
    "金", "石", "廖", "贾", "夏", "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段",
    "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "武", "戴",
    "孔", "汤", "欧阳",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "文博", "子涵", "浩然", "欣怡", "志强", "海燕", "建国",
    "晓东", "丽娟", "雪梅", "国庆", "红梅", "志明", "俊杰", "宇航", "思远", "婷婷", "佳怡", "梓轩", "一鸣",
    "晨曦", "立新", "玉兰", "春燕", "德明", "永刚", "海波", "振华", "晓燕", "文静", "凯", "鹏", "斌", "琳",
    "颖", "慧", "健", "亮", "辉", "宁", "倩", "帆", "昊", "睿", "诗琪", "雨桐", "子墨", "若曦", "明轩",
    "建平", "桂芳", "淑珍", "国栋", "卫东", "红霞", "爱华", "志刚", "少华", "建军", "小龙", "家豪", "嘉欣",
];

/// Mobile number prefixes of the three carriers (1[3-9]x).
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "191", "198", "199",
];

fn any<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().expect("the word lists are not empty")
}

/// A full name such as 王建华.
pub fn person(rng: &mut StdRng) -> String {
    format!("{}{}", any(rng, SURNAMES), any(rng, GIVEN))
}

/// A caller as the desk writes them down: mostly a full name, sometimes 张先生 / 李女士.
pub fn caller(rng: &mut StdRng) -> String {
    if rng.random_bool(0.12) {
        let title = if rng.random_bool(0.5) { "先生" } else { "女士" };
        format!("{}{title}", any(rng, SURNAMES))
    } else {
        person(rng)
    }
}

/// An 11-digit mainland mobile number.
pub fn mobile(rng: &mut StdRng) -> String {
    let prefix = any(rng, MOBILE_PREFIXES);
    format!("{prefix}{:08}", rng.random_range(0..100_000_000u32))
}

/// Names for a group of staff, all different from each other and from `taken`.
pub fn distinct(rng: &mut StdRng, taken: &mut Vec<String>, count: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let name = person(rng);
        if !taken.contains(&name) {
            taken.push(name.clone());
            out.push(name);
        }
    }
    out
}

/// The last four digits of a phone number, as the desk reads them back.
pub fn tail(phone: &str) -> &str {
    phone.get(phone.len().saturating_sub(4)..).unwrap_or(phone)
}
