/**
 * Parses a `Retry-After` header value into the milliseconds to wait from `nowMs`.
 *
 * Accepts delay-seconds (`120`; decimal seconds such as `1.5` leniently, as some servers send
 * them) and an HTTP-date in any of the three formats RFC 9110 requires recipients to read:
 * IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 format
 * (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). Dates are parsed
 * here rather than with `Date.parse`, whose leniency differs between engines and which accepts
 * strings such as `"1"` as dates.
 *
 * A date in the past gives `0`. An empty, negative or malformed value gives `undefined`. Huge
 * values are returned as they are (possibly `Infinity`): capping them is the breaker's job
 * (`maxRetryAfterMs`).
 *
 * @param value - the header value, or `null`/`undefined` when the header is absent
 * @param nowMs - the current time in epoch milliseconds, from the breaker's clock
 * @see {@link https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 | RFC 9110 §10.2.3 Retry-After}
 * @see {@link https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7 | RFC 9110 §5.6.7 Date/Time Formats}
 * @example `parseRetryAfter(response.headers.get('retry-after'), clock.now())`
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  return retryAfterMs(value, nowMs);
}

/**
 * {@link parseRetryAfter} with the current time read only when the value is an HTTP-date and
 * `nowMs` was not given; for the standalone default classifier. Not part of the public API.
 */
export function retryAfterMs(
  value: string | null | undefined,
  nowMs: number | undefined,
): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text.length === 0) return undefined;
  if (seconds.test(text)) {
    const ms = Number(text) * 1000;
    return Number.isInteger(ms) ? ms : Math.ceil(ms);
  }
  const date = parseHttpDate(text, nowMs);
  if (date === undefined) return undefined;
  // Only a bare default classifier without a clock gets here without `nowMs`: the breaker
  // always passes its clock's time.
  const now = nowMs ?? Date.now();
  return date > now ? date - now : 0;
}

/** delay-seconds is `1*DIGIT`; a fraction is tolerated because real servers send one. */
const seconds = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

const months: Readonly<Record<string, number>> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

const day = '(?:mon|tue|wed|thu|fri|sat|sun)';
const longDay = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const month = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const time = '(\\d{2}):(\\d{2}):(\\d{2})';

// Case-insensitive and tolerant of repeated spaces: real servers are sloppy, and the exact
// formats leave no room for a string that is not a date to match.
const imfFixdate = new RegExp(
  `^${day},\\s+(\\d{1,2})\\s+${month}\\s+(\\d{4})\\s+${time}\\s+GMT$`,
  'i',
);
const rfc850 = new RegExp(`^${longDay},\\s+(\\d{1,2})-${month}-(\\d{2})\\s+${time}\\s+GMT$`, 'i');
const asctime = new RegExp(`^${day}\\s+${month}\\s+(\\d{1,2})\\s+${time}\\s+(\\d{4})$`, 'i');

/** Parses an HTTP-date into epoch milliseconds; `undefined` when it is not one. */
function parseHttpDate(text: string, nowMs: number | undefined): number | undefined {
  let m = imfFixdate.exec(text);
  if (m !== null) return toEpoch(m[3], m[2], m[1], m[4], m[5], m[6]);
  m = asctime.exec(text);
  if (m !== null) return toEpoch(m[6], m[1], m[2], m[3], m[4], m[5]);
  m = rfc850.exec(text);
  if (m === null) return undefined;
  // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is the most recent past
  // year with the same last two digits.
  const currentYear = new Date(nowMs ?? Date.now()).getUTCFullYear();
  let year = Math.floor(currentYear / 100) * 100 + Number(m[3]);
  if (year > currentYear + 50) year -= 100;
  return toEpoch(String(year), m[2], m[1], m[4], m[5], m[6]);
}

function toEpoch(
  year = '',
  monthName = '',
  dayOfMonth = '',
  hours = '',
  minutes = '',
  secs = '',
): number | undefined {
  const monthIndex = months[monthName.toLowerCase()];
  const d = Number(dayOfMonth);
  const h = Number(hours);
  const min = Number(minutes);
  const s = Number(secs);
  // 60 seconds is a leap second, which Date.UTC rolls into the next minute.
  if (monthIndex === undefined || d < 1 || d > 31 || h > 23 || min > 59 || s > 60) {
    return undefined;
  }
  const epoch = Date.UTC(Number(year), monthIndex, d, h, min, s);
  // Reject dates that do not exist, such as 31 Feb, instead of rolling them into March.
  if (new Date(epoch).getUTCDate() !== d && s !== 60) return undefined;
  return epoch;
}
