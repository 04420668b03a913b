import { ForbiddenException, HttpException, UnauthorizedException } from '@nestjs/common';
import { describeExceptionFilters } from '../../../../test/support/exception-filter-suite';
import { CdsError, CdsExceptionFilter } from './cds-errors';
import { CdsRpcExceptionFilter } from './cds-rpc-exception.filter';

// Expected answers from the documented CDS error body `{ error, message, details }` (error: the HTTP status text).
describeExceptionFilters({
  name: 'CDS',
  filters: { http: CdsExceptionFilter, rpc: CdsRpcExceptionFilter },
  answers: (body: object) => ({ http: body, message: body }),
  internal: { error: 'Internal Server Error', message: 'The CDS service failed', details: [] },
  httpExceptions: [
    ['UnauthorizedException', new UnauthorizedException('Refused'), 401, { error: 'Unauthorized', message: 'Refused' }],
    ['ForbiddenException', new ForbiddenException('Forbidden'), 403, { error: 'Forbidden', message: 'Forbidden' }],
    ['HttpException 429', new HttpException('Slow down', 429), 429, { error: 'Too Many Requests', details: [] }],
  ],
  ownError: {
    error: new CdsError(400, 'Invalid CDS request', ['hook is required']),
    status: 400,
    body: { error: 'Bad Request', message: 'Invalid CDS request', details: ['hook is required'] },
  },
});
