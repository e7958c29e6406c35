import { useEffect, useState } from 'react';
import { consoleApi, type Invocation } from '../api/sfn-client.js';
import { tokenHeaders } from '../api/console-token.js';
import { ErrorNote, prettyJson } from '../components/format.js';
import { href } from '../router.js';
import { InvocationEntry } from './function-logs.js';

interface FunctionConfig {
  readonly FunctionName: string;
  readonly Runtime?: string;
  readonly Handler?: string;
  readonly MemorySize?: number;
  readonly Timeout?: number;
  readonly LastModified?: string;
  readonly Description?: string;
}

interface InvokeResult {
  readonly status: number;
  readonly functionError?: string;
  readonly payload: string;
  readonly log?: string;
  readonly ms: number;
}

/** Lambda's logs come back base64-encoded in X-Amz-Log-Result (the last 4 KB). */
const decodeLog = (b64: string | null): string | undefined => {
  if (b64 === null) return undefined;
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
};

/** A function's recent invocations (the server keeps the newest 200), newest first, each expanding to its log. */
function RecentInvocations({ name, version }: { readonly name: string; readonly version: number }) {
  const [invocations, setInvocations] = useState<Invocation[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    consoleApi<{ invocations: Invocation[] }>(`functions/${encodeURIComponent(name)}/invocations`, { limit: 25 }).then(
      (r) => live && (setInvocations(r.invocations), setError(undefined)),
      (e: unknown) => live && setError(e),
    );
    return () => void (live = false);
  }, [name, version]);
  return (
    <section aria-label="Recent invocations" data-testid="recent-invocations">
      <h3>Recent invocations</h3>
      <ErrorNote error={error} />
      {invocations === undefined ? (
        <p className="muted">Loading…</p>
      ) : invocations.length === 0 ? (
        <p className="muted small-text">None since the server started.</p>
      ) : (
        invocations.map((i) => (
          <div key={i.requestId}>
            <InvocationEntry invocation={i} showCaller />
            {i.executionArn !== undefined && (
              <p className="small-text invocation-caller">
                by <a href={href.execution(i.executionArn)}>{i.executionArn.split(':').pop()}</a>
              </p>
            )}
          </div>
        ))
      )}
    </section>
  );
}

/** Functions (the Lambda API at /2015-03-31/functions): configuration, recent invocations with their logs, and a test invoke. */
export function FunctionsPage() {
  const [functions, setFunctions] = useState<FunctionConfig[] | undefined>();
  const [selected, setSelected] = useState<string | undefined>();
  const [payload, setPayload] = useState('{}');
  const [result, setResult] = useState<InvokeResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // Bumped after a test invoke so the recent invocations refetch.
  const [invocations, setInvocations] = useState(0);
  useEffect(() => {
    fetch('/2015-03-31/functions', { headers: tokenHeaders() })
      .then(async (r) => ((await r.json()) as { Functions: FunctionConfig[] }).Functions)
      .then(setFunctions, setError);
  }, []);
  const fn = functions?.find((f) => f.FunctionName === selected);
  const invoke = async () => {
    if (fn === undefined) return;
    setBusy(true);
    setError(undefined);
    const t0 = performance.now();
    try {
      const r = await fetch(`/2015-03-31/functions/${encodeURIComponent(fn.FunctionName)}/invocations`, { method: 'POST', headers: { 'x-amz-log-type': 'Tail', 'content-type': 'application/json', ...tokenHeaders() }, body: payload });
      setResult({ status: r.status, functionError: r.headers.get('x-amz-function-error') ?? undefined, payload: await r.text(), log: decodeLog(r.headers.get('x-amz-log-result')), ms: Math.round(performance.now() - t0) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      setInvocations((n) => n + 1);
    }
  };
  let payloadError: string | undefined;
  try {
    JSON.parse(payload);
  } catch (e) {
    payloadError = e instanceof Error ? e.message : String(e);
  }
  return (
    <div className="page">
      <div className="page-head">
        <h1>Functions</h1>
      </div>
      <ErrorNote error={error} />
      <div className="split">
        <section className="panel" aria-label="Functions">
          {functions === undefined ? (
            <p className="muted">Loading…</p>
          ) : functions.length === 0 ? (
            <p className="muted">No functions.</p>
          ) : (
            <div className="table-wrap">
              <table className="list" data-testid="functions">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Runtime</th>
                    <th>Memory</th>
                    <th>Timeout</th>
                  </tr>
                </thead>
                <tbody>
                  {functions.map((f) => (
                    <tr key={f.FunctionName} className={f.FunctionName === selected ? 'at' : ''}>
                      <td>
                        <button type="button" className="link" onClick={() => (setSelected(f.FunctionName), setResult(undefined))}>
                          {f.FunctionName}
                        </button>
                      </td>
                      <td>{f.Runtime ?? '—'}</td>
                      <td>{f.MemorySize === undefined ? '—' : `${f.MemorySize} MB`}</td>
                      <td>{f.Timeout === undefined ? '—' : `${f.Timeout} s`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section className="panel" aria-label="Function">
          {fn === undefined ? (
            <p className="muted">Choose a function to see its configuration and invoke it.</p>
          ) : (
            <>
              <h2>{fn.FunctionName}</h2>
              <pre>{prettyJson(JSON.stringify(fn))}</pre>
              <label>
                Test event (JSON)
                <textarea className="mono" rows={6} value={payload} onChange={(e) => setPayload(e.target.value)} spellCheck={false} />
              </label>
              {payloadError !== undefined && <p className="field-error">Not JSON: {payloadError}</p>}
              <button type="button" className="primary" disabled={busy || payloadError !== undefined} onClick={() => void invoke()}>
                Test invoke
              </button>
              {result !== undefined && (
                <div data-testid="invoke-result">
                  <h4>
                    {result.functionError !== undefined ? `Failed (${result.functionError})` : 'Succeeded'} · HTTP {result.status} · {result.ms} ms
                  </h4>
                  <pre>{prettyJson(result.payload)}</pre>
                  <h4>Log</h4>
                  <pre>{result.log ?? '—'}</pre>
                </div>
              )}
              <RecentInvocations name={fn.FunctionName} version={invocations} />
            </>
          )}
        </section>
      </div>
    </div>
  );
}
