// Sources and the patient browser.
import { json } from '/console/api.js';
import { errorNote, h, jsonBlock, replace, sparkline } from '/console/dom.js';
import { received } from '/console/event-stream.js';

const SECTIONS = [
  ['Encounters', 'Encounter', '_sort=-date&_count=20'],
  ['Conditions', 'Condition', '_count=50'],
  ['Observations', 'Observation', '_sort=-date&_count=200'],
  ['Medications', 'MedicationRequest', '_count=50'],
  ['Allergies', 'AllergyIntolerance', '_count=50'],
];

const fhirPath = (source, path) => `/fhir/${encodeURIComponent(source)}/${path}`;
const fhirJson = (source, path) => json(fhirPath(source, path), { headers: { Accept: 'application/fhir+json' } });
const resources = (bundle) => (bundle.entry ?? []).map((entry) => entry.resource).filter(Boolean);

function codeText(concept) {
  return concept?.text ?? concept?.coding?.[0]?.display ?? concept?.coding?.[0]?.code ?? '';
}

function summary(resource) {
  switch (resource.resourceType) {
    case 'Encounter':
      return `${codeText(resource.type?.[0]) || resource.class?.code || 'Encounter'} · ${resource.status} · ${resource.period?.start?.slice(0, 10) ?? ''}`;
    case 'Condition':
      return `${codeText(resource.code)} · ${codeText(resource.clinicalStatus)}`;
    case 'Observation': {
      const q = resource.valueQuantity;
      return `${codeText(resource.code)} · ${q ? `${q.value} ${q.unit ?? ''}` : (resource.valueString ?? codeText(resource.valueCodeableConcept))} · ${resource.effectiveDateTime?.slice(0, 10) ?? ''}`;
    }
    case 'MedicationRequest':
      return `${codeText(resource.medicationCodeableConcept)} · ${resource.status}`;
    case 'AllergyIntolerance':
      return `${codeText(resource.code)} · ${resource.criticality ?? ''}`;
    default:
      return resource.id;
  }
}

/** Vital signs grouped by code, oldest first, as small trends. */
function vitalTrends(observations) {
  const byCode = new Map();
  for (const o of observations) {
    const vital = o.category?.some((c) => c.coding?.some((coding) => coding.code === 'vital-signs'));
    if (!vital || typeof o.valueQuantity?.value !== 'number') continue;
    const name = codeText(o.code);
    if (!byCode.has(name)) byCode.set(name, []);
    byCode.get(name).push(o);
  }
  return [...byCode].map(([name, list]) => {
    list.sort((a, b) => String(a.effectiveDateTime).localeCompare(String(b.effectiveDateTime)));
    const values = list.map((o) => o.valueQuantity.value);
    const last = list.at(-1).valueQuantity;
    return h(
      'li.trend',
      {},
      h('span', {}, name),
      sparkline(values, `${name}: ${values.join(', ')}`),
      h('span', {}, `${last.value} ${last.unit ?? ''}`),
    );
  });
}

export function mountPatients(root, { useInCds }) {
  const sourcesBox = h('div');
  const sourceSelect = h('select', { id: 'patient-source' });
  const nameInput = h('input', { id: 'patient-name', type: 'search', autocomplete: 'off' });
  const results = h('ul.results', { 'aria-live': 'polite' });
  const patientBox = h('div.patient');
  const inspector = h('div.inspector');

  replace(
    root,
    h('h2', {}, 'FHIR sources'),
    sourcesBox,
    h('h2', {}, 'Patients'),
    h(
      'form.filters',
      { role: 'search', onsubmit: (e) => (e.preventDefault(), void search()) },
      h('label', { for: 'patient-source' }, 'Source'),
      sourceSelect,
      h('label', { for: 'patient-name' }, 'Name'),
      nameInput,
      h('button', { type: 'submit' }, 'Search'),
    ),
    results,
    h('div.split', {}, patientBox, inspector),
  );

  async function loadSources() {
    try {
      const { body } = await json('/fhir/status');
      const names = Object.keys(body.sources);
      replace(
        sourceSelect,
        names.map((name) => h('option', { value: name, selected: name === body.defaultSource }, name)),
      );
      replace(
        sourcesBox,
        h(
          'table.sources',
          {},
          h('caption', {}, 'Each source as the gateway sees it'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Source', 'Reachable', 'Auth', 'Token', 'Latency (recent events)'].map((n) =>
                h('th', { scope: 'col' }, n),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            Object.entries(body.sources).map(([name, status]) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, `${name}${status.default ? ' (default)' : ''}`),
                h(
                  'td',
                  {},
                  h(
                    'span',
                    { class: `outcome ${status.reachable ? 'success' : 'failure'}` },
                    status.reachable ? 'yes' : `no${status.error ? `: ${status.error}` : ''}`,
                  ),
                ),
                h('td', {}, status.auth),
                h(
                  'td',
                  {},
                  status.token
                    ? `${status.token.state}${status.token.expiresAt ? ` until ${status.token.expiresAt}` : ''}`
                    : '—',
                ),
                h('td', {}, latency(name)),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      replace(sourcesBox, errorNote(error));
    }
  }

  function latency(source) {
    const durations = received
      .filter(
        (e) => e.eventType.startsWith('fhir.') && e.sourceSystem === source && typeof e.payload.durationMs === 'number',
      )
      .map((e) => e.payload.durationMs);
    if (durations.length === 0) return 'no events yet';
    const sorted = [...durations].sort((a, b) => a - b);
    return `median ${sorted[Math.floor(sorted.length / 2)]} ms over ${sorted.length}`;
  }

  async function search() {
    const source = sourceSelect.value;
    const name = nameInput.value.trim();
    replace(results, h('li', {}, 'Searching…'));
    try {
      const query = `Patient?_count=20${name ? `&name=${encodeURIComponent(name)}` : ''}`;
      const { body } = await fhirJson(source, query);
      const patients = resources(body);
      replace(
        results,
        patients.length === 0
          ? h('li', {}, 'No patient found')
          : patients.map((p) => {
              const label = `${p.name?.[0]?.given?.join(' ') ?? ''} ${p.name?.[0]?.family ?? ''}`.trim() || p.id;
              return h(
                'li',
                {},
                h(
                  'button.link',
                  { type: 'button', dataset: { patientId: p.id }, onclick: () => void open(source, p) },
                  `${label} · ${p.gender ?? ''} · ${p.birthDate ?? ''}`,
                ),
              );
            }),
      );
    } catch (error) {
      replace(results, h('li', {}, errorNote(error)));
    }
  }

  async function open(source, patient) {
    const label = `${patient.name?.[0]?.given?.join(' ') ?? ''} ${patient.name?.[0]?.family ?? ''}`.trim();
    replace(
      patientBox,
      h('h3', {}, label || patient.id),
      h(
        'p',
        {},
        h('button', { type: 'button', onclick: () => inspect(source, patient) }, 'Patient JSON and history'),
        ' ',
        h('button', { type: 'button', onclick: () => useInCds(patient.id) }, 'Use in CDS'),
      ),
      h('p', {}, 'Loading…'),
    );
    const sections = await Promise.all(
      SECTIONS.map(async ([title, type, query]) => {
        try {
          const { body } = await fhirJson(source, `${type}?patient=${encodeURIComponent(patient.id)}&${query}`);
          return [title, type, resources(body)];
        } catch (error) {
          return [title, type, error];
        }
      }),
    );
    patientBox.lastElementChild.remove();
    for (const [title, type, list] of sections) {
      const body =
        list instanceof Error
          ? errorNote(list)
          : list.length === 0
            ? h('p.hint', {}, 'None')
            : h(
                'ul.resources',
                {},
                list.map((r) =>
                  h('li', {}, h('button.link', { type: 'button', onclick: () => inspect(source, r) }, summary(r))),
                ),
              );
      patientBox.append(
        h(
          'section.resource-list',
          { 'aria-label': title },
          h('h4', {}, `${title} (${list.length ?? 0})`),
          type === 'Observation' && Array.isArray(list)
            ? h('ul.trends', { 'aria-label': 'Vital sign trends' }, vitalTrends(list))
            : null,
          body,
        ),
      );
    }
  }

  async function inspect(source, resource) {
    replace(
      inspector,
      h('h3', {}, `${resource.resourceType}/${resource.id}`),
      jsonBlock(resource, `${resource.resourceType} JSON`),
      h('h4', {}, 'History'),
      h('p', {}, 'Loading…'),
    );
    try {
      const { body } = await fhirJson(source, `${resource.resourceType}/${encodeURIComponent(resource.id)}/_history`);
      inspector.lastElementChild.replaceWith(
        h(
          'ol.history',
          {},
          resources(body).map((v) => h('li', {}, `version ${v.meta?.versionId ?? '?'} · ${v.meta?.lastUpdated ?? ''}`)),
        ),
      );
    } catch (error) {
      inspector.lastElementChild.replaceWith(errorNote(error));
    }
  }

  void loadSources();
  return { refresh: loadSources };
}
