export {
  CDA_DEFAULT_MAX_BYTES,
  CDA_NAMESPACE,
  CdaDocument,
  CdaParseError,
  type CdaDocumentSummary,
  type CdaFhirView,
  type CdaSection,
  type InsertableResource,
} from './cda-document';
export { CODE_SYSTEMS, systemOid, systemUri } from './code-systems';
export { SECTION_TYPES, type SectionKind, type SectionType } from './mapping/sections';
export { createCdaDocument, type CdaNoteSection, type NewCdaDocument } from './cda-builder';
