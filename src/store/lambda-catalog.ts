/**
 * The Lambda part of the catalog: what the Lambda API publishes about a function beyond its
 * $LATEST (which lives with its code under the data dir): numbered versions with their
 * configuration snapshot, aliases, and resource policies. Configurations and policies are JSON
 * text the API writes and reads; the store keeps them as given.
 */
export interface LambdaCatalogStore {
  /**
   * Publishes the next version of `functionName` (1, 2, …). Numbers are never reused while the
   * function exists, even after a version is deleted, as on Lambda.
   */
  publishLambdaVersion(functionName: string, config: string, now: number): Promise<LambdaVersionRecord>;
  listLambdaVersions(functionName: string): Promise<LambdaVersionRecord[]>;
  deleteLambdaVersion(functionName: string, version: number): Promise<boolean>;

  /** Creates or replaces an alias. */
  putLambdaAlias(alias: LambdaAliasRecord): Promise<void>;
  getLambdaAlias(functionName: string, name: string): Promise<LambdaAliasRecord | undefined>;
  listLambdaAliases(functionName: string): Promise<LambdaAliasRecord[]>;
  deleteLambdaAlias(functionName: string, name: string): Promise<boolean>;

  /** A resource policy of the function (`qualifier` '' when unqualified); `undefined` removes it. */
  putLambdaPolicy(functionName: string, qualifier: string, policy: LambdaPolicyRecord | undefined): Promise<void>;
  getLambdaPolicy(functionName: string, qualifier: string): Promise<LambdaPolicyRecord | undefined>;

  /** DeleteFunction: forgets every version, alias, policy and the version counter of the function. */
  deleteLambdaFunction(functionName: string): Promise<void>;
}

export interface LambdaVersionRecord {
  readonly functionName: string;
  readonly version: number;
  /** The configuration published, as JSON text. */
  readonly config: string;
  readonly createdAt: number;
}

export interface LambdaAliasRecord {
  readonly functionName: string;
  readonly name: string;
  /** `$LATEST` or a version number. */
  readonly functionVersion: string;
  readonly description: string;
  /** RoutingConfig.AdditionalVersionWeights: version → share of invocations (0 to 1). */
  readonly additionalVersionWeights?: Readonly<Record<string, number>>;
  readonly revisionId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface LambdaPolicyRecord {
  /** The policy document as JSON text. */
  readonly policy: string;
  readonly revisionId: string;
}
