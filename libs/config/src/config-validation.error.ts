/** Thrown when the configuration is invalid: one line per problem, each naming its key, never a secret value. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }

  /** The message an app prints before it exits with code 78: `Invalid <app> configuration:` and the problems. */
  report(app: string): string {
    return `Invalid ${app} configuration:\n  - ${this.problems.join('\n  - ')}\n`;
  }
}

/** `EX_CONFIG` from sysexits.h: the exit code of a process refused for its configuration. */
export const EXIT_CONFIG = 78;

/** Runs `load`; on a `ConfigValidationError` prints its report to stderr and exits with code 78. */
export function configOrExit<T>(app: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(error.report(app));
    process.exit(EXIT_CONFIG);
  }
}
