import type {
  ActivityRecord,
  AliasRecord,
  NewStateMachine,
  StateMachineRecord,
  StateMachineRevision,
  StateMachineUpdate,
} from '../catalog.js';
import { toActivity, toAlias, toMachine, toRevision, type ActivityRow, type AliasRow, type MachineRow, type RevisionRow } from '../rows.js';
import type { SqliteContext } from './statements.js';

// The catalog role on SQLite: machines, revisions and versions, aliases, activities, tags.

export function createStateMachine({ db, s }: SqliteContext, m: NewStateMachine): StateMachineRecord {
  return db.transaction(() => {
    s.insertMachine.run(m.arn, m.name, m.type, m.roleArn, m.createdAt, m.createdAt);
    s.insertRevision.run(m.arn, 1, m.definition, m.roleArn, m.createdAt, null, null);
    return { ...m, revision: 1, updatedAt: m.createdAt };
  })();
}

export function getStateMachine({ s }: SqliteContext, arn: string): StateMachineRecord | undefined {
  const r = s.getMachine.get(arn) as MachineRow | undefined;
  return r && toMachine(r);
}

export function listStateMachines({ s }: SqliteContext): StateMachineRecord[] {
  return (s.listMachines.all() as MachineRow[]).map(toMachine);
}

export function updateStateMachine({ db, s }: SqliteContext, arn: string, update: StateMachineUpdate, now: number): StateMachineRecord {
  return db.transaction(() => {
    const m = s.getMachine.get(arn) as MachineRow | undefined;
    if (m === undefined) throw new Error(`State machine does not exist: ${arn}`);
    const definition = update.definition ?? m.definition;
    const roleArn = update.roleArn ?? m.role_arn;
    const changed = definition !== m.definition || roleArn !== m.role_arn;
    let revision = m.revision;
    if (changed) {
      revision = m.revision + 1;
      s.insertRevision.run(arn, revision, definition, roleArn, now, null, null);
      s.setMachineRevision.run(revision, roleArn, now, arn);
    }
    if (update.publish === true) {
      const cur = s.getRevision.get(arn, revision) as RevisionRow;
      if (cur.version === null) {
        const max = (s.maxVersion.get(arn) as { v: number | null }).v ?? 0;
        s.publishVersion.run(max + 1, update.versionDescription ?? null, arn, revision);
      }
    }
    return toMachine(s.getMachine.get(arn) as MachineRow);
  })();
}

export function getStateMachineRevision({ s }: SqliteContext, arn: string, revision: number): StateMachineRevision | undefined {
  const r = s.getRevision.get(arn, revision) as RevisionRow | undefined;
  return r && toRevision(r);
}

export function listStateMachineVersions({ s }: SqliteContext, arn: string): StateMachineRevision[] {
  return (s.listVersions.all(arn) as RevisionRow[]).map(toRevision);
}

/** Revisions stay while executions may still run them; AWS lets running executions finish. */
export function deleteStateMachine({ s }: SqliteContext, arn: string): boolean {
  return s.deleteMachine.run(arn).changes > 0;
}

export function unpublishStateMachineVersion({ s }: SqliteContext, arn: string, version: number): boolean {
  return s.unpublishVersion.run(arn, version).changes > 0;
}

export function deleteStateMachineRevisions({ s }: SqliteContext, arn: string): void {
  s.deleteRevisions.run(arn);
}

// Aliases

export function putAlias({ s }: SqliteContext, a: AliasRecord): void {
  s.putAlias.run(a.arn, a.stateMachineArn, a.name, a.description ?? null, JSON.stringify(a.routingConfiguration), a.createdAt, a.updatedAt);
}

export function getAlias({ s }: SqliteContext, arn: string): AliasRecord | undefined {
  const r = s.getAlias.get(arn) as AliasRow | undefined;
  return r && toAlias(r);
}

export function listAliases({ s }: SqliteContext, stateMachineArn: string): AliasRecord[] {
  return (s.listAliases.all(stateMachineArn) as AliasRow[]).map(toAlias);
}

export function deleteAlias({ s }: SqliteContext, arn: string): boolean {
  return s.deleteAlias.run(arn).changes > 0;
}

// Activities

/** Creating an activity that exists answers the one that exists (CreateActivity is idempotent). */
export function createActivity({ s }: SqliteContext, name: string, arn: string, now: number): ActivityRecord {
  const existing = s.getActivity.get(arn) as ActivityRow | undefined;
  if (existing !== undefined) return toActivity(existing);
  s.insertActivity.run(arn, name, now);
  return { arn, name, createdAt: now };
}

export function getActivity({ s }: SqliteContext, arn: string): ActivityRecord | undefined {
  const r = s.getActivity.get(arn) as ActivityRow | undefined;
  return r && toActivity(r);
}

export function listActivities({ s }: SqliteContext): ActivityRecord[] {
  return (s.listActivities.all() as ActivityRow[]).map(toActivity);
}

export function deleteActivity({ s }: SqliteContext, arn: string): boolean {
  return s.deleteActivity.run(arn).changes > 0;
}

// Tags

export function tagResource({ db, s }: SqliteContext, resourceArn: string, tags: readonly { readonly key: string; readonly value: string }[]): void {
  db.transaction(() => {
    for (const t of tags) s.putTag.run(resourceArn, t.key, t.value);
  })();
}

export function untagResource({ db, s }: SqliteContext, resourceArn: string, keys: readonly string[]): void {
  db.transaction(() => {
    for (const k of keys) s.deleteTag.run(resourceArn, k);
  })();
}

export function listTags({ s }: SqliteContext, resourceArn: string): { key: string; value: string }[] {
  return s.listTags.all(resourceArn) as { key: string; value: string }[];
}
