//! `newsdesk bench-renditions`: how long making one picture's renditions takes and how much
//! memory it needs. The picture is a camera JPEG made here (a grainy gradient with EXIF
//! orientation and GPS and an IPTC caption; `--width`×`--height`, 4000×3000 = 12 megapixels by
//! default), or a file of yours (`--file`); its renditions are made `--repeat` times one after
//! another, then `--threads` pictures at once, as the rendition job would on a busy node.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use newsdesk_core::picture::Framing;
use newsdesk_ingest::image::{meta, renditions};

#[derive(Debug, clap::Args)]
pub struct RenditionBenchArgs {
    /// Width and height of the camera JPEG made for the run.
    #[arg(long, default_value_t = 4000)]
    width: u32,
    #[arg(long, default_value_t = 3000)]
    height: u32,
    /// A picture of yours instead.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Pictures made one after another.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Pictures made at once for the throughput figure.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Writes the camera JPEG made for the run here and stops (for bench/picture-bytes.py).
    #[arg(long, value_name = "PATH")]
    save: Option<PathBuf>,
}

fn one(bytes: &[u8]) -> anyhow::Result<(f64, usize, usize)> {
    let t0 = Instant::now();
    let source = renditions::upright(bytes)?.context("no decoder for this picture")?;
    let (mut files, mut total) = (0, 0);
    renditions::make::<std::convert::Infallible>(&source, &Framing::default(), |r| {
        files += 1;
        total += r.bytes.len();
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((t0.elapsed().as_secs_f64(), files, total))
}

/// Peak resident memory of this process so far (VmHWM), in MB.
pub(crate) fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}

pub fn run(args: RenditionBenchArgs) -> anyhow::Result<ExitCode> {
    let bytes = match &args.file {
        Some(path) => std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
        None => meta::test_camera_jpeg(args.width, args.height, "A camera picture for the benchmark.", "Newsdesk"),
    };
    if let Some(path) = &args.save {
        std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let (_, _, w, h) = newsdesk_ingest::image::check(&bytes)?;
    let baseline = peak_rss_mb();
    let mut times = vec![];
    let mut made = (0, 0);
    for _ in 0..args.repeat.max(1) {
        let (secs, files, total) = one(&bytes)?;
        times.push(secs);
        made = (files, total);
    }
    let peak_one = peak_rss_mb();
    let t0 = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..args.threads.max(1)).map(|_| s.spawn(|| one(&bytes))).collect();
        handles.into_iter().try_for_each(|h| h.join().map_err(|_| anyhow::anyhow!("a thread panicked"))?.map(|_| ()))
    })?;
    let together = t0.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    let report = serde_json::json!({
        "picture": { "width": w, "height": h, "megapixels": (w * h) as f64 / 1e6, "bytes": bytes.len() },
        "renditions": made.0,
        "rendition_bytes": made.1,
        "seconds_each": times,
        "seconds_median": times[times.len() / 2],
        "threads": args.threads,
        "seconds_for_threads_at_once": together,
        "pictures_per_minute": 60.0 * args.threads.max(1) as f64 / together,
        "peak_rss_mb_before": baseline,
        "peak_rss_mb_one_at_a_time": peak_one,
        "peak_rss_mb_threads_at_once": peak_rss_mb(),
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(ExitCode::SUCCESS)
}
