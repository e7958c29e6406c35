/**
 * Timestamps as Step Functions accepts them: Choice `Timestamp*` operators, `IsTimestamp`, Wait
 * `Timestamp` / `TimestampPath`.
 *
 * The ASL specification asks for the RFC 3339 profile of ISO 8601 "with the further restrictions
 * that an uppercase T must separate the date and time portions, and an uppercase Z must denote that
 * a numeric time zone offset is not present". The recordings agree: AWS accepts
 * `2016-03-05T21:29:29.243167252Z` (nanoseconds) and `2026-11-24T16:18:40.00Z`, and refuses
 * `2016-12-05 21:29:29Z` (no T), `2016-12-05T21:29:29` and `…40.000000` (no offset),
 * `2016-13-05T…` (month 13), `…T25:29:29Z` (hour 25) and `05-12-2016T…` (see conformance
 * scenarios/test_wait_timestamp_* and base/test_wait_timestamppath_*). Its error text names the
 * format "ISO-8601 extended offset date-time", i.e. java.time's OffsetDateTime, whose strict
 * resolver also refuses impossible dates (Feb 30) and leap seconds (:60) and caps fractions at
 * nanoseconds (9 digits) and offsets at ±18:00.
 */

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** An instant with nanosecond precision: AWS compares timestamps as java.time Instants. */
export interface PreciseInstant {
  /** Whole milliseconds since the epoch (floor). */
  readonly epochMillis: number;
  /** Nanoseconds within that millisecond, 0–999999. */
  readonly nanos: number;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parses a timestamp to an instant with nanosecond precision; undefined when AWS would refuse it. */
export function parsePreciseTimestamp(text: string): PreciseInstant | undefined {
  const m = TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetMins > 59 || offsetHours * 60 + offsetMins > 18 * 60) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const fraction = (m[7] ?? '').padEnd(9, '0');
  const millisOfSecond = Number(fraction.slice(0, 3));
  const nanos = Number(fraction.slice(3));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear keeps the year as written.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millisOfSecond));
  date.setUTCFullYear(year);
  return { epochMillis: date.getTime() - offsetMinutes * 60_000, nanos };
}

/** Epoch milliseconds of a timestamp AWS accepts (sub-millisecond digits truncated); undefined otherwise. */
export function parseTimestamp(text: string): number | undefined {
  return parsePreciseTimestamp(text)?.epochMillis;
}

/** Orders two instants: negative, zero or positive. */
export function compareInstants(a: PreciseInstant, b: PreciseInstant): number {
  return a.epochMillis !== b.epochMillis ? a.epochMillis - b.epochMillis : a.nanos - b.nanos;
}

/**
 * Wait `Timestamp` (JSONata) that does not parse, with States.QueryEvaluationError
 * (conformance scenarios/test_wait_timestamp_jsonata_INVALID_*, NO_T).
 */
export function invalidTimestampFieldCause(value: string): string {
  return `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${value}`;
}

/**
 * Wait `TimestampPath` whose value does not parse, with States.Runtime
 * (conformance scenarios/test_wait_timestamp_path_*, base/test_wait_timestamppath_.000000).
 */
export function invalidTimestampPathCause(path: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${text}`;
}
