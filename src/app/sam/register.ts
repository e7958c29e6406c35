/**
 * A loaded SAM project onto a running Stepwright: the same registration a project folder gets
 * (functions into the runtime, state machines through syncStateMachines), plus its activities.
 */
import { shownPath } from './errors.js';
import type { FunctionRuntime } from '../../functions/index.js';
import type { Service } from '../../service/index.js';
import { syncStateMachines, type MachineDefinition, type SyncOptions } from '../project.js';
import type { SamProject } from './load-template.js';

/** `template.yaml Resources.Flow`: how a failure names the machine's place. */
export function resourcePlace(project: SamProject, logicalId: string): string {
  return `${shownPath(project.templateFile)} Resources.${logicalId}`;
}

export function samDefinitions(project: SamProject): MachineDefinition[] {
  return project.stateMachines.map((m) => ({
    name: m.name,
    definition: m.definition,
    type: m.type,
    source: resourcePlace(project, m.logicalId),
  }));
}

export function registerSamFunctions(runtime: FunctionRuntime, project: SamProject): void {
  for (const f of project.functions) runtime.register(f.config);
}

/**
 * Creates the activities, then creates or updates the state machines. Returns name → ARN. Without
 * `onError`, a machine that does not validate throws with its template place in the message.
 */
export async function registerSamStateMachines(
  service: Service,
  project: SamProject,
  options: SyncOptions,
): Promise<Map<string, string>> {
  for (const a of project.activities) await service.createActivity({ name: a.name });
  const failures: string[] = [];
  const machines = await syncStateMachines(service, samDefinitions(project), {
    ...options,
    onError: options.onError ?? ((source, e) => failures.push(`${source}: ${describeFailure(e)}`)),
  });
  if (failures.length > 0) throw new Error(failures.join('\n'));
  return machines;
}

export function describeFailure(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return `${typeof code === 'string' ? `${code}: ` : ''}${e instanceof Error ? e.message : String(e)}`;
}
