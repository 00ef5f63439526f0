// Dify's built-in `time` provider: current_time, timezone_conversion, weekday, localtime_to_timestamp,
// timestamp_to_localtime, with Dify's parameter names, defaults and messages.
import { ToolInvokeError, str, textOutput, type BuiltinTool, type BuiltinToolProvider } from './builtin-tool';
import { instantOf, isTimeZone, strftime } from './strftime';

const LOCAL_FORMAT = '%Y-%m-%d %H:%M:%S';
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** `YYYY-MM-DD HH:MM:SS` read as Python's strptime reads it (a wrong date is an error), as wall-clock parts. */
function parseLocal(text: string) {
  const m = LOCAL_TIME.exec(text.trim());
  if (!m) throw new ToolInvokeError(`time data '${text}' does not match format '${LOCAL_FORMAT}'`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    throw new ToolInvokeError(`time data '${text}' is not a valid date and time`);
  return { year, month, day, hour, minute, second };
}

function zone(name: string): string {
  if (!isTimeZone(name)) throw new ToolInvokeError(`unknown time zone '${name}'`);
  return name;
}

const currentTime: BuiltinTool = {
  name: 'current_time',
  label: 'Current Time',
  description: 'The current date and time in a time zone, formatted with a strftime format.',
  parameters: [
    { name: 'timezone', type: 'string', required: false, default: 'UTC', description: 'IANA time zone, e.g. Asia/Tokyo' },
    { name: 'format', type: 'string', required: false, default: '%Y-%m-%d %H:%M:%S %Z', description: 'strftime format' },
  ],
  invoke(params, env) {
    const tz = str(params, 'timezone') || 'UTC';
    const format = str(params, 'format') || '%Y-%m-%d %H:%M:%S %Z';
    if (!isTimeZone(tz)) return textOutput(`Invalid timezone: ${tz}`);
    return textOutput(strftime(env.now(), tz, format));
  },
};

const timezoneConversion: BuiltinTool = {
  name: 'timezone_conversion',
  label: 'Timezone Conversion',
  description: "Converts a 'YYYY-MM-DD HH:MM:SS' time from one time zone to another.",
  parameters: [
    { name: 'current_time', type: 'string', required: true, description: 'YYYY-MM-DD HH:MM:SS' },
    { name: 'current_timezone', type: 'string', required: true, default: 'Asia/Shanghai', description: 'IANA time zone of current_time' },
    { name: 'target_timezone', type: 'string', required: true, default: 'Asia/Tokyo', description: 'IANA time zone to convert to' },
  ],
  invoke(params) {
    const from = zone(str(params, 'current_timezone') || 'Asia/Shanghai');
    const to = zone(str(params, 'target_timezone') || 'Asia/Tokyo');
    return textOutput(strftime(instantOf(parseLocal(str(params, 'current_time')), from), to, LOCAL_FORMAT));
  },
};

const localtimeToTimestamp: BuiltinTool = {
  name: 'localtime_to_timestamp',
  label: 'Localtime to Timestamp',
  description: "A 'YYYY-MM-DD HH:MM:SS' time in a time zone as a Unix timestamp (seconds).",
  parameters: [
    { name: 'localtime', type: 'string', required: true, description: 'YYYY-MM-DD HH:MM:SS' },
    { name: 'timezone', type: 'string', required: false, default: 'Asia/Shanghai', description: 'IANA time zone' },
  ],
  invoke(params) {
    const tz = zone(str(params, 'timezone') || 'Asia/Shanghai');
    return textOutput(String(Math.floor(instantOf(parseLocal(str(params, 'localtime')), tz) / 1000)));
  },
};

const timestampToLocaltime: BuiltinTool = {
  name: 'timestamp_to_localtime',
  label: 'Timestamp to Localtime',
  description: "A Unix timestamp (seconds) as 'YYYY-MM-DD HH:MM:SS' in a time zone.",
  parameters: [
    { name: 'timestamp', type: 'number', required: true, description: 'Unix timestamp in seconds' },
    { name: 'timezone', type: 'string', required: false, default: 'Asia/Shanghai', description: 'IANA time zone' },
  ],
  invoke(params) {
    const ts = Number(params.timestamp ?? 0);
    const tz = zone(str(params, 'timezone') || 'Asia/Shanghai');
    if (!Number.isFinite(ts) || Math.abs(ts) > 253402300799)
      throw new ToolInvokeError(`timestamp out of range: ${String(params.timestamp)}`);
    return textOutput(strftime(Math.floor(ts * 1000), tz, LOCAL_FORMAT));
  },
};

const weekday: BuiltinTool = {
  name: 'weekday',
  label: 'Weekday Calculator',
  description: 'The day of the week of a date.',
  parameters: [
    { name: 'year', type: 'number', required: true, description: 'year' },
    { name: 'month', type: 'number', required: true, description: 'month, 1-12' },
    { name: 'day', type: 'number', required: true, description: 'day of the month' },
  ],
  invoke(params) {
    const [year, month, day] = ['year', 'month', 'day'].map((k) => Number(params[k]));
    if (params.month === undefined || params.month === null) throw new ToolInvokeError('Month is required');
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    const valid =
      [year, month, day].every(Number.isInteger) &&
      year >= 1 &&
      year <= 9999 &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day;
    if (!valid) return textOutput(`Invalid date: Year ${String(params.year)}, Month ${String(params.month)}, Day ${String(params.day)}.`);
    return textOutput(`${MONTHS[month - 1]} ${day}, ${year} is ${DAYS[date.getUTCDay()]}.`);
  },
};

export const timeToolProvider: BuiltinToolProvider = {
  id: 'time',
  aliases: ['langgenius/time/time'],
  label: 'CurrentTime',
  tools: [currentTime, timezoneConversion, localtimeToTimestamp, timestampToLocaltime, weekday],
};
