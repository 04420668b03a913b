import type {
  AllergyIntolerance,
  Condition,
  DocumentReference,
  MedicationStatement,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import {
  effectiveRange,
  identifiersOf,
  narrativeResolver,
  templateIdsOf,
  toCodeableConcept,
  toFhirDateTime,
} from './mapping/cda-values';
import { LOINC_OID, allergyEntry, conditionEntry, displayOf, medicationEntry } from './mapping/entry-builders';
import { toAllergyIntolerances, toConditions, toMedicationStatements } from './mapping/entry-mappers';
import { SectionKind, SectionType, sectionTypeOf, sectionTypeOfKind } from './mapping/sections';
import {
  ATTRIBUTE_PREFIX,
  XmlNode,
  attr,
  child,
  childNodes,
  children,
  descend,
  element,
  parseXml,
  serializeXml,
  tagOf,
  text,
  textOf,
} from '@ehr-gateway/xml';

export const CDA_NAMESPACE = 'urn:hl7-org:v3';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
/** The largest document `CdaDocument.parse` reads unless told otherwise, bytes (5 MiB). */
export const CDA_DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

export class CdaParseError extends Error {}

export interface CdaSection {
  node: XmlNode;
  type?: SectionType;
  templateIds: string[];
  /** The LOINC section code. */
  code?: string;
  title: string;
  /** The narrative, as plain text. */
  text: string;
}

/**
 * What a document parsed in another thread (a worker) says, without its tree:
 * plain data that crosses threads cheaply. `CdaDocument.summarize` makes it,
 * `CdaDocument.fromSummary` turns it back into a document.
 */
export interface CdaDocumentSummary {
  /** The source text, already checked by `parse`. */
  xml: string;
  id?: string;
  typeCode?: string;
  title: string;
  sections: Omit<CdaSection, 'node'>[];
  fhir: CdaFhirView;
}

/** What a CDA document says, as FHIR R4 resources. */
export interface CdaFhirView {
  patient?: Patient;
  conditions: Condition[];
  medications: MedicationStatement[];
  allergies: AllergyIntolerance[];
  notes: DocumentReference[];
}

export type InsertableResource = Condition | MedicationStatement | AllergyIntolerance;

const MAPPERS = {
  problems: toConditions,
  medications: toMedicationStatements,
  allergies: toAllergyIntolerances,
} as const;
const BUILDERS = {
  Condition: conditionEntry,
  MedicationStatement: medicationEntry,
  AllergyIntolerance: allergyEntry,
} as const;
const KIND_OF: Record<InsertableResource['resourceType'], Exclude<SectionKind, 'note'>> = {
  Condition: 'problems',
  MedicationStatement: 'medications',
  AllergyIntolerance: 'allergies',
};

/** An element's tag, as opposed to a declaration or processing instruction (`?xml`, `?xml-stylesheet`). */
const isElementTag = (tag: string | undefined): tag is string => tag !== undefined && !tag.startsWith('?');

/** Every `ID` attribute value in a tree (narrative references point at them). */
function idsIn(nodes: XmlNode[], ids = new Set<string>()): Set<string> {
  for (const node of nodes) {
    const id = attr(node, 'ID');
    if (id !== undefined) ids.add(id);
    idsIn(childNodes(node), ids);
  }
  return ids;
}

const GENDER: Record<string, Patient['gender']> = { M: 'male', F: 'female', UN: 'other', UNK: 'unknown' };

/**
 * A CDA R2 document: the whole ordered XML tree (so serializing loses
 * nothing), its sections found by templateId or LOINC code, a FHIR view, and
 * insertion of coded entries.
 *
 * A document made from a summary (`fromSummary`) answers its id, sections,
 * FHIR view and insertions from the summary; its tree is parsed in this thread
 * only when something needs it (`root`, a section's `node`, `serialize`, the
 * view after an insertion). `unparsed()` hands its source and insertions to
 * whoever serializes it elsewhere.
 */
export class CdaDocument {
  private view?: CdaFhirView;
  private inserted = 0;
  /** The `ID`s in the document, so that an inserted entry's narrative reference is unique (a note enriched twice). */
  private ids?: Set<string>;
  private tree?: XmlNode[];
  /** Insertions into a document whose tree is not built yet, applied in order when it is. */
  private readonly pending: InsertableResource[] = [];

  private summary?: CdaDocumentSummary;

  private constructor(source: XmlNode[] | CdaDocumentSummary) {
    if (Array.isArray(source)) this.tree = source;
    else this.summary = source;
  }

  /** Parses and checks a CDA document: no DTD, a size limit, a `ClinicalDocument` root in the HL7 v3 namespace. */
  static parse(xml: string, options: { maxBytes?: number } = {}): CdaDocument {
    let nodes: XmlNode[];
    try {
      nodes = parseXml(xml, options.maxBytes ?? CDA_DEFAULT_MAX_BYTES);
    } catch (error) {
      throw new CdaParseError(`Not a well-formed CDA document: ${(error as Error).message}`);
    }
    const root = nodes.find((node) => isElementTag(tagOf(node)));
    const rootTag = root ? tagOf(root) : undefined;
    if (!root || !rootTag || rootTag.replace(/^.*:/, '') !== 'ClinicalDocument') {
      throw new CdaParseError('Not a CDA document: the root element is not <ClinicalDocument>');
    }
    const namespace = attr(root, rootTag.includes(':') ? `xmlns:${rootTag.split(':')[0]}` : 'xmlns');
    if (namespace !== CDA_NAMESPACE)
      throw new CdaParseError(`Not a CDA document: <ClinicalDocument> is not in the ${CDA_NAMESPACE} namespace`);
    // The text is decoded already, whatever its bytes were: it is serialized as UTF-8, and says so.
    const declaration = nodes.find((node) => '?xml' in node)?.[':@'];
    if (declaration?.[`${ATTRIBUTE_PREFIX}encoding`] !== undefined)
      declaration[`${ATTRIBUTE_PREFIX}encoding`] = 'UTF-8';
    return new CdaDocument(nodes);
  }

  /** Parses a document (as `parse`) and returns what it says as plain data, for a document parsed in a worker. */
  static summarize(xml: string, options: { maxBytes?: number } = {}): CdaDocumentSummary {
    const document = CdaDocument.parse(xml, options);
    return {
      xml,
      id: document.id,
      typeCode: document.typeCode,
      title: document.title,
      sections: document.sections().map(({ node: _node, ...section }) => ({ ...section, text: section.text })),
      fhir: document.toFhir(),
    };
  }

  /** A document from the summary of one parsed elsewhere (`summarize`); its tree is parsed here only when needed. */
  static fromSummary(summary: CdaDocumentSummary): CdaDocument {
    return new CdaDocument(summary);
  }

  /**
   * The source text and the insertions still to apply to it, while this
   * document's tree has not been built in this thread; otherwise undefined.
   * `parse(xml)`, then `addResources(insertions)`, then `serialize()` gives what
   * `serialize()` here would.
   */
  unparsed(): { xml: string; insertions: InsertableResource[] } | undefined {
    return this.summary && { xml: this.summary.xml, insertions: [...this.pending] };
  }

  private get nodes(): XmlNode[] {
    if (!this.tree) {
      // Checked already when the summary was made: no size limit beyond its own.
      this.tree = CdaDocument.parse(this.summary!.xml, { maxBytes: Infinity }).tree!;
      this.summary = undefined;
      this.insert(this.pending.splice(0));
    }
    return this.tree;
  }

  get root(): XmlNode {
    return this.nodes.find((node) => isElementTag(tagOf(node)))!;
  }

  /** The document id (`id/@extension`, else `id/@root`). */
  get id(): string | undefined {
    if (this.summary) return this.summary.id;
    const id = child(this.root, 'id');
    return attr(id, 'extension') ?? attr(id, 'root');
  }

  /** The document type's LOINC code. */
  get typeCode(): string | undefined {
    if (this.summary) return this.summary.typeCode;
    return attr(child(this.root, 'code'), 'code');
  }

  get title(): string {
    if (this.summary) return this.summary.title;
    return textOf(child(this.root, 'title')).trim();
  }

  /** Every section of the structured body, nested sections included. */
  sections(): CdaSection[] {
    if (this.summary && this.pending.length === 0) return this.summarySections(this.summary);
    return this.treeSections();
  }

  private treeSections(): CdaSection[] {
    const walk = (parent: XmlNode): XmlNode[] =>
      children(parent, 'component').flatMap((component) =>
        children(component, 'section').flatMap((section) => [section, ...walk(section)]),
      );
    return descend(this.root, 'component/structuredBody')
      .flatMap(walk)
      .map((node) => this.describe(node));
  }

  /** The first section of a kind (problems, medications, allergies), by templateId or LOINC code. */
  section(kind: Exclude<SectionKind, 'note'>): CdaSection | undefined {
    return this.sections().find((section) => section.type?.kind === kind);
  }

  sectionByTemplateId(templateId: string): CdaSection | undefined {
    return this.sections().find((section) => section.templateIds.includes(templateId));
  }

  sectionByCode(loinc: string): CdaSection | undefined {
    return this.sections().find((section) => section.code === loinc);
  }

  /** The document as FHIR resources (computed once; insertion refreshes it). */
  toFhir(): CdaFhirView {
    if (this.summary && this.pending.length === 0) return this.summary.fhir;
    if (this.view) return this.view;
    const view: CdaFhirView = { patient: this.patient(), conditions: [], medications: [], allergies: [], notes: [] };
    let counter = 0;
    const withId = <T extends Resource>(resource: T): T => ({ ...resource, id: `cda-${++counter}` });
    for (const section of this.sections()) {
      const kind = section.type?.kind;
      const entries = children(section.node, 'entry');
      const resolve = narrativeResolver(section.node);
      if (kind === 'problems')
        view.conditions.push(...entries.flatMap((e) => MAPPERS.problems(e, resolve)).map(withId));
      else if (kind === 'medications')
        view.medications.push(...entries.flatMap((e) => MAPPERS.medications(e, resolve)).map(withId));
      else if (kind === 'allergies')
        view.allergies.push(...entries.flatMap((e) => MAPPERS.allergies(e, resolve)).map(withId));
      else if (kind === 'note' && section.text) view.notes.push(withId(this.note(section)));
    }
    this.view = view;
    return view;
  }

  /**
   * Adds resources as coded entries of the matching section (created, with
   * narrative, when the document has none), each with a narrative line the
   * entry's text references. Returns how many were added per resource type.
   */
  addResources(resources: InsertableResource[]): Record<string, number> {
    const added: Record<string, number> = {};
    for (const resource of resources) {
      if (!KIND_OF[resource.resourceType])
        throw new CdaParseError(`Cannot insert a ${(resource as Resource).resourceType} into a CDA document`);
      if (this.summary) this.pending.push(resource);
      else this.insert([resource]);
      added[resource.resourceType] = (added[resource.resourceType] ?? 0) + 1;
    }
    return added;
  }

  serialize(): string {
    return serializeXml(this.nodes);
  }

  private insert(resources: InsertableResource[]): void {
    if (resources.length === 0) return;
    for (const resource of resources) {
      const kind = KIND_OF[resource.resourceType];
      const section = this.section(kind)?.node ?? this.createSection(sectionTypeOfKind(kind));
      const reference = this.newReference(kind);
      const label = displayOf(
        resource.resourceType === 'MedicationStatement' ? resource.medicationCodeableConcept : resource.code,
      );
      this.appendNarrative(section, reference, label);
      const entry = (BUILDERS[resource.resourceType] as (r: InsertableResource, ref: string) => XmlNode)(
        resource,
        reference,
      );
      childNodes(section).push(entry);
    }
    this.ensureXsiNamespace();
    this.view = undefined;
  }

  private newReference(kind: string): string {
    this.ids ??= idsIn(this.nodes);
    let reference: string;
    do reference = `ehr-gateway-${kind}-${++this.inserted}`;
    while (this.ids.has(reference));
    this.ids.add(reference);
    return reference;
  }

  /** A section's description; its narrative (`text`, often most of the document) is read when first asked for. */
  private describe(node: XmlNode): CdaSection {
    const templateIds = templateIdsOf(node);
    const codeNode = child(node, 'code');
    const code =
      attr(codeNode, 'codeSystem') === LOINC_OID || !attr(codeNode, 'codeSystem') ? attr(codeNode, 'code') : undefined;
    let text: string | undefined;
    return {
      node,
      type: sectionTypeOf(templateIds, code),
      templateIds,
      code,
      title: textOf(child(node, 'title')).trim(),
      get text() {
        return (text ??= textOf(child(node, 'text')).replace(/\s+/g, ' ').trim());
      },
    };
  }

  /** The summary's sections, each `node` found in the tree (parsed then) when asked for. */
  private summarySections(summary: CdaDocumentSummary): CdaSection[] {
    const nodeOf = (index: number) => this.treeSections()[index].node;
    return summary.sections.map((section, index) => ({
      ...section,
      get node() {
        return nodeOf(index);
      },
    }));
  }

  private patient(): Patient | undefined {
    const role = descend(this.root, 'recordTarget/patientRole')[0];
    if (!role) return undefined;
    const person = child(role, 'patient');
    const name = person && child(person, 'name');
    const given = name
      ? children(name, 'given')
          .map((g) => textOf(g).trim())
          .filter(Boolean)
      : [];
    const family = name ? textOf(child(name, 'family')).trim() : '';
    const gender = GENDER[attr(person && child(person, 'administrativeGenderCode'), 'code') ?? ''];
    const birthDate = toFhirDateTime(attr(person && child(person, 'birthTime'), 'value'))?.slice(0, 10);
    const address = children(role, 'addr')
      .filter((addr) => !attr(addr, 'nullFlavor'))
      .map((addr) => ({
        line: children(addr, 'streetAddressLine')
          .map((line) => textOf(line).trim())
          .filter(Boolean),
        city: textOf(child(addr, 'city')).trim() || undefined,
        state: textOf(child(addr, 'state')).trim() || undefined,
        postalCode: textOf(child(addr, 'postalCode')).trim() || undefined,
      }));
    return {
      resourceType: 'Patient',
      id: 'patient',
      identifier: identifiersOf(role),
      ...(given.length > 0 || family
        ? { name: [{ ...(family ? { family } : {}), ...(given.length > 0 ? { given } : {}) }] }
        : {}),
      ...(gender ? { gender } : {}),
      ...(birthDate ? { birthDate } : {}),
      ...(address.length > 0 ? { address } : {}),
    };
  }

  private note(section: CdaSection): DocumentReference {
    const [date] = effectiveRange(this.root);
    return {
      resourceType: 'DocumentReference',
      status: 'current',
      type: toCodeableConcept(child(section.node, 'code')) ?? { text: section.title },
      description: section.title || section.type?.name,
      subject: { reference: 'Patient/patient' },
      ...((date ?? toFhirDateTime(attr(child(this.root, 'effectiveTime'), 'value')))
        ? { date: toFhirDateTime(attr(child(this.root, 'effectiveTime'), 'value')) }
        : {}),
      content: [
        {
          attachment: {
            contentType: 'text/plain',
            data: Buffer.from(section.text).toString('base64'),
            title: section.title,
          },
        },
      ],
    };
  }

  private createSection(type: SectionType): XmlNode {
    let body = descend(this.root, 'component/structuredBody')[0];
    if (!body) {
      body = element('structuredBody');
      childNodes(this.root).push(element('component', {}, [body]));
    }
    const section = element('section', {}, [
      ...(type.createTemplateId
        ? [element('templateId', { root: type.createTemplateId, extension: '2015-08-01' })]
        : []),
      element('code', { code: type.loinc, codeSystem: LOINC_OID, codeSystemName: 'LOINC', displayName: type.name }),
      element('title', {}, [text(type.name)]),
      element('text'),
    ]);
    childNodes(body).push(element('component', {}, [section]));
    return section;
  }

  private appendNarrative(section: XmlNode, reference: string, label: string): void {
    let narrative = child(section, 'text');
    if (!narrative) {
      narrative = element('text');
      const nodes = childNodes(section);
      const titleIndex = nodes.findIndex((node) => tagOf(node) === 'title');
      nodes.splice(titleIndex + 1, 0, narrative);
    }
    childNodes(narrative).push(element('paragraph', { ID: reference }, [text(label)]));
  }

  private ensureXsiNamespace(): void {
    const root = this.root;
    const attributes = (root[':@'] ??= {});
    const prefixed = Object.entries(attributes).some(
      ([key, value]) => key.startsWith('@_xmlns:') && value === XSI_NAMESPACE && key === '@_xmlns:xsi',
    );
    if (!prefixed) attributes['@_xmlns:xsi'] = XSI_NAMESPACE;
  }
}
