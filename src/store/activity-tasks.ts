/**
 * The activity-task role of the store: the queue GetActivityTask takes from. A task is queued once
 * for its task token (the attempt's, kept in `task_tokens`) and lives as long as the token does:
 * when the attempt ends (answered, timed out, execution over) the task goes with it. Being in the
 * store, any process sharing it hands out any task, and a task outlives the process that queued it.
 */
export interface ActivityTaskStore {
  /**
   * Queues the task of a token still waiting: 'queued', 'exists' (queued before: a dispatch
   * repeated after a restart) or 'over' (the attempt no longer waits). A queued task raises
   * `activityTaskAvailable` for its activity once the write is durable.
   */
  enqueueActivityTask(task: NewActivityTask): Promise<'queued' | 'exists' | 'over'>;
  /**
   * GetActivityTask: takes the oldest task of the activity no worker took yet, and in the same
   * transaction puts the attempt's ActivityStarted (with `workerName`) in its execution's inbox.
   * A task once taken is not handed out again (as on AWS: its timeouts end it).
   */
  takeActivityTask(activityArn: string, workerName: string | undefined, now: number): Promise<TakenActivityTask | undefined>;
  /** The activity tasks of an execution whose attempts still wait, oldest first (the console lists them). */
  listActivityTasks(executionArn: string): Promise<ActivityTaskRecord[]>;
  /** DeleteActivity: its tasks no worker took go; their executions wait for their timeouts, as on AWS. */
  deleteActivityTasks(activityArn: string): Promise<void>;
}

export interface NewActivityTask {
  /** The attempt's task token (in the store since the advance that scheduled the task). */
  readonly token: string;
  readonly activityArn: string;
  readonly stateName: string;
  /** GetActivityTask's `input`: JSON text. */
  readonly input: string;
  /** Epoch ms. */
  readonly scheduledAt: number;
}

export interface TakenActivityTask {
  readonly taskToken: string;
  readonly input: string;
  readonly executionArn: string;
}

export interface ActivityTaskRecord {
  readonly token: string;
  readonly activityArn: string;
  readonly executionArn: string;
  readonly stateName: string;
  readonly input: string;
  readonly scheduledAt: number;
  /** Set once a worker took it with GetActivityTask. */
  readonly takenAt?: number;
  readonly workerName?: string;
}
