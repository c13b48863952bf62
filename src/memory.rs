//! Peak resident memory of the process (Linux `VmHWM`), for run summaries.

/// Peak resident set size in bytes, if the platform reports it.
pub fn peak_rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Current resident set size in bytes, if the platform reports it.
pub fn rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Memory the process can still obtain, in bytes, if the platform tells: the
/// system's `MemAvailable` plus free swap, and at most what the address-space
/// limit (`ulimit -v`) leaves above the current virtual size.
pub fn available_bytes() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = meminfo.lines().find(|l| l.starts_with(name))?;
        Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
    };
    let mut available = field("MemAvailable:")? + field("SwapFree:").unwrap_or(0);
    if let Some(room) = address_space_room() {
        available = available.min(room);
    }
    Some(available)
}

/// What `RLIMIT_AS` leaves above the current virtual size, if it is set.
#[cfg(unix)]
fn address_space_room() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` writes the limit into the struct we pass.
    if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } != 0
        || limit.rlim_cur == libc::RLIM_INFINITY
    {
        return None;
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmSize:"))?;
    let used = line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024;
    #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every platform
    let limit = limit.rlim_cur as u64;
    Some(limit.saturating_sub(used))
}

#[cfg(not(unix))]
fn address_space_room() -> Option<u64> {
    None
}

/// Refuses, with a message naming what needs the memory, work whose largest
/// allocations (`needed` bytes) cannot fit in what the process can still obtain:
/// a clear error instead of an abort on a failed allocation. Passes when the
/// platform does not say how much is available.
pub fn check_fits(needed: u64, what: impl FnOnce() -> String) -> Result<(), crate::Error> {
    match available_bytes() {
        Some(available) if needed > available => Err(crate::Error::input(format!(
            "{} needs about {} but only {} is available",
            what(),
            gib(needed),
            gib(available)
        ))),
        _ => Ok(()),
    }
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}
