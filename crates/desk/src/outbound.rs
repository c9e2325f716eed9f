//! The one HTTP client for every request newsdesk sends out (webhooks, WebSub pings, polled
//! feeds and wire endpoints, pictures a source referred to). It refuses private, loopback, link-local and other non-public addresses
//! unless the caller explicitly allows them for that destination, checks every address a name
//! resolves to, connects only to the addresses it checked (so a second DNS answer cannot swap
//! them), and checks every redirect the same way, since each hop is resolved through the guard.

use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// Largest response body read back.
pub const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REDIRECTS: u32 = 3;

/// Addresses anyone on the internet can reach; everything else needs an explicit allowance.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match carried_v4(v6) {
            Some(v4s) => v4s.iter().all(|v4| is_public_v4(*v4)) && is_public_v6(v6),
            None => is_public_v6(v6),
        },
    }
}

/// The IPv4 addresses an IPv6 address carries and leads to: IPv4-mapped (`::ffff:a.b.c.d`),
/// IPv4-compatible (`::a.b.c.d`), 6to4 (`2002:aabb:ccdd::/48`) and Teredo (`2001:0::/32`: its
/// server, and its client with the bits inverted). Such an address is judged by them.
fn carried_v4(ip: Ipv6Addr) -> Option<Vec<Ipv4Addr>> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(vec![v4]);
    }
    if s[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified() {
        return Some(vec![v4(s[6], s[7])]);
    }
    match (s[0], s[1]) {
        (0x2002, _) => Some(vec![v4(s[1], s[2])]),
        (0x2001, 0x0000) => Some(vec![v4(s[2], s[3]), v4(!s[6], !s[7])]),
        _ => None,
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x64 && s[1] == 0xff9b)) // NAT64 can reach private IPv4
}

/// Resolves every hop (the first request and each redirect) and vets the answer. `private` is
/// the one destination, host and port, that the caller allowed to be private; a redirect to any
/// other host or port (another service on the same machine) is not.
struct Guard {
    private: Option<(String, u16)>,
}

impl ureq::Resolver for Guard {
    fn resolve(&self, netloc: &str) -> io::Result<Vec<SocketAddr>> {
        let addrs: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
        if addrs.is_empty() {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("{netloc} resolves to no address")));
        }
        let port = addrs[0].port();
        let allowed =
            self.private.as_ref().is_some_and(|(h, p)| host_of_netloc(netloc).eq_ignore_ascii_case(h) && port == *p);
        if !allowed && let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("refusing to connect to {netloc}: {} is not a public address", bad.ip()),
            ));
        }
        Ok(addrs)
    }
}

/// "host:port" or "[v6]:port" -> host.
fn host_of_netloc(netloc: &str) -> &str {
    match netloc.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => netloc.rsplit_once(':').map_or(netloc, |(h, _)| h),
    }
}

/// The host of an http(s) URL, without user info, port or brackets, and its port (the scheme's
/// when the URL names none).
fn host_of_url(url: &str) -> Option<(&str, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None if scheme.eq_ignore_ascii_case("https") => 443,
        None => 80,
    };
    (!host.is_empty()).then_some((host, port))
}

/// The guarded client. Public destinations share one agent (and its connection pool); a
/// destination explicitly allowed to be private (a webhook receiver on the newsroom's own
/// network, a test on loopback) gets an agent that allows that one host and port only.
#[derive(Clone)]
pub struct Outbound {
    public: ureq::Agent,
}

fn agent(private: Option<(String, u16)>) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .resolver(Guard { private })
        .timeout(TIMEOUT)
        .redirects(MAX_REDIRECTS)
        .user_agent(concat!("newsdesk/", env!("CARGO_PKG_VERSION")))
        .build()
}

impl Default for Outbound {
    fn default() -> Self {
        Outbound::new()
    }
}

/// What came back: the status and at most [`MAX_RESPONSE_BYTES`] of the body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("{url}: {message}")]
    Refused { url: String, message: String },
    #[error("{url}: answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: {message}")]
    Transport { url: String, message: String },
}

impl OutboundError {
    pub fn status(&self) -> Option<u16> {
        match self {
            OutboundError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl Outbound {
    pub fn new() -> Outbound {
        Outbound { public: agent(None) }
    }

    /// GETs `url` (a polled feed or wire endpoint), sending `headers` (conditional GET:
    /// `If-None-Match`, `If-Modified-Since`). A 304 comes back as a reply with no body; other
    /// non-2xx answers are errors. At most `max_bytes` of the body are read: a longer answer is
    /// an error, never silently cut.
    pub fn get(
        &self,
        url: &str,
        headers: &[(&str, String)],
        allow_private: bool,
        max_bytes: u64,
    ) -> Result<Fetched, OutboundError> {
        let mut private_agent = None;
        let agent = self.agent_for(url, allow_private, &mut private_agent)?;
        let mut req = agent.get(url);
        for (name, value) in headers {
            req = req.set(name, value);
        }
        match req.call() {
            Ok(res) => {
                let status = res.status();
                let header = |name: &str| res.header(name).map(str::to_string);
                let (etag, last_modified, content_type) =
                    (header("etag"), header("last-modified"), header("content-type"));
                let mut body = Vec::new();
                res.into_reader()
                    .take(max_bytes + 1)
                    .read_to_end(&mut body)
                    .map_err(|e| OutboundError::Transport { url: url.into(), message: e.to_string() })?;
                if body.len() as u64 > max_bytes {
                    return Err(OutboundError::Transport {
                        url: url.into(),
                        message: format!("the answer is larger than {max_bytes} bytes"),
                    });
                }
                Ok(Fetched { status, body, etag, last_modified, content_type })
            }
            Err(ureq::Error::Status(304, res)) => Ok(Fetched {
                status: 304,
                body: vec![],
                etag: res.header("etag").map(str::to_string),
                last_modified: res.header("last-modified").map(str::to_string),
                content_type: None,
            }),
            Err(e) => Err(transport_error(url, e)),
        }
    }

    /// The shared public agent, or one allowed to reach this URL's host when it is private.
    fn agent_for<'a>(
        &'a self,
        url: &str,
        allow_private: bool,
        slot: &'a mut Option<ureq::Agent>,
    ) -> Result<&'a ureq::Agent, OutboundError> {
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok {
            return Err(OutboundError::Refused {
                url: url.into(),
                message: "only http and https URLs are fetched".into(),
            });
        }
        if !allow_private {
            return Ok(&self.public);
        }
        let (host, port) = host_of_url(url)
            .ok_or_else(|| OutboundError::Refused { url: url.into(), message: "the URL has no host".into() })?;
        Ok(slot.insert(agent(Some((host.to_string(), port)))))
    }

    /// Sends a request without a body (`PURGE` to a cache in front of the site); any 2xx is
    /// success.
    pub fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        allow_private: bool,
    ) -> Result<Reply, OutboundError> {
        let mut private_agent = None;
        let agent = self.agent_for(url, allow_private, &mut private_agent)?;
        let mut req = agent.request(method, url);
        for (name, value) in headers {
            req = req.set(name, value);
        }
        reply(url, req.call())
    }

    /// POSTs `body` with `headers`; any 2xx is success.
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        headers: &[(&str, String)],
        body: &[u8],
        allow_private: bool,
    ) -> Result<Reply, OutboundError> {
        let mut private_agent = None;
        let agent = self.agent_for(url, allow_private, &mut private_agent)?;
        let mut req = agent.post(url).set("Content-Type", content_type);
        for (name, value) in headers {
            req = req.set(name, value);
        }
        reply(url, req.send_bytes(body))
    }
}

/// A 2xx answer's status and at most [`MAX_RESPONSE_BYTES`] of its body; anything else an error.
fn reply(url: &str, answer: Result<ureq::Response, ureq::Error>) -> Result<Reply, OutboundError> {
    let res = answer.map_err(|e| transport_error(url, e))?;
    let status = res.status();
    let mut out = Vec::new();
    res.into_reader()
        .take(MAX_RESPONSE_BYTES)
        .read_to_end(&mut out)
        .map_err(|e| OutboundError::Transport { url: url.into(), message: e.to_string() })?;
    Ok(Reply { status, body: out })
}

fn transport_error(url: &str, e: ureq::Error) -> OutboundError {
    match e {
        ureq::Error::Status(status, _) => OutboundError::Status { url: url.into(), status },
        ureq::Error::Transport(t) => {
            let message = t.to_string();
            if message.contains("not a public address") {
                OutboundError::Refused { url: url.into(), message }
            } else {
                OutboundError::Transport { url: url.into(), message }
            }
        }
    }
}

/// A fetched answer: the status (200, or 304 when nothing changed), the body, and what a
/// conditional GET next time needs.
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn loopback_is_refused_unless_allowed() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().unwrap().port());
        let err = Outbound::new().post(&url, "text/plain", &[], b"x", false).unwrap_err();
        assert!(matches!(err, OutboundError::Refused { .. }), "{err}");
        assert!(err.to_string().contains("not a public address"), "{err}");
        let err = Outbound::new().post("file:///etc/passwd", "text/plain", &[], b"x", true).unwrap_err();
        assert!(matches!(err, OutboundError::Refused { .. }));
    }

    #[test]
    fn a_redirect_to_another_private_host_is_refused() {
        // The receiver at 127.0.0.1 is allowed; it redirects to "localhost", another name for a
        // private address, which nobody allowed: the guard resolves that hop too and refuses it.
        let (port, handle) = redirecting(|port| format!("http://localhost:{port}/next"));
        let url = format!("http://127.0.0.1:{port}/start");
        let err = Outbound::new().post(&url, "text/plain", &[], b"x", true).unwrap_err();
        assert!(matches!(err, OutboundError::Refused { .. }), "{err}");
        assert!(err.to_string().contains("refusing to connect to localhost"), "{err}");
        handle.join().unwrap();
    }

    #[test]
    fn addresses_carried_in_ipv6_are_judged_by_their_ipv4() {
        for private in [
            "::127.0.0.1", // IPv4-compatible
            "::10.0.0.1",
            "2002:7f00:1::1",                       // 6to4 of 127.0.0.1
            "2002:c0a8:101::1",                     // 6to4 of 192.168.1.1
            "2001:0:4136:e378:8000:63bf:80ff:fffe", // Teredo, client 127.0.0.1
            "2001:0:7f00:1::1",                     // Teredo, server 127.0.0.1
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["::93.184.216.34", "2002:5db8:d822::1"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    /// A server that answers every request with a redirect to `to`, once.
    fn redirecting(to: impl Fn(u16) -> String + Send + 'static) -> (u16, std::thread::JoinHandle<()>) {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            use std::io::Write;
            let (mut s, _) = server.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let reply = format!("HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\n\r\n", to(port));
            let _ = s.write_all(reply.as_bytes());
        });
        (port, handle)
    }

    #[test]
    fn an_allowed_private_destination_is_a_host_and_a_port() {
        // Another service on the same machine, however its address is written.
        let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let other_port = other.local_addr().unwrap().port();
        for target in ["127.0.0.1", "2130706433", "0x7f000001"] {
            let (port, handle) = redirecting(move |_| format!("http://{target}:{other_port}/admin"));
            let url = format!("http://127.0.0.1:{port}/feed");
            let err = Outbound::new().get(&url, &[], true, 1024).unwrap_err();
            assert!(matches!(err, OutboundError::Refused { .. }), "{target}: {err}");
            handle.join().unwrap();
        }
    }

    #[test]
    fn hosts_of_urls() {
        assert_eq!(host_of_url("https://user:pw@Example.com:8443/a?b"), Some(("Example.com", 8443)));
        assert_eq!(host_of_url("http://[::1]:80/"), Some(("::1", 80)));
        assert_eq!(host_of_url("https://example.com/x"), Some(("example.com", 443)));
        assert_eq!(host_of_url("http://[::1]/"), Some(("::1", 80)));
        assert_eq!(host_of_url("http:///x"), None);
        assert_eq!(host_of_netloc("[::1]:80"), "::1");
        assert_eq!(host_of_netloc("localhost:8080"), "localhost");
    }
}
