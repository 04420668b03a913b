import { createCdaDocument } from '@ehr-gateway/cda';
import type { OpenAPIObject } from '@nestjs/swagger';
import { EPIC_NAMESPACE, SOAP11_NAMESPACE, SOAP_ACTION } from '../constants';
import { SoapFault, faultEnvelope, responseEnvelope } from '../soap/soap-fault';

export const NOTEREADER_TAG = 'Epic NoteReader';

const XML = 'text/xml';

/** A signed progress note as Epic sends it: a CDA document, base64, in a ProcessDocument call. */
function processDocumentExample(): string {
  const note = createCdaDocument({
    patient: {
      resourceType: 'Patient',
      id: 'example',
      name: [{ family: 'Chalmers', given: ['Peter'] }],
      gender: 'male',
    },
    effectiveTime: '2026-01-01T12:00:00Z',
    notes: [
      {
        loinc: '51847-2',
        title: 'Assessment and plan',
        text: 'History of hypertension, well controlled. Assessment: possible pneumonia.',
      },
    ],
  }).serialize();
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP11_NAMESPACE}" xmlns:urn="${EPIC_NAMESPACE}">\n` +
    '  <soapenv:Body>\n    <urn:ProcessDocument>\n' +
    '      <urn:SessionID>0000-0000-0000-0000</urn:SessionID>\n      <urn:WorkType>2</urn:WorkType>\n' +
    '      <urn:OrganizationID>Testing</urn:OrganizationID>\n' +
    `      <urn:Document>${Buffer.from(note).toString('base64')}</urn:Document>\n` +
    '    </urn:ProcessDocument>\n  </soapenv:Body>\n</soapenv:Envelope>'
  );
}

const FAULT_RESPONSE = {
  description:
    'soap:Fault: `soap:Client` for a malformed call (no document, bad base64, not CDA, too large), `soap:Server` when the handler failed',
  content: {
    [XML]: {
      schema: { type: 'string' },
      example: faultEnvelope(new SoapFault('Client', 'The Document is not valid base64')),
    },
  },
};

/** The OpenAPI paths of the NoteReader SOAP endpoint at `/{path}`: the WSDL and `ProcessDocument`. */
export function noteReaderOpenApi(path: string): Pick<OpenAPIObject, 'paths'> {
  return {
    paths: {
      [`/${path}`]: {
        get: {
          tags: [NOTEREADER_TAG],
          summary: 'The WSDL (add ?wsdl), with this endpoint as its address',
          operationId: 'notereader_wsdl',
          parameters: [
            {
              name: 'wsdl',
              in: 'query',
              required: true,
              allowEmptyValue: true,
              schema: { type: 'string', example: '' },
            },
          ],
          responses: {
            '200': { description: 'The WSDL', content: { [XML]: { schema: { type: 'string' } } } },
            '500': FAULT_RESPONSE,
          },
        },
        post: {
          tags: [NOTEREADER_TAG],
          summary: 'ProcessDocument: a signed note (CDA, base64) in, the note enriched with coded entries out',
          operationId: 'notereader_process_document',
          parameters: [
            {
              name: 'SOAPAction',
              in: 'header',
              description: `Optional; when present it must name ${SOAP_ACTION}`,
              schema: { type: 'string', example: `"${EPIC_NAMESPACE}/${SOAP_ACTION}"` },
            },
          ],
          requestBody: {
            required: true,
            content: { [XML]: { schema: { type: 'string' }, example: processDocumentExample() } },
          },
          responses: {
            '200': {
              description: 'ProcessDocumentResponse with the enriched document (base64), or an `Error` element',
              content: {
                [XML]: {
                  schema: { type: 'string' },
                  example: responseEnvelope('PENsaW5pY2FsRG9jdW1lbnQvPg==', undefined),
                },
              },
            },
            '500': FAULT_RESPONSE,
          },
        },
      },
    },
  };
}
