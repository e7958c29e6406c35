/** A Lambda-style cause (`{"errorMessage", "errorType"}` with Node's `trace` or Python's `stackTrace`), taken apart; undefined when the cause is not one. */
export interface StructuredCause {
  readonly message?: string;
  readonly type?: string;
  readonly stack: readonly string[];
  readonly requestId?: string;
}

export function structuredCause(cause: string | undefined): StructuredCause | undefined {
  if (cause === undefined || !cause.trimStart().startsWith('{')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(cause);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
  const message = str(o.errorMessage) ?? str(o.message) ?? str(o.Message);
  const type = str(o.errorType);
  if (message === undefined && type === undefined) return undefined;
  // Node's `trace` is one line per frame; Python's `stackTrace` frames are "  File …\n    code\n" strings.
  const trace = o.stackTrace ?? o.trace;
  const raw = Array.isArray(trace) ? trace : typeof trace === 'string' ? trace.split('\n') : [];
  const stack = raw.flatMap((f) => (typeof f === 'string' ? f.split('\n') : Array.isArray(f) ? [f.map(String).join(', ')] : [])).map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  return { message, type, stack, requestId: str(o.requestId) };
}
