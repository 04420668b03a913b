import { type GatewayConfig, LOCAL_SOURCE } from '../config/gateway-config';

/** The lines a user reads once the gateway listens: where everything is, and what to try. */
export function startupBanner(config: GatewayConfig): string {
  const host = config.gateway.host === '0.0.0.0' || config.gateway.host === '::' ? 'localhost' : config.gateway.host;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${config.gateway.port}`;
  const rows: Array<[string, string]> = [
    ['console', `${base}/`],
    ['API docs', `${base}/docs`],
    ['FHIR base', `${base}/${config.fhir.basePath}/${config.fhir.defaultSource ?? LOCAL_SOURCE}`],
    ['CDS discovery', `${base}/${config.cds.basePath}`],
    ['NoteReader', `${base}/${config.notereader.path}?wsdl`],
    ['try it', `npm run sandbox -- all${config.gateway.port === 3000 ? '' : ` --url ${base}`}`],
  ];
  return [`ehr-gateway started on ${base}`, ...rows.map(([label, value]) => `  ${label.padEnd(14)}${value}`)].join(
    '\n',
  );
}
