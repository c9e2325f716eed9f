//! AVIF renditions come from Debian's libavif (package `libavif-dev`) through a small C shim
//! (`csrc/avif_shim.c`): the encoder measured fastest here (see ../shared/research). Where
//! pkg-config does not find libavif the crate builds without it (`has_avif` unset) and
//! renditions are WebP and JPEG only, so a fresh machine still builds and runs newsdesk.

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_avif)");
    println!("cargo::rerun-if-changed=csrc/avif_shim.c");
    println!("cargo::rerun-if-changed=build.rs");
    // Installing libavif-dev later (scripts/test does) is noticed by this file appearing.
    println!("cargo::rerun-if-changed=/usr/include/avif/avif.h");
    println!("cargo::rerun-if-env-changed=NEWSDESK_NO_AVIF");
    if std::env::var_os("NEWSDESK_NO_AVIF").is_some() {
        return;
    }
    let probe = Command::new("pkg-config").args(["--cflags", "--libs", "libavif"]).output();
    let Some(out) = probe.ok().filter(|o| o.status.success()) else {
        println!(
            "cargo::warning=libavif not found by pkg-config: renditions will be WebP and JPEG only (apt-get install libavif-dev)"
        );
        return;
    };
    let flags = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut build = cc::Build::new();
    build.file("csrc/avif_shim.c").warnings(true);
    let mut libs = vec![];
    for flag in flags.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-I") {
            build.include(dir);
        } else if let Some(define) = flag.strip_prefix("-D") {
            let (name, value) = define.split_once('=').map_or((define, None), |(n, v)| (n, Some(v)));
            build.define(name, value);
        } else if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo::rustc-link-search=native={dir}");
        } else if let Some(lib) = flag.strip_prefix("-l") {
            libs.push(lib.to_string());
        }
    }
    build.compile("nd_avif_shim");
    // After the shim, which needs them.
    for lib in libs {
        println!("cargo::rustc-link-lib={lib}");
    }
    println!("cargo::rustc-cfg=has_avif");
}
