import type { SQLInputValue } from 'node:sqlite';

/** A fragment of SQL with its bound parameters, in order. */
export interface Sql {
  text: string;
  params: SQLInputValue[];
}

/** Tagged template: embedded `Sql` fragments are spliced, any other value becomes a bound parameter. */
export function sql(strings: TemplateStringsArray, ...values: (Sql | SQLInputValue)[]): Sql {
  let text = strings[0];
  const params: SQLInputValue[] = [];
  values.forEach((value, i) => {
    if (isSql(value)) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[i + 1];
  });
  return { text, params };
}

/** Plain SQL text (a table or column name chosen by the engine, never by the request). */
export const raw = (text: string): Sql => ({ text, params: [] });

export function join(parts: Sql[], separator: string): Sql {
  return { text: parts.map((part) => part.text).join(separator), params: parts.flatMap((part) => part.params) };
}

/** A bound JSON array, read in SQL with `json_each` (one parameter for any number of values). */
export const list = (values: SQLInputValue[]): Sql => sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;

function isSql(value: unknown): value is Sql {
  return typeof value === 'object' && value !== null && 'text' in value && 'params' in value;
}
