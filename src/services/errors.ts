import { ErrorStatus, type ErrorCode, type ErrorHttpStatus } from '../domain/errors';

/** A refusal the API shows to the caller as is; its HTTP status comes from the one list of codes. */
export class DeskError extends Error {
  readonly statusCode: ErrorHttpStatus;

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.statusCode = ErrorStatus[code];
  }
}

export const notFound = (what: string) => new DeskError('NOT_FOUND', `${what} not found`);
