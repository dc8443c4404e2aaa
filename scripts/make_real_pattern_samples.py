#!/usr/bin/env python3
"""Build the workbooks of samples/real/: one per pattern of real published tables that the
normalizer reads by column roles (issue 13). The texts are our own; the shapes are those of real
templates (Chongqing scored tables, Sichuan system exports, transfer-payment tables, flat
multi-project exports, Zhejiang two-level forms).

usage: python3 scripts/make_real_pattern_samples.py   (needs openpyxl)
"""
import os
from openpyxl import Workbook
from openpyxl.styles import Alignment

OUT = os.path.join(os.path.dirname(__file__), "..", "samples", "real")


def sheet(title):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    return wb, ws


def put(ws, row, values, start=1):
    for i, v in enumerate(values):
        if v is not None:
            ws.cell(row=row, column=start + i, value=v)


def merge(ws, r1, c1, r2, c2):
    ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    ws.cell(row=r1, column=c1).alignment = Alignment(wrap_text=True, vertical="center")


def attributes():
    """Label column, weight/score/direction/explanation columns, pairs three to a row, amounts
    as text, approval and signature rows, a note."""
    wb, ws = sheet("审批表")
    put(ws, 1, ["2025年度项目支出绩效目标审批表"]); merge(ws, 1, 1, 1, 9)
    put(ws, 2, ["项目名称", "乡村道路养护经费", None, "实施单位", "某县交通运输局", None, "项目负责人", "李某"])
    merge(ws, 2, 2, 2, 3); merge(ws, 2, 5, 2, 6)
    put(ws, 3, ["项目金额", "250万", None, "其中:财政资金", "230万元", None, "联系电话", "023-0000000"])
    put(ws, 4, ["年度目标", "完成农村公路日常养护120公里，路况优良率稳步提升。"]); merge(ws, 4, 2, 4, 9)
    put(ws, 5, ["年度绩效目标(100分)", "一级指标", "二级指标", "三级指标", "指标值", "指标权重", "分值", "指标方向性", "指标解释"])
    rows = [
        ["产出指标(50分)", "数量指标", "养护里程", "≥120公里", 20, 20, "正向", "反映年度养护的农村公路里程"],
        [None, "质量指标", "路况优良率", "≥85%", 15, 15, "正向", "优良路段里程占总里程的比例"],
        [None, "时效指标", "完成时间", "2025年12月底前", 15, 15, "正向", None],
        ["成本指标(10分)", "经济成本指标", "每公里养护成本", "≤1.9万元", 10, 10, "反向", "养护资金除以养护里程"],
        ["效益指标(30分)", "社会效益指标", "群众出行条件", "明显改善", 30, 30, "正向", None],
        ["满意度指标(10分)", "服务对象满意度指标", "沿线群众满意度", "≥90%", 10, 10, "正向", "问卷调查"],
    ]
    for k, r in enumerate(rows):
        put(ws, 6 + k, [None] + r)
    merge(ws, 5, 1, 11, 1); merge(ws, 6, 2, 8, 2)
    put(ws, 12, ["财政部门审核意见", "同意。"]); merge(ws, 12, 2, 12, 9)
    put(ws, 13, ["填表人:王某", None, "联系电话:023-1111111", None, "填报日期:2025年1月10日"])
    put(ws, 14, ["注：指标权重合计为100。"]); merge(ws, 14, 1, 14, 9)
    wb.save(os.path.join(OUT, "attributes_scored.xlsx"))


def flat_export():
    """A budget system's flat export: context columns repeated or merged over each project."""
    wb, ws = sheet("项目绩效目标")
    put(ws, 1, ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标值"])
    projects = [
        ("某区教育局", "学生资助经费", 86.5, "按时足额发放学生资助资金。", [
            ("产出指标", "数量指标", "资助学生人数", "≥1200人"),
            ("产出指标", "时效指标", "资金发放及时率", "100%"),
            ("满意度指标", "服务对象满意度指标", "受助学生满意度", "≥95%"),
        ], True),
        ("某区教育局", "校舍维修改造", 320, "完成3所学校校舍维修。", [
            ("产出指标", "数量指标", "维修学校数量", "=3所"),
            ("产出指标", "质量指标", "工程验收合格率", "100%"),
        ], True),
        ("某区教育局", "教师培训", 45, "开展教师全员培训。", [
            ("产出指标", "数量指标", "培训教师人次", "≥800人次"),
            ("效益指标", "社会效益指标", "教师教学能力", "有所提升"),
        ], False),
    ]
    r = 2
    for unit, name, amount, goal, inds, merged in projects:
        first = r
        for k, (l1, l2, l3, v) in enumerate(inds):
            ctx = [unit, name, amount, goal] if (k == 0 or not merged) else [None] * 4
            put(ws, r, ctx + [l1, l2, l3, v])
            r += 1
        if merged and r - 1 > first:
            for c in range(1, 5):
                merge(ws, first, c, r - 1, c)
    wb.save(os.path.join(OUT, "flat_export.xlsx"))


def hidden_code():
    """A hidden column of indicator codes and a hidden row of working notes."""
    wb, ws = sheet("项目")
    put(ws, 1, [None, "项目支出绩效目标表"]); merge(ws, 1, 2, 1, 5)
    put(ws, 2, [None, "项目名称", "社区养老服务补助"]); merge(ws, 2, 3, 2, 5)
    put(ws, 3, ["指标编码", "一级指标", "二级指标", "三级指标", "指标值"])
    rows = [
        ("ZB001", "产出指标", "数量指标", "补助服务对象人数", "≥300人"),
        ("ZB002", "产出指标", "质量指标", "服务合格率", "≥98%"),
        ("ZB003", "效益指标", "社会效益指标", "老年人生活质量", "提高"),
    ]
    for k, r in enumerate(rows):
        put(ws, 4 + k, list(r))
    put(ws, 7, [None, "内部测算：按上年人数增长5%"])
    ws.column_dimensions["A"].hidden = True
    ws.row_dimensions[7].hidden = True
    wb.save(os.path.join(OUT, "hidden_code.xlsx"))


def recipients():
    """A transfer-payment table: one value column per recipient town under 指标值."""
    wb, ws = sheet("转移支付")
    put(ws, 1, ["2024年农村饮水安全补助资金绩效目标表"]); merge(ws, 1, 1, 1, 6)
    put(ws, 2, ["专项资金名称", "农村饮水安全补助"]); merge(ws, 2, 2, 2, 6)
    put(ws, 3, ["一级指标", "二级指标", "三级指标", "指标值"]); merge(ws, 3, 4, 3, 6)
    merge(ws, 3, 1, 4, 1); merge(ws, 3, 2, 4, 2); merge(ws, 3, 3, 4, 3)
    put(ws, 4, ["甲镇", "乙镇", "丙街道"], start=4)
    rows = [
        ("产出指标", "数量指标", "新建供水管网长度", "≥12公里", "≥8公里", "≥5公里"),
        (None, "质量指标", "水质达标率", "100%", "100%", "≥98%"),
        ("效益指标", "社会效益指标", "受益人口", "≥6000人", "≥4500人", "≥3000人"),
    ]
    for k, r in enumerate(rows):
        put(ws, 5 + k, list(r))
    merge(ws, 5, 1, 6, 1)
    wb.save(os.path.join(OUT, "per_recipient.xlsx"))


def two_level():
    """A two-level form (指标类型 | 指标名称 holding 二级 names, no 三级), label:amount in a label,
    a section label merged over its pairs."""
    wb, ws = sheet("申报")
    put(ws, 1, ["项目名称:", "城区路灯维护经费", "项目编号:", None])
    put(ws, 2, ["年度资金总额:50万", None, "项目期限:", "全年"])
    put(ws, 3, ["基本信息", "立项依据", "城市照明管理办法"]); merge(ws, 3, 3, 3, 4)
    put(ws, 4, [None, "实施计划", "分季度巡检维护"]); merge(ws, 4, 3, 4, 4)
    merge(ws, 3, 1, 4, 1)
    put(ws, 5, ["指标类型", "指标名称", "指标值", "指标描述"])
    rows = [
        ("产出指标", "数量指标", "≥2600盏", "维护城区路灯数量"),
        (None, "质量指标", "≥98%", "亮灯率"),
        ("效益指标", "社会效益指标", "夜间出行更安全", "群众夜间出行条件"),
        ("满意度指标", "服务对象满意度指标", "≥90%", "市民满意度"),
    ]
    for k, r in enumerate(rows):
        put(ws, 6 + k, list(r))
    merge(ws, 6, 1, 7, 1)
    wb.save(os.path.join(OUT, "two_level.xlsx"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    attributes()
    flat_export()
    hidden_code()
    recipients()
    two_level()
