import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CONSOLE_TAG } from '../api-docs';
import { Public } from '../auth/public.decorator';
import { CONSOLE_PAGE, consoleSecurityHeaders } from './console-assets';

@ApiTags(CONSOLE_TAG)
@Public()
@Controller()
export class ConsolePageController {
  @Get()
  @ApiOperation({
    summary: 'The web console (an HTML page; what it shows comes from the API with the credentials of the tab)',
  })
  @ApiProduces('text/html')
  page(@Req() request: Request, @Res() response: Response): void {
    consoleSecurityHeaders(request, response, () => response.sendFile(CONSOLE_PAGE));
  }
}
