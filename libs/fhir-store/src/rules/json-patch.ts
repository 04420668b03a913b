import { FhirError, operationOutcome } from '@ehr-gateway/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { applyOperation, compare, JsonPatchError, Operation } from 'fast-json-patch';

/** Pointer segments that would reach an object's prototype, and elements only the server sets. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const SERVER_OWNED = new Set(['/resourceType', '/id']);
/** A pointer that looks like an element path is named in errors; anything else could be submitted content. */
const ELEMENT_POINTER = /^(\/([A-Za-z_][A-Za-z0-9_]*|\d+|-))*$/;

const invalid = (index: number, op: unknown, problem: string) =>
  new FhirError(
    400,
    operationOutcome(
      'invalid',
      `JSON Patch operation ${index} (${typeof op === 'string' ? op : 'no op'}): ${problem}`,
      [`patch[${index}]`],
    ),
  );

const named = (pointer: string) => (ELEMENT_POINTER.test(pointer) ? pointer : 'the given path');

/** What each fast-json-patch error means, in words that quote nothing submitted or stored. */
const PROBLEMS: Record<string, string> = {
  OPERATION_NOT_AN_OBJECT: 'is not an object',
  OPERATION_OP_INVALID: 'has no valid op',
  OPERATION_PATH_INVALID: 'has no valid path',
  OPERATION_FROM_REQUIRED: 'needs a from',
  OPERATION_VALUE_REQUIRED: 'needs a value',
  OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED: 'has an undefined value',
  OPERATION_PATH_CANNOT_ADD: 'cannot add at its path',
  OPERATION_PATH_UNRESOLVABLE: 'its path does not exist',
  OPERATION_FROM_UNRESOLVABLE: 'its from does not exist',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'its path has an invalid array index',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'its array index is out of bounds',
  TEST_OPERATION_FAILED: 'the test failed',
};

function segments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Refuses operations the store never applies, before fast-json-patch sees them. */
function checkOperation(operation: unknown, index: number): void {
  if (!operation || typeof operation !== 'object' || Array.isArray(operation)) {
    throw invalid(index, undefined, PROBLEMS.OPERATION_NOT_AN_OBJECT);
  }
  const { op, path, from } = operation as { op?: unknown; path?: unknown; from?: unknown };
  for (const pointer of [path, from]) {
    if (pointer === undefined || typeof pointer !== 'string') continue;
    if (segments(pointer).some((segment) => FORBIDDEN_SEGMENTS.has(segment)) || SERVER_OWNED.has(pointer)) {
      throw invalid(index, op, `${named(pointer)} may not be patched`);
    }
  }
  if (op === 'move' && typeof path === 'string' && typeof from === 'string' && path.startsWith(`${from}/`)) {
    throw invalid(index, op, `cannot move ${named(from)} into its own child`);
  }
}

/**
 * Applies a JSON Patch (RFC 6902) to a stored resource. Answers undefined when
 * the patch changes nothing (an empty patch, or only `test` operations), so no
 * new version is written. Every failure is a 400 naming the operation's index
 * and type: fast-json-patch's own messages end with the whole document.
 */
export function patchResource<T extends Resource>(current: T, body: unknown): T | undefined {
  if (!Array.isArray(body)) throw FhirError.badRequest('A PATCH body must be a JSON Patch array');
  body.forEach(checkOperation);
  let patched = structuredClone(current);
  // One operation at a time: fast-json-patch's validator reports every error at index 0.
  (body as Operation[]).forEach((operation, index) => {
    try {
      patched = applyOperation(patched, operation, true, true, true, index).newDocument;
    } catch (error) {
      const problem = error instanceof JsonPatchError ? PROBLEMS[error.name] : undefined;
      throw invalid(index, operation.op, problem ?? 'cannot be applied');
    }
  });
  return compare(current, patched).length === 0 ? undefined : patched;
}
