"""The client's address, as far as the app can trust it (django-axes' AXES_CLIENT_IP_CALLABLE,
and the password reset's limit per address).

Behind the reverse proxy the README recommends, every request comes from the proxy's own
address: keyed on that, one person guessing a password locked a facilitator out for
everybody. Each trusted proxy appends the address it received the request from to
``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``, IIS ARR, a load balancer), so with
``TRUSTED_PROXY_COUNT`` proxies in front the client is the entry that many from the right;
whatever the client wrote into the header itself stands further left, and is ignored.

Why not django-ipware, which django-axes would use: its current engine answers no address at
all for the usual one-proxy chain (``X-Forwarded-For: <client>`` with the proxy as the peer),
which would have put every sign-in under one key again.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in chain if part]
    if len(chain) < count:
        # Not through every proxy the deployment names: only the peer is known.
        return remote
    candidate = chain[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
