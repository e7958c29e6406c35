/**
 * Loads conformance cases (format: test/conformance/README.md) and decides which can run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json } from '../../src/language/json.js';
import type { ExpectedResult } from './compare.js';
import { requirementsBeyondMock, type CaseMock } from './mock-case.js';
import { missingRequirements } from './requirements.js';

/** The recordings kept in the repository (provenance and format: README.md beside this file). */
export const RECORDED_CASES_DIR = fileURLToPath(new URL('./cases', import.meta.url));
export const RECORDED_VALIDATION_DIR = fileURLToPath(new URL('./validation', import.meta.url));

export interface ConformanceCase {
  readonly id: string;
  /** The folder under cases/ (`choice_operators`, `scenarios` …), from the id. */
  readonly category: string;
  readonly file: string;
  readonly kind: 'standard' | 'express-sync';
  readonly queryLanguage: string;
  readonly requires: readonly string[];
  readonly definition: unknown;
  readonly input: Json;
  readonly inputText?: string;
  readonly expected: ExpectedResult;
  /** A Step Functions Local mock configuration and the test case to run (mock-case.ts). */
  readonly mock?: CaseMock;
}

export type CasePlan = { readonly run: true } | { readonly run: false; readonly reason: string };

/** Every `*.json` file under `dir` (recursively, sorted) that is an execution case. Validation cases and other files are left out. */
export function loadCases(dir: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const file of listJsonFiles(dir)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const c = toCase(parsed, file);
    if (c !== null) cases.push(c);
  }
  return cases;
}

function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.json')) out.push(p);
    }
  };
  if (fs.statSync(dir).isFile()) return [dir];
  walk(dir);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Narrows a parsed file to a case, or null when it is not an execution case (e.g. validation/). */
export function toCase(value: unknown, file: string): ConformanceCase | null {
  if (!isRecord(value) || typeof value.id !== 'string' || !('definition' in value)) return null;
  const expected = value.expected;
  if (!isRecord(expected) || typeof expected.status !== 'string') return null;
  const requires = Array.isArray(value.requires) ? value.requires.filter((r): r is string => typeof r === 'string') : [];
  const slash = value.id.indexOf('/');
  return {
    id: value.id,
    category: slash > 0 ? value.id.slice(0, slash) : path.basename(path.dirname(file)),
    file,
    kind: value.kind === 'express-sync' ? 'express-sync' : 'standard',
    queryLanguage: typeof value.queryLanguage === 'string' ? value.queryLanguage : 'JSONPath',
    requires,
    definition: value.definition,
    input: (value.input ?? null) as Json,
    ...(typeof value.inputText === 'string' ? { inputText: value.inputText } : {}),
    expected: expected as unknown as ExpectedResult,
    ...(isRecord(value.mock) ? { mock: value.mock as unknown as CaseMock } : {}),
  };
}

/**
 * A case is skipped only when it requires something not built yet; the reason names it and who
 * builds it. A mock that answers every Task state serves the services those Tasks call.
 */
export function planCase(c: ConformanceCase): CasePlan {
  const missing = missingRequirements(requirementsBeyondMock(c.requires, c.definition, c.mock));
  if (missing.length === 0) return { run: true };
  return { run: false, reason: missing.map((m) => `${m.name} (${m.builtBy})`).join(', ') };
}

/** Case ids listed in a known-failures file: one id per line, `# reason` after it; blank and comment lines ignored. */
export function parseKnownFailures(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const hash = line.indexOf(' #');
    const id = (hash >= 0 ? line.slice(0, hash) : line).trim();
    const reason = hash >= 0 ? line.slice(hash + 2).trim() : '';
    out.set(id, reason);
  }
  return out;
}
