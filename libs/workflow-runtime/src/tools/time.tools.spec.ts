import { builtinTool } from './builtin-tools';

const NOW = Date.UTC(2026, 10, 30, 12, 34, 56, 789); // Monday
const env = { now: () => NOW };
const run = (tool: string, params: Record<string, unknown>) =>
  (builtinTool('time', tool) as NonNullable<ReturnType<typeof builtinTool>>).invoke(params, env).text;

describe('time tools', () => {
  it('current_time formats the clock in UTC by default with Dify’s default format', () => {
    expect(run('current_time', {})).toBe('2026-11-30 12:34:56 UTC');
  });

  it('current_time reads a time zone and a strftime format', () => {
    expect(run('current_time', { timezone: 'Asia/Tokyo', format: '%Y/%m/%d %H:%M %a %B %z' })).toBe('2026/11/30 21:34 Mon November +0900');
    expect(run('current_time', { timezone: 'America/New_York', format: '%I:%M %p %j %%' })).toBe('07:34 AM 334 %');
  });

  it('current_time answers an unknown time zone as Dify does, in text', () => {
    expect(run('current_time', { timezone: 'Mars/Olympus' })).toBe('Invalid timezone: Mars/Olympus');
  });

  it('timezone_conversion converts wall-clock times between zones', () => {
    expect(
      run('timezone_conversion', {
        current_time: '2026-11-30 08:00:00',
        current_timezone: 'Asia/Shanghai',
        target_timezone: 'Europe/London',
      }),
    ).toBe('2026-11-30 00:00:00');
    // across a daylight-saving change: New York is UTC-4 in July
    expect(
      run('timezone_conversion', { current_time: '2026-07-01 12:00:00', current_timezone: 'America/New_York', target_timezone: 'UTC' }),
    ).toBe('2026-07-01 16:00:00');
  });

  it('localtime_to_timestamp and timestamp_to_localtime are inverse', () => {
    expect(run('localtime_to_timestamp', { localtime: '2026-11-30 20:34:56', timezone: 'Asia/Shanghai' })).toBe(
      String(Math.floor(NOW / 1000)),
    );
    expect(run('timestamp_to_localtime', { timestamp: Math.floor(NOW / 1000), timezone: 'Asia/Shanghai' })).toBe('2026-11-30 20:34:56');
  });

  it('a malformed local time or zone is a tool error', () => {
    expect(() => run('localtime_to_timestamp', { localtime: '30/11/2026', timezone: 'UTC' })).toThrow(/does not match format/);
    expect(() => run('localtime_to_timestamp', { localtime: '2026-02-30 00:00:00', timezone: 'UTC' })).toThrow(/not a valid date/);
    expect(() =>
      run('timezone_conversion', { current_time: '2026-11-30 08:00:00', current_timezone: 'Nowhere', target_timezone: 'UTC' }),
    ).toThrow(/unknown time zone 'Nowhere'/);
  });

  it('weekday names the day, and answers an impossible date in text', () => {
    expect(run('weekday', { year: 2026, month: 11, day: 30 })).toBe('November 30, 2026 is Monday.');
    expect(run('weekday', { year: 2024, month: 2, day: 29 })).toBe('February 29, 2024 is Thursday.');
    expect(run('weekday', { year: 2026, month: 2, day: 30 })).toBe('Invalid date: Year 2026, Month 2, Day 30.');
  });
});
