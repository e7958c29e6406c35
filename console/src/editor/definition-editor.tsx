import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { indentWithTab } from '@codemirror/commands';
import { useEffect, useRef } from 'react';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { sfn, type Diagnostic } from '../api/sfn-client.js';
import { locateLineColumn, pointerLocator } from './source-locations.js';

export type SourceFormat = 'json' | 'yaml';

/** The definition as JSON text for the API, or the YAML error with its position. */
export function toDefinitionJson(text: string, format: SourceFormat): { json: string } | { error: string; from: number; to: number } {
  if (format === 'json') return { json: text };
  try {
    return { json: JSON.stringify(parseYaml(text) ?? null) };
  } catch (e) {
    const pos = e instanceof YAMLParseError ? e.pos : [0, 1];
    return { error: e instanceof Error ? e.message : String(e), from: pos[0], to: Math.max(pos[1], pos[0] + 1) };
  }
}

/** Validates through the API (ValidateStateMachineDefinition) and places each diagnostic at its pointer. */
export async function validateText(text: string, format: SourceFormat, type: 'STANDARD' | 'EXPRESS'): Promise<{ diagnostics: Diagnostic[]; marks: CmDiagnostic[] }> {
  const converted = toDefinitionJson(text, format);
  if ('error' in converted) {
    const d: Diagnostic = { severity: 'ERROR', code: 'INVALID_YAML', message: converted.error };
    return { diagnostics: [d], marks: [{ from: converted.from, to: Math.min(converted.to, text.length), severity: 'error', message: converted.error, source: d.code }] };
  }
  const result = await sfn<{ result: string; diagnostics: Diagnostic[] }>('ValidateStateMachineDefinition', { definition: converted.json, type, severity: 'WARNING' });
  const locate = pointerLocator(text, format);
  const marks = result.diagnostics.map((d): CmDiagnostic => {
    const range = (d.code === 'INVALID_JSON_DESCRIPTION' ? locateLineColumn(text, d.message) : undefined) ?? locate(d.location ?? '', d.message);
    return { from: range.from, to: Math.max(range.to, range.from), severity: d.severity === 'ERROR' ? 'error' : 'warning', message: d.message, source: d.code };
  });
  return { diagnostics: result.diagnostics, marks };
}

export interface DefinitionEditorProps {
  readonly value: string;
  readonly format: SourceFormat;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly dark: boolean;
  readonly onChange: (text: string) => void;
  readonly onDiagnostics: (diagnostics: Diagnostic[]) => void;
}

/** CodeMirror with ASL validation as you type (debounced), each problem marked where it is. */
export function DefinitionEditor({ value, format, type, dark, onChange, onDiagnostics }: DefinitionEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const language = useRef(new Compartment());
  const theme = useRef(new Compartment());
  const props = useRef({ format, type, onChange, onDiagnostics });
  props.current = { format, type, onChange, onDiagnostics };

  useEffect(() => {
    const lint = linter(
      async (v) => {
        const text = v.state.doc.toString();
        try {
          const { diagnostics, marks } = await validateText(text, props.current.format, props.current.type);
          props.current.onDiagnostics(diagnostics);
          return marks;
        } catch (e) {
          props.current.onDiagnostics([{ severity: 'ERROR', code: 'VALIDATION_UNAVAILABLE', message: e instanceof Error ? e.message : String(e) }]);
          return [];
        }
      },
      { delay: 300 },
    );
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          keymap.of([indentWithTab]),
          language.current.of(format === 'yaml' ? yaml() : json()),
          theme.current.of(dark ? oneDark : []),
          lintGutter(),
          lint,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) props.current.onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'State machine definition' }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is created once; value, format and theme changes are pushed below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v === undefined || v.state.doc.toString() === value) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: language.current.reconfigure(format === 'yaml' ? yaml() : json()) });
  }, [format]);

  useEffect(() => {
    view.current?.dispatch({ effects: theme.current.reconfigure(dark ? oneDark : []) });
  }, [dark]);

  return <div className="editor" ref={host} data-testid="definition-editor" />;
}
