# The first `make site` or `make test` on a fresh clone creates .venv and installs
# the pinned Python packages (constraints.txt) and the npm assets (package-lock.json).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install site serve test lint bench-site bench-records bench-staff bench-forms bench-reports clean

help:
	@echo "make site           构建整个站点到 site/"
	@echo "make serve          本地预览 http://127.0.0.1:8000"
	@echo "make test           运行全部测试"
	@echo "make lint           ruff + mypy"
	@echo "make bench-site     站点构建耗时"
	@echo "make bench-records  十万工单的校验与超期耗时，新旧两种记录布局对比"
	@echo "make bench-staff    十年 50 人值班、调班、请假、补卡与交接班记录的校验耗时"
	@echo "make bench-forms    表单渲染耗时"
	@echo "make bench-reports  十万工单的月报与导出（新旧布局对比）、报表页与工单页的站点构建耗时"

$(STAMP): pyproject.toml constraints.txt package.json package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本")'
	@command -v npm >/dev/null || { echo "需要 Node.js 和 npm（用于安装 Mermaid、离线搜索脚本和中文字体）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	@# click's own words in Chinese: compile the catalog kefu/locale/zh_CN/LC_MESSAGES/click.po
	$(BIN)/pybabel compile --domain click --directory kefu/locale --statistics
	@# the forms' font: a cached copy cut down to common characters (.cache/fonts/, a few seconds once)
	$(BIN)/python -c 'from kefu.forms.fonts import find_fonts, with_common; from pathlib import Path; with_common(find_fonts(Path.cwd()))'
	touch $(STAMP)

install: $(STAMP)

site: $(STAMP)
	$(BIN)/kefu site build

serve: $(STAMP)
	$(BIN)/kefu site serve

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check kefu tests scripts
	$(BIN)/mypy

bench-site: $(STAMP)
	$(BIN)/python scripts/bench_site.py

bench-records: $(STAMP)
	$(BIN)/python scripts/bench_records.py --git

bench-staff: $(STAMP)
	$(BIN)/python scripts/bench_records.py --staff --count 0

bench-forms: $(STAMP)
	$(BIN)/python scripts/bench_forms.py

bench-reports: $(STAMP)
	$(BIN)/python scripts/bench_reports.py --git

clean:
	rm -rf site docs/generated .kefu-cache
