# Varnish in front of newsdesk, purged exactly: every reader page names what it shows in its
# Surrogate-Key header, and newsdesk (--purge-url http://<this varnish>/ with
# --purge-url-allow-private when it is on the same machine) sends PURGE with the keys a change
# touched in an `xkey` header. Pages are kept until purged (a day at most), not for max-age.
# Needs vmod_xkey (Debian: varnish-modules). Tested by crates/newsdesk/tests/varnish.rs.
vcl 4.1;

import xkey;

backend newsdesk {
    .host = "127.0.0.1";
    .port = "8080";
}

# Who may purge: the newsdesk nodes.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "PURGE needs an xkey header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    # The newsroom and the APIs answer people and programs one by one: never from here.
    if (req.url ~ "^/(newsroom|api)(/|\?|$)" || req.url ~ "^/search") {
        return (pass);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Reader pages are the same for everyone; a newsroom session cookie changes nothing on them.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    if (beresp.status == 200 && beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
        set beresp.ttl = 1d;
        set beresp.grace = 1m;
    }
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
