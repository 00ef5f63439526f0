// Python's strftime over an instant seen in an IANA time zone (Intl does the zone arithmetic).

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** Formatters are costly to build; a handful of zones is the common case. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 64;

/** True when `tz` is an IANA zone name Intl knows. */
export function isTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      timeZoneName: 'short',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.delete(formatters.keys().next().value as string);
    formatters.set(tz, f);
  }
  return f;
}

export interface ZonedTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
  /** Minutes east of UTC. */
  offset: number;
  zoneName: string;
}

export function zonedTime(ms: number, tz: string): ZonedTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(tz).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const t = {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const offset = Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
  const weekday = new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay();
  return { ...t, weekday, offset, zoneName: tz === 'UTC' ? 'UTC' : (parts.timeZoneName ?? tz) };
}

/**
 * The instant whose wall-clock time in `tz` is the given one (pytz's localize: an ambiguous time takes
 * the first, standard-time reading).
 */
export function instantOf(t: Omit<ZonedTime, 'weekday' | 'offset' | 'zoneName'>, tz: string): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  let guess = wall - zonedTime(wall, tz).offset * 60000;
  guess = wall - zonedTime(guess, tz).offset * 60000;
  return guess;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

export function strftime(ms: number, tz: string, format: string): string {
  const t = zonedTime(ms, tz);
  const hour12 = t.hour % 12 || 12;
  const dayOfYear = Math.round((Date.UTC(t.year, t.month - 1, t.day) - Date.UTC(t.year, 0, 1)) / 86400000) + 1;
  const sign = t.offset < 0 ? '-' : '+';
  const directives: Record<string, () => string> = {
    Y: () => String(t.year),
    y: () => pad(t.year % 100),
    m: () => pad(t.month),
    d: () => pad(t.day),
    e: () => String(t.day).padStart(2, ' '),
    H: () => pad(t.hour),
    I: () => pad(hour12),
    M: () => pad(t.minute),
    S: () => pad(t.second),
    f: () => pad((((ms % 1000) + 1000) % 1000) * 1000, 6),
    p: () => (t.hour < 12 ? 'AM' : 'PM'),
    a: () => DAYS[t.weekday].slice(0, 3),
    A: () => DAYS[t.weekday],
    w: () => String(t.weekday),
    b: () => MONTHS[t.month - 1].slice(0, 3),
    B: () => MONTHS[t.month - 1],
    j: () => pad(dayOfYear, 3),
    z: () => `${sign}${pad(Math.floor(Math.abs(t.offset) / 60))}${pad(Math.abs(t.offset) % 60)}`,
    Z: () => t.zoneName,
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (all, d: string) => directives[d]?.() ?? all);
}
