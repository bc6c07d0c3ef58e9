import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { CannotExecuteNotConnectedError, ConnectionIsNotSetError, QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { conflict, DomainError, notFound, tooManyRequests } from '../src/errors/domain-error';
import { databaseUnavailableReason, toErrorResponse } from '../src/errors/error-response';

/** An error as `pg` or Node's net module raises it. */
const driverError = (message: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(message), fields);
const queryFailed = (driver: Error) => new QueryFailedError('UPDATE flags SET name = $1 WHERE id = $2', ['secret-name', 'id-1'], driver);
const UNAVAILABLE = { status: 503, body: { error: 'Service unavailable' }, headers: { 'retry-after': '5' }, internal: false };

describe('toErrorResponse', () => {
  it('passes domain errors through with their status, extra fields and headers', () => {
    expect(toErrorResponse(notFound('App'))).toEqual({ status: 404, body: { error: 'App not found' }, headers: {}, internal: false });
    expect(toErrorResponse(new DomainError(412, 'Version conflict', { currentVersion: 7 }))).toMatchObject({
      status: 412,
      body: { error: 'Version conflict', currentVersion: 7 },
    });
    expect(toErrorResponse(tooManyRequests('Too many', 0.2))).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
    expect(toErrorResponse(conflict('x')).status).toBe(409);
  });

  it("maps Nest's unknown-route 404 to Route not found", () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /nope')).body).toEqual({ error: 'Route not found' });
  });

  it('maps Fastify body errors wrapped by Nest', () => {
    const cause = Object.assign(new Error("Body is not valid JSON but content-type is set to 'application/json'"), {
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      statusCode: 400,
    });
    expect(toErrorResponse(new HttpException(cause.message, 400, { cause })).body).toEqual({ error: 'Invalid JSON body' });
    const big = Object.assign(new Error('too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(toErrorResponse(new HttpException(big.message, 413, { cause: big }))).toMatchObject({
      status: 413,
      body: { error: 'Request body too large' },
    });
  });

  it('never leaks SQL or internals', () => {
    const sqlError = new QueryFailedError('SELECT secret FROM users', ['p'], Object.assign(new Error('boom'), { code: 'XX000' }));
    expect(toErrorResponse(sqlError)).toEqual({ status: 500, body: { error: 'Internal server error' }, headers: {}, internal: true });
    expect(toErrorResponse(new Error('db password is hunter2'))).toEqual({
      status: 500,
      body: { error: 'Internal server error' },
      headers: {},
      internal: true,
    });
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

  describe('database unreachable → 503 Service unavailable with Retry-After, logged once per outage, not as an internal error', () => {
    const socketErrors = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].map(
      (code) => [code, driverError(`connect ${code} 127.0.0.1:5432`, { code, syscall: 'connect' })] as const,
    );
    const pgMessages = [
      'Connection terminated',
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Query read timeout',
      'Client has encountered a connection error and is not queryable',
      'Cannot use a pool after calling end on the pool',
    ].map((message) => [message, driverError(message)] as const);
    const sqlStates = [
      ['08006', 'connection failure'],
      ['08001', 'unable to establish connection'],
      ['08P01', 'protocol violation'],
      ['57P01', 'terminating connection due to administrator command'],
      ['57P02', 'crash shutdown'],
      ['57P03', 'the database system is starting up'],
      ['53300', 'sorry, too many clients already'],
      ['57014', 'canceling statement due to statement timeout'],
    ].map(([code, message]) => [code, driverError(message, { code, severity: 'FATAL' })] as const);

    it.each([...socketErrors, ...pgMessages, ...sqlStates])('%s, raw (pool checkout) or wrapped in QueryFailedError', (reason, error) => {
      expect(toErrorResponse(error)).toEqual({ ...UNAVAILABLE, databaseUnavailable: reason });
      const wrapped = toErrorResponse(queryFailed(error));
      expect(wrapped).toEqual({ ...UNAVAILABLE, databaseUnavailable: reason });
      expect(JSON.stringify(wrapped)).not.toMatch(/UPDATE|secret-name/);
    });

    it("TypeORM's not-connected errors", () => {
      for (const error of [
        new ConnectionIsNotSetError('postgres'),
        new CannotExecuteNotConnectedError(),
        new QueryRunnerAlreadyReleasedError(),
      ]) {
        expect(toErrorResponse(error)).toEqual({ ...UNAVAILABLE, databaseUnavailable: error.name });
      }
      expect(toErrorResponse(driverError('Driver not Connected'))).toMatchObject(UNAVAILABLE);
    });

    it('looks through cause and AggregateError (one failure per address of the host)', () => {
      const refused = driverError('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' });
      expect(databaseUnavailableReason(new AggregateError([refused, refused], 'all addresses failed'))).toBe('ECONNREFUSED');
      expect(
        databaseUnavailableReason(
          new Error('Connection terminated due to connection timeout', { cause: driverError('timeout', { code: 'ETIMEDOUT' }) }),
        ),
      ).toBe('Connection terminated due to connection timeout');
      expect(databaseUnavailableReason(new Error('wrapper', { cause: driverError('read ECONNRESET', { code: 'ECONNRESET' }) }))).toBe(
        'ECONNRESET',
      );
    });

    it('leaves statement errors alone: they are bugs (500) or conflicts, not an outage', () => {
      expect(toErrorResponse(queryFailed(driverError('syntax error at or near "x"', { code: '42601' })))).toMatchObject({
        status: 500,
        internal: true,
      });
      expect(toErrorResponse(queryFailed(driverError('division by zero', { code: '22012' })))).toMatchObject({ status: 500 });
      expect(toErrorResponse(queryFailed(driverError('duplicate key', { code: '23505' })))).toMatchObject({ status: 409 });
      expect(toErrorResponse(queryFailed(driverError('could not serialize', { code: '40001' })))).toMatchObject({
        status: 503,
        headers: { 'retry-after': '1' },
      });
      expect(
        databaseUnavailableReason(driverError('Connection terminated by a rule of ours, said a message that merely looks alike')),
      ).toBeUndefined();
      expect(databaseUnavailableReason(undefined)).toBeUndefined();
      expect(databaseUnavailableReason('ECONNREFUSED')).toBeUndefined();
    });
  });
});
