import { z } from 'zod';
import { type ConfigNamespaceInfo, keyMeta } from './config-namespace';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;

function typeOf(field: z.ZodType): string {
  const meta = keyMeta(field);
  if (meta.valueType) return meta.valueType;
  const schema = z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' }) as {
    type?: string;
    enum?: unknown[];
    minimum?: number;
    maximum?: number;
    pattern?: string;
  };
  if (schema.enum) return `one of ${schema.enum.map((value) => code(String(value))).join(', ')}`;
  if (schema.type === 'integer' || schema.type === 'number') {
    const bounds = [
      schema.minimum !== undefined ? `>= ${schema.minimum}` : '',
      schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER ? `<= ${schema.maximum}` : '',
    ].filter(Boolean);
    return ['integer', ...bounds].join(', ');
  }
  return schema.type ?? 'string';
}

/** The default as the environment would spell it; `—` when the key has none. */
function defaultOf(field: z.ZodType): string {
  const parsed = field.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '—';
  const value: unknown = parsed.data;
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : code(value.join(','));
  if (typeof value === 'object' && value !== null)
    return Object.keys(value).length === 0 ? '(empty)' : code(JSON.stringify(value));
  return code(String(value));
}

/** The Markdown reference of the namespaces' keys: a section per namespace, a row per key. */
export function configReference(namespaces: readonly ConfigNamespaceInfo[]): string {
  return namespaces
    .map((namespace) => {
      const rows = Object.entries(namespace.schema.shape as Record<string, z.ZodType>).map(([key, field]) => {
        const secret = keyMeta(field).secret ? ' Secret: never shown in messages or logs.' : '';
        return `| ${code(key)} | ${cell(typeOf(field))} | ${cell(defaultOf(field))} | ${cell((field.description ?? '') + secret)} |`;
      });
      return [
        `## ${namespace.title}`,
        '',
        `Namespace \`${namespace.namespace}\`.`,
        '',
        '| Key | Type | Default | Description |',
        '| --- | --- | --- | --- |',
        ...rows,
      ].join('\n');
    })
    .join('\n\n');
}
