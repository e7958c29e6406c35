import fs from 'node:fs';
import path from 'node:path';
import { stateMachineArnOf, type Service } from '../service/index.js';
import type { MachineType } from '../store/index.js';

/** `name.asl.json` (STANDARD) and `name.express.asl.json` (EXPRESS); plain `name.json` too. */
export function definitionFiles(dir: string): { name: string; file: string; type: MachineType }[] {
  if (!fs.existsSync(dir)) return [];
  const out: { name: string; file: string; type: MachineType }[] = [];
  for (const entry of fs.readdirSync(dir).sort()) {
    const m = /^(.+?)(\.express)?(?:\.asl)?\.json$/.exec(entry);
    if (m === null) continue;
    out.push({ name: m[1], file: path.join(dir, entry), type: m[2] === undefined ? 'STANDARD' : 'EXPRESS' });
  }
  return out;
}

/** A state machine to create or update: from a definition file, or a SAM template's resource. */
export interface MachineDefinition {
  readonly name: string;
  readonly definition: string;
  readonly type: MachineType;
  /** Where it came from, for `onError`: the file, or the template resource. */
  readonly source: string;
}

export interface SyncOptions {
  readonly region: string;
  readonly accountId: string;
  readonly roleArn: string;
  readonly onError?: (source: string, error: unknown) => void;
}

/**
 * Creates each definition file's state machine, or updates it when the file changed. Returns name →
 * ARN. A definition that does not validate is reported through `onError` and skipped, so one bad
 * file does not stop the others (the API's InvalidDefinition message names the place).
 */
export async function syncDefinitions(service: Service, dir: string, options: SyncOptions): Promise<Map<string, string>> {
  const definitions: MachineDefinition[] = [];
  for (const d of definitionFiles(dir)) {
    try {
      definitions.push({ name: d.name, definition: fs.readFileSync(d.file, 'utf8'), type: d.type, source: d.file });
    } catch (e) {
      if (options.onError === undefined) throw e;
      options.onError(d.file, e);
    }
  }
  return syncStateMachines(service, definitions, options);
}

/**
 * Creates each state machine, or updates it when its definition changed (a changed type, which AWS
 * cannot update, deletes and creates it). Returns name → ARN; a failure goes to `onError` when given.
 */
export async function syncStateMachines(service: Service, definitions: readonly MachineDefinition[], options: SyncOptions): Promise<Map<string, string>> {
  const machines = new Map<string, string>();
  for (const d of definitions) {
    const arn = stateMachineArnOf({ region: options.region, accountId: options.accountId }, d.name);
    try {
      const existing = await service.stateMachineOf(arn).catch((e: unknown) => {
        if ((e as { code?: unknown }).code === 'StateMachineDoesNotExist') return undefined;
        throw e;
      });
      if (existing !== undefined && existing.type !== d.type) await service.deleteStateMachine(arn);
      if (existing === undefined || existing.type !== d.type) await service.createStateMachine({ name: d.name, definition: d.definition, roleArn: options.roleArn, type: d.type });
      else if (existing.definition !== d.definition) await service.updateStateMachine({ stateMachineArn: arn, definition: d.definition });
      machines.set(d.name, arn);
    } catch (e) {
      if (options.onError === undefined) throw e;
      options.onError(d.source, e);
    }
  }
  return machines;
}
