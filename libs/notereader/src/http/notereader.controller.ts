import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { publicBaseUrl } from '@ehr-gateway/common';
import type { Request, Response } from 'express';
import { SOAP_ACTION } from '../constants';
import { NoteReaderService } from '../notereader.service';
import { SoapFault } from '../soap/soap-fault';
import { noteReaderWsdl } from '../soap/wsdl';
import { checkNoteReaderCredentials } from './notereader-credentials';
import { NoteReaderEventsInterceptor } from './notereader-events.interceptor';
import { SoapFaultFilter } from './soap-fault.filter';

/** The SOAP 1.1 NoteReader endpoint, mounted by `NoteReaderModule` at its `path` (`RouterModule`). */
@ApiExcludeController()
@Controller()
@UseFilters(SoapFaultFilter)
@UseInterceptors(NoteReaderEventsInterceptor)
export class NoteReaderController {
  constructor(private readonly notereader: NoteReaderService) {}

  /** `GET ?wsdl`: the contract, with this endpoint's address. */
  @Get()
  wsdl(@Query('wsdl') wsdl: string | undefined, @Req() request: Request, @Res() response: Response): void {
    if (wsdl === undefined) throw new SoapFault('Client', 'GET serves only the WSDL: add ?wsdl');
    const location = `${publicBaseUrl(request)}${request.baseUrl}${request.path}`;
    response.status(200).type('text/xml; charset=utf-8').send(noteReaderWsdl(location));
  }

  @Post()
  @HttpCode(200)
  async processDocument(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    // SOAP 1.1 allows an empty SOAPAction ("" or nothing): it says no more than an absent one.
    const action = request.headers.soapaction?.toString().replace(/"/g, '').trim();
    if (action && action.split(/[/#]/).pop() !== SOAP_ACTION) {
      throw new SoapFault('Client', `Unknown SOAPAction; this endpoint serves ${SOAP_ACTION}`);
    }
    // The credential first: nothing of an anonymous message is read beyond a bounded look for its UsernameToken.
    if (this.notereader.credentials) checkNoteReaderCredentials(this.notereader.credentials, request);
    const note = await this.notereader.read(body);
    const envelope = await this.notereader.process(note);
    response.type('text/xml; charset=utf-8');
    return envelope;
  }
}
