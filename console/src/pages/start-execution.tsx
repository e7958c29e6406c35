import { useState } from 'react';
import { sfn } from '../api/sfn-client.js';
import { ErrorNote } from '../components/format.js';
import { href, navigate } from '../router.js';

const inputKey = (arn: string) => `stepwright.lastInput.${arn}`;

/** Quotes for a POSIX shell: everything inside single quotes, `'` as `'\''`. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function cliLine(origin: string, arn: string, name: string, input: string): string {
  let compact = input;
  try {
    compact = JSON.stringify(JSON.parse(input));
  } catch {
    // Shown as typed; StartExecution will refuse it.
  }
  return ['aws stepfunctions start-execution', `--endpoint-url ${origin}`, `--state-machine-arn ${shellQuote(arn)}`, name !== '' ? `--name ${shellQuote(name)}` : '', `--input ${shellQuote(compact)}`]
    .filter(Boolean)
    .join(' ');
}

/** Name and input (the last input used on this machine is remembered), the same as a CLI line, Start. */
export function StartExecution({ stateMachineArn, onClose }: { readonly stateMachineArn: string; readonly onClose: () => void }) {
  const [name, setName] = useState('');
  const [input, setInput] = useState(() => localStorage.getItem(inputKey(stateMachineArn)) ?? '{\n  "Comment": "Insert your JSON here"\n}');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  let inputError: string | undefined;
  try {
    JSON.parse(input);
  } catch (e) {
    inputError = e instanceof Error ? e.message : String(e);
  }
  const start = async () => {
    setBusy(true);
    try {
      try {
        localStorage.setItem(inputKey(stateMachineArn), input);
      } catch {
        // Storage full (a few 256 KB inputs fill a browser's 5 MB): remembering the input is a nicety, starting is not.
      }
      const r = await sfn<{ executionArn: string }>('StartExecution', { stateMachineArn, input, ...(name.trim() !== '' ? { name: name.trim() } : {}) });
      navigate(href.execution(r.executionArn));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel start-execution" aria-label="Start execution">
      <h2>Start execution</h2>
      <label>
        Name <span className="muted">(optional; a unique id is made when empty)</span>
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} data-testid="execution-name" />
      </label>
      <label>
        Input (JSON)
        <textarea value={input} onChange={(e) => setInput(e.target.value)} rows={10} spellCheck={false} className="mono" data-testid="execution-input" />
      </label>
      {inputError !== undefined && <p className="field-error">Not JSON: {inputError}</p>}
      <details>
        <summary>The same from the AWS CLI</summary>
        <pre className="cli" data-testid="cli-line">{cliLine(window.location.origin, stateMachineArn, name.trim(), input)}</pre>
      </details>
      <ErrorNote error={error} />
      <div className="actions">
        <button type="button" className="primary" disabled={busy || inputError !== undefined} onClick={() => void start()}>
          Start execution
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </section>
  );
}
