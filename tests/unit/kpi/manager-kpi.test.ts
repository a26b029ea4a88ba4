import { describe, expect, it } from 'vitest';
import { managerKpis } from '../../../src/core/kpi/manager-kpi.js';
import { KPI_DAY, KPI_FACTS, KPI_NOW } from '../../helpers/kpi-fixture.js';
import { at } from '../../helpers/leads.js';

describe('managerKpis', () => {
  it('computes every cell of the day for each manager, by hand', () => {
    const rows = managerKpis(KPI_FACTS, KPI_DAY, KPI_NOW, ['103']);
    expect(rows).toEqual([
      {
        manager: '101',
        // Leads at(0) dialled at 60 s, at(100) at 1000 s (late: SLA 900 s), at(200) never (deadline passed);
        // the one of the day before is out. Median (60 + 1000) / 2; within 1 of 3; called 2 of 3.
        leadsReceived: 3, firstDialMedianSeconds: 530, shareDialledWithinSla: 1 / 3, shareLeadsCalled: 2 / 3,
        // Rung on in1 (102 answered), in2 (answered) and in3 (nobody answered; rung twice, offered once).
        inboundOffered: 3, inboundAnswered: 1, inboundMissed: 2, answerRate: 1 / 3,
        // out1 connected, out2 not; out-after starts at the day's exclusive end.
        outboundCalls: 2, outboundConnected: 1,
        // in2 60 + out1 30.25 (the internal call is left out) = 90.25 over 2 talks = 45.125.
        talkSeconds: 90.25, averageCallSeconds: 45.125,
        // Owed at the day's end: the day before's open task, at(100) open, at(200) done the next day.
        // Time to callback over the day's done tasks: 1800 (at -3600 -> -1800), 600, 53860 (54060 - 200): median 1800.
        callbacksOwed: 3, callbackMedianSeconds: 1800,
      },
      {
        manager: '102',
        // at(10) dialled at 300 s (within); at(7000) undialled, deadline at(7900) still ahead at now = at(7200):
        // out of the SLA share (1 / (2 - 1)) but counted as not called (1 / 2).
        leadsReceived: 2, firstDialMedianSeconds: 300, shareDialledWithinSla: 1, shareLeadsCalled: 1 / 2,
        // Rung on in1 (answered it) and in3 (busy).
        inboundOffered: 2, inboundAnswered: 1, inboundMissed: 1, answerRate: 1 / 2,
        outboundCalls: 1, outboundConnected: 1,
        // in1 120.5 + out3 200 = 320.5 over 2 = 160.25.
        talkSeconds: 320.5, averageCallSeconds: 160.25,
        // One task, at(50) -> at(350): 300 s.
        callbacksOwed: 0, callbackMedianSeconds: 300,
      },
      {
        manager: '103',
        leadsReceived: 0, firstDialMedianSeconds: null, shareDialledWithinSla: null, shareLeadsCalled: null,
        inboundOffered: 0, inboundAnswered: 0, inboundMissed: 0, answerRate: null,
        outboundCalls: 0, outboundConnected: 0, talkSeconds: 0, averageCallSeconds: null,
        callbacksOwed: 0, callbackMedianSeconds: null,
      },
      {
        // Unowned: one lead dialled at 45 s, one open callback task.
        manager: null,
        leadsReceived: 1, firstDialMedianSeconds: 45, shareDialledWithinSla: 1, shareLeadsCalled: 1,
        inboundOffered: 0, inboundAnswered: 0, inboundMissed: 0, answerRate: null,
        outboundCalls: 0, outboundConnected: 0, talkSeconds: 0, averageCallSeconds: null,
        callbacksOwed: 1, callbackMedianSeconds: null,
      },
    ]);
  });

  it('sums talk seconds without float noise', () => {
    const talk = (callId: string, talkSeconds: number) =>
      ({ callId, direction: 'outbound', manager: '101', disposition: 'answered', talkSeconds, startedAt: at(0), attempts: [] }) as const;
    // 0.1 + 0.2 is 0.30000000000000004 in floats; over 2 calls 0.15.
    const [row] = managerKpis({ calls: [talk('a', 0.1), talk('b', 0.2)], leads: [], callbackTasks: [] }, KPI_DAY, KPI_NOW);
    expect([row?.talkSeconds, row?.averageCallSeconds]).toEqual([0.3, 0.15]);
  });

  it('gives an empty list for a day with no facts and no managers named', () => {
    expect(managerKpis({ calls: [], leads: [], callbackTasks: [] }, KPI_DAY, KPI_NOW)).toEqual([]);
  });
});
