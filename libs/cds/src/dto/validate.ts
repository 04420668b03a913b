import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { satisfiesDto } from './compiled-schemas';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? `${prefix}${message}` : `${path}: ${message}`,
    );
    return [...own, ...flatten(error.children ?? [], `${path}.`)];
  });
}

/**
 * Validates a plain object against a DTO class; returns every problem with its
 * field path (empty when valid). A value the compiled schema accepts is valid;
 * any other is given to class-validator, which names every problem.
 */
export function problemsOf(dto: new () => object, value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${prefix || 'body'} must be a JSON object`];
  if (satisfiesDto(dto, value)) return [];
  const instance = plainToInstance(dto, value);
  return flatten(validateSync(instance, { forbidUnknownValues: false }), prefix);
}
