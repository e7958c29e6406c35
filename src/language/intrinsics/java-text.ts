import { isJsonObject, type Json } from '../json.js';

/*
 * AWS evaluates intrinsics in Java (Jackson for JSON). Where text comes out of a value, it is the
 * text Java would print, not JavaScript's: these functions reproduce that.
 */

/**
 * A number as Java prints it. Whole numbers came from integer literals (Jackson keeps them as
 * int/long/BigInteger) and print as digits; other numbers are doubles and print as
 * `Double.toString` does: plain between 1e-3 and 1e7, otherwise `1.2345E7` / `1.0E-5`.
 * (Whole numbers of 1e21 and more are printed as doubles too: JavaScript no longer has their digits.)
 */
export function javaNumberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = String(n);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  // toExponential() with no argument gives the shortest digits that round-trip, as Java 19+ does.
  const [mantissa, exponent] = n.toExponential().split('e');
  const digits = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${digits}E${Number(exponent)}`;
}

/** Compact JSON text as Jackson writes it (States.JsonToString). */
export function jacksonJson(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return javaNumberText(value);
  if (typeof value === 'string') return jacksonString(value);
  if (Array.isArray(value)) return `[${value.map(jacksonJson).join(',')}]`;
  return `{${Object.keys(value)
    .map((k) => `${jacksonString(k)}:${jacksonJson(value[k])}`)
    .join(',')}}`;
}

/** Jackson escapes like JSON.stringify, but writes \u escapes with upper-case hex digits. */
function jacksonString(s: string): string {
  return JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`);
}

/**
 * A value as Java's `toString` prints it, which is what States.Format substitutes: strings bare,
 * arrays as `[a, b]`, objects as `{k=v, k2=v2}` (AWS formats these although the spec forbids them).
 */
export function javaToString(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return javaNumberText(value);
  if (Array.isArray(value)) return `[${value.map(javaToString).join(', ')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .map((k) => `${k}=${javaToString(value[k])}`)
      .join(', ')}}`;
  }
  return String(value);
}
