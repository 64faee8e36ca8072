"""Reading the body GitHub writes for a submitted issue form.

GitHub turns each field into a `### <label>` heading, a blank line and the value; a field left
empty reads `_No response_`; a dropdown gives the chosen option's text. Text typed in a browser
may carry CRLF line ends. The body is hostile input: headings are matched in the form's order,
and the one multi-line field (the note) is last, so text typed into it cannot pose as a field.
"""

from __future__ import annotations

from .forms import IssueForm, forms

NO_RESPONSE = "_No response_"
MAX_BODY = 64 * 1024  # characters; a form's fields fill a few hundred


def _lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def detect(text: str) -> IssueForm | None:
    """The form whose first field heads the body, or None (not an issue form of ours)."""
    first = next((line.strip() for line in _lines(text) if line.strip()), "")
    return next((f for f in forms() if first == f"### {f.fields[0].label}"), None)


def parse(text: str, form: IssueForm) -> tuple[dict[str, str], list[str]]:
    """The values of `form`'s fields in `text` (empty for no response), and problems found."""
    if len(text) > MAX_BODY:
        return {}, [f"表单内容过长（超过 {MAX_BODY // 1024} KB）：请只填写表单各栏，"
                    "长的附件请另外保存。"]
    lines = _lines(text)
    starts: list[tuple[int, str]] = []  # (line after the heading, field id)
    problems: list[str] = []
    at = 0
    for field in form.fields:
        found = next((i for i in range(at, len(lines)) if lines[i].rstrip() in field.headings),
                     None)
        if found is None:
            if field.required:  # an optional field may be missing: a form from before it
                problems.append(f"缺少「{field.label}」一栏：请用“{form.name}”表单提交，"
                                "不要删改各栏的标题。")
            continue
        starts.append((found + 1, field.id))
        at = found + 1
    values: dict[str, str] = {}
    for index, (start, field_id) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(lines)
        value = "\n".join(lines[start:end]).strip()
        values[field_id] = "" if value == NO_RESPONSE else value
    for field in form.fields:
        value = values.get(field.id, "")
        extra = _heading_in(value) if field.kind != "textarea" else None
        if extra is not None:
            problems.append(f"“{form.name}”表单没有「{extra}」这一栏（加在「{field.label}」之后）："
                            "请删去它；表单以外的内容，尤其是电话、地址等个人信息，"
                            "不要写进 issue。")
        elif field.kind != "textarea" and "\n" in value:
            problems.append(f"「{field.label}」只能填一行。")
        elif field.required and field.id in values and not value:
            problems.append(f"「{field.label}」必须填写。")
    return values, problems


def _heading_in(value: str) -> str | None:
    """The first `### ` heading inside a field's value: a section added to the body by hand."""
    return next((line[4:].strip() or "###" for line in value.split("\n")
                 if line.startswith("### ")), None)
