/**
 * Every refusal the desk can answer with, and its HTTP status: one list for the API's errors
 * (`DeskError`) and the ticket workflow's failures (the `type` of its ApplicationFailure), so a
 * refusal has one code wherever it is decided.
 */
export const ErrorStatus = {
  // A merged client's id, read: the answer's Location names the client it was merged into.
  CLIENT_MOVED: 301,
  // The request itself is wrong: the message names the field to fix.
  VALIDATION: 400,
  // An OpenID Connect callback whose state is missing, not this browser's, used already or expired.
  SSO_STATE_INVALID: 400,
  OVERDUE_REASON_REQUIRED: 400,
  // Who is asking.
  NOT_SIGNED_IN: 401,
  BAD_CREDENTIALS: 401,
  WEBHOOK_SECRET_REQUIRED: 401,
  // A Zadarma notification without its Signature header (made with ZADARMA_SECRET).
  ZADARMA_SIGNATURE_REQUIRED: 401,
  // The sign-in provider did not vouch for the person (it answered an error, or its tokens did not check out).
  SSO_FAILED: 401,
  // Who may do it.
  NOT_PERMITTED: 403,
  BAD_CSRF_TOKEN: 403,
  NOT_MANAGER: 403,
  NOT_ASSIGNEE: 403,
  // The caller's groups lack the level of queue access the request needs (src/domain/access.ts).
  NO_QUEUE_ACCESS: 403,
  MISSING_COMPETENCE: 403,
  BAD_SURVEY_TOKEN: 403,
  BAD_WEBHOOK_SECRET: 403,
  BAD_STATUS_TOKEN: 403,
  // A CTI webhook whose path does not carry the desk's CTI_TOKEN.
  BAD_CTI_TOKEN: 403,
  // An SMS webhook whose path does not carry the desk's SMS_TOKEN.
  BAD_SMS_TOKEN: 403,
  // A Zadarma webhook whose path does not carry the desk's ZADARMA_TOKEN.
  BAD_ZADARMA_TOKEN: 403,
  // A Zadarma notification whose Signature is not the one ZADARMA_SECRET makes of it.
  BAD_ZADARMA_SIGNATURE: 403,
  // An SMS gateway's callback without the signature its callback secret makes, or with another (SMS_CALLBACK_SECRET).
  BAD_SMS_SIGNATURE: 403,
  BAD_CONFIRMATION_TOKEN: 403,
  // The provider or directory vouched for a person the desk does not let in: no verified e-mail, no
  // enabled staff account of theirs.
  SSO_NOT_LINKED: 403,
  // What is not there.
  NOT_FOUND: 404,
  // What the ticket's state does not allow now.
  DUPLICATE: 409,
  TICKET_CLOSED: 409,
  NOT_QUEUED: 409,
  ALREADY_ACCEPTED: 409,
  NOT_IN_WORK: 409,
  NOT_AWAITING_SURVEY: 409,
  SURVEY_CLOSED: 409,
  // An Idempotency-Key sent again with another request than the one it was first sent with.
  IDEMPOTENCY_KEY_REUSED: 409,
  NO_OPEN_COMPLAINT: 409,
  NOT_WAITING_FOR_CLIENT: 409,
  ON_TOP_LINE: 409,
  NO_SLA: 409,
  AT_LIMIT: 409,
  // A ticket from a call whose caller sent no phone number (anonymous): nobody to file it for.
  CALL_WITHOUT_NUMBER: 409,
  // A contact (phone, e-mail, Telegram) that is already another client's.
  CONTACT_TAKEN: 409,
  // A change to a merged client (a tombstone), or a merge into or from one.
  CLIENT_MERGED: 409,
  // A change made against an older version of a client profile than the stored one.
  STALE_VERSION: 409,
  OFFER_CLOSED: 409,
  OFFERED_TO_ANOTHER: 409,
  // A reassignment to an operator who lacks the competence: the ticket stays where it is.
  ASSIGNEE_MISSING_COMPETENCE: 409,
  // A request to a name the desk is not configured to answer to (DNS rebinding): ALLOWED_HOSTS.
  HOST_NOT_ALLOWED: 421,
  // Too many failed sign-ins for an account or from an address.
  TOO_MANY_SIGN_INS: 429,
  // Too many requests from one address to the routes anyone may call (PUBLIC_RATE_LIMIT).
  RATE_LIMITED: 429,
  // The engine or the database does not answer.
  ENGINE_TIMEOUT: 503,
  ENGINE_UNAVAILABLE: 503,
  // Too many reads of tickets' workflows (SLA clocks) in flight in this API process: retry in a moment.
  ENGINE_BUSY: 503,
  BACKEND_UNAVAILABLE: 503,
  // The sign-in provider (OIDC) or the directory (LDAP) does not answer.
  SSO_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ErrorStatus;
export type ErrorHttpStatus = (typeof ErrorStatus)[ErrorCode];

export const errorCodes = Object.keys(ErrorStatus) as ErrorCode[];

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ErrorStatus, code);
