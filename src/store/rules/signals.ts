import type { SignalKind } from '../signals.js';
import type { WriteOp, WriteResult } from '../work.js';

/** The signals a committed operation implies: what every store raises once the commit is durable. */
export function signalsOf(op: WriteOp, result: WriteResult, raise: (kind: SignalKind, key: string) => void): void {
  switch (result.kind) {
    case 'created':
      raise('workAvailable', result.execution.arn);
      return;
    case 'delivered':
      raise('workAvailable', result.executionArn);
      return;
    case 'redriven':
      raise('workAvailable', result.execution.arn);
      return;
    case 'applied':
      if (op.kind !== 'applyAdvance') return;
      if (op.snapshot.status !== 'RUNNING') raise('executionFinished', op.executionArn);
      else if (op.followUps.length > 0) raise('workAvailable', op.executionArn);
      return;
    default:
      return;
  }
}
