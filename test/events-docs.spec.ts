import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE_START, eventsCatalogue, withCurrentCatalogue } from '../scripts/events-catalogue';

describe('events documentation', () => {
  it('docs/events.md holds the catalogue generated from the event types (after changing them: npm run docs:events)', async () => {
    const path = join(__dirname, '..', 'docs', 'events.md');
    const document = readFileSync(path, 'utf8');
    expect(document).toContain(CATALOGUE_START);
    expect(document).toBe(await withCurrentCatalogue(document, path));
  });

  it('lists every event name with its payload type and the spelling of each payload field', () => {
    const catalogue = eventsCatalogue();
    // Written from the design's list of event types, not from the enum.
    for (const name of [
      'ehr.generic',
      'fhir.read',
      'fhir.search',
      'fhir.update',
      'fhir.delete',
      'fhir.create',
      'cds.patient.view',
      'cds.encounter.discharge',
      'cds.order.sign',
      'cds.order.select',
      'notereader.sign.note',
      'notereader.process.note',
    ]) {
      expect(catalogue).toMatch(new RegExp(`^\\| \`${name.replace(/\./g, '\\.')}\` \\|`, 'm'));
    }
    expect(catalogue).toContain('| `cardCount` | `number` |');
    expect(catalogue).toContain('| `resourcesAdded` | `Record<string, number>` |');
    expect(catalogue).not.toMatch(/cardsCount|entriesAdded/);
  });
});
