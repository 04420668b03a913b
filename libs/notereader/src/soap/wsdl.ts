import { escapeXml } from './soap-fault';

/**
 * The ProcessDocument contract (Epic NoteReader CDI, document/literal SOAP 1.1),
 * with this endpoint's real address. Every element is optional and nillable,
 * as in Epic's own description.
 */
export function noteReaderWsdl(location: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:epic-com:Common.2013.Services" targetNamespace="urn:epic-com:Common.2013.Services" name="ICDSServices">
  <wsdl:types>
    <xs:schema targetNamespace="urn:epic-com:Common.2013.Services" elementFormDefault="qualified">
      <xs:complexType name="ProcessDocument">
        <xs:sequence>
          <xs:element name="SessionID" type="xs:string" minOccurs="0" nillable="true"/>
          <xs:element name="WorkType" type="xs:string" minOccurs="0" nillable="true"/>
          <xs:element name="OrganizationID" type="xs:string" minOccurs="0" nillable="true"/>
          <xs:element name="Document" type="xs:base64Binary" minOccurs="0" nillable="true"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="Response">
        <xs:sequence>
          <xs:element name="Document" type="xs:base64Binary" minOccurs="0" nillable="true"/>
          <xs:element name="Error" type="xs:string" minOccurs="0" nillable="true"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="ProcessDocumentResponse">
        <xs:sequence>
          <xs:element name="ProcessDocumentResult" type="tns:Response" minOccurs="0" nillable="true"/>
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="Fault">
        <xs:sequence>
          <xs:element name="Type" type="xs:string" minOccurs="0" nillable="true"/>
        </xs:sequence>
      </xs:complexType>
      <xs:element name="ProcessDocument" type="tns:ProcessDocument"/>
      <xs:element name="ProcessDocumentResponse" type="tns:ProcessDocumentResponse"/>
      <xs:element name="ClientFault" type="tns:Fault"/>
      <xs:element name="ServerFault" type="tns:Fault"/>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="ProcessDocument"><wsdl:part name="parameters" element="tns:ProcessDocument"/></wsdl:message>
  <wsdl:message name="ProcessDocumentResponse"><wsdl:part name="parameters" element="tns:ProcessDocumentResponse"/></wsdl:message>
  <wsdl:message name="ClientFault"><wsdl:part name="ClientFault" element="tns:ClientFault"/></wsdl:message>
  <wsdl:message name="ServerFault"><wsdl:part name="ServerFault" element="tns:ServerFault"/></wsdl:message>
  <wsdl:portType name="ICDSServices">
    <wsdl:operation name="ProcessDocument">
      <wsdl:input name="ProcessDocument" message="tns:ProcessDocument"/>
      <wsdl:output name="ProcessDocumentResponse" message="tns:ProcessDocumentResponse"/>
      <wsdl:fault name="ClientFault" message="tns:ClientFault"/>
      <wsdl:fault name="ServerFault" message="tns:ServerFault"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="ICDSServices" type="tns:ICDSServices">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="ProcessDocument">
      <soap:operation soapAction="ProcessDocument" style="document"/>
      <wsdl:input name="ProcessDocument"><soap:body use="literal"/></wsdl:input>
      <wsdl:output name="ProcessDocumentResponse"><soap:body use="literal"/></wsdl:output>
      <wsdl:fault name="ClientFault"><soap:fault name="ClientFault" use="literal"/></wsdl:fault>
      <wsdl:fault name="ServerFault"><soap:fault name="ServerFault" use="literal"/></wsdl:fault>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="CDSServices">
    <wsdl:port name="ICDSServices" binding="tns:ICDSServices">
      <soap:address location="${escapeXml(location)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
