"""Build samples/layouts/*.xlsx: small workbooks in the table layouts real departments use
beyond the public corpus (issue 3): a flat indicator list, long-term and annual sets side by
side, one value column per recipient town, graded standards, a messy real-world sheet, and a
workbook that holds no performance table at all. Run: python3 scripts/make_layout_samples.py"""
import datetime, openpyxl
from openpyxl.styles import Alignment, Border, Side

OUT = 'samples/layouts/'
thin = Side(style='thin')
BORDER = Border(left=thin, right=thin, top=thin, bottom=thin)

def put(ws, r, c, v, text=True):
    cell = ws.cell(row=r, column=c, value=v)
    if text and isinstance(v, str):
        cell.data_type = 's'  # '=100%' is text, never a formula
    cell.border = BORDER
    cell.alignment = Alignment(wrap_text=True, vertical='center')
    return cell

def rows(ws, r0, c0, data, merges=()):
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            if v is not None:
                put(ws, r0 + i, c0 + j, v)
    for (r1, c1, r2, c2) in merges:
        ws.merge_cells(start_row=r0 + r1, start_column=c0 + c1, end_row=r0 + r2, end_column=c0 + c2)

def banner(ws, title, year, width, unit=True):
    put(ws, 1, 1, title); ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    put(ws, 2, 1, year); ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    if unit:
        put(ws, 3, 1, '单位：万元')

def project_head(ws, r, name, width):
    rows(ws, r, 1, [
        ['项目名称', name] + [None] * (width - 2),
        ['主管部门', '苏州市林业局', None, '实施单位', '苏州市林业站'] + [None] * (width - 5),
        ['项目资金（万元）', '年度资金总额', None, '120.00'] + [None] * (width - 4),
        [None, '其中：财政拨款', None, '120.00'] + [None] * (width - 4),
        [None, '其他资金', None, '0.00'] + [None] * (width - 4),
        ['年度绩效目标', '完成城区绿化养护，提升绿地质量。'] + [None] * (width - 2),
    ], merges=[(0, 1, 0, width - 1), (2, 0, 4, 0), (5, 1, 5, width - 1)])
    return r + 6

# 1. A flat list: no 一级/二级, 指标名称 | 指标权重 | 计量单位 | 指标性质 | 指标值.
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '项目'
banner(ws, '苏州市市级项目支出绩效目标表', '2025年度', 5)
r = project_head(ws, 4, '城区绿化养护', 5)
rows(ws, r, 1, [
    ['指标名称', '指标权重', '计量单位', '指标性质', '指标值'],
    ['绿地养护面积', '20', '万平方米', '≥', '120'],
    ['苗木成活率', '20', '%', '≥', '95'],
    ['养护作业完成时间', '10', None, '定性', '2025年12月底前'],
    ['单位面积养护成本', '20', '元/平方米', '≤', '6.5'],
    ['市民满意度', '30', '%', '≥', '90'],
])
wb.save(OUT + 'flat_list.xlsx')

# 2. Long-term and annual indicator sets side by side.
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '项目'
banner(ws, '苏州市市级项目支出绩效目标表', '2025年度', 8)
r = project_head(ws, 4, '太湖生态岸线修复', 8)
rows(ws, r, 1, [
    ['实施期绩效指标', None, None, None, '年度绩效指标', None, None, None],
    ['一级指标', '二级指标', '三级指标', '指标值', '一级指标', '二级指标', '三级指标', '指标值'],
    ['产出指标', '数量指标', '修复岸线长度', '≥30公里', '产出指标', '数量指标', '修复岸线长度', '≥10公里'],
    [None, '质量指标', '工程验收合格率', '=100%', None, '质量指标', '工程验收合格率', '=100%'],
    ['效益指标', '生态效益指标', '岸线植被覆盖率', '≥85%', '效益指标', '生态效益指标', '岸线植被覆盖率', '≥60%'],
    ['满意度指标', '服务对象满意度指标', '周边居民满意度', '≥90%', '满意度指标', '服务对象满意度指标', '周边居民满意度', '≥85%'],
], merges=[(0, 0, 0, 3), (0, 4, 0, 7), (2, 0, 3, 0), (2, 4, 3, 4)])
wb.save(OUT + 'side_by_side_sets.xlsx')

# 3. A transfer fund split over towns: one value column per recipient under 指标值.
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '转移支付'
banner(ws, '苏州市市级转移支付项目绩效目标表', '2026年度', 6)
r = project_head(ws, 4, '农村公路提档升级补助', 6)
rows(ws, r, 1, [
    ['一级指标', '二级指标', '三级指标', '指标值', None, None],
    [None, None, None, '望亭镇', '东渚街道', '通安镇'],
    ['产出指标', '数量指标', '改造农村公路里程', '≥12公里', '≥8公里', '≥5公里'],
    [None, '时效指标', '工程完工时间', '2026年11月底前', '2026年10月底前', '2026年11月底前'],
    ['效益指标', '社会效益指标', '群众出行条件', '明显改善', '明显改善', '改善'],
], merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 5), (2, 0, 3, 0)])
wb.save(OUT + 'per_recipient_values.xlsx')

# 4. Graded standards instead of one value.
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '项目'
banner(ws, '苏州市市级项目支出绩效目标表', '2024年度', 7)
r = project_head(ws, 4, '中小学校园安全管理', 7)
rows(ws, r, 1, [
    ['一级指标', '二级指标', '三级指标', '评分标准', None, None, None],
    [None, None, None, '优', '良', '中', '差'],
    ['产出指标', '质量指标', '校园安全隐患整改率', '=100%', '≥95%', '≥90%', '<90%'],
    [None, '时效指标', '安全检查完成及时性', '及时', '较及时', '基本及时', '不及时'],
    ['满意度指标', '服务对象满意度指标', '家长满意度', '≥95%', '≥90%', '≥85%', '<85%'],
], merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 6)])
wb.save(OUT + 'graded_standards.xlsx')

# 5. A messy real-world sheet: starts at C5, a spacer column, 填报单位 row, labels repeated on
# every row, notes in 一级 labels, stray ★ and *, the unit in the name with a bare number,
# thousands separators, a template placeholder left in, odd operators, 成本指标 split, amounts
# stored as text with 万元, a 指标方向 column, and a multi-line cell.
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '绩效目标'
C = 3
def m(r, c, v):
    put(ws, r, C + c, v)
m(5, 0, '常熟市项目支出绩效目标表'); ws.merge_cells(start_row=5, start_column=C, end_row=5, end_column=C + 6)
m(6, 0, '（2025年度）'); ws.merge_cells(start_row=6, start_column=C, end_row=6, end_column=C + 6)
m(7, 0, '填报单位：常熟市林业站（盖章）')
m(7, 5, '单位：万元')
data = [
    ['★项目名称', '城乡造林绿化工程', None, None, None, None, None],
    ['主管部门', '常熟市农业农村局', None, '实施单位*', '常熟市林业站', None, None],
    ['项目资金（万元）', '年度资金总额', None, '1,280.00万元', None, None, None],
    [None, '财政拨款', None, '1,200.00万元', None, None, None],
    [None, '其他资金', None, '80万元', None, None, None],
    ['年度绩效目标', '目标1：完成新造林1200亩；\n目标2：苗木成活率达到90%以上。', None, None, None, None, None],
    ['一级指标', '二级指标', '三级指标', None, '指标方向', '指标值', '备注'],
    ['产出指标(40-50)分', '数量指标', '造林面积(亩)', None, '正向', 1200, None],
    ['产出指标(40-50)分', '数量指标', '义务植树参与人次', None, '正向', '≥1,200人次', None],
    ['产出指标(40-50)分', '数量指标', '新建苗圃数量', None, '正向', '≥**个', '模板未填'],
    ['产出指标(40-50)分', '质量指标', '苗木成活率', None, '正向', '≧90%', None],
    ['产出指标(40-50)分', '时效指标', '造林任务完成时间', None, None, '2025年11月底前', None],
    ['产出指标(40-50)分', '成本指标', '经济成本指标', None, None, None, None],
    ['产出指标(40-50)分', '社会成本指标', '施工安全事故', None, '反向', '═0起', None],
    ['产出指标(40-50)分', '生态环境成本指标', '林地资源损毁面积', None, '反向', '<=0亩', None],
    ['效益指标（必填硬性指标）', '生态效益指标', '森林覆盖率提高', None, '正向', '>=0.2%', None],
    ['满意度指标(选填)', '服务对象满意度指标', '★周边群众满意度', None, '正向', '≥90%', None],
]
for i, row in enumerate(data):
    for j, v in enumerate(row):
        if v is not None:
            m(8 + i, j, v)
for (r1, c1, r2, c2) in [(8, 1, 8, 6), (9, 1, 9, 2), (9, 4, 9, 6), (10, 0, 12, 0), (13, 1, 13, 6), (14, 2, 14, 3)]:
    ws.merge_cells(start_row=r1, start_column=C + c1, end_row=r2, end_column=C + c2)
for r in range(15, 25):
    ws.merge_cells(start_row=r, start_column=C + 2, end_row=r, end_column=C + 3)
# Hidden, as people leave them: an indicator row (kept and flagged), a column holding the
# 二级 labels (kept and flagged) and an empty spacer column (nothing to flag).
ws.row_dimensions[19].hidden = True
ws.column_dimensions['B'].hidden = True
ws.column_dimensions['D'].hidden = True
wb.save(OUT + 'messy_sheet.xlsx')

# 6. Not a performance target table at all.
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '人员名单'
for i, row in enumerate([['姓名', '部门', '电话'], ['张三', '办公室', '0512-1234'], ['李四', '财务科', '0512-5678']]):
    for j, v in enumerate(row):
        ws.cell(row=1 + i, column=1 + j, value=v)
wb.save(OUT + 'not_a_table.xlsx')
