/**
 * What failed, for events and logs: the error's `problem` when its class
 * states one (written to name the operation, parameter, element path or index,
 * never a submitted value or stored content); otherwise only the kind of error,
 * since a message may quote anything.
 */
export function problemOf(error: unknown): string {
  const problem = (error as { problem?: unknown } | null | undefined)?.problem;
  if (typeof problem === 'string') return problem;
  return error instanceof Error ? `${error.name} (message withheld: it may carry content)` : 'unknown failure';
}

/** The stack frames of an error without its message line, for logs. */
export function stackFramesOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack?.split('\n').slice(1).join('\n') : undefined;
}
