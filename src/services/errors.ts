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
export const invalid = (message: string) => new DeskError('VALIDATION', message);

/** A read of something that has moved for good (a merged client): answered 301 with its new Location. */
export class MovedError extends DeskError {
  constructor(
    message: string,
    readonly location: string,
  ) {
    super('CLIENT_MOVED', message);
  }
}
