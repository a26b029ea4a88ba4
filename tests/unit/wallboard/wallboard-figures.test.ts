import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineFigures, waitSecondsOf, wallboardFigures, type WallboardCall } from '../../../src/core/wallboard/wallboard-figures.js';
import type { Disposition } from '../../../src/core/calls/call-record.js';

const T0 = Date.parse('2026-12-03T09:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

/** A call to `line` that waited `wait` seconds and then was answered or ended as `disposition`. */
function call(line: string | null, wait: number, disposition: Disposition, startS = 0): WallboardCall {
  return {
    companyNumber: line,
    startedAt: at(startS),
    answeredAt: disposition === 'answered' ? at(startS + wait) : null,
    endedAt: at(startS + wait + (disposition === 'answered' ? 60 : 0)),
    disposition,
  };
}

describe('the wallboard figures of one line', () => {
  it('counts answered within the service level, missed and abandoned, and the waits', () => {
    const calls = [
      call('+74951234567', 5, 'answered'),
      call('+74951234567', 20, 'answered'), // exactly N seconds: within
      call('+74951234567', 21, 'answered'),
      call('+74951234567', 30, 'cancelled'),
      call('+74951234567', 45, 'missed'),
      call('+74951234567', 3, 'busy'),
    ];
    const f = lineFigures(calls, [], 20, at(100));
    expect(f).toEqual({
      offered: 6,
      answered: 3,
      answeredWithinSl: 2,
      serviceLevel: 2 / 6,
      missed: 2,
      abandoned: 1,
      abandonRate: 1 / 6,
      averageWaitSeconds: (5 + 20 + 21) / 3,
      longestWaitSeconds: 45,
      waitingNow: 0,
      longestWaitingNowSeconds: null,
    });
  });

  it('takes the calls waiting now into the longest wait', () => {
    const f = lineFigures([call('1', 10, 'answered')], [{ companyNumber: '1', since: at(0) }, { companyNumber: '1', since: at(50) }], 20, at(90));
    expect(f).toMatchObject({ waitingNow: 2, longestWaitingNowSeconds: 90, longestWaitSeconds: 90 });
  });

  it('says nothing of shares on a quiet day rather than 0 %', () => {
    expect(lineFigures([], [], 20, at(0))).toMatchObject({ offered: 0, serviceLevel: null, abandonRate: null, averageWaitSeconds: null, longestWaitSeconds: null });
  });

  it('never gives a negative wait when the answer is stamped before the start (clock skew between writers)', () => {
    expect(waitSecondsOf({ companyNumber: null, startedAt: at(10), answeredAt: at(9), endedAt: at(70), disposition: 'answered' })).toBe(0);
  });

  it('holds its identities for any calls: offered = answered + missed + abandoned, within SL <= answered, shares in 0..1', () => {
    const dispositions: Disposition[] = ['answered', 'busy', 'no-answer', 'missed', 'failed', 'cancelled'];
    fc.assert(
      fc.property(fc.array(fc.record({ wait: fc.integer({ min: 0, max: 900 }), d: fc.constantFrom(...dispositions) }), { maxLength: 60 }), fc.integer({ min: 1, max: 120 }), (rows, sl) => {
        const f = lineFigures(rows.map((r) => call('1', r.wait, r.d)), [], sl, at(1000));
        expect(f.answered + f.missed + f.abandoned).toBe(f.offered);
        expect(f.answeredWithinSl).toBeLessThanOrEqual(f.answered);
        if (f.offered > 0) expect(f.serviceLevel).toBeGreaterThanOrEqual(0);
        if (f.offered > 0) expect(f.serviceLevel).toBeLessThanOrEqual(1);
        expect(f.answeredWithinSl).toBe(rows.filter((r) => r.d === 'answered' && r.wait <= sl).length);
      }),
    );
  });
});

describe('the wallboard: lines and team', () => {
  const lines = [
    { name: 'sales', numbers: ['+7 (495) 123-45-67'] },
    { name: 'service', numbers: ['+74957654321', '88005553535'] },
  ];

  it('puts each call on its line by the digits of the number dialled, others on a row of their own, and sums the team', () => {
    const calls = [call('74951234567', 5, 'answered'), call('+7 495 765-43-21', 40, 'cancelled'), call('8 800 555 35 35', 10, 'answered'), call('74990000000', 60, 'missed'), call(null, 2, 'answered')];
    const board = wallboardFigures({
      calls,
      waiting: [{ companyNumber: '+74951234567', since: at(0) }],
      lines,
      statuses: ['available', 'on-call', 'on-call', 'paused', 'offline'],
      serviceLevelSeconds: 20,
      now: at(30),
    });
    expect(board.lines.map((l) => [l.name, l.offered, l.answered, l.abandoned, l.missed, l.waitingNow])).toEqual([
      ['sales', 1, 1, 0, 0, 1],
      ['service', 2, 1, 1, 0, 0],
      [null, 2, 1, 0, 1, 0],
    ]);
    expect(board.lines[2]!.numbers).toEqual(['74990000000']);
    expect(board.team).toMatchObject({ offered: 5, answered: 3, answeredWithinSl: 3, abandoned: 1, missed: 1, waitingNow: 1, serviceLevel: 3 / 5 });
    expect(board.managers).toEqual({ available: 1, ringing: 0, 'on-call': 2, 'wrap-up': 0, paused: 1, offline: 1 });
  });

  it('shows every configured line, even without calls, and no "other" row when every call is on a line', () => {
    const board = wallboardFigures({ calls: [call('74951234567', 1, 'answered')], waiting: [], lines, statuses: [], serviceLevelSeconds: 20, now: at(0) });
    expect(board.lines.map((l) => l.name)).toEqual(['sales', 'service']);
    expect(board.lines[1]).toMatchObject({ offered: 0, serviceLevel: null });
  });
});
