import { BadRequestException, NotFoundException } from '@nestjs/common';
import { badRequest, DomainError, forbidden, notAuthenticated, notFound, tooManyRequests } from '@superflag/core';
import { QueryFailedError } from 'typeorm';
import { issueField, reflagCode, toReflagError } from '../src/reflag-error';

describe("Reflag's error body", () => {
  it('keeps the status and message, and names the code Reflag uses for it', () => {
    expect(toReflagError(notFound('App'))).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'App not found' } } });
    expect(toReflagError(notAuthenticated()).body).toEqual({ error: { code: 'unauthenticated', message: 'Not authenticated' } });
    expect(toReflagError(forbidden()).body).toEqual({ error: { code: 'unauthorized', message: 'Insufficient permissions' } });
    expect(toReflagError(new DomainError(412, 'Version conflict', { currentVersion: 4 })).body).toEqual({
      error: { code: 'not_possible', message: 'Version conflict' },
    });
    expect(toReflagError(new DomainError(409, 'Targets per flag limit reached (3)', { key: 'beta' }))).toMatchObject({
      status: 409,
      body: { error: { code: 'not_possible', message: 'Targets per flag limit reached (3)' } },
    });
    expect(toReflagError(new NotFoundException('Cannot GET /api/nope'))).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: 'Route not found' } },
    });
    expect(toReflagError(new BadRequestException('bad')).body.error.code).toBe('invalid_request');
  });

  it('keeps the headers (Retry-After) and says nothing of internals', () => {
    expect(toReflagError(tooManyRequests('Monthly quota exceeded', 30))).toMatchObject({
      status: 429,
      headers: { 'retry-after': '30' },
      body: { error: { code: 'not_available', message: 'Monthly quota exceeded' } },
    });
    const sql = new QueryFailedError('SELECT secret FROM users WHERE id = $1', ['usr_1'], new Error('syntax error at or near "FROM"'));
    expect(toReflagError(sql)).toEqual({
      status: 500,
      body: { error: { code: 'unknown_error', message: 'Internal server error' } },
      headers: {},
      internal: true,
    });
    expect(toReflagError(new TypeError('x is undefined')).body).toEqual({
      error: { code: 'unknown_error', message: 'Internal server error' },
    });
    const down = toReflagError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(down).toMatchObject({ status: 503, headers: { 'retry-after': '5' }, body: { error: { code: 'not_available' } } });
  });

  it('turns validation details into issues by field', () => {
    const err = badRequest('Unknown field: updates.0.x', {
      details: [
        'Unknown field: updates.0.x',
        'updates.0.userId must be shorter than or equal to 256 characters',
        'Request body must be a JSON object',
      ],
    });
    expect(toReflagError(err).body).toEqual({
      error: { code: 'invalid_request', message: 'Unknown field: updates.0.x' },
      issues: {
        'updates.0.x': ['Unknown field: updates.0.x'],
        'updates.0.userId': ['updates.0.userId must be shorter than or equal to 256 characters'],
        Request: ['Request body must be a JSON object'],
      },
    });
    expect(toReflagError(badRequest('updates is required')).body).toEqual({
      error: { code: 'invalid_request', message: 'updates is required' },
    });
  });

  it('maps every status to one of the codes of its schema', () => {
    expect([400, 401, 403, 404, 405, 409, 412, 413, 415, 429, 500, 503].map(reflagCode)).toEqual([
      'invalid_request',
      'unauthenticated',
      'unauthorized',
      'not_found',
      'not_allowed',
      'not_possible',
      'not_possible',
      'invalid_request',
      'invalid_request',
      'not_available',
      'unknown_error',
      'not_available',
    ]);
    expect(issueField('updates.3.value: must be a string')).toBe('updates.3.value');
    expect(issueField('!?')).toBe('');
  });
});
