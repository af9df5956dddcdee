"""The portal registry: the bundled file is valid, and a bad one names file, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.errors import RegistryError
from scrapers.registry import load_registry


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portals.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_registry_is_valid_and_lists_demo_and_real_portals() -> None:
    registry = load_registry()
    slugs = {p.slug for p in registry}
    assert {"demo-yangjiang", "demo-heyuan"} <= slugs
    assert any(p.needs_network for p in registry)
    assert all(p.crawl_interval_minutes >= 5 for p in registry)


def test_demo_portals_are_bound_to_the_running_server() -> None:
    registry = load_registry().bind_demo("http://127.0.0.1:5000")
    portal = registry.get("demo-heyuan")
    assert portal.seeds == ("http://127.0.0.1:5000/hy/zwgk/ghjh/index.html",)
    assert portal.allowed_hosts == ("127.0.0.1",)


def test_without_a_demo_server_demo_portals_are_left_out() -> None:
    assert all(not p.is_demo for p in load_registry().bind_demo(None))


def test_allowed_hosts_default_to_the_seed_hosts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "portals:\n  - slug: a-portal\n    name: A\n    seeds: ['https://www.a.gov.cn/list/index.html']\n",
    )
    assert load_registry(path).get("a-portal").allowed_hosts == ("www.a.gov.cn",)


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("portals: [", "not valid YAML"),
        ("- just a list", "expected a mapping with a 'portals:' list"),
        (
            "portals:\n  - slug: Bad Slug\n    name: X\n    seeds: ['https://x.gov.cn/']\n",
            "portal Bad Slug: field slug",
        ),
        (
            "portals:\n  - slug: ok-slug\n    name: X\n    seeds: ['ftp://x.gov.cn/']\n",
            "portal ok-slug: field seeds",
        ),
        ("portals:\n  - slug: ok-slug\n    name: X\n", "portal ok-slug: field seeds: Field required"),
        (
            "portals:\n  - slug: ok-slug\n    name: X\n    seeds: ['https://x.gov.cn/']\n    colour: red\n",
            "portal ok-slug: field colour",
        ),
        (
            "portals:\n  - slug: ok-slug\n    name: X\n    seeds: ['https://x.gov.cn/']\n    crawl_interval_minutes: 1\n",
            "field crawl_interval_minutes",
        ),
        (
            "portals:\n  - {slug: twin, name: X, seeds: ['https://x.gov.cn/']}\n"
            "  - {slug: twin, name: Y, seeds: ['https://y.gov.cn/']}\n",
            "portal twin: field slug: duplicate",
        ),
        ("portals:\n  - name: X\n    seeds: ['https://x.gov.cn/']\n", "portal #1: field slug"),
    ],
)
def test_a_malformed_registry_gives_one_clear_error(tmp_path: Path, yaml_text: str, expected: str) -> None:
    path = write(tmp_path, yaml_text)
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_a_missing_registry_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"nope\.yaml: cannot read"):
        load_registry(tmp_path / "nope.yaml")


def test_an_unknown_slug_lists_the_known_ones() -> None:
    with pytest.raises(RegistryError, match=r"no portal 'missing'.*demo-yangjiang"):
        load_registry().get("missing")


@pytest.mark.parametrize("field", ["list_item", "next_page", "title", "date", "body"])
def test_a_selector_that_does_not_compile_is_named_with_entry_and_field(tmp_path: Path, field: str) -> None:
    path = write(
        tmp_path,
        "portals:\n"
        "  - slug: bad-portal\n"
        "    name: 坏门户\n"
        '    seeds: ["https://example.gov.cn/list/index.html"]\n'
        "    selectors:\n"
        f'      {field}: "div[["\n',
    )
    with pytest.raises(
        RegistryError, match=rf"portal bad-portal: field selectors\.{field}: .*not a valid CSS selector"
    ):
        load_registry(path)
