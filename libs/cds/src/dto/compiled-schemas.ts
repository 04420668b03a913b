import Ajv, { ValidateFunction } from 'ajv';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { IS_URL, isURL } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

const DEFINITIONS = 'cds-dto';

/** One generated schema (OpenAPI 3 / JSON Schema). */
export type DtoSchema = ReturnType<typeof validationMetadatasToSchemas>[string];

/**
 * The DTOs' own decorators, turned once into JSON Schemas
 * (class-validator-jsonschema) and compiled once by Ajv: a check that costs
 * about a microsecond per request instead of class-transformer and
 * class-validator's walk over the metadata. `@IsUrl` keeps its options
 * through an Ajv keyword that calls class-validator's own `isURL`.
 */
function compileDefinitions(): Ajv {
  const schemas = cdsDtoSchemas(`${DEFINITIONS}#/definitions/`, (options) => ({ type: 'string', isUrl: options }));
  // unicodeRegExp off: `@Matches` patterns are plain JavaScript regular expressions, as class-validator runs them.
  const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: false });
  ajv.addKeyword({
    keyword: 'isUrl',
    type: 'string',
    schemaType: 'object',
    validate: (options: Parameters<typeof isURL>[1], value: string) => isURL(value, options),
  });
  ajv.addSchema({ $id: DEFINITIONS, definitions: schemas });
  return ajv;
}

/** Where `/docs` keeps its schemas, and how it references them. */
export const SCHEMA_REF = '#/components/schemas/';

/**
 * The JSON Schema of every DTO, generated from its decorators: the one
 * definition of each shape, compiled by the validator and shown in `/docs`.
 * `refPointerPrefix` says where nested DTOs are referenced; `url` how an
 * `@IsUrl` is written (a keyword for Ajv; `format: uri`, the default, for OpenAPI).
 */
export function cdsDtoSchemas(
  refPointerPrefix: string,
  url: (options: object) => DtoSchema = () => ({ type: 'string', format: 'uri' }),
): Record<string, DtoSchema> {
  return validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix,
    additionalConverters: { [IS_URL]: (meta) => url((meta.constraints?.[0] as object | undefined) ?? {}) },
  });
}

/** The schemas named `roots` and every schema they reference (`refPointerPrefix` `SCHEMA_REF`), by name. */
export function schemasReachableFrom(
  schemas: Record<string, DtoSchema>,
  roots: readonly string[],
): Record<string, DtoSchema> {
  const names = new Set<string>();
  const visit = (name: string) => {
    if (names.has(name) || !schemas[name]) return;
    names.add(name);
    for (const [, referenced] of JSON.stringify(schemas[name]).matchAll(/"#\/components\/schemas\/(\w+)"/g))
      visit(referenced);
  };
  roots.forEach(visit);
  return Object.fromEntries([...names].map((name) => [name, schemas[name]]));
}

let ajv: Ajv | undefined;
const compiled = new Map<new () => object, ValidateFunction>();

/** Whether `value` satisfies every decorator of `dto` (and of the DTOs it nests), by the compiled schema. */
export function satisfiesDto(dto: new () => object, value: unknown): boolean {
  let validate = compiled.get(dto);
  if (!validate) {
    ajv ??= compileDefinitions();
    validate = ajv.getSchema(`${DEFINITIONS}#/definitions/${dto.name}`);
    if (!validate) throw new Error(`No schema was generated for ${dto.name}`);
    compiled.set(dto, validate);
  }
  return validate(value);
}
