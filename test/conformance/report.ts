/** Turns case outcomes into the markdown report `npm run conformance` prints. */
import type { Difference } from './compare.js';
import type { CaseOutcome } from './run-case.js';

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

export function totalsOf(outcomes: readonly CaseOutcome[]): Totals {
  const t: Totals = { passed: 0, failed: 0, skipped: 0 };
  for (const o of outcomes) t[o.status]++;
  return t;
}

/** The last line of a run, exactly `N passed, M failed, K skipped`. */
export function summaryLine(t: Totals): string {
  return `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
}

/** One row per category, plus a total; `not exact order` counts passing cases whose history matched only in another interleaving. */
export function categoryTable(outcomes: readonly CaseOutcome[]): string {
  const byCategory = new Map<string, CaseOutcome[]>();
  for (const o of outcomes) {
    const list = byCategory.get(o.category) ?? [];
    list.push(o);
    byCategory.set(o.category, list);
  }
  const lines = ['| category | passed | failed | skipped | not exact order |', '|---|---:|---:|---:|---:|'];
  const row = (name: string, list: readonly CaseOutcome[]): string => {
    const t = totalsOf(list);
    const reordered = list.filter((o) => o.status === 'passed' && o.exactEventOrder === false).length;
    return `| ${name} | ${t.passed} | ${t.failed} | ${t.skipped} | ${reordered} |`;
  };
  for (const name of [...byCategory.keys()].sort()) lines.push(row(name, byCategory.get(name) ?? []));
  lines.push(row('**total**', outcomes));
  return lines.join('\n');
}

/** How many skipped cases each missing requirement holds back (a case needing two counts under both). */
export function skipTable(outcomes: readonly CaseOutcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    if (o.status !== 'skipped') continue;
    for (const reason of o.reason.split(', ')) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  if (counts.size === 0) return '';
  const lines = ['| skipped: requires (built by) | cases |', '|---|---:|'];
  for (const [reason, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(`| ${reason} | ${n} |`);
  return lines.join('\n');
}

function show(v: unknown, max = 300): string {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function formatDifference(d: Difference): string {
  return `  ${d.path || '/'}: expected ${show(d.expected)}, got ${show(d.actual)}${d.note ? ` (${d.note})` : ''}`;
}

/** The first `limit` differences of each failing case. */
export function failureDetails(outcomes: readonly CaseOutcome[], limit = 5): string {
  const out: string[] = [];
  for (const o of outcomes) {
    if (o.status !== 'failed') continue;
    out.push(`FAIL ${o.id}`);
    for (const d of o.differences.slice(0, limit)) out.push(formatDifference(d));
    if (o.differences.length > limit) out.push(`  … ${o.differences.length - limit} more`);
  }
  return out.join('\n');
}
