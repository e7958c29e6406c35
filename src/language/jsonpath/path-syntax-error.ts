/** A path, reference path or payload template that AWS would reject when the definition is created. */
export class PathSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathSyntaxError';
  }
}
