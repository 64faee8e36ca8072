"""kefu.site failures reach the user as Chinese messages that name the cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from kefu import site
from kefu.problems import KefuError


def test_missing_npm_assets_tell_how_to_install_them(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # neither the repository nor kefu's own checkout has run `npm ci`
    monkeypatch.setattr("kefu.department.content.CHECKOUT", tmp_path / "kefu-checkout")
    with pytest.raises(KefuError) as caught:
        site.copy_vendor_assets(tmp_path, tmp_path / "docs" / "generated")
    assert caught.value.slug == "site-assets"
    assert "node_modules/mermaid/dist/mermaid.min.js" in caught.value.message
    assert "make install" in caught.value.message


def test_a_broken_link_fails_the_strict_build_and_names_the_page(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# 首页\n\n见[返修](repair.md)。\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: 测试\nstrict: true\nnav:\n  - index.md\n", encoding="utf-8"
    )
    warnings: list[str] = []
    with pytest.raises(KefuError) as caught:
        site.build_pages(tmp_path, tmp_path / "site", warnings)
    assert caught.value.slug == "site-build"
    assert "repair.md" in caught.value.message and "index.md" in caught.value.message
    assert any("repair.md" in w for w in warnings)


def test_an_unknown_placeholder_fails_the_build_and_names_the_page(demo_copy: Path) -> None:
    from kefu.workspace import Workspace

    page = demo_copy / "docs" / "replies" / "dealers" / "first-callback.md"
    page.write_text(page.read_text("utf-8") + "\n我是{{ company.nickname }}。\n", "utf-8")
    with pytest.raises(KefuError) as caught:
        site.build(Workspace(demo_copy), demo_copy / "site")
    assert "docs/replies/dealers/first-callback.md:" in caught.value.message
    assert "{{ company.nickname }}" in caught.value.message
    assert "{{ company.short }}" in caught.value.message  # the names that do exist
