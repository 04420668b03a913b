import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { CdsResponse } from '../dto/cds-response.dto';
import { type DtoSchema, SCHEMA_REF, cdsDtoSchemas, schemasReachableFrom } from '../dto/compiled-schemas';

/** At most this many problems are named; a longer list ends with how many more there were. */
const MAX_PROBLEMS = 50;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/**
 * The schemas with each `$ref` replaced by the very schema it names, titled
 * with its name. Ajv then compiles the response into one function: through a
 * `$ref` it concatenates the callee's error list onto the caller's, which is
 * quadratic over a huge invalid array. The response shapes nest without cycles.
 */
function linked(schemas: Record<string, DtoSchema>): Record<string, DtoSchema> {
  const done: Record<string, DtoSchema> = {};
  const link = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(link);
    if (!node || typeof node !== 'object') return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith(SCHEMA_REF)) return byName(ref.slice(SCHEMA_REF.length));
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, link(value)]));
  };
  const byName = (name: string): DtoSchema => (done[name] ??= { title: name, ...(link(schemas[name]) as DtoSchema) });
  Object.keys(schemas).forEach(byName);
  return done;
}

/**
 * `CdsResponse` and every schema it uses, generated once from the response
 * DTOs: the validators below compile these very objects and `/docs` shows
 * them. Frozen, so what is documented stays what is checked.
 */
export const CDS_RESPONSE_SCHEMAS: Readonly<Record<string, DtoSchema>> = deepFreeze(
  linked(schemasReachableFrom(cdsDtoSchemas(SCHEMA_REF), [CdsResponse.name])),
);

function compile(options: { allErrors: boolean; verbose: boolean }): ValidateFunction<CdsResponse> {
  return new Ajv({
    strict: false,
    // `@Matches` patterns are plain JavaScript regular expressions, as class-validator runs them.
    unicodeRegExp: false,
    // A field a handler's object only inherits is not in the JSON sent (JSON.stringify), so it does not count.
    ownProperties: true,
    ...options,
  }).compile<CdsResponse>(CDS_RESPONSE_SCHEMAS[CdsResponse.name]);
}

/** Whether `value` is a CDS Hooks 2.0 response; stops at the first problem (every invoke's fast path). */
export const isCdsResponse = compile({ allErrors: false, verbose: false });
/** The same schema, collecting every problem with the schema it broke (to word it). */
const explain = compile({ allErrors: true, verbose: true });

/** A JSON pointer into the response (`/cards/0/source/label`) as a path (`cards[0].source.label`). */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .reduce((path, segment) => {
      const name = segment.replace(/~1/g, '/').replace(/~0/g, '~');
      if (/^\d+$/.test(name)) return `${path}[${name}]`;
      return path ? `${path}.${name}` : name;
    }, '');
}

/** `a`, `a or b`, `a, b or c`. */
function either(values: readonly unknown[]): string {
  const words = values.map(String);
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** One problem in words, from the schema and the path only: never the value, which may be PHI. */
function problemOf({ keyword, instancePath, params, parentSchema, message }: ErrorObject): string {
  const path = pathOf(instancePath);
  const subject = path || 'the response';
  const at = (name: string) => (path ? `${path}.${name}` : name);
  switch (keyword) {
    case 'required':
      return `${at(params.missingProperty as string)} is required`;
    case 'if':
      // A conditional rule (`requiredWhen`) is worded by its description, relative to the object.
      return at((parentSchema as { description: string }).description);
    case 'type':
      return `${subject} must be ${/^[aeiou]/.test(params.type as string) ? 'an' : 'a'} ${params.type}`;
    case 'enum':
      return `${subject} must be ${either(params.allowedValues as unknown[])}`;
    case 'minLength':
      return params.limit === 1 ? `${subject} must not be empty` : `${subject} ${message}`;
    case 'maxLength':
      return `${subject} must be under ${(params.limit as number) + 1} characters`;
    default:
      // Ajv words the rest from the schema alone (a pattern, a limit).
      return `${subject} ${message}`;
  }
}

/**
 * Checks a handler's answer against the CDS Hooks 2.0 response rules (the
 * response DTOs); returns every problem found, each naming its path (at most
 * `MAX_PROBLEMS`, then how many more). Empty when the response is valid.
 */
export function responseProblems(response: unknown): string[] {
  if (isCdsResponse(response)) return [];
  explain(response);
  const errors = (explain.errors ?? []).filter(
    (error) =>
      // The `required` of a conditional rule's `then` is named by the rule itself (its `if`);
      !error.schemaPath.includes('/then/') &&
      // a value outside an enum is named by the enum, which lists the allowed values, whatever its type.
      !(error.keyword === 'type' && (error.parentSchema as { enum?: unknown }).enum),
  );
  const problems = errors.slice(0, MAX_PROBLEMS).map(problemOf);
  if (errors.length > MAX_PROBLEMS) problems.push(`and ${errors.length - MAX_PROBLEMS} more problems`);
  return problems;
}
