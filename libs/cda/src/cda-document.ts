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
} from './xml-tree';

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

const GENDER: Record<string, Patient['gender']> = { M: 'male', F: 'female', UN: 'other', UNK: 'unknown' };

/**
 * A CDA R2 document: the whole ordered XML tree (so serializing loses
 * nothing), its sections found by templateId or LOINC code, a FHIR view, and
 * insertion of coded entries.
 */
export class CdaDocument {
  private view?: CdaFhirView;
  private inserted = 0;

  private constructor(private readonly nodes: XmlNode[]) {}

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
      throw new CdaParseError(
        `Not a CDA document: the root element is ${rootTag ? `<${rootTag}>` : 'missing'}, not <ClinicalDocument>`,
      );
    }
    const namespace = attr(root, rootTag.includes(':') ? `xmlns:${rootTag.split(':')[0]}` : 'xmlns');
    if (namespace !== CDA_NAMESPACE)
      throw new CdaParseError(`Not a CDA document: <ClinicalDocument> is not in the ${CDA_NAMESPACE} namespace`);
    return new CdaDocument(nodes);
  }

  get root(): XmlNode {
    return this.nodes.find((node) => isElementTag(tagOf(node)))!;
  }

  /** The document id (`id/@extension`, else `id/@root`). */
  get id(): string | undefined {
    const id = child(this.root, 'id');
    return attr(id, 'extension') ?? attr(id, 'root');
  }

  /** The document type's LOINC code. */
  get typeCode(): string | undefined {
    return attr(child(this.root, 'code'), 'code');
  }

  get title(): string {
    return textOf(child(this.root, 'title')).trim();
  }

  /** Every section of the structured body, nested sections included. */
  sections(): CdaSection[] {
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
      const kind = KIND_OF[resource.resourceType];
      if (!kind) throw new CdaParseError(`Cannot insert a ${(resource as Resource).resourceType} into a CDA document`);
      const section = this.section(kind)?.node ?? this.createSection(sectionTypeOfKind(kind));
      const reference = `ehr-gateway-${kind}-${++this.inserted}`;
      const label = displayOf(
        resource.resourceType === 'MedicationStatement' ? resource.medicationCodeableConcept : resource.code,
      );
      this.appendNarrative(section, reference, label);
      const entry = (BUILDERS[resource.resourceType] as (r: InsertableResource, ref: string) => XmlNode)(
        resource,
        reference,
      );
      childNodes(section).push(entry);
      added[resource.resourceType] = (added[resource.resourceType] ?? 0) + 1;
    }
    this.ensureXsiNamespace();
    this.view = undefined;
    return added;
  }

  serialize(): string {
    return serializeXml(this.nodes);
  }

  private describe(node: XmlNode): CdaSection {
    const templateIds = templateIdsOf(node);
    const codeNode = child(node, 'code');
    const code =
      attr(codeNode, 'codeSystem') === LOINC_OID || !attr(codeNode, 'codeSystem') ? attr(codeNode, 'code') : undefined;
    return {
      node,
      type: sectionTypeOf(templateIds, code),
      templateIds,
      code,
      title: textOf(child(node, 'title')).trim(),
      text: textOf(child(node, 'text')).replace(/\s+/g, ' ').trim(),
    };
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
