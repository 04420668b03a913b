/**
 * Names every plain object inherits (`__proto__`, `constructor`, `hasOwnProperty`,
 * `toString`, ...). No FHIR element has one of them, and `@medplum/core`'s
 * validator looks element definitions up in plain objects, so it takes them
 * for known elements: they are refused here.
 */
const INHERITED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * The FHIRPath-style path (`Patient.name[0].constructor`) of the first element
 * whose name is an inherited object property, or undefined when there is none.
 */
export function findInheritedElementName(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findInheritedElementName(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    if (INHERITED_NAMES.has(key)) return `${path}.${key}`;
    const found = findInheritedElementName((value as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
