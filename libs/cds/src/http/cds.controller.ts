import { Body, Controller, Get, HttpCode, Param, Post, Req, UseFilters, UseInterceptors } from '@nestjs/common';
import { RequestContextService } from '@ehr-gateway/events';
import type { Request } from 'express';
import { CdsServicesExplorer } from '../cds-services.explorer';
import { CdsInvoker } from '../cds-invoker';
import { FeedbackDto } from '../dto/cds-request.dto';
import { problemsOf } from '../dto/validate';
import { FeedbackStore } from '../feedback/feedback.store';
import type { CdsResponse } from '../dto/cds-response.dto';
import type { CdsServiceDefinition } from '../interfaces/cds.interfaces';
import { CdsJwtVerifier } from '../jwt/cds-jwt.verifier';
import { CdsError, CdsExceptionFilter } from './cds-errors';
import { CdsEventsInterceptor } from './cds-events.interceptor';

/**
 * The CDS Hooks 2.0 routes. `CdsModule` mounts them under its `basePath`
 * with `RouterModule`, so the prefix can be configured.
 */
@Controller()
@UseFilters(CdsExceptionFilter)
@UseInterceptors(CdsEventsInterceptor)
export class CdsController {
  constructor(
    private readonly services: CdsServicesExplorer,
    private readonly invoker: CdsInvoker,
    private readonly jwt: CdsJwtVerifier,
    private readonly feedbackStore: FeedbackStore,
    private readonly requestContext: RequestContextService,
  ) {}

  @Get()
  async discovery(@Req() request: Request): Promise<{ services: CdsServiceDefinition[] }> {
    await this.authenticate(request);
    return {
      services: this.services.all().map(({ definition }) => ({
        hook: definition.hook,
        title: definition.title,
        description: definition.description,
        id: definition.id,
        prefetch: definition.prefetch,
        usageRequirements: definition.usageRequirements,
      })),
    };
  }

  @Post(':id')
  @HttpCode(200)
  async invoke(@Param('id') id: string, @Body() body: unknown, @Req() request: Request): Promise<CdsResponse> {
    await this.authenticate(request);
    return this.invoker.invoke(id, body);
  }

  @Post(':id/feedback')
  @HttpCode(200)
  async feedback(@Param('id') id: string, @Body() body: unknown, @Req() request: Request): Promise<{ stored: number }> {
    await this.authenticate(request);
    if (!this.services.get(id)) throw new CdsError(404, 'No CDS service with this id');
    const problems = problemsOf(FeedbackDto, body);
    if (problems.length > 0) throw new CdsError(400, 'Invalid feedback', problems);
    return { stored: this.feedbackStore.save(id, (body as FeedbackDto).feedback) };
  }

  private async authenticate(request: Request): Promise<void> {
    if (!this.jwt.enabled) return;
    this.requestContext.setUser(await this.jwt.verify(request));
  }
}
