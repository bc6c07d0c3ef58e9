import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { conflict, DomainError, notFound, tooManyRequests } from '../src/errors/domain-error';
import { toErrorResponse } from '../src/errors/error-response';

describe('toErrorResponse', () => {
  it('passes domain errors through with their status, extra fields and headers', () => {
    expect(toErrorResponse(notFound('App'))).toEqual({ status: 404, body: { error: 'App not found' }, headers: {}, internal: false });
    expect(toErrorResponse(new DomainError(412, 'Version conflict', { currentVersion: 7 }))).toMatchObject({ status: 412, body: { error: 'Version conflict', currentVersion: 7 } });
    expect(toErrorResponse(tooManyRequests('Too many', 0.2))).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
    expect(toErrorResponse(conflict('x')).status).toBe(409);
  });

  it("maps Nest's unknown-route 404 to Route not found", () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /nope')).body).toEqual({ error: 'Route not found' });
  });

  it('maps Fastify body errors wrapped by Nest', () => {
    const cause = Object.assign(new Error("Body is not valid JSON but content-type is set to 'application/json'"), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
    expect(toErrorResponse(new HttpException(cause.message, 400, { cause })).body).toEqual({ error: 'Invalid JSON body' });
    const big = Object.assign(new Error('too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(toErrorResponse(new HttpException(big.message, 413, { cause: big }))).toMatchObject({ status: 413, body: { error: 'Request body too large' } });
  });

  it('never leaks SQL or internals', () => {
    const sqlError = new QueryFailedError('SELECT secret FROM users', ['p'], Object.assign(new Error('boom'), { code: 'XX000' }));
    expect(toErrorResponse(sqlError)).toEqual({ status: 500, body: { error: 'Internal server error' }, headers: {}, internal: true });
    expect(toErrorResponse(new Error('db password is hunter2'))).toEqual({ status: 500, body: { error: 'Internal server error' }, headers: {}, internal: true });
    expect(toErrorResponse(new HttpException('upstream detail', 502)).body).toEqual({ error: 'Internal server error' });
  });

  it('maps unique violations that escape a service to 409', () => {
    const dup = new QueryFailedError('INSERT', [], Object.assign(new Error('dup'), { code: '23505' }));
    expect(toErrorResponse(dup)).toMatchObject({ status: 409, body: { error: 'Conflict' } });
  });

  it('keeps the message of client HttpExceptions', () => {
    expect(toErrorResponse(new BadRequestException('name is required')).body).toEqual({ error: 'name is required' });
    expect(toErrorResponse(new HttpException('Slow down', 429)).body).toEqual({ error: 'Slow down' });
  });
});
