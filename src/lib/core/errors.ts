/**
 * Errors with a code, so one top-level handler can print one line and pick the exit code.
 * Messages say what was received, what was expected and what to do next.
 */
export class AvalancheError extends Error {
  readonly code: string;
  /** Process exit code a runbook should end with when this error escapes. */
  readonly exitCode: number;
  /**
   * true when the error proves the change it interrupted did not happen (an HTTP 4xx: the server refused
   * it). A change that fails with such an error is not listed as "may have changed" and not undone.
   */
  refused = false;
  /** What to do next when it is more than "fix the cause and run again" (printed after the message). */
  next?: string;
  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad input: a malformed file, an unknown flag value. Nothing was changed (exit 2). */
export class InputError extends AvalancheError {
  constructor(message: string, code = 'E_INPUT') {
    super(code, message, 2);
  }
}

/** A data file that does not fit its schema, located by file and line. */
export class DataFileError extends InputError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`, 'E_DATA');
    this.file = file;
    this.line = line;
  }
}
