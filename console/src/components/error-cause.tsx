import { prettyJson } from './format.js';
import { structuredCause } from './structured-cause.js';

/** An error and its cause: a structured view of Lambda-style causes (message, type, stack), the raw text one click away. */
export function ErrorCause({ error, cause, testId }: { readonly error: string | undefined; readonly cause: string | undefined; readonly testId?: string }) {
  const parsed = structuredCause(cause);
  return (
    <div className="error-cause" data-testid={testId}>
      <p className="error-head">
        <strong data-testid="error-name">{error ?? 'Error'}</strong>
        {parsed?.type !== undefined && parsed.type !== error && <span className="muted"> ({parsed.type})</span>}
        {parsed === undefined && cause !== undefined && <span data-testid="error-cause-text"> {cause}</span>}
      </p>
      {parsed !== undefined && (
        <>
          {parsed.message !== undefined && <p data-testid="error-message">{parsed.message}</p>}
          {parsed.stack.length > 0 && (
            <details open>
              <summary>Stack trace ({parsed.stack.length} lines)</summary>
              <pre className="stack" data-testid="error-stack">{parsed.stack.join('\n')}</pre>
            </details>
          )}
          {parsed.requestId !== undefined && <p className="muted small-text">Request id {parsed.requestId}</p>}
          <details>
            <summary>Raw cause</summary>
            <pre>{prettyJson(cause)}</pre>
          </details>
        </>
      )}
    </div>
  );
}
