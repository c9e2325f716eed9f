//! Resource limits under attack, on the real server: bodies, headers, URLs and JSON nesting
//! beyond the limits, a gzip bomb sent as a request body, a PNG declaring huge dimensions and a
//! PNG bomb within them. Each is answered with a 4xx (or, for the bomb within the limits, a
//! bounded decode) within 2 s, and the server's peak memory grows by less than 256 MB over all
//! of them. The figures are printed for the notes.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Server, newsdesk};

fn peak_rss_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

/// Sends raw bytes and returns the status code of the answer (0 when the connection was closed
/// without one) and how long it took.
fn raw(addr: &str, request: &[u8]) -> (u16, Duration) {
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may answer and close before it has read everything: a failed write is fine.
    let _ = s.write_all(request);
    let mut head = [0u8; 64];
    let n = s.read(&mut head).unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, started.elapsed())
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A PNG of `w`×`h` 8-bit RGB pixels whose data is `rows` zero rows (fewer than `h`: cut off).
fn png(w: u32, h: u32, rows: u32) -> Vec<u8> {
    let chunk = |out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    };
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let row = vec![0u8; 1 + 3 * w as usize];
    for _ in 0..rows {
        z.write_all(&row).unwrap();
    }
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn oversized_and_malformed_input_is_refused_quickly_within_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_with("demo", &data, &[]);
    let addr = server.url.trim_start_matches("http://").to_string();
    let out = newsdesk(&data, &["user", "token", "editor@newsdesk.example"]);
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let pid = server.pid();
    let before = peak_rss_mb(pid);

    let post = |path: &str, content_type: &str, extra: &str, body: &[u8]| -> Vec<u8> {
        let mut r = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: {content_type}\r\n\
             Content-Length: {}\r\n{extra}Connection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend(body);
        r
    };
    let nested = format!("{{\"headline\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let gzip_bomb = {
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..1024 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap()
    };
    let cases: Vec<(&str, Vec<u8>, &[u16])> = vec![
        ("a 3 MB JSON body", post("/api/v1/admin/articles", "application/json", "", &vec![b' '; 3 << 20]), &[413]),
        ("a 25 MB upload", post("/api/v1/admin/media", "image/png", "", &vec![0u8; 25 << 20]), &[413]),
        (
            "a 200 KB header",
            format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Padding: {}\r\n\r\n", "a".repeat(200_000)).into_bytes(),
            &[431],
        ),
        (
            "a 200 KB query string",
            format!("GET /search?q={} HTTP/1.1\r\nHost: {addr}\r\n\r\n", "a".repeat(200_000)).into_bytes(),
            &[414, 431],
        ),
        (
            "JSON nested 100,000 deep",
            post("/api/v1/admin/articles", "application/json", "", nested.as_bytes()),
            &[400, 422],
        ),
        (
            "a gzip bomb as a request body (1 GB of zeros)",
            post("/api/v1/admin/articles", "application/json", "Content-Encoding: gzip\r\n", &gzip_bomb),
            &[400, 413, 415, 422],
        ),
        (
            "a PNG declaring 100,000 × 100,000 pixels",
            post("/api/v1/admin/media", "image/png", "", &png(100_000, 100_000, 10)),
            &[422],
        ),
        (
            "a PNG bomb at the pixel limit, cut off (6,000 × 6,000 declared, 3,000 rows sent)",
            post("/api/v1/admin/media", "image/png", "", &png(6_000, 6_000, 3_000)),
            &[422],
        ),
    ];
    for (what, request, expected) in cases {
        let (status, took) = raw(&addr, &request);
        eprintln!("limits: {what}: {status} in {} ms ({} bytes sent)", took.as_millis(), request.len());
        assert!(expected.contains(&status), "{what}: answered {status}, expected one of {expected:?}");
        assert!(took < Duration::from_secs(2), "{what}: took {took:?}");
    }
    // A whole PNG bomb within the limits is decoded (it is a real picture), in bounded memory.
    let bomb = png(6_000, 6_000, 6_000);
    let (status, took) = raw(&addr, &post("/api/v1/admin/media", "image/png", "", &bomb));
    eprintln!("limits: a whole 6,000 × 6,000 PNG of {} KB: {status} in {} ms", bomb.len() / 1024, took.as_millis());
    assert!(took < Duration::from_secs(2) && status == 201, "{status} in {took:?}");
    let after = peak_rss_mb(pid);
    eprintln!("limits: peak RSS {before} MB before, {after} MB after");
    assert!(after - before < 256, "peak RSS grew from {before} to {after} MB");
    // And the site still answers.
    assert_eq!(server.get("/").0, 200);
}
