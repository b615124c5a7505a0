"""A crawl of the site through Django's test client, as the takedown tests walk it: every
same-site page reachable by GET from the start URLs (tests/articles/test_crawl.py signed out,
tests/comments/test_signed_in_crawl.py signed in)."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit


def crawl(
    client,
    start: list[str],
    *,
    links: re.Pattern,
    skip: tuple[str, ...],
    most_pages: int,
    hosts: tuple[str, ...] = ("testserver",),
) -> dict[str, str]:
    """Every page reachable from `start`, by path: its text ("" where it did not answer 200).
    `links` finds a page's links (the first group that matched); a path starting with one of
    `skip` is not fetched, a link to a host not in `hosts` not followed."""
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue and len(seen) < most_pages:
        url = queue.popleft()
        if url in seen or url.startswith(skip):
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        text = response.content.decode(errors="replace") if response.status_code == 200 else ""
        seen[url] = text
        for match in links.finditer(text):
            link = next(group for group in match.groups() if group).replace("&amp;", "&")
            absolute = urlsplit(urljoin("http://testserver" + url, link))
            if absolute.netloc not in hosts:
                continue
            path = absolute.path + (f"?{absolute.query}" if absolute.query else "")
            if path not in seen:
                queue.append(path)
    return seen
