/**
 * The samples report: one line per definition, counts per category (validity, integrations,
 * reasons for not running, reasons for failing), and the summary line
 * `N valid, M runnable, K ran end to end, J failed`; or all of it as one JSON document.
 */
import type { DefinitionReport } from './run-sample.js';

export interface SamplesSummary {
  readonly projects: number;
  readonly definitions: number;
  readonly templateErrors: number;
  readonly valid: number;
  /** Every Task resource is served (whether or not the definition is valid). */
  readonly servedOnly: number;
  /** Started: valid, served, no placeholder left, its functions present. */
  readonly runnable: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly integrations: Readonly<Record<string, { readonly definitions: number; readonly served: boolean }>>;
  readonly notRun: Readonly<Record<string, number>>;
  readonly failures: Readonly<Record<string, number>>;
}

/** The group a reason for not running falls in: its words before the first colon. */
const notRunCategory = (reason: string): string => reason.split(':')[0];

/** Why a run did not succeed, grouped: what the sample lacked here, or the error. */
export function failureCategory(error: string | undefined, cause: string | undefined, failState?: string): string {
  const c = cause ?? '';
  if (failState !== undefined) return "ended in one of the definition's Fail states";
  if (c.includes('<!doctype') || c.includes('Deserialization error')) return 'moto could not answer the call (emulator limit)';
  if (error === 'Samples.TimeLimit') return 'did not finish in the time limit';
  if (error === 'States.Runtime' && /path|could not be found|JSONata|not a valid|Invalid/i.test(c)) return 'needs an input we cannot guess (States.Runtime)';
  if (/ResourceNotFound|does not exist|NonExistent|NoSuch|NotFound|not found|Unknown (table|queue|topic)/i.test(`${error ?? ''} ${c}`)) return 'needs AWS resources its deployment makes';
  if (error === 'Runtime.UserCodeSyntaxError' || error === 'Runtime.ImportModuleError') return "a function's code does not load on this machine (its Python or packages)";
  if (error === 'Lambda.Unknown' || (error !== undefined && /^Lambda\./.test(error))) return `Lambda error ${error}`;
  if (c.includes('"errorType"') || c.includes('"errorMessage"')) return 'a sample function raised an error';
  return `error ${error ?? '(none)'}`;
}

export function summarize(reports: readonly DefinitionReport[], projects: number, templateErrors: number): SamplesSummary {
  const integrations: Record<string, { definitions: number; served: boolean }> = {};
  const notRun: Record<string, number> = {};
  const failures: Record<string, number> = {};
  let succeeded = 0;
  let failed = 0;
  for (const r of reports) {
    for (const name of new Set(r.inspection.resources.map((x) => x.integration))) {
      const served = r.inspection.resources.filter((x) => x.integration === name).every((x) => x.served);
      integrations[name] = { definitions: (integrations[name]?.definitions ?? 0) + 1, served };
    }
    if (r.run.kind === 'notRun') {
      const k = notRunCategory(r.run.reason);
      notRun[k] = (notRun[k] ?? 0) + 1;
    } else if (r.run.status === 'SUCCEEDED') succeeded++;
    else {
      failed++;
      const k = failureCategory(r.run.error, r.run.cause, r.run.failState);
      failures[k] = (failures[k] ?? 0) + 1;
    }
  }
  return {
    projects,
    definitions: reports.length,
    templateErrors,
    valid: reports.filter((r) => r.inspection.valid).length,
    servedOnly: reports.filter((r) => r.inspection.resources.every((x) => x.served)).length,
    runnable: reports.filter((r) => r.run.kind === 'ran').length,
    succeeded,
    failed,
    integrations,
    notRun,
    failures,
  };
}

export const summaryLine = (s: SamplesSummary): string => `${s.valid} valid, ${s.runnable} runnable, ${s.succeeded} ran end to end, ${s.failed} failed`;

function countTable(title: string, counts: Readonly<Record<string, number>>): string {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (rows.length === 0) return '';
  return `\n${title}\n${rows.map(([k, n]) => `  ${String(n).padStart(4)}  ${k}`).join('\n')}\n`;
}

function definitionLine(r: DefinitionReport): string {
  if (r.run.kind === 'notRun') return `${r.id}: not run (${r.run.reason})`;
  const tokens = r.run.answeredTokens > 0 ? ` [${r.run.answeredTokens} token(s) answered {}]` : '';
  if (r.run.status === 'SUCCEEDED') return `${r.id}: SUCCEEDED${tokens}`;
  const cause = r.run.cause === undefined ? '' : `: ${r.run.cause.replace(/\s+/g, ' ').slice(0, 300)}`;
  const where = r.run.failState !== undefined ? ` (in its Fail state '${r.run.failState}')` : '';
  return `${r.id}: ${r.run.status}${where} ${r.run.error ?? ''}${cause}${tokens}`;
}

export function textReport(reports: readonly DefinitionReport[], summary: SamplesSummary, templateErrors: readonly { id: string; message: string }[]): string {
  const lines = reports.map(definitionLine);
  for (const t of templateErrors) lines.push(`${t.id}: template not loaded (${t.message.replace(/\s+/g, ' ').slice(0, 300)})`);
  const integrations = Object.fromEntries(Object.entries(summary.integrations).map(([k, v]) => [`${k}${v.served ? '' : '  (not served)'}`, v.definitions]));
  return (
    `${lines.join('\n')}\n` +
    `\n${summary.projects} projects, ${summary.definitions} definitions, ${summary.templateErrors} templates not loaded\n` +
    `  ${summary.valid} valid, ${summary.definitions - summary.valid} invalid; ${summary.servedOnly} use only integrations Stepwright serves\n` +
    countTable('Integrations (definitions using each)', integrations) +
    countTable('Not run, by reason', summary.notRun) +
    countTable('Ran and did not succeed, by reason', summary.failures) +
    `\n${summaryLine(summary)}\n`
  );
}

export function jsonReport(reports: readonly DefinitionReport[], summary: SamplesSummary, templateErrors: readonly { id: string; message: string }[]): string {
  return `${JSON.stringify({ summary, templateErrors, definitions: reports }, null, 2)}\n`;
}
