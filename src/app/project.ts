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

/**
 * Creates each definition file's state machine, or updates it when the file changed. Returns name →
 * ARN. A definition that does not validate is reported through `onError` and skipped, so one bad
 * file does not stop the others (the API's InvalidDefinition message names the place).
 */
export async function syncDefinitions(
  service: Service,
  dir: string,
  options: { region: string; accountId: string; roleArn: string; onError?: (file: string, error: unknown) => void },
): Promise<Map<string, string>> {
  const machines = new Map<string, string>();
  for (const d of definitionFiles(dir)) {
    const arn = stateMachineArnOf({ region: options.region, accountId: options.accountId }, d.name);
    try {
      const definition = fs.readFileSync(d.file, 'utf8');
      const existing = await service.stateMachineOf(arn).catch((e: unknown) => {
        if ((e as { code?: unknown }).code === 'StateMachineDoesNotExist') return undefined;
        throw e;
      });
      if (existing === undefined) await service.createStateMachine({ name: d.name, definition, roleArn: options.roleArn, type: d.type });
      else if (existing.definition !== definition) await service.updateStateMachine({ stateMachineArn: arn, definition });
      machines.set(d.name, arn);
    } catch (e) {
      if (options.onError === undefined) throw e;
      options.onError(d.file, e);
    }
  }
  return machines;
}
