import { describe, expect, it } from 'vitest';
import { classifyCall } from '../../../src/core/calls/dial-plan.js';

const ctx = { companyNumbers: ['+74951234567'], extensions: new Set(['101', '102']) };

describe('classifyCall', () => {
  it('routes a trunk call to the company number however it is written', () => {
    for (const dialled of ['+74951234567', '74951234567', '+7 (495) 123-45-67']) {
      expect(classifyCall({ source: 'trunk', fromUser: '79161112233', dialled }, ctx)).toEqual({
        kind: 'inbound',
        companyNumber: '+74951234567',
        callerNumber: '79161112233',
      });
    }
  });

  it('rejects a trunk call to a number the company does not own', () => {
    expect(classifyCall({ source: 'trunk', fromUser: 'x', dialled: '+74950000000' }, ctx)).toMatchObject({ kind: 'reject', code: 404 });
  });

  it('lets a trunk not reach extensions directly', () => {
    expect(classifyCall({ source: 'trunk', fromUser: 'x', dialled: '101' }, ctx).kind).toBe('reject');
  });

  it('sends a manager dialling an extension to that manager', () => {
    expect(classifyCall({ source: 'phone', fromUser: '101', dialled: '102' }, ctx)).toEqual({ kind: 'internal', fromExtension: '101', extension: '102' });
  });

  it('refuses a manager calling himself', () => {
    expect(classifyCall({ source: 'phone', fromUser: '101', dialled: '101' }, ctx)).toMatchObject({ kind: 'reject', code: 486 });
  });

  it('sends external numbers out through the trunk', () => {
    expect(classifyCall({ source: 'phone', fromUser: '101', dialled: '+79161234567' }, ctx)).toEqual({
      kind: 'outbound',
      fromExtension: '101',
      number: '+79161234567',
    });
  });

  it('rejects short or non-numeric targets from phones', () => {
    expect(classifyCall({ source: 'phone', fromUser: '101', dialled: '999' }, ctx).kind).toBe('reject');
    expect(classifyCall({ source: 'phone', fromUser: '101', dialled: 'alice' }, ctx).kind).toBe('reject');
  });
});
