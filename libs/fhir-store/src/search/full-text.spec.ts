import type { Bundle, Patient } from '@medplum/fhirtypes';
import { FhirStore } from '../fhir-store';
import { MAX_FULL_TEXT_TERMS, fullTextQuery } from './full-text-query';

describe('the full-text query of _text/_content', () => {
  it('quotes every word (FTS5 operators, quotes and column filters are words); space = AND, comma values = OR', () => {
    expect(fullTextQuery('_text', ['john smith', 'zoe'])).toBe('("john" AND "smith") OR ("zoe")');
    expect(fullTextQuery('_text', ['a OR b', 'NEAR(x)', 'col:y', 'say"hi'])).toBe(
      '("a" AND "OR" AND "b") OR ("NEAR(x)") OR ("col:y") OR ("say""hi")',
    );
  });

  it('refuses a value without a word, too many words or values, naming the parameter only', () => {
    expect(() => fullTextQuery('_content', ['" * -'])).toThrow(/'_content' has no word/);
    expect(() => fullTextQuery('_content', [Array.from({ length: 17 }, () => 'w').join(' ')])).toThrow(/at most 16/);
    expect(() =>
      fullTextQuery(
        '_content',
        Array.from({ length: 11 }, () => 'w'),
      ),
    ).toThrow(/at most 10/);
  });
});

describe('the full-text index follows writes', () => {
  let store: FhirStore;
  beforeAll(() => {
    store = new FhirStore({ path: ':memory:' });
  });
  afterAll(() => store.close());

  const ids = async (query: string) =>
    ((await store.request({ method: 'GET', path: `Patient?${query}` })).body as Bundle).entry?.map(
      (entry) => entry.resource?.id,
    ) ?? [];
  const patient = (word: string): Patient => ({
    resourceType: 'Patient',
    id: 'ft1',
    text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${word} narrative</div>` },
    name: [{ family: `${word}son` }],
  });

  it('indexes a new resource, replaces its text on update and removes it on delete', async () => {
    expect((await store.request({ method: 'PUT', path: 'Patient/ft1', body: patient('alpha') })).status).toBe(201);
    expect(await ids('_text=alpha')).toEqual(['ft1']);
    expect(await ids('_content=alphason')).toEqual(['ft1']);

    expect((await store.request({ method: 'PUT', path: 'Patient/ft1', body: patient('beta') })).status).toBe(200);
    expect(await ids('_text=alpha')).toEqual([]);
    expect(await ids('_content=alphason')).toEqual([]);
    expect(await ids('_text=beta')).toEqual(['ft1']);

    expect((await store.request({ method: 'DELETE', path: 'Patient/ft1' })).status).toBe(204);
    expect(await ids('_text=beta')).toEqual([]);
    expect(await ids('_content=betason')).toEqual([]);
  });
});

describe('full-text limits per search', () => {
  let store: FhirStore;
  beforeAll(async () => {
    store = new FhirStore({ path: ':memory:' });
    await store.request({
      method: 'PUT',
      path: 'Patient/w1',
      body: { resourceType: 'Patient', id: 'w1', name: [{ family: 'glucose' }] },
    });
  });
  afterAll(() => store.close());

  const search = (query: string) => store.request({ method: 'GET', path: `Patient?${query}` });
  const words = (n: number) => encodeURIComponent(Array.from({ length: n }, () => 'glucose').join(' '));

  it('F4: the _text/_content words of one search are bounded in all, not only per parameter (400 naming the parameter)', async () => {
    const within = Array.from({ length: MAX_FULL_TEXT_TERMS / 16 }, () => `_content=${words(16)}`).join('&');
    expect((await search(within)).status).toBe(200);
    const over = `${within}&_text=glucose`;
    expect(await search(over)).toMatchObject({
      status: 400,
      body: {
        issue: [
          {
            diagnostics: `Search parameter '_text' brings the search over ${MAX_FULL_TEXT_TERMS} full-text words (_text, _content)`,
          },
        ],
      },
    });
    // A word of several tokens (FTS5 splits on punctuation) counts each.
    expect(
      (await search(`_content=${encodeURIComponent(Array.from({ length: 65 }, () => 'a').join('-'))}`)).status,
    ).toBe(400);
  });

  it('F10: a control character (NUL) in a _text/_content value is refused with 400 naming the parameter', async () => {
    for (const query of ['_content=glu%00cose', '_text=glu%01cose'])
      expect(await search(query)).toMatchObject({
        status: 400,
        body: { issue: [{ diagnostics: `Search parameter '${query.split('=')[0]}' has a control character` }] },
      });
  });
});
