"""MkDocs hook: refuse to build Chinese search without jieba and the department's word list.

Material's search plugin skips segmentation silently when jieba is not importable and only
warns when the user dictionary is missing; phrase queries such as 返修多久 then find nothing.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

# One entry per line: word, then optional frequency and part of speech (jieba's format).
DICT_LINE = re.compile(r"^\S+( \d+)?( [a-z]+)?$")
# Material hands only runs of Han characters to jieba; other words never reach it.
HAN_WORD = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")


def _search_config(config: MkDocsConfig) -> dict[str, object]:
    for name in ("material/search", "search"):
        if name in config.plugins:
            return dict(config.plugins[name].config)
    raise PluginError("mkdocs.yml 没有启用 search 插件：中文搜索需要它。")


def check_user_dict(path: Path) -> list[str]:
    """Lines of a jieba user dictionary that jieba would misread, as Chinese messages."""
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not DICT_LINE.match(line):
            problems.append(f"{path}:{number}: 应为“词 [词频] [词性]”，单个空格分隔：{line!r}")
    return problems


def non_han_words(path: Path) -> list[str]:
    """Dictionary words jieba never sees, because they contain non-Han characters."""
    lines = path.read_text(encoding="utf-8").splitlines()
    words = [line.split()[0] for line in lines if line.strip()]
    return [word for word in words if not HAN_WORD.match(word)]


# Run before the search plugin loads the dictionary, so the failure names the real cause.
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    search = _search_config(config)
    langs = search.get("lang")
    if "zh" not in (langs if isinstance(langs, list) else [langs]):
        raise PluginError("search.lang 必须包含 zh。")
    separator = str(search.get("separator") or "")
    # Either the character itself or the regex escape that the browser's RegExp understands.
    if "\u200b" not in separator and "\\u200b" not in separator:
        raise PluginError(r"search.separator 必须包含 \u200b（jieba 分词插入的分隔符）。")
    if importlib.util.find_spec("jieba") is None:
        raise PluginError("没有安装 jieba：中文搜索将无法按词查找。请运行 make install。")
    user_dict = search.get("jieba_dict_user")
    if not user_dict:
        raise PluginError("mkdocs.yml 缺少 search.jieba_dict_user（部门用语词典）。")
    # Material opens the path relative to the working directory, not to mkdocs.yml.
    path = Path(str(user_dict))
    if not path.is_file():
        raise PluginError(
            f"找不到 jieba 用户词典 {path}（相对于当前目录 {Path.cwd()}）：请在仓库根目录构建。"
        )
    problems = check_user_dict(path)
    if problems:
        raise PluginError("jieba 用户词典格式错误：\n  " + "\n  ".join(problems))
    return config
