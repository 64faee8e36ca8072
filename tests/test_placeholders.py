"""{{ company.short }} and its kind, filled from records/department.yml (kefu.department)."""

from __future__ import annotations

import pytest

from kefu.department.placeholders import fill, values
from kefu.kinds.department import Company, Department
from kefu.problems import KefuError

CONFIG = Department(company=Company(name="乙辰科技（杭州）有限公司", short="乙辰"),
                    department="售后服务部")


def test_every_name_is_filled_and_spacing_inside_the_braces_does_not_matter() -> None:
    text = "我是{{company.short}}{{ department.name }}的客服；{{  company.name }}；{{ site.name }}"
    assert fill(text, values(CONFIG), "docs/a.md") == \
        "我是乙辰售后服务部的客服；乙辰科技（杭州）有限公司；售后服务部手册"


def test_an_unknown_name_names_the_file_and_line_and_lists_the_known_ones() -> None:
    with pytest.raises(KefuError) as err:
        fill("第一行\n{{ company.phone }}", values(CONFIG), "docs/a.md")
    assert err.value.slug == "placeholder"
    assert "docs/a.md:2" in err.value.message
    assert "{{ company.short }}（公司简称）" in err.value.message


def test_without_a_configuration_the_page_says_to_write_one() -> None:
    with pytest.raises(KefuError, match="records/department.yml"):
        fill("{{ company.short }}", values(None), "docs/a.md")
    assert fill("没有占位符", values(None), "docs/a.md") == "没有占位符"
