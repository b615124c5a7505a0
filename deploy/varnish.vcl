# The caching proxy in front of the load balancer: Varnish 7 with the xkey module
# (Debian: apt-get install varnish varnish-modules). README, "Production", says why Varnish.
#
#   readers -> TLS (nginx-tls.conf) -> this proxy (:6081) -> nginx-lb.conf (:8080) -> gunicorn
#
# Django decides what may be kept (finextra/edge.py): public pages for readers with no session
# carry Cache-Control with s-maxage, an ETag and an `xkey` header naming what they show; every
# other answer is `private, no-store`, which Varnish's built-in rules never keep. After each
# change the app servers send `PURGE /` with an `xkey-purge: <keys>` header (EDGE_PURGE_URLS).
vcl 4.1;

import xkey;

backend lb {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = {
        .url = "/healthz";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
        # Healthy from the start: otherwise the first seconds after a (re)start are 503s.
        .initial = 3;
    }
}

# Who may purge: the app servers. Widen to their addresses in production.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys in an xkey-purge header"));
        }
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # Personal pages: a session (a signed-in reader, staff) or a message waiting to be shown.
    # Django draws the same line, so these answers are private anyway.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # Any other cookie (csrftoken, analytics) changes nothing on a public page: drop it, so
    # every such reader gets the shared copy.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Serve a just-expired copy for a few seconds while a fresh one is fetched; purges remove
    # copies outright, and the schedule caps s-maxage, so changes still show within seconds.
    set beresp.grace = 5s;
}

sub vcl_deliver {
    # The keys are for purging here, not for readers.
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
