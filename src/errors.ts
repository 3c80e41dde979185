/**
 * A mistake the user can fix (bad input, bad config, a missing file, a server
 * that is down). The CLI prints its message as one line and exits non-zero;
 * any other error is our bug and may crash loudly with a stack trace.
 */
export class UserError extends Error {
  readonly code: string;

  constructor(message: string, code = 'EUSER') {
    super(message);
    this.name = 'UserError';
    this.code = code;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
