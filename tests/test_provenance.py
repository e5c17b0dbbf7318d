from __future__ import annotations

from workbench.provenance import image_search_links, provenance_links, source_urls, wayback_links


def test_links_name_the_engines_and_say_what_they_do() -> None:
    links = image_search_links()
    assert [link.label for link in links] == [
        "Google Lens",
        "Bing Visual Search",
        "TinEye",
        "Yandex Images",
    ]
    assert all(link.url.startswith("https://") for link in links)
    assert all("upload the exported page image there yourself" in link.what for link in links)


def test_wayback_links_for_each_claimed_source_address() -> None:
    source = (
        "Posted on https://example.org/news/letter-1380.html (then deleted), see «http://t.me/x»."
    )
    assert source_urls(source) == ["https://example.org/news/letter-1380.html", "http://t.me/x"]
    (first, second) = wayback_links(source)
    assert first.url == "https://web.archive.org/web/*/https://example.org/news/letter-1380.html"
    assert second.url.endswith("/http://t.me/x")
    assert wayback_links("a journalist in Tehran, by hand") == []
    assert len(provenance_links(source)) == 6 and len(provenance_links(None)) == 4
