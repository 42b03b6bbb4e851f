// Errors a user can cause: printed as one line on stderr, never with a stack trace.

/** Bad command line: exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** A user-level failure (unreadable file, API refused, …): exit code 1 unless told otherwise. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
