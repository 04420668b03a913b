/**
 * Rows the embedded store does not answer correctly yet (issue 12). Both suites
 * assert that each of these still fails, so that a fix is noticed: remove the row
 * from this list when the engine gets it right. A row given as `{ row, onlyOverHttp }`
 * fails only through the gateway's HTTP API (routing, not the store).
 */
export type KnownGap = string | { row: string; onlyOverHttp: true };

export const KNOWN_GAPS: readonly KnownGap[] = [];
