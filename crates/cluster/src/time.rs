//! Virtual time: integer nanoseconds since the cluster was created, and the
//! ways kubectl turns instants and durations into text.

/// Virtual time in nanoseconds since the simulated cluster was created.
pub type Nanos = u64;

/// One millisecond of virtual time.
pub const MS: Nanos = 1_000_000;
/// One second of virtual time.
pub const SEC: Nanos = 1_000_000_000;
/// One minute of virtual time.
pub const MIN: Nanos = 60 * SEC;

/// Unix time (seconds) of virtual time zero: Mon, 03 Aug 2026 08:00:00 UTC.
pub const EPOCH_UNIX: i64 = 1_785_744_000;

/// `HumanDuration` from apimachinery's `pkg/util/duration`, as kubectl prints AGE.
pub fn human_duration(d: Nanos) -> String {
    let seconds = d / SEC;
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = d / MIN;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    } else if hours < 48 {
        return format!("{hours}h");
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{}h", hours / 24, h);
    } else if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{}d", hours / 24 / 365, dy);
    }
    format!("{}y", hours / 24 / 365)
}

/// The age of something created at `then`, seen at `now` (kubectl's `translateTimestampSince`).
pub fn age(now: Nanos, then: Nanos) -> String {
    human_duration(now.saturating_sub(then))
}

/// Go's `time.Duration.String()` for a non-negative duration, rounded to milliseconds
/// (kubelet prints pull times this way: `5.212s`, `512ms`, `1m5.2s`).
pub fn go_duration(d: Nanos) -> String {
    let ms = d / MS;
    if ms == 0 {
        return "0s".to_string();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let total_s = ms / 1000;
    let frac = ms % 1000;
    let mut frac_text = String::new();
    if frac > 0 {
        frac_text = format!(".{frac:03}");
        while frac_text.ends_with('0') {
            frac_text.pop();
        }
    }
    let (h, m, s) = (total_s / 3600, (total_s / 60) % 60, total_s % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    out.push_str(&format!("{s}{frac_text}s"));
    out
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Broken-down UTC time of a virtual instant.
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
    pub weekday: u32,
}

/// The UTC calendar time of virtual instant `t`.
pub fn civil(t: Nanos) -> Civil {
    let unix = EPOCH_UNIX + (t / SEC) as i64;
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (secs / 3600) as u32,
        minute: ((secs / 60) % 60) as u32,
        second: (secs % 60) as u32,
        nanos: (t % SEC) as u32,
        // 1970-01-01 was a Thursday.
        weekday: ((days + 4).rem_euclid(7)) as u32,
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// RFC 1123 with numeric zone, as `kubectl describe` prints times: `Mon, 03 Aug 2026 09:14:02 +0000`.
pub fn rfc1123z(t: Nanos) -> String {
    let c = civil(t);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[c.weekday as usize],
        c.day,
        MONTHS[(c.month - 1) as usize],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// RFC 3339 in UTC with whole seconds, as the API server serialises timestamps: `2026-08-03T09:14:02Z`.
pub fn rfc3339(t: Nanos) -> String {
    let c = civil(t);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// RFC 3339 with microseconds (Envoy and pilot-agent log lines): `2026-08-03T09:14:02.123456Z`.
pub fn rfc3339_micros(t: Nanos) -> String {
    let c = civil(t);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.nanos / 1000
    )
}

/// Spring Boot's default log timestamp: `2026-08-03 09:14:02.123`.
pub fn spring_time(t: Nanos) -> String {
    let c = civil(t);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.nanos / 1_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_apimachinery() {
        assert_eq!(human_duration(98 * SEC), "98s");
        assert_eq!(human_duration(187 * SEC), "3m7s");
        assert_eq!(human_duration(180 * SEC), "3m");
        assert_eq!(human_duration(60 * MIN), "60m");
        assert_eq!(human_duration(3 * 60 * MIN + 5 * MIN), "3h5m");
        assert_eq!(human_duration(8 * 60 * MIN), "8h");
        assert_eq!(human_duration(50 * 60 * MIN), "2d2h");
    }

    #[test]
    fn epoch_is_a_monday_in_august_2026() {
        assert_eq!(rfc1123z(0), "Mon, 03 Aug 2026 08:00:00 +0000");
        assert_eq!(rfc3339(3600 * SEC + 2 * SEC), "2026-08-03T09:00:02Z");
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(5212 * MS), "5.212s");
        assert_eq!(go_duration(512 * MS), "512ms");
        assert_eq!(go_duration(10 * SEC), "10s");
        assert_eq!(go_duration(65_200 * MS), "1m5.2s");
    }
}
