export const NOTEREADER_HANDLER_METADATA = Symbol('ehr-gateway:notereader-handler');
export const EPIC_NAMESPACE = 'urn:epic-com:Common.2013.Services';
export const SOAP11_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_ACTION = 'ProcessDocument';
