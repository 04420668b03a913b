// NoteReader try-out: a CDA document through ProcessDocument as Epic sends it (SOAP), and what came back.
import { call, json } from '/console/api.js';
import { errorNote, h, jsonBlock, replace } from '/console/dom.js';
import { byCorrelation, onEvent } from '/console/event-stream.js';

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const EPIC_NS = 'urn:epic-com:Common.2013.Services';
const CDA_NS = 'urn:hl7-org:v3';

function toBase64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(base64) {
  return new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/** The SOAP request Epic sends, built as XML (every value escaped by the serializer). */
function envelope(documentText, sessionId) {
  const doc = document.implementation.createDocument(SOAP_NS, 'soap:Envelope');
  const body = doc.createElementNS(SOAP_NS, 'soap:Body');
  const process = doc.createElementNS(EPIC_NS, 'ProcessDocument');
  for (const [name, value] of [
    ['SessionID', sessionId],
    ['WorkType', '1'],
    ['OrganizationID', 'CONSOLE'],
    ['Document', toBase64(documentText)],
  ]) {
    const element = doc.createElementNS(EPIC_NS, name);
    element.textContent = value;
    process.append(element);
  }
  body.append(process);
  doc.documentElement.append(body);
  return `<?xml version="1.0" encoding="utf-8"?>${new XMLSerializer().serializeToString(doc)}`;
}

/** Sections of a CDA document with their entries, each entry as its serialized XML and a label. */
function sections(cda) {
  return [...cda.getElementsByTagNameNS(CDA_NS, 'section')].map((section) => {
    const title = [...section.children].find((c) => c.localName === 'title')?.textContent ?? '(untitled)';
    const code = [...section.children].find((c) => c.localName === 'code')?.getAttribute('code') ?? '';
    const entries = [...section.children]
      .filter((c) => c.localName === 'entry')
      .map((entry) => {
        const coded = [
          ...entry.getElementsByTagNameNS(CDA_NS, 'value'),
          ...entry.getElementsByTagNameNS(CDA_NS, 'code'),
        ].find((c) => c.getAttribute('displayName'));
        const label = coded
          ? `${coded.getAttribute('displayName')} (${coded.getAttribute('code')})`
          : (entry.firstElementChild?.localName ?? 'entry');
        return { xml: new XMLSerializer().serializeToString(entry), label };
      });
    return { title, code, entries };
  });
}

/** The CDA as FHIR, mapped by the gateway exactly as NoteReader maps it for its handler (nothing is stored). */
async function mapped(cdaText) {
  const { body } = await json('/console/cda/fhir', {
    method: 'POST',
    headers: { 'Content-Type': 'application/xml' },
    body: cdaText,
  });
  return [body.patient, ...body.conditions, ...body.medications, ...body.allergies, ...body.notes].filter(Boolean);
}

/** `{ Condition: 3 }` as `3 Condition` (the event's counts per resource type). */
const describeAdded = (counts) =>
  Object.entries(counts)
    .map(([type, count]) => `${count} ${type}`)
    .join(', ') || 'nothing';

/** A resource's content without the id the mapping numbers it with, to compare two mappings. */
const contentOf = ({ id: _id, ...rest }) => JSON.stringify(rest);

function summary(resource) {
  const concept = resource.code ?? resource.medicationCodeableConcept ?? resource.type;
  const coding = concept?.coding?.[0];
  return {
    what:
      concept?.text ??
      coding?.display ??
      resource.description ??
      (resource.resourceType === 'Patient' ? 'the patient' : ''),
    code: coding
      ? `${coding.code ?? ''} ${coding.system ? `(${coding.system.replace(/^.*[/:]/, '')})` : ''}`.trim()
      : '',
  };
}

export function mountNoteReader(root) {
  const fileInput = h('input', { id: 'cda-file', type: 'file', accept: '.xml,text/xml,application/xml' });
  const sampleButton = h(
    'button.secondary',
    { type: 'button', onclick: () => void loadSample() },
    'Use the sample progress note',
  );
  const preview = h('p.hint', { id: 'cda-chosen', role: 'status' }, 'No document chosen');
  const result = h('div.note-result', { 'aria-live': 'polite' });
  let documentText;
  let stopWatching;

  replace(
    root,
    h('h2', {}, 'NoteReader'),
    h(
      'form.filters',
      { onsubmit: (e) => (e.preventDefault(), void send()) },
      h('label', { for: 'cda-file' }, 'CDA document'),
      fileInput,
      sampleButton,
      h('button', { type: 'submit' }, 'Send ProcessDocument'),
    ),
    preview,
    result,
  );

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    documentText = await file.text();
    preview.textContent = `Chosen: ${file.name} (${file.size} bytes)`;
  });

  async function loadSample() {
    const response = await fetch('/console/samples/progress-note.xml');
    documentText = await response.text();
    preview.textContent = 'Chosen: the sample progress note';
  }

  async function send() {
    if (!documentText) return replace(result, errorNote('Choose a document first'));
    replace(result, h('p', {}, 'Sending…'));
    try {
      const response = await call('/notereader', {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"ProcessDocument"' },
        body: envelope(documentText, crypto.randomUUID()),
      });
      const requestId = response.headers.get('X-Request-Id');
      const soap = new DOMParser().parseFromString(await response.text(), 'application/xml');
      const fault = soap.getElementsByTagNameNS(SOAP_NS, 'Fault')[0];
      if (fault)
        throw new Error(`soap:Fault: ${fault.getElementsByTagName('faultstring')[0]?.textContent ?? 'unknown'}`);
      const returned = soap.getElementsByTagNameNS(EPIC_NS, 'Document')[0]?.textContent;
      if (!returned) throw new Error('The response carries no document');
      const returnedText = fromBase64(returned);
      const parser = new DOMParser();
      const before = sections(parser.parseFromString(documentText, 'application/xml'));
      const after = sections(parser.parseFromString(returnedText, 'application/xml'));
      const [sent, answered] = await Promise.all([mapped(documentText), mapped(returnedText)]);
      render(before, after, { sent, answered }, requestId);
    } catch (error) {
      replace(result, errorNote(error));
    }
  }

  function render(before, after, resources, requestId) {
    const known = new Set(before.flatMap((s) => s.entries.map((e) => e.xml)));
    const added = after.flatMap((s) =>
      s.entries.filter((e) => !known.has(e.xml)).map((e) => ({ ...e, section: s.title })),
    );
    const eventsList = h('ul.story');
    const refresh = () =>
      replace(
        eventsList,
        byCorrelation(requestId).map((e) =>
          h(
            'li',
            {},
            `${e.eventType} ${e.payload.operation} ${e.payload.outcome} ${e.payload.status}${e.payload.resourcesAdded ? ` · added ${describeAdded(e.payload.resourcesAdded)}` : ''}${e.payload.sections ? ` · sections ${e.payload.sections.join(', ')}` : ''}`,
          ),
        ),
      );
    refresh();
    stopWatching?.();
    stopWatching = onEvent((event) => event.correlationId === requestId && refresh());
    replace(
      result,
      h('h3', {}, `Entries the handler added (${added.length})`),
      added.length === 0
        ? h('p.hint', {}, 'None')
        : h(
            'ul.added',
            {},
            added.map((e) => h('li.added-entry', {}, h('mark', {}, e.label), ` in ${e.section}`)),
          ),
      h('h3', {}, 'Sections of the returned document'),
      h(
        'table.sections',
        {},
        h(
          'thead',
          {},
          h('tr', {}, ...['Section', 'LOINC', 'Entries', 'Entries added'].map((n) => h('th', { scope: 'col' }, n))),
        ),
        h(
          'tbody',
          {},
          after.map((s) => {
            const count = s.entries.filter((e) => !known.has(e.xml)).length;
            return h(
              'tr',
              { class: count > 0 ? 'highlight' : undefined },
              h('th', { scope: 'row' }, s.title),
              h('td', {}, s.code),
              h('td', {}, s.entries.length),
              h('td', {}, count),
            );
          }),
        ),
      ),
      h('h3', {}, `FHIR resources mapped from the returned document (${resources.answered.length})`),
      resourceTable(resources),
      h('h3', {}, `Events of request ${requestId}`),
      eventsList,
    );
  }
}

/** The returned document's FHIR resources; those the sent document did not have are the handler's, highlighted. */
function resourceTable({ sent, answered }) {
  const before = new Set(sent.map(contentOf));
  return h(
    'table.resources',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Resource', 'What', 'Code', 'Added by the handler', 'JSON'].map((n) => h('th', { scope: 'col' }, n)),
      ),
    ),
    h(
      'tbody',
      {},
      answered.map((resource) => {
        const added = !before.has(contentOf(resource));
        const { what, code } = summary(resource);
        return h(
          'tr',
          { class: added ? 'highlight added-resource' : undefined, dataset: { resourceType: resource.resourceType } },
          h('th', { scope: 'row' }, resource.resourceType),
          h('td', {}, added ? h('mark', {}, what) : what),
          h('td', {}, code),
          h('td', {}, added ? 'yes' : 'no'),
          h('td', {}, h('details', {}, h('summary', {}, 'JSON'), jsonBlock(resource, `${resource.resourceType} JSON`))),
        );
      }),
    ),
  );
}
