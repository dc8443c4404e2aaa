"""Build samples/multi_sheet_department.xlsx from corpus sheets: a department table, project
tables one per sheet, and one sheet with two project tables one under the other."""
import copy, openpyxl
C = '/work/shared/corpus/'
def copy_into(src_path, ws, row_off):
    src = openpyxl.load_workbook(C + src_path).active
    for row in src.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            d = ws.cell(row=c.row + row_off, column=c.column, value=c.value)
            if c.data_type == 's':
                d.data_type = 's'  # '=100%' is text in these tables, not a formula
            d.number_format = c.number_format
            d.alignment = copy.copy(c.alignment)
            d.border = copy.copy(c.border)
    for m in src.merged_cells.ranges:
        ws.merge_cells(start_row=m.min_row + row_off, start_column=m.min_col,
                       end_row=m.max_row + row_off, end_column=m.max_col)
    return src.max_row
wb = openpyxl.Workbook()
ws = wb.active; ws.title = '部门整体'
copy_into('b02_suqian_danganguan_2023.xlsx', ws, 0)
copy_into('c01_lianyungang_falv_yuanzhu_2024.xlsx', wb.create_sheet('项目1'), 0)
copy_into('d02_zhenjiang_quanmin_jianshen_2026.xlsx', wb.create_sheet('项目2'), 0)
ws = wb.create_sheet('项目3和4')
n = copy_into('c02_yancheng_qixiang_yujing_2023.xlsx', ws, 0)
copy_into('d01_yangzhou_hedao_qingyu_2025.xlsx', ws, n + 2)
wb.create_sheet('空白')
# A percent-formatted number, a date, a boolean and a text "=0%" on a notes sheet, to pin
# display rules the corpus does not exercise.
import datetime
ws = wb.create_sheet('格式')
ws['A1'] = 0.95; ws['A1'].number_format = '0%'
ws['A2'] = datetime.date(2026, 12, 31); ws['A2'].number_format = 'yyyy-mm-dd'
ws['A3'] = True
ws['A4'] = '=0%'; ws['A4'].data_type = 's'
ws['A5'] = 1234567.5; ws['A5'].number_format = '#,##0.00'
ws['A6'] = '  两行\n文本  '
ws['A7'] = '#N/A'; ws['A7'].data_type = 'e'
ws['C8'] = 26.5
wb.save('multi_sheet_department.xlsx')
