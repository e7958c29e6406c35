import type {
  ActivityRecord,
  AliasRecord,
  NewStateMachine,
  StateMachineRecord,
  StateMachineRevision,
  StateMachineUpdate,
} from '../catalog.js';
import { toActivity, toAlias, toMachine, toRevision, type ActivityRow, type AliasRow, type MachineRow, type RevisionRow } from '../rows.js';
import type { PgContext } from './statements.js';

// The catalog role on PostgreSQL: machines, revisions and versions, aliases, activities, tags.

export function createStateMachine(ctx: PgContext, m: NewStateMachine): Promise<StateMachineRecord> {
  return ctx.transaction(async (t) => {
    await t.run('insertMachine', [m.arn, m.name, m.type, m.roleArn, m.createdAt, m.createdAt]);
    await t.run('insertRevision', [m.arn, 1, m.definition, m.roleArn, m.createdAt, null, null]);
    return { ...m, revision: 1, updatedAt: m.createdAt };
  });
}

export async function getStateMachine(ctx: PgContext, arn: string): Promise<StateMachineRecord | undefined> {
  const r = (await ctx.run<MachineRow>('getMachine', [arn])).rows[0];
  return r && toMachine(r);
}

export async function listStateMachines(ctx: PgContext): Promise<StateMachineRecord[]> {
  return (await ctx.run<MachineRow>('listMachines')).rows.map(toMachine);
}

export function updateStateMachine(ctx: PgContext, arn: string, update: StateMachineUpdate, now: number): Promise<StateMachineRecord> {
  return ctx.transaction(async (t) => {
    const m = (await t.run<MachineRow>('lockMachine', [arn])).rows[0];
    if (m === undefined) throw new Error(`State machine does not exist: ${arn}`);
    const definition = update.definition ?? m.definition;
    const roleArn = update.roleArn ?? m.role_arn;
    let revision = m.revision;
    if (definition !== m.definition || roleArn !== m.role_arn) {
      revision = m.revision + 1;
      await t.run('insertRevision', [arn, revision, definition, roleArn, now, null, null]);
      await t.run('setMachineRevision', [revision, roleArn, now, arn]);
    }
    if (update.publish === true) {
      const cur = (await t.run<RevisionRow>('getRevision', [arn, revision])).rows[0];
      if (cur.version === null) {
        const max = (await t.run<{ v: number | null }>('maxVersion', [arn])).rows[0].v ?? 0;
        await t.run('publishVersion', [max + 1, update.versionDescription ?? null, arn, revision]);
      }
    }
    return toMachine((await t.run<MachineRow>('getMachine', [arn])).rows[0]);
  });
}

export async function getStateMachineRevision(ctx: PgContext, arn: string, revision: number): Promise<StateMachineRevision | undefined> {
  const r = (await ctx.run<RevisionRow>('getRevision', [arn, revision])).rows[0];
  return r && toRevision(r);
}

export async function listStateMachineVersions(ctx: PgContext, arn: string): Promise<StateMachineRevision[]> {
  return (await ctx.run<RevisionRow>('listVersions', [arn])).rows.map(toRevision);
}

/** Revisions stay while executions may still run them; AWS lets running executions finish. */
export async function deleteStateMachine(ctx: PgContext, arn: string): Promise<boolean> {
  return ((await ctx.run('deleteMachine', [arn])).rowCount ?? 0) > 0;
}

export async function unpublishStateMachineVersion(ctx: PgContext, arn: string, version: number): Promise<boolean> {
  return ((await ctx.run('unpublishVersion', [arn, version])).rowCount ?? 0) > 0;
}

export async function deleteStateMachineRevisions(ctx: PgContext, arn: string): Promise<void> {
  await ctx.run('deleteRevisions', [arn]);
}

// Aliases

export async function putAlias(ctx: PgContext, a: AliasRecord): Promise<void> {
  await ctx.run('putAlias', [a.arn, a.stateMachineArn, a.name, a.description ?? null, JSON.stringify(a.routingConfiguration), a.createdAt, a.updatedAt]);
}

export async function getAlias(ctx: PgContext, arn: string): Promise<AliasRecord | undefined> {
  const r = (await ctx.run<AliasRow>('getAlias', [arn])).rows[0];
  return r && toAlias(r);
}

export async function listAliases(ctx: PgContext, stateMachineArn: string): Promise<AliasRecord[]> {
  return (await ctx.run<AliasRow>('listAliases', [stateMachineArn])).rows.map(toAlias);
}

export async function deleteAlias(ctx: PgContext, arn: string): Promise<boolean> {
  return ((await ctx.run('deleteAlias', [arn])).rowCount ?? 0) > 0;
}

// Activities

/** Creating an activity that exists answers the one that exists (CreateActivity is idempotent, on any server). */
export async function createActivity(ctx: PgContext, name: string, arn: string, now: number): Promise<ActivityRecord> {
  const inserted = await ctx.run('insertActivity', [arn, name, now]);
  if ((inserted.rowCount ?? 0) > 0) return { arn, name, createdAt: now };
  return toActivity((await ctx.run<ActivityRow>('getActivity', [arn])).rows[0]);
}

export async function getActivity(ctx: PgContext, arn: string): Promise<ActivityRecord | undefined> {
  const r = (await ctx.run<ActivityRow>('getActivity', [arn])).rows[0];
  return r && toActivity(r);
}

export async function listActivities(ctx: PgContext): Promise<ActivityRecord[]> {
  return (await ctx.run<ActivityRow>('listActivities')).rows.map(toActivity);
}

export async function deleteActivity(ctx: PgContext, arn: string): Promise<boolean> {
  return ((await ctx.run('deleteActivity', [arn])).rowCount ?? 0) > 0;
}

// Tags

export function tagResource(ctx: PgContext, resourceArn: string, tags: readonly { readonly key: string; readonly value: string }[]): Promise<void> {
  return ctx.transaction(async (t) => {
    for (const tag of tags) await t.run('putTag', [resourceArn, tag.key, tag.value]);
  });
}

export function untagResource(ctx: PgContext, resourceArn: string, keys: readonly string[]): Promise<void> {
  return ctx.transaction(async (t) => {
    for (const k of keys) await t.run('deleteTag', [resourceArn, k]);
  });
}

export async function listTags(ctx: PgContext, resourceArn: string): Promise<{ key: string; value: string }[]> {
  return (await ctx.run<{ key: string; value: string }>('listTags', [resourceArn])).rows;
}
