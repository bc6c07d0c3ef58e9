/**
 * The CLI's exit codes are part of its contract (scripts and CI branch on them):
 * 0 success, 1 the API refused or could not be reached (or a check failed), 2 the command line was wrong.
 */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/** An error the user can act on: printed as one line, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failure,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command line is wrong: a missing or malformed argument, a value that does not fit the flag's type. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** The API answered with an error body: the message is the API's own `error`. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    details: readonly string[] = [],
  ) {
    super(message, ExitCode.failure, details);
  }
}

/** No answer from the API: refused connection, DNS failure, timeout. */
export class NetworkError extends CliError {}
