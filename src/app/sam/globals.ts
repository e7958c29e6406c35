/**
 * SAM's Globals section merged into a resource's properties, by SAM's rules: a scalar of the
 * resource replaces the global one, maps merge key by key (the resource's keys win), and lists
 * add up (the global entries first), so `Globals.Function.Environment.Variables` and a function's
 * own variables both apply.
 */

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The `Globals` key that applies to a resource type, if SAM has one. */
export function globalsKeyOf(type: string): string | undefined {
  if (type === 'AWS::Serverless::Function') return 'Function';
  if (type === 'AWS::Serverless::StateMachine') return 'StateMachine';
  return undefined;
}

export function mergeGlobals(global: unknown, own: unknown): unknown {
  if (own === undefined) return global;
  if (global === undefined) return own;
  if (Array.isArray(global) && Array.isArray(own)) return [...global, ...own];
  if (isRecord(global) && isRecord(own) && !isIntrinsic(global) && !isIntrinsic(own)) {
    const out: Record<string, unknown> = { ...global };
    for (const [k, v] of Object.entries(own)) out[k] = mergeGlobals(global[k], v);
    return out;
  }
  return own;
}

/** `{ "Ref": … }` and `{ "Fn::…": … }` are values, not maps to merge into. */
function isIntrinsic(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}
