/** An error the API shows to the caller as is, with its HTTP status. */
export class DeskError extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409 | 503,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new DeskError(404, `${what} not found`, 'NOT_FOUND');
