import { useEffect, useState } from 'react';
import { consoleApi, type Invocation } from '../api/sfn-client.js';
import { ErrorNote } from '../components/format.js';

const ms = (v: number | undefined): string => (v === undefined ? '—' : v < 1000 ? `${v.toFixed(1)} ms` : `${(v / 1000).toFixed(2)} s`);
const memory = (i: Invocation): string => (i.maxMemoryUsedMB === undefined ? '—' : `${i.maxMemoryUsedMB}${i.memoryMB === undefined ? '' : ` / ${i.memoryMB}`} MB`);

/** One invocation: a summary line (time, request id, outcome, duration, memory) expanding to its log. */
export function InvocationEntry({ invocation: i, open = false, showCaller = false }: { readonly invocation: Invocation; readonly open?: boolean; readonly showCaller?: boolean }) {
  return (
    <details className="invocation" open={open} data-testid="invocation">
      <summary>
        <span className={`badge ${i.ok ? 'status-succeeded' : 'status-failed'}`}>{i.ok ? 'ok' : 'error'}</span> {new Date(i.endedAt).toLocaleTimeString()} · <span title="Duration">{ms(i.durationMs)}</span> ·{' '}
        <span title="Max memory used / memory size">{memory(i)}</span> · <span className="mono small-text">{i.requestId}</span>
        {showCaller && i.stateName !== undefined && <span className="muted"> · state {i.stateName}</span>}
      </summary>
      <pre className="log" data-testid="invocation-log">
        {i.logs}
      </pre>
    </details>
  );
}

/**
 * The function logs of a Lambda Task state in this execution: every invocation it made (retries,
 * Map iterations), oldest first. While time travelling, only those that had ended by then.
 */
export function StateFunctionLogs({ executionArn, stateName, version, until }: { readonly executionArn: string; readonly stateName: string; readonly version: number; readonly until?: number }) {
  const [invocations, setInvocations] = useState<Invocation[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    consoleApi<{ invocations: Invocation[] }>('function-logs', { executionArn, stateName }).then(
      (r) => live && (setInvocations(r.invocations), setError(undefined)),
      (e: unknown) => live && setError(e),
    );
    return () => void (live = false);
  }, [executionArn, stateName, version]);
  const shown = invocations?.filter((i) => until === undefined || i.endedAt <= until);
  return (
    <section aria-label="Function logs" data-testid="function-logs">
      <h4>Function logs{shown !== undefined && shown.length > 1 ? ` (${shown.length} invocations)` : ''}</h4>
      <ErrorNote error={error} />
      {shown === undefined ? (
        <p className="muted">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="muted small-text">No invocation log kept for this state (the server keeps the newest 200 invocations of each function, for 7 days).</p>
      ) : (
        shown.map((i, n) => <InvocationEntry key={i.requestId} invocation={i} open={n === shown.length - 1} />)
      )}
    </section>
  );
}

/** A Task resource served by a Lambda function, as the history names it (`lambda:invoke…` or a function ARN). */
export const isLambdaTask = (resource: string | undefined): boolean => resource !== undefined && (resource.startsWith('lambda:invoke') || /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(resource));
