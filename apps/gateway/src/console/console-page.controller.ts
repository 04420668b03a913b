import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CONSOLE_TAG } from '../api-docs';
import { Public } from '../auth/public.decorator';
import { CONSOLE_PAGE, ConsoleSecurityHeaders } from './console-assets';
import { CONSOLE_SETTINGS, type ConsoleSettings } from './console-settings';

@ApiTags(CONSOLE_TAG)
@Public()
@Controller()
export class ConsolePageController {
  constructor(
    @Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings,
    private readonly headers: ConsoleSecurityHeaders,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The web console (an HTML page; what it shows comes from the API with the credentials of the tab)',
  })
  @ApiProduces('text/html')
  page(@Req() request: Request, @Res() response: Response): void {
    this.headers.middleware(request, response, () => response.sendFile(CONSOLE_PAGE));
  }

  @Get('console/settings')
  @ApiOperation({ summary: 'How the console signs in: the SMART client id and scopes when SMART sign-in is on' })
  consoleSettings(): ConsoleSettings {
    return this.settings;
  }
}
