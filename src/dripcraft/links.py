"""Campaign tracking on links: UTM parameters added, never overwriting the author's own."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def add_utm(url: str, params: dict[str, str]) -> str:
    """Return `url` with every UTM parameter it does not already carry (http/https only)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    added = [(key, value) for key, value in params.items() if value and key not in present]
    if not added:
        return url
    return urlunsplit(parts._replace(query=urlencode(query + added)))


def utm_params(settings, position: int) -> dict[str, str]:
    """The UTM set for one email: campaign from the slug, content from the email's position."""
    return {
        "utm_source": settings.utm_source,
        "utm_medium": settings.utm_medium,
        "utm_campaign": settings.utm_campaign or settings.slug,
        "utm_content": f"email-{position}",
    }
