/**
 * A start-up failure the user fixes through one configuration key: its message is
 * one line that names the key, the problem and the fix.
 */
export class StartupFailure extends Error {
  constructor(
    readonly key: string,
    problem: string,
    fix: string,
  ) {
    super(`${key}: ${problem}. ${fix}`);
  }
}
