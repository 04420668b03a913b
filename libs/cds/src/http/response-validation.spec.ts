import 'reflect-metadata';
import { responseProblems } from './response-validation';

// Oracle: CDS Hooks 2.0.1, "CDS Service Response" (https://cds-hooks.hl7.org/2.0/#cds-service-response) and
// "Coding" (#coding). The examples are copied from the specification; the expected problems are written by hand
// from its tables, worded as this gateway words them (the path, then the rule).

const source = { label: 'Static CDS Service Example' };
const card = (fields: Record<string, unknown> = {}) => ({
  summary: 'Example Card',
  indicator: 'info',
  source,
  ...fields,
});
const suggestionCard = (actions: unknown[]) =>
  card({ selectionBehavior: 'any', suggestions: [{ label: 'Apply', actions }] });

describe('responseProblems: the specification examples', () => {
  it('accepts "no decision support", the example response, and the source, action and override reason examples', () => {
    expect(responseProblems({ cards: [] })).toEqual([]);
    // "Example response"
    const example = {
      cards: [
        {
          uuid: '4e0a3a1e-3283-4575-ab82-028d55fe2719',
          summary: 'Example Card',
          indicator: 'info',
          detail: 'This is an example card.',
          source: {
            label: 'Static CDS Service Example',
            url: 'https://example.com',
            icon: 'https://example.com/img/icon-100px.png',
          },
          links: [
            { label: 'Google', url: 'https://google.com', type: 'absolute' },
            { label: 'Github', url: 'https://github.com', type: 'absolute' },
            {
              label: 'SMART Example App',
              url: 'https://smart.example.com/launch',
              type: 'smart',
              appContext: '{"session":3456356,"settings":{"module":4235}}',
            },
          ],
        },
        {
          summary: 'Another card',
          indicator: 'warning',
          source: { label: 'Static CDS Service Example' },
          overrideReasons: [
            {
              code: 'reason-code-provided-by-service',
              system: 'http://example.org/cds-services/fhir/CodeSystem/override-reasons',
              display: 'Patient refused',
            },
            {
              code: '12354',
              system: 'http://example.org/cds-services/fhir/CodeSystem/override-reasons',
              display: 'Contraindicated',
            },
          ],
        },
      ],
    };
    expect(responseProblems(example)).toEqual([]);
    // "Below is an example `source` parameter"
    const zika = {
      label: 'Zika Virus Management',
      url: 'https://example.com/cdc-zika-virus-mgmt',
      icon: 'https://example.com/cdc-zika-virus-mgmt/100.png',
      topic: {
        system: 'http://example.org/cds-services/fhir/CodeSystem/topics',
        code: '12345',
        display: 'Mosquito born virus',
      },
    };
    expect(responseProblems({ cards: [card({ source: zika })] })).toEqual([]);
    // The create, update and delete action examples.
    const actions = [
      {
        type: 'create',
        description: 'Create a prescription for Acetaminophen 250 MG',
        resource: { resourceType: 'MedicationRequest', id: 'medrx001', '...': '<snipped for brevity>' },
      },
      {
        type: 'update',
        description: 'Update the order to record the appropriateness score',
        resource: { resourceType: 'ServiceRequest', id: 'procedure-request-1', '...': '<snipped for brevity>' },
      },
      {
        type: 'delete',
        description: 'Remove the inappropriate order',
        resourceId: 'ServiceRequest/procedure-request-1',
      },
    ];
    expect(responseProblems({ cards: [suggestionCard(actions)], systemActions: actions })).toEqual([]);
  });

  it('names what two examples of the specification leave out that its own tables require', () => {
    // "Example response using autolaunchable": the card has no `indicator` (REQUIRED in Card Attributes).
    const autolaunch = {
      cards: [
        {
          uuid: '4e0a3a1e-3283-4575-ab82-028d55fe2719',
          summary: 'Lung cancer screening shared decision making',
          detail: 'Patient is a current smoker with a 20 pack/year history.',
          source: { label: 'Lung Cancer Screening Shared Decision Making App', url: 'https://example.com/LCS' },
          links: [{ label: 'Github', url: 'https://github.com', type: 'absolute', autolaunchable: true }],
        },
      ],
    };
    expect(responseProblems(autolaunch)).toEqual(['cards[0].indicator is required']);
    // "System Action": the action has no `description` (REQUIRED in Action).
    const systemAction = {
      cards: [],
      systemActions: [
        {
          type: 'update',
          resource: { resourceType: 'ServiceRequest', id: 'example-MRI-59879846', '...': '<snipped for brevity' },
        },
      ],
    };
    expect(responseProblems(systemAction)).toEqual(['systemActions[0].description is required']);
  });
});

describe('responseProblems: each rule', () => {
  const problemsOfCard = (fields: Record<string, unknown>) => responseProblems({ cards: [card(fields)] });

  it('wants an object with a cards array (systemActions optional, an array)', () => {
    for (const response of [null, 'cards', [], 42]) {
      expect(responseProblems(response)).toEqual(['the response must be an object']);
    }
    expect(responseProblems({})).toEqual(['cards is required']);
    expect(responseProblems({ cards: {} })).toEqual(['cards must be an array']);
    expect(responseProblems({ cards: ['advice'] })).toEqual(['cards[0] must be an object']);
    expect(responseProblems({ cards: [], systemActions: {} })).toEqual(['systemActions must be an array']);
  });

  it('summary: required, a string under 140 characters', () => {
    expect(responseProblems({ cards: [{ indicator: 'info', source }] })).toEqual(['cards[0].summary is required']);
    expect(problemsOfCard({ summary: '' })).toEqual(['cards[0].summary must not be empty']);
    expect(problemsOfCard({ summary: 7 })).toEqual(['cards[0].summary must be a string']);
    expect(problemsOfCard({ summary: 'x'.repeat(139) })).toEqual([]);
    expect(problemsOfCard({ summary: 'x'.repeat(140) })).toEqual(['cards[0].summary must be under 140 characters']);
    // Characters, not UTF-16 code units: 139 emoji are 278 code units.
    expect(problemsOfCard({ summary: '\u{1F489}'.repeat(139) })).toEqual([]);
  });

  it('indicator: info, warning or critical; source: an object with a label; topic: a Coding', () => {
    expect(problemsOfCard({ indicator: 'urgent' })).toEqual(['cards[0].indicator must be info, warning or critical']);
    expect(problemsOfCard({ indicator: 3 })).toEqual(['cards[0].indicator must be info, warning or critical']);
    expect(responseProblems({ cards: [{ summary: 'x', indicator: 'info' }] })).toEqual(['cards[0].source is required']);
    expect(problemsOfCard({ source: {} })).toEqual(['cards[0].source.label is required']);
    expect(problemsOfCard({ source: { label: '' } })).toEqual(['cards[0].source.label must not be empty']);
    expect(problemsOfCard({ source: { label: 'x', topic: { code: '1', display: 'One' } } })).toEqual([
      'cards[0].source.topic.system is required',
    ]);
  });

  it('selectionBehavior: at-most-one or any, required when there are suggestions', () => {
    const suggestions = [{ label: 'Order it' }];
    expect(problemsOfCard({ suggestions })).toEqual([
      'cards[0].selectionBehavior (at-most-one or any) is required with suggestions',
    ]);
    expect(problemsOfCard({ suggestions, selectionBehavior: 'at-most-one' })).toEqual([]);
    expect(problemsOfCard({ suggestions, selectionBehavior: 'all' })).toEqual([
      'cards[0].selectionBehavior must be at-most-one or any',
    ]);
    expect(problemsOfCard({ suggestions: [] })).toEqual([]);
    expect(problemsOfCard({ suggestions: 'Order it' })).toEqual(['cards[0].suggestions must be an array']);
    expect(problemsOfCard({ suggestions: [{ uuid: 's1' }], selectionBehavior: 'any' })).toEqual([
      'cards[0].suggestions[0].label is required',
    ]);
  });

  it('actions: type, description, resource for create and update, a Type/id resourceId for delete', () => {
    const problemsOfAction = (action: Record<string, unknown>) =>
      responseProblems({ cards: [suggestionCard([action])], systemActions: [action] });
    const resource = { resourceType: 'MedicationRequest' };
    expect(problemsOfAction({ type: 'patch', description: 'd', resource })).toEqual([
      'cards[0].suggestions[0].actions[0].type must be create, update or delete',
      'systemActions[0].type must be create, update or delete',
    ]);
    expect(responseProblems({ cards: [], systemActions: [{ type: 'create', resource }] })).toEqual([
      'systemActions[0].description is required',
    ]);
    for (const type of ['create', 'update']) {
      expect(responseProblems({ cards: [], systemActions: [{ type, description: 'd' }] })).toEqual([
        'systemActions[0].resource is required for create and update',
      ]);
    }
    expect(
      responseProblems({ cards: [], systemActions: [{ type: 'create', description: 'd', resource: {} }] }),
    ).toEqual(['systemActions[0].resource.resourceType is required']);
    expect(problemsOfAction({ type: 'delete', description: 'd' })).toEqual([
      'cards[0].suggestions[0].actions[0].resourceId (a Type/id reference) is required for delete',
      'systemActions[0].resourceId (a Type/id reference) is required for delete',
    ]);
    // The specification's resourceId is one string, not a list.
    expect(
      responseProblems({ cards: [], systemActions: [{ type: 'delete', description: 'd', resourceId: ['Task/1'] }] }),
    ).toEqual(['systemActions[0].resourceId must be a string']);
    const [bareId] = responseProblems({
      cards: [],
      systemActions: [{ type: 'delete', description: 'd', resourceId: 'task-1' }],
    });
    expect(bareId).toMatch(/^systemActions\[0\]\.resourceId must match pattern /);
  });

  it('links: label, url, type absolute or smart; override reasons: Codings with a display', () => {
    expect(problemsOfCard({ links: [{ type: 'web' }] })).toEqual([
      'cards[0].links[0].label is required',
      'cards[0].links[0].url is required',
      'cards[0].links[0].type must be absolute or smart',
    ]);
    expect(problemsOfCard({ links: [{ label: 'l', url: 'https://x', type: 'smart', autolaunchable: 'yes' }] })).toEqual(
      ['cards[0].links[0].autolaunchable must be a boolean'],
    );
    expect(problemsOfCard({ overrideReasons: [{ code: 'c', system: 's' }, { display: 'Refused' }] })).toEqual([
      'cards[0].overrideReasons[0].display is required',
      'cards[0].overrideReasons[1].code is required',
      'cards[0].overrideReasons[1].system is required',
    ]);
  });

  it('takes an absent field as absent (undefined, as JSON.stringify drops it), null as a wrong value, extensions as they are', () => {
    expect(problemsOfCard({ uuid: undefined, detail: undefined, links: undefined })).toEqual([]);
    expect(problemsOfCard({ detail: null })).toEqual(['cards[0].detail must be a string']);
    expect(problemsOfCard({ extension: { 'com.example.score': 3 } })).toEqual([]);
  });
});

describe('responseProblems: hostile responses', () => {
  it('names at most 50 problems of a huge response, then how many more, and accepts a huge valid one', () => {
    const problems = responseProblems({
      cards: Array.from({ length: 100_000 }, () => ({ indicator: 'info', source })),
    });
    expect(problems).toHaveLength(51);
    expect(problems[0]).toBe('cards[0].summary is required');
    expect(problems[49]).toBe('cards[49].summary is required');
    expect(problems[50]).toBe('and 99950 more problems');
    expect(responseProblems({ cards: Array.from({ length: 100_000 }, () => card()) })).toEqual([]);
    const nested = responseProblems({
      cards: [card({ selectionBehavior: 'any', suggestions: Array.from({ length: 100_000 }, () => ({})) })],
    });
    expect(nested).toHaveLength(51);
    expect(nested[0]).toBe('cards[0].suggestions[0].label is required');
    expect(nested[50]).toBe('and 99950 more problems');
  });

  it('counts only own fields: a `__proto__` key or a prototype does not supply a required field', () => {
    const parsed: unknown = JSON.parse(
      '{"cards":[{"__proto__":{"summary":"from the prototype"},"indicator":"info","source":{"label":"s"}}]}',
    );
    expect(responseProblems(parsed)).toEqual(['cards[0].summary is required']);
    const inherited = Object.assign(Object.create({ summary: 'inherited' }) as object, { indicator: 'info', source });
    expect(JSON.stringify(inherited)).not.toContain('summary');
    expect(responseProblems({ cards: [inherited] })).toEqual(['cards[0].summary is required']);
    expect(({} as Record<string, unknown>).summary).toBeUndefined();
  });

  it('does not descend into a deeply nested resource or extension', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    const action = { type: 'create', description: 'd', resource: { resourceType: 'Basic', deep } };
    expect(responseProblems({ cards: [card({ extension: deep })], systemActions: [action] })).toEqual([]);
    expect(responseProblems({ cards: [card({ extension: deep, indicator: 'x' })], systemActions: [action] })).toEqual([
      'cards[0].indicator must be info, warning or critical',
    ]);
  });

  it('never repeats a submitted value in a problem', () => {
    const phi = 'Jane Doe 1970-01-01 MRN-4471';
    const problems = responseProblems({
      cards: [
        {
          summary: `${phi} `.repeat(10),
          indicator: phi,
          source: { label: 7, topic: { code: phi, system: 9 } },
          detail: { phi },
          selectionBehavior: phi,
          suggestions: [{ label: phi, actions: [{ type: phi, description: phi, resourceId: phi }] }],
          links: [{ label: phi, url: phi, type: phi, appContext: { phi } }],
          overrideReasons: [{ code: phi, system: phi, display: { phi } }],
        },
      ],
      systemActions: [{ type: 'delete', description: phi, resourceId: phi }],
    });
    expect(problems.length).toBeGreaterThan(8);
    for (const problem of problems) expect(problem).not.toMatch(/Jane|MRN|1970/);
  });
});
