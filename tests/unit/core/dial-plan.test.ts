import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyCall } from '../../../src/core/calls/dial-plan.js';

const ctx = { extensions: new Set(['101', '102']) };

describe('classifyCall', () => {
  it('treats every trunk call as inbound to the dialled number as written: the scenarios decide who serves it', () => {
    for (const dialled of ['+74951234567', '74951234567', '+7 (495) 123-45-67', '+74950000000', '101', '']) {
      expect(classifyCall({ source: 'trunk', fromUser: '79161112233', dialled }, ctx)).toEqual({
        kind: 'inbound',
        companyNumber: dialled,
        callerNumber: '79161112233',
      });
    }
  });

  it('never lets a trunk call become internal or outbound, whatever it carries', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('101', '102', '+79161234567', 'alice', ''), (fromUser, dialled) => {
        expect(classifyCall({ source: 'trunk', fromUser, dialled }, ctx)).toEqual({ kind: 'inbound', companyNumber: dialled, callerNumber: fromUser });
      }),
    );
  });

  it('sends a manager dialling an extension to that manager', () => {
    expect(classifyCall({ source: 'phone', fromUser: '101', dialled: '102' }, ctx)).toEqual({ kind: 'internal', fromExtension: '101', extension: '102' });
  });

  it('refuses a manager calling himself', () => {
    expect(classifyCall({ source: 'phone', fromUser: '101', dialled: '101' }, ctx)).toMatchObject({ kind: 'reject', code: 486 });
  });

  it('sends external numbers out through the trunk', () => {
    for (const dialled of ['+79161234567', '8 (916) 123-45-67', '12345']) {
      expect(classifyCall({ source: 'phone', fromUser: '101', dialled }, ctx)).toEqual({ kind: 'outbound', fromExtension: '101', number: dialled });
    }
  });

  it('rejects short, unknown or non-numeric targets from phones with 404', () => {
    for (const dialled of ['999', '1234', '103', 'alice', '+7916*123', '']) {
      expect(classifyCall({ source: 'phone', fromUser: '101', dialled }, ctx)).toMatchObject({ kind: 'reject', code: 404 });
    }
  });

  it('sends the click-to-call controller leg to the manager, and only to a known extension', () => {
    const ctx2 = { extensions: new Set(['101', '102']) };
    expect(classifyCall({ source: 'controller', fromUser: 'click-to-call', dialled: '101' }, ctx2)).toEqual({ kind: 'click-to-call', extension: '101' });
    expect(classifyCall({ source: 'controller', fromUser: 'click-to-call', dialled: '+79161234567' }, ctx2)).toMatchObject({ kind: 'reject', code: 404 });
  });
});
