import { loadGatewayConfig } from './config/gateway-config';
import { loggedPath } from './logging';

describe('loggedPath', () => {
  const config = loadGatewayConfig({
    NODE_ENV: 'test',
    FHIR_SOURCES: JSON.stringify({ epic: 'https://fhir.example.org/R4' }),
  });

  it.each([
    ['/fhir/local/Patient/1?name=smith', '/fhir/local/Patient/1'],
    ['/fhir/epic/Patient?name=smith', '/fhir/epic/Patient'],
    ['/fhir/metadata', '/fhir/metadata'],
    ['/fhir/status/', '/fhir/status/'],
    ['/fhir/.well-known/smart-configuration', '/fhir/.well-known/smart-configuration'],
    ['/fhir/unauth-PHI-JaneDoe-19800101/Patient/1', '/fhir/unknown/Patient/1'],
    ['/FHIR/JaneDoe', '/fhir/unknown'],
    ['/fhir/Jane%20Doe/Patient?x=1', '/fhir/unknown/Patient'],
    ['/metrics', '/metrics'],
    ['/cds-services', '/cds-services'],
    ['/cds-services/', '/cds-services/'],
    ['/cds-services/patient-greeting?x=1', '/cds-services/patient-greeting'],
    ['/cds-services/patient-greeting/feedback', '/cds-services/patient-greeting/feedback'],
    ['/cds-services/JaneDoe-19800101', '/cds-services/unknown'],
    ['/CDS-Services/Jane%20Doe/feedback', '/cds-services/unknown/feedback'],
  ])('%s logs as %s', (url, logged) => {
    expect(loggedPath(url, config, (id) => id === 'patient-greeting')).toBe(logged);
  });
});
