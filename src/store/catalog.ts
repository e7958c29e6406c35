/**
 * The catalog role of the store: what executions run (machines, their revisions and versions,
 * aliases), activities, and tags. Written by API calls, read by everyone; no execution state.
 */
export interface CatalogStore {
  // State machines
  createStateMachine(machine: NewStateMachine): Promise<StateMachineRecord>;
  getStateMachine(arn: string): Promise<StateMachineRecord | undefined>;
  listStateMachines(): Promise<StateMachineRecord[]>;
  /** A new revision of the definition and/or role; `publish` also makes it a numbered version. */
  updateStateMachine(arn: string, update: StateMachineUpdate, now: number): Promise<StateMachineRecord>;
  /** The definition an execution runs: revision `revision` of machine `arn`. */
  getStateMachineRevision(arn: string, revision: number): Promise<StateMachineRevision | undefined>;
  listStateMachineVersions(arn: string): Promise<StateMachineRevision[]>;
  deleteStateMachine(arn: string): Promise<boolean>;
  /** DeleteStateMachineVersion: the revision stays (executions may run it) but is no longer a version. */
  unpublishStateMachineVersion(arn: string, version: number): Promise<boolean>;
  /** Forgets the revisions of a deleted machine, so a machine of the same name can be created again. */
  deleteStateMachineRevisions(arn: string): Promise<void>;

  // State machine aliases
  putAlias(alias: AliasRecord): Promise<void>;
  getAlias(arn: string): Promise<AliasRecord | undefined>;
  listAliases(stateMachineArn: string): Promise<AliasRecord[]>;
  deleteAlias(arn: string): Promise<boolean>;

  // Activities
  createActivity(name: string, arn: string, now: number): Promise<ActivityRecord>;
  getActivity(arn: string): Promise<ActivityRecord | undefined>;
  listActivities(): Promise<ActivityRecord[]>;
  deleteActivity(arn: string): Promise<boolean>;

  // Tags (TagResource / UntagResource / ListTagsForResource)
  tagResource(resourceArn: string, tags: readonly { readonly key: string; readonly value: string }[]): Promise<void>;
  untagResource(resourceArn: string, keys: readonly string[]): Promise<void>;
  listTags(resourceArn: string): Promise<{ key: string; value: string }[]>;
}

export type MachineType = 'STANDARD' | 'EXPRESS';

export interface NewStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly type: MachineType;
  readonly definition: string;
  readonly roleArn: string;
  readonly createdAt: number;
}

export interface StateMachineRecord extends NewStateMachine {
  /** The revision new executions run. */
  readonly revision: number;
  readonly updatedAt: number;
}

export interface StateMachineUpdate {
  readonly definition?: string;
  readonly roleArn?: string;
  readonly publish?: boolean;
  readonly versionDescription?: string;
}

export interface StateMachineRevision {
  readonly stateMachineArn: string;
  readonly revision: number;
  readonly definition: string;
  readonly roleArn: string;
  readonly createdAt: number;
  /** Set when the revision was published as a version (1, 2, …). */
  readonly version?: number;
  readonly description?: string;
}

export interface ActivityRecord {
  readonly arn: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface AliasRecord {
  readonly arn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly description?: string;
  /** Versions (their ARNs) and the percentage of executions each one gets. */
  readonly routingConfiguration: readonly { readonly stateMachineVersionArn: string; readonly weight: number }[];
  readonly createdAt: number;
  readonly updatedAt: number;
}
