//! Unit tests of the vocabulary's checks on real header, label and footer texts.

use super::fields::field_label_of;
use super::funds::{is_funds_block_label_of, is_money_label_of};
use super::headers::header_role_of;
use super::page::{is_footer_text_of, is_title_text_of};
use super::*;
use crate::canon::key;

/// The memoized checks answer as their uncached forms, the second time too.
#[test]
fn memoized_checks_answer_as_computed() {
    let texts = [
        "项目支出绩效目标表",
        "一级指标",
        " 产出指标 ",
        "项目资金(万元)",
        "填表人：",
        "项目名称",
        "年度资金总额",
        "培训人数",
        "≥95%",
    ];
    for _ in 0..2 {
        for t in texts {
            assert_eq!(header_role(t), header_role_of(t), "{t}");
            assert_eq!(
                field_label(t).map(|f| f.label),
                field_label_of(t).map(|f| f.label),
                "{t}"
            );
            assert_eq!(is_footer_text(t), is_footer_text_of(t), "{t}");
            assert_eq!(is_level1_name(t), is_level1_key(&key(t)), "{t}");
            assert_eq!(is_level2_name(t), is_level2_key(&key(t)), "{t}");
            assert_eq!(is_money_label(t), is_money_label_of(t), "{t}");
            assert_eq!(is_title_text(t), is_title_text_of(t), "{t}");
            assert_eq!(is_funds_block_label(t), is_funds_block_label_of(t), "{t}");
        }
    }
    assert!(is_title_text("项目支出绩效目标表"));
    assert_eq!(header_role("一级指标"), Some(Role::Level1));
    assert!(is_level1_name(" 产出指标 "));
    assert!(is_funds_block_label("项目资金(万元)"));
    assert!(is_footer_text("填表人："));
    assert!(field_label("项目名称").is_some_and(|f| f.is_name));
    assert!(!is_level1_name("培训人数"));
}

#[test]
fn standard_parents_and_page_numbers() {
    assert_eq!(is_parent_of("产出指标", "时效指标"), Some(true));
    assert_eq!(is_parent_of("效益指标", "时效指标"), Some(false));
    assert_eq!(is_parent_of("过程", "预算执行"), Some(true));
    assert_eq!(is_parent_of("实施效果指标", "时效指标"), None);
    assert_eq!(is_parent_of("产出指标", "工作推进"), None);
    assert!(is_page_number("第 1 页，共 4 页"));
    assert!(is_page_number("- 3 -"));
    assert!(is_page_number("2/5"));
    assert!(!is_page_number("2025年11月底"));
    assert!(!is_page_number("≥95%"));
}

#[test]
fn a_unit_note_run_onto_a_text() {
    assert_eq!(
        trailing_unit_note("813-潼南区五桂镇单位：万元"),
        Some(("813-潼南区五桂镇", "万元"))
    );
    assert_eq!(
        trailing_unit_note("某局  金额单位:元"),
        Some(("某局", "元"))
    );
    assert_eq!(trailing_unit_note("计量单位:人"), None);
    assert_eq!(trailing_unit_note("单位:万元"), None);
}

#[test]
fn a_label_and_its_text_one_space_apart() {
    assert_eq!(
        label_then_text("专项资金名称 潼南区五桂镇汇总项目库"),
        Some(("专项资金名称", "潼南区五桂镇汇总项目库"))
    );
    assert_eq!(
        label_then_text("业务主管部门 813-潼南区五桂镇"),
        Some(("业务主管部门", "813-潼南区五桂镇"))
    );
    assert_eq!(label_then_text("新增□ 延续□ 往年备选□"), None);
    assert_eq!(label_then_text("项目名称"), None);
}

#[test]
fn labels_run_together_are_counted_apart() {
    assert_eq!(
        field_labels_within(
            "编制单位:专项资金名称业务主管部门 813-潼南区五桂镇当年预算项目概况立项依据"
        ),
        2
    );
    assert_eq!(field_labels_within("主管部门及代码"), 1);
    assert_eq!(field_labels_within("完成我市建成区的绿化养护工作"), 0);
}

#[test]
fn header_synonyms() {
    assert_eq!(header_role("一级指标"), Some(Role::Level1));
    assert_eq!(header_role("三级指标"), Some(Role::Level3));
    // The last mark of a paragraph printed past its cell into the header under it.
    assert_eq!(header_role("。二级指标"), Some(Role::Level2));
    assert_eq!(header_role("重点工作"), Some(Role::KeyWork));
    assert_eq!(
        header_role("半年指标值"),
        Some(Role::Value("半年指标值".into()))
    );
    assert_eq!(
        header_role("指标值(包含数字及文字描述)"),
        Some(Role::Value("指标值（包含数字及文字描述）".into()))
    );
    assert_eq!(header_role("度量单位"), Some(Role::Unit));
    assert_eq!(header_role("指标性质"), Some(Role::Op));
    assert_eq!(header_role("指标权重"), Some(Role::Weight));
    assert_eq!(header_role("权重（%）"), Some(Role::Weight));
    assert_eq!(header_role("分值"), Some(Role::Score));
    assert_eq!(header_role("指标解释"), Some(Role::Attr("指标解释".into())));
    assert_eq!(header_role("指标"), Some(Role::Level3));
    assert_eq!(header_role("指标类型"), Some(Role::Level1));
    assert_eq!(header_role("年度绩效指标"), Some(Role::Outer));
    assert_eq!(header_role("预算编制科学性"), None);
}

#[test]
fn labels() {
    assert!(field_label("部门(单位)名称").unwrap().is_name);
    assert!(is_funds_block_label("部门整体资金(万元)"));
    assert!(is_funds_block_label("项目资金（万元）"));
    assert!(!is_funds_block_label("其他资金"));
    assert!(is_amount_header("全年预算数"));
    assert!(is_amount_header("预算金额（万元）"));
    assert!(!is_amount_header("财政拨款"));
    assert!(is_level1_name("产出指标(40-50)分"));
    assert!(is_level2_name("可持续影响指标"));
    assert_eq!(
        split_note("产出指标（40-50）分"),
        ("产出指标".into(), Some("（40-50）分".into()))
    );
    assert_eq!(
        split_note("效益指标（必填硬性指标）"),
        ("效益指标".into(), Some("（必填硬性指标）".into()))
    );
    assert_eq!(
        split_note("满意度指标（选填）"),
        ("满意度指标".into(), Some("（选填）".into()))
    );
    assert_eq!(split_note("办公室（研究室、机关党委）").1, None);
    assert_eq!(split_note("造林面积（亩）").1, None);
    assert!(is_note_label("填报单位（盖章）"));
    assert!(!is_note_label("目标1"));
}
