"""Content-Security-Policy on every response (django-csp), closed by default.

Two policies: the public site's, and the admin's (the desk), which needs two relaxations for
its rich-text editor; the README lists them. Public pages carry no nonce, so every cached copy of
a page is the same bytes; every script is a static file.
"""

import base64
import hashlib
import json
import logging
import re
import time
from functools import cache

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.core.cache import cache as shared_cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .net import client_ip

logger = logging.getLogger(__name__)

# A violation report is a few hundred bytes; anything much larger is not one.
REPORT_MAX_BYTES = 16 * 1024
# Reports logged per client address a minute; past that they are dropped, so nobody can flood
# the logs through the endpoint (a real page reports a handful at most).
REPORTS_PER_MINUTE = 30


@cache
def prose_editor_importmap_hash() -> str:
    """The CSP hash of django-prose-editor's inline <script type="importmap">, as the admin
    renders it (computed once per process: it names the static files' final URLs)."""
    from django_prose_editor.widgets import prose_editor_media

    html = str(prose_editor_media())
    found = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', html, re.DOTALL)
    if found is None:
        return ""
    digest = hashlib.sha256(found.group(1).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def admin_directives() -> dict:
    """The public policy (CONTENT_SECURITY_POLICY in settings) with the desk's relaxations."""
    public = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    importmap = prose_editor_importmap_hash()
    return {
        **public,
        # Relaxation 1: the editor's import map is inline; allowed by its hash alone.
        "script-src": [SELF, *([importmap] if importmap else [])],
        # Relaxation 2: Tiptap and ProseMirror set style attributes and inject <style>.
        "style-src": [SELF, UNSAFE_INLINE],
        # The admin's own icons and the editor's are data: URLs in places.
        "img-src": [*public["img-src"], "data:"],
    }


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy under the admin's URL."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and _is_admin(request.path_info):
            parts.config = default_config(admin_directives())
        return parts


@cache
def _admin_prefix() -> str:
    return reverse("admin:index")


def _is_admin(path: str) -> bool:
    return path.startswith(_admin_prefix())


@csrf_exempt
@require_POST
def csp_report(request):
    """Where browsers report what the policy blocked: logged (a warning each), never stored."""
    if _too_many_reports(request):
        return HttpResponse(status=429)
    body = request.body[:REPORT_MAX_BYTES]
    try:
        data = json.loads(body)
    except ValueError:
        return HttpResponse(status=400)
    reports = data if isinstance(data, list) else [data]
    for report in reports:
        if not isinstance(report, dict):
            continue
        details = report.get("csp-report") or report.get("body") or {}
        if not isinstance(details, dict):
            continue
        logger.warning(
            "CSP violation: %s blocked %s on %s",
            details.get("violated-directive") or details.get("effectiveDirective"),
            details.get("blocked-uri") or details.get("blockedURL"),
            details.get("document-uri") or details.get("documentURL"),
        )
    return HttpResponse(status=204)


def _too_many_reports(request) -> bool:
    who = salted_hmac("finextra.csp-report", client_ip(request), algorithm="sha256").hexdigest()
    key = f"csp-report:{who}:{int(time.time() // 60)}"
    try:
        if shared_cache.add(key, 1, timeout=61) is not False:  # new, or the cache is down
            return False
        return (shared_cache.incr(key) or 0) > REPORTS_PER_MINUTE
    except Exception:  # the cache is down or the key expired between the calls: log the report
        return False
