/**
 * The one catalogue of the service's refusals: `code` is AWS's error name (the `__type` the wire
 * carries), the message AWS's words. The API maps these to its wire shape in one place.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The resource the error is about, when there is one (e.g. the execution that already exists). */
    readonly resourceArn?: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const machineMissing = (arn: string): ServiceError => new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
export const executionMissing = (arn: string): ServiceError => new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
export const activityMissing = (arn: string): ServiceError => new ServiceError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);
export const resourceMissing = (arn: string): ServiceError => new ServiceError('ResourceNotFound', `Resource not found: '${arn}'`);
export const invalidName = (name: string): ServiceError => new ServiceError('InvalidName', `Invalid Name: '${name}'`);
export const validation = (message: string): ServiceError => new ServiceError('ValidationException', message);
export const typeNotSupported = (): ServiceError => new ServiceError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
