"""Reports of a period (`kefu report`) and the site's 报表 section.

- period: a month, an ISO week or any dates
- figures, build: the figures from the records (`build_report`); kpi: each person's KPI, pure
  functions over her post, measured deadlines and given scores (rules: kefu/kinds/kpi.py)
- tables: the result types every writer reads; render: text, JSON, Markdown
- charts (Matplotlib SVG), pdf (WeasyPrint), xlsx (openpyxl), site (the month pages)
"""
