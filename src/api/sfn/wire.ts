/** awsJson1_0 sends timestamps as epoch seconds (fractions for milliseconds); the SDKs refuse ISO text. */
export function epochSeconds(date: Date | number): number {
  return (typeof date === 'number' ? date : date.getTime()) / 1000;
}

/** Drops undefined members so the JSON body carries only what AWS would send. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
