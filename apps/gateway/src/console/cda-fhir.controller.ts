import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CdaDocument, CdaParseError, type CdaFhirView } from '@ehr-gateway/cda';
import { NoteWorkerPool, notereaderConfig } from '@ehr-gateway/notereader';
import { CONSOLE_TAG } from '../api-docs';

/**
 * What a CDA document says as FHIR, for the console's NoteReader view: the
 * mapping NoteReader hands its handler (`CdaDocument.toFhir()` of
 * `@ehr-gateway/cda`), computed for the caller and kept nowhere (no store,
 * no event, nothing logged). A document above `NOTEREADER_WORKER_THRESHOLD_BYTES`
 * is read in NoteReader's worker pool, as a large note is, so that it holds no
 * other request.
 */
@ApiTags(CONSOLE_TAG)
@Controller('console/cda')
export class CdaFhirController {
  constructor(
    @Inject(notereaderConfig.KEY) private readonly notereader: ConfigType<typeof notereaderConfig>,
    private readonly workers: NoteWorkerPool,
  ) {}

  @Post('fhir')
  @HttpCode(200)
  @ApiOperation({ summary: 'A CDA document mapped to FHIR resources as NoteReader maps it (nothing is stored)' })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiBody({ schema: { type: 'string', description: 'A CDA R2 ClinicalDocument' } })
  async map(@Body() body: unknown): Promise<CdaFhirView> {
    if (typeof body !== 'string' || body.length === 0)
      throw new BadRequestException('body: a CDA document as application/xml or text/xml');
    const { maxDocumentBytes: maxBytes, workerThresholdBytes } = this.notereader;
    try {
      if (Buffer.byteLength(body) > workerThresholdBytes) return (await this.workers.summarize(body, maxBytes)).fhir;
      return CdaDocument.parse(body, { maxBytes }).toFhir();
    } catch (error) {
      if (error instanceof CdaParseError) throw new BadRequestException(`body: ${error.message}`);
      throw error;
    }
  }
}
