import { describe, expect, it } from 'vitest';
import {
  compareInstants,
  invalidTimestampFieldCause,
  invalidTimestampPathCause,
  parsePreciseTimestamp,
  parseTimestamp,
} from '../../src/language/timestamp.js';

describe('parseTimestamp', () => {
  it('reads a UTC timestamp with Z as epoch milliseconds', () => {
    expect(parseTimestamp('2016-03-14T01:59:00Z')).toBe(Date.UTC(2016, 2, 14, 1, 59, 0));
  });

  it('applies a numeric offset', () => {
    expect(parseTimestamp('2012-10-09T19:00:55+01:00')).toBe(Date.UTC(2012, 9, 9, 18, 0, 55));
    expect(parseTimestamp('2012-10-09T19:00:55-05:30')).toBe(Date.UTC(2012, 9, 10, 0, 30, 55));
  });

  it('accepts fractional seconds up to nanoseconds, truncating to milliseconds (scenarios/test_wait_timestamp_NANOSECONDS)', () => {
    expect(parseTimestamp('2016-03-05T21:29:29.243167252Z')).toBe(Date.UTC(2016, 2, 5, 21, 29, 29, 243));
    expect(parseTimestamp('2026-11-24T16:18:40.00Z')).toBe(Date.UTC(2026, 10, 24, 16, 18, 40));
    expect(parseTimestamp('2026-11-24T16:18:40.5Z')).toBe(Date.UTC(2026, 10, 24, 16, 18, 40, 500));
  });

  it('refuses a timestamp without an offset (scenarios/test_wait_timestamp_path_NO_Z, base/test_wait_timestamppath_.000000)', () => {
    expect(parseTimestamp('2016-12-05T21:29:29')).toBeUndefined();
    expect(parseTimestamp('2026-11-24T16:18:40.000000')).toBeUndefined();
  });

  it('refuses a space instead of T (scenarios/test_wait_timestamp_path_NO_T)', () => {
    expect(parseTimestamp('2016-12-05 21:29:29Z')).toBeUndefined();
    expect(parseTimestamp('2023-02-24 12:15:56.832957')).toBeUndefined();
  });

  it('refuses lowercase t and z, as the ASL specification requires uppercase', () => {
    expect(parseTimestamp('2016-12-05t21:29:29Z')).toBeUndefined();
    expect(parseTimestamp('2016-12-05T21:29:29z')).toBeUndefined();
  });

  it('refuses impossible dates and times (INVALID_DATE, INVALID_TIME, INVALID_ISO cases)', () => {
    expect(parseTimestamp('2016-13-05T21:29:29Z')).toBeUndefined();
    expect(parseTimestamp('2016-12-05T25:29:29Z')).toBeUndefined();
    expect(parseTimestamp('05-12-2016T21:29:29Z')).toBeUndefined();
    expect(parseTimestamp('2023-02-30T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp('2023-02-29T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp('2016-12-05T23:59:60Z')).toBeUndefined();
    expect(parseTimestamp('2016-12-05T23:60:00Z')).toBeUndefined();
  });

  it('accepts February 29 in a leap year', () => {
    expect(parseTimestamp('2024-02-29T12:00:00Z')).toBe(Date.UTC(2024, 1, 29, 12));
  });

  it('refuses minutes-only times, more than nine fraction digits, offsets without a colon or beyond 18 hours', () => {
    expect(parseTimestamp('2016-12-05T21:29Z')).toBeUndefined();
    expect(parseTimestamp('2016-12-05T21:29:29.1234567891Z')).toBeUndefined();
    expect(parseTimestamp('2016-12-05T21:29:29+0100')).toBeUndefined();
    expect(parseTimestamp('2016-12-05T21:29:29+19:00')).toBeUndefined();
    expect(parseTimestamp('2016-12-05T21:29:29.Z')).toBeUndefined();
  });

  it('refuses dates only and surrounding whitespace', () => {
    expect(parseTimestamp('2023-02-24')).toBeUndefined();
    expect(parseTimestamp(' 2016-12-05T21:29:29Z')).toBeUndefined();
  });

  it('keeps years below 100 as written', () => {
    expect(parseTimestamp('0050-01-01T00:00:00Z')).toBe(new Date('0050-01-01T00:00:00Z').getTime());
  });
});

describe('parsePreciseTimestamp', () => {
  it('orders instants that differ below a millisecond', () => {
    const a = parsePreciseTimestamp('2016-03-05T21:29:29.243167252Z');
    const b = parsePreciseTimestamp('2016-03-05T21:29:29.243167253Z');
    expect(a && b && compareInstants(a, b)).toBeLessThan(0);
  });

  it('treats the same instant written with different offsets as equal', () => {
    const a = parsePreciseTimestamp('2012-10-09T19:00:55+01:00');
    const b = parsePreciseTimestamp('2012-10-09T18:00:55Z');
    expect(a && b && compareInstants(a, b)).toBe(0);
  });
});

describe('Wait timestamp causes', () => {
  it('names the Timestamp field value as recorded (scenarios/test_wait_timestamp_jsonata_INVALID_DATE)', () => {
    expect(invalidTimestampFieldCause('2016-13-05T21:29:29Z')).toBe(
      'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-13-05T21:29:29Z',
    );
  });

  it('names the TimestampPath and its value as recorded (scenarios/test_wait_timestamp_path_NO_Z)', () => {
    expect(invalidTimestampPathCause('$.TimestampValue', '2016-12-05T21:29:29')).toBe(
      'The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == 2016-12-05T21:29:29',
    );
  });
});
