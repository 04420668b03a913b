import type { DatabaseSync } from 'node:sqlite';
import { FhirError, operationOutcome } from '@ehr-gateway/fhir';
import { invalid, safeName } from './search-query';

/** Codes a token `:above`/`:below` expands to, at most; more is refused with `too-costly`. */
export const MAX_SUBSUMED_CODES = 1000;

// One step per code reached; UNION drops codes met before (cycles end) and LIMIT stops the walk.
const BELOW = `WITH RECURSIVE below(code) AS (SELECT ?1 UNION
  SELECT h.code FROM below b JOIN idx_code_parent h ON h.system = ?2 AND h.parent = b.code LIMIT ?3)
  SELECT code FROM below`;
const ABOVE = `WITH RECURSIVE above(code) AS (SELECT ?1 UNION
  SELECT h.parent FROM above a JOIN idx_code_parent h ON h.system = ?2 AND h.code = a.code AND h.parent <> '' LIMIT ?3)
  SELECT code FROM above`;

/**
 * Token subsumption (R4 3.1.1.5.x `:above`, `:below`) over the hierarchies of
 * the CodeSystem resources kept in the store itself (`idx_code_parent`, filled
 * when a CodeSystem is written): the code and every code it subsumes (`below`)
 * or that subsume it (`above`).
 */
export class Subsumption {
  constructor(private readonly db: DatabaseSync) {}

  codes(name: string, system: string, code: string, direction: 'above' | 'below'): string[] {
    if (!this.db.prepare('SELECT 1 FROM idx_code_parent WHERE system = ? LIMIT 1').get(system)) {
      throw invalid(name, 'names a code system whose hierarchy this server does not hold (no CodeSystem stored)');
    }
    const codes = this.db
      .prepare(direction === 'below' ? BELOW : ABOVE)
      .all(code, system, MAX_SUBSUMED_CODES + 1)
      .map((row) => String(row.code));
    if (codes.length > MAX_SUBSUMED_CODES) {
      throw new FhirError(
        400,
        operationOutcome(
          'too-costly',
          `Search parameter '${safeName(name)}' subsumes more than ${MAX_SUBSUMED_CODES} codes: narrow it`,
        ),
      );
    }
    return codes;
  }
}
