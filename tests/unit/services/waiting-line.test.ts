import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WaitingLine, type WaitingEntry } from '../../../src/services/waiting-line.js';

const T0 = 1_800_000_000_000;
const entry = (callId: string, over: Partial<WaitingEntry> = {}): WaitingEntry => ({ callId, scenario: 'main', priority: false, step: 0, since: T0, deadline: T0 + 60_000, ...over });
const order = (line: WaitingLine, scenario = 'main') => (line.byScenario().find(([s]) => s === scenario)?.[1] ?? []).map((e) => e.callId);

describe('waiting line', () => {
  it('serves calls in order of arrival', () => {
    const line = new WaitingLine();
    for (const id of ['a', 'b', 'c']) line.add(entry(id));
    expect(order(line)).toEqual(['a', 'b', 'c']);
    expect(line.size).toBe(3);
  });

  it('puts known clients (priority) before the others, in their own order of arrival', () => {
    const line = new WaitingLine();
    line.add(entry('a'));
    line.add(entry('p1', { priority: true }));
    line.add(entry('b'));
    line.add(entry('p2', { priority: true }));
    expect(order(line)).toEqual(['p1', 'p2', 'a', 'b']);
  });

  it('keeps one line per scenario', () => {
    const line = new WaitingLine();
    line.add(entry('a'));
    line.add(entry('x', { scenario: 'other' }));
    line.add(entry('b'));
    expect(line.byScenario()).toEqual([
      ['main', [entry('a'), entry('b')]],
      ['other', [entry('x', { scenario: 'other' })]],
    ]);
  });

  it('takes a call out, drops an emptied line, and says when the call was not there', () => {
    const line = new WaitingLine();
    line.add(entry('a'));
    line.add(entry('b'));
    expect(line.remove('a')).toEqual(entry('a'));
    expect(line.remove('a')).toBeUndefined();
    expect(line.get('a')).toBeUndefined();
    expect(order(line)).toEqual(['b']);
    line.remove('b');
    expect(line.byScenario()).toEqual([]);
    expect(line.size).toBe(0);
  });

  it('holds one entry per call: adding it again replaces the first', () => {
    const line = new WaitingLine();
    line.add(entry('a'));
    line.add(entry('b'));
    line.add(entry('a', { deadline: T0 + 120_000 }));
    expect(line.size).toBe(2);
    expect(order(line).sort()).toEqual(['a', 'b']);
    expect(line.get('a')?.deadline).toBe(T0 + 120_000);
  });

  it('says whether a new call would queue behind someone: anyone for an ordinary call, a known client only for a known one', () => {
    const line = new WaitingLine();
    expect(line.hasAhead('main', false)).toBe(false);
    line.add(entry('a'));
    expect(line.hasAhead('main', false)).toBe(true);
    expect(line.hasAhead('main', true)).toBe(false);
    expect(line.hasAhead('other', false)).toBe(false);
    line.add(entry('p', { priority: true }));
    expect(line.hasAhead('main', true)).toBe(true);
  });

  it('hands out copies: changing a listed line does not change the waiting line', () => {
    const line = new WaitingLine();
    line.add(entry('a'));
    line.byScenario()[0]![1].pop();
    expect(order(line)).toEqual(['a']);
  });

  it('is a stable partition by priority, whatever the arrivals and departures (property)', () => {
    const op = fc.oneof(
      fc.record({ add: fc.integer({ min: 0, max: 15 }), priority: fc.boolean() }),
      fc.record({ remove: fc.integer({ min: 0, max: 15 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const line = new WaitingLine();
        const model: { id: string; priority: boolean }[] = [];
        for (const o of ops) {
          if ('add' in o) {
            const id = `c${o.add}`;
            if (model.some((m) => m.id === id)) continue; // a call enters the line once
            line.add(entry(id, { priority: o.priority }));
            model.push({ id, priority: o.priority });
          } else {
            const id = `c${o.remove}`;
            line.remove(id);
            model.splice(0, model.length, ...model.filter((m) => m.id !== id));
          }
        }
        const expected = [...model.filter((m) => m.priority), ...model.filter((m) => !m.priority)].map((m) => m.id);
        expect(order(line)).toEqual(expected);
        expect(line.size).toBe(model.length);
      }),
      { numRuns: 300 },
    );
  });
});
