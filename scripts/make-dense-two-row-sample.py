import openpyxl
from openpyxl.styles import Alignment, Border, Side
wb=openpyxl.Workbook(); ws=wb.active; ws.title='目标表'
s=Side(style='thin'); B=Border(left=s,right=s,top=s,bottom=s)
rows=[]
ws.merge_cells('A1:G1'); ws['A1']='项目支出绩效目标表'
ws['A2']='项目名称'; ws.merge_cells('B2:D2'); ws['B2']='社区养老服务补助'; ws['E2']='主管部门'; ws.merge_cells('F2:G2'); ws['F2']='某区民政局'
ws['A3']='项目资金'; ws.merge_cells('B3:D3'); ws['B3']='86万元'; ws['E3']='项目期'; ws.merge_cells('F3:G3'); ws['F3']='1年'
# header rows 4-5
ws.merge_cells('A4:A15'); ws['A4']='绩效指标'
for c,t in zip('BCD',['一级指标','二级指标','三级指标']):
    ws.merge_cells(f'{c}4:{c}5'); ws[f'{c}4']=t
ws.merge_cells('E4:F4'); ws['E4']='指标值'; ws['E5']='上年实际值'; ws['F5']='本年目标值'
ws.merge_cells('G4:G5'); ws['G4']='备注'
data=[('产出指标','数量指标','服务老人人数','1150人','≥1200人'),
      (None,None,'助餐点数量','8个','≥10个'),
      (None,None,'上门服务次数','5400次','≥6000次'),
      (None,'质量指标','服务合格率','97%','≥98%'),
      (None,None,'助餐食品抽检合格率','100%','100%'),
      (None,'时效指标','补助发放及时率','95%','100%'),
      (None,'成本指标','人均补助标准','700元','≤720元'),
      ('效益指标','社会效益指标','老人生活质量提升','明显','明显'),
      (None,'可持续影响指标','服务机制长效运行','持续','持续'),
      ('满意度指标','服务对象满意度指标','服务对象满意度','93%','≥95%')]
r=6
for d in data:
    for c,v in zip('BCDEF',d):
        if v is not None: ws[f'{c}{r}']=v
    r+=1
ws.merge_cells('B6:B12'); ws.merge_cells('C6:C8'); ws.merge_cells('C9:C10'); ws.merge_cells('B13:B14')
ws.row_dimensions[16].height=40
ws.merge_cells('A17:C17'); ws['A17']='填报人(签字) 年 月 日'; ws.merge_cells('E17:G17'); ws['E17']='审核人(签字) 年 月 日'
for row in ws.iter_rows(min_row=1,max_row=15,max_col=7):
    for c in row:
        c.border=B; c.alignment=Alignment(horizontal='center',vertical='center',wrap_text=True)
for col,w in zip('ABCDEFG',[8,10,14,22,11,11,10]): ws.column_dimensions[col].width=w
ws.sheet_properties.pageSetUpPr.fitToPage = True
ws.page_setup.fitToWidth = 1
ws.page_setup.fitToHeight = 0
wb.save('dense_two_row_header.xlsx')
