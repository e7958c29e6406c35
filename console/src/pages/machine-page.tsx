import { useCallback, useEffect, useMemo, useState } from 'react';
import { stringify as toYaml } from 'yaml';
import { DEFAULT_ROLE_ARN, sfn, type Diagnostic, type StateMachineDescription } from '../api/sfn-client.js';
import { ErrorNote } from '../components/format.js';
import { DefinitionEditor, toDefinitionJson, type SourceFormat } from '../editor/definition-editor.js';
import { StateMachineGraph } from '../graph/state-machine-graph.js';
import { href, navigate } from '../router.js';
import { StartExecution } from './start-execution.js';

const NEW_DEFINITION = `{
  "Comment": "A new state machine",
  "StartAt": "Hello",
  "States": {
    "Hello": {
      "Type": "Pass",
      "Result": { "greeting": "Hello" },
      "Next": "Done"
    },
    "Done": { "Type": "Succeed" }
  }
}
`;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** A machine's definition (edit with validation), its graph, and Start execution; or a new machine. */
export function MachinePage({ arn, dark, query }: { readonly arn?: string; readonly dark: boolean; readonly query: URLSearchParams }) {
  const isNew = arn === undefined;
  const [machine, setMachine] = useState<StateMachineDescription | undefined>();
  const [name, setName] = useState('');
  const [type, setType] = useState<'STANDARD' | 'EXPRESS'>('STANDARD');
  const [format, setFormat] = useState<SourceFormat>('json');
  const [text, setText] = useState(isNew ? NEW_DEFINITION : '');
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string | undefined>();
  const [showStart, setShowStart] = useState(query.get('start') === '1');

  const load = useCallback(async () => {
    if (arn === undefined) return;
    try {
      const m = await sfn<StateMachineDescription>('DescribeStateMachine', { stateMachineArn: arn });
      setMachine(m);
      setType(m.type);
      setText(prettyDefinition(m.definition));
      setFormat('json');
    } catch (e) {
      setError(e);
    }
  }, [arn]);
  useEffect(() => void load(), [load]);

  const debounced = useDebounced(text, 250);
  const graphDefinition = useMemo(() => {
    const r = toDefinitionJson(debounced, format);
    if ('error' in r) return undefined;
    try {
      return JSON.parse(r.json) as unknown;
    } catch {
      return undefined;
    }
  }, [debounced, format]);
  // Keep the last drawable graph while the text is momentarily broken.
  const [lastGood, setLastGood] = useState<unknown>();
  useEffect(() => {
    if (graphDefinition !== undefined) setLastGood(graphDefinition);
  }, [graphDefinition]);

  const switchFormat = (to: SourceFormat) => {
    if (to === format) return;
    const r = toDefinitionJson(text, format);
    if ('error' in r) return setError(new Error(`Fix the ${format.toUpperCase()} first: ${r.error}`));
    try {
      const value = JSON.parse(r.json) as unknown;
      setText(to === 'yaml' ? toYaml(value) : JSON.stringify(value, null, 2) + '\n');
      setFormat(to);
    } catch (e) {
      setError(new Error(`Fix the JSON first: ${e instanceof Error ? e.message : String(e)}`));
    }
  };

  const errors = diagnostics.filter((d) => d.severity === 'ERROR');
  const save = async () => {
    setError(undefined);
    setSaved(undefined);
    const r = toDefinitionJson(text, format);
    if ('error' in r) return setError(new Error(r.error));
    try {
      if (isNew) {
        const out = await sfn<{ stateMachineArn: string }>('CreateStateMachine', { name: name.trim(), definition: r.json, roleArn: DEFAULT_ROLE_ARN, type });
        navigate(href.machine(out.stateMachineArn));
      } else {
        await sfn('UpdateStateMachine', { stateMachineArn: arn, definition: r.json });
        setSaved('Saved.');
        await load();
      }
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <a href={href.machines()}>State machines</a> /
          </p>
          <h1 data-testid="machine-title">{isNew ? 'Create state machine' : (machine?.name ?? '…')}</h1>
          {machine !== undefined && <p className="muted mono small-text">{machine.stateMachineArn}</p>}
        </div>
        {!isNew && (
          <div className="actions">
            <a className="button" href={href.executions({ machine: arn })}>
              Executions
            </a>
            <button type="button" className="primary" onClick={() => setShowStart(true)}>
              Start execution
            </button>
          </div>
        )}
      </div>
      {!isNew && showStart && <StartExecution stateMachineArn={arn} onClose={() => setShowStart(false)} />}
      {isNew && (
        <div className="form-row">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} data-testid="machine-name" required />
          </label>
          <label>
            Type
            <select value={type} onChange={(e) => setType(e.target.value as 'STANDARD' | 'EXPRESS')}>
              <option value="STANDARD">Standard</option>
              <option value="EXPRESS">Express</option>
            </select>
          </label>
        </div>
      )}
      <div className="split">
        <section className="panel editor-panel" aria-label="Definition">
          <header className="panel-head">
            <h2>Definition</h2>
            <div className="segmented" role="group" aria-label="Format">
              <button type="button" aria-pressed={format === 'json'} onClick={() => switchFormat('json')}>
                JSON
              </button>
              <button type="button" aria-pressed={format === 'yaml'} onClick={() => switchFormat('yaml')}>
                YAML
              </button>
            </div>
          </header>
          <DefinitionEditor value={text} format={format} type={type} dark={dark} onChange={setText} onDiagnostics={setDiagnostics} />
          <div className="diagnostics" data-testid="diagnostics" aria-live="polite">
            {diagnostics.length === 0 ? (
              <span className="ok">✓ Valid definition</span>
            ) : (
              <ul>
                {diagnostics.map((d, i) => (
                  <li key={i} className={d.severity === 'ERROR' ? 'diag-error' : 'diag-warning'}>
                    <code>{d.code}</code> {d.message} {d.location !== undefined && <span className="muted mono">at {d.location}</span>}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <ErrorNote error={error} />
          {saved !== undefined && <p className="ok">{saved}</p>}
          <div className="actions">
            <button type="button" className="primary" disabled={errors.length > 0 || (isNew && name.trim() === '')} onClick={() => void save()}>
              {isNew ? 'Create' : 'Save'}
            </button>
          </div>
        </section>
        <section className="panel graph-panel" aria-label="Graph">
          <header className="panel-head">
            <h2>Graph</h2>
          </header>
          <StateMachineGraph definition={graphDefinition ?? lastGood} height="min(70vh, 640px)" />
        </section>
      </div>
    </div>
  );
}

function prettyDefinition(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2) + '\n';
  } catch {
    return text;
  }
}
